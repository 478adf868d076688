"""AckTracker: the checkpoint of a file never passes an event Kafka has not acknowledged,
when the shipper tracks whole batches by their first event's offset."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.ship.acks import AckTracker


def test_a_batch_acknowledged_before_an_older_one_does_not_move_the_checkpoint():
    acks = AckTracker()
    for first in (0, 100, 250):  # three batches: [0, 100), [100, 250), [250, ...)
        acks.sent(first)
    acks.acked(100)
    acks.acked(250)
    assert acks.safe_offset(resume_offset=400) == 0
    acks.acked(0)
    assert acks.safe_offset(resume_offset=400) == 400
    assert acks.outstanding == 0


def test_the_checkpoint_stops_at_the_first_event_of_the_oldest_unacknowledged_batch():
    acks = AckTracker()
    for first in (0, 100, 250):
        acks.sent(first)
    acks.acked(0)
    assert acks.safe_offset(resume_offset=400) == 100
    assert acks.outstanding == 2


@given(sizes=st.lists(st.integers(1, 50), min_size=1, max_size=30), data=st.data())
def test_in_any_order_of_acknowledgements_the_checkpoint_is_the_oldest_unacknowledged_batch(sizes, data):
    firsts, offset = [], 0
    acks = AckTracker()
    for size in sizes:
        firsts.append(offset)
        acks.sent(offset)
        offset += size
    order = data.draw(st.permutations(range(len(firsts))))
    done: set[int] = set()
    for i in order:
        acks.acked(firsts[i])
        done.add(i)
        pending = [firsts[j] for j in range(len(firsts)) if j not in done]
        # every event before the checkpoint is acknowledged; the one at it (if any) is not
        assert acks.safe_offset(resume_offset=offset) == (pending[0] if pending else offset)
        assert (acks.outstanding == 0) == (not pending)  # a finished file is let go only when all are in
