"""The alerter reads a fetch's partitions in turn, each in its own order."""

from __future__ import annotations

from collections import namedtuple

from aiokafka import TopicPartition
from hypothesis import given
from hypothesis import strategies as st

from pipeline.alert.stage import interleaved

Rec = namedtuple("Rec", "offset")


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5))
def test_every_record_once_each_partition_in_order_and_partitions_in_turn(sizes):
    batch = {TopicPartition("events", p): [Rec(o) for o in range(n)] for p, n in enumerate(sizes)}
    out = interleaved(batch)
    assert sorted((tp.partition, r.offset) for tp, r in out) == sorted(
        (tp.partition, r.offset) for tp, recs in batch.items() for r in recs)
    for tp in batch:
        assert [r.offset for t, r in out if t == tp] == list(range(len(batch[tp])))
    # partitions in turn: the k-th record of each before the (k+1)-th of any
    ranks = [r.offset for _, r in out]
    assert ranks == sorted(ranks)

def test_a_quiet_partitions_record_comes_second_not_after_a_busy_ones_share():
    busy, quiet = TopicPartition("events", 0), TopicPartition("events", 1)
    out = interleaved({busy: [Rec(o) for o in range(2000)], quiet: [Rec(7)]})
    assert out[1] == (quiet, Rec(7))
