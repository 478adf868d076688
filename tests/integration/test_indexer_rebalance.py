"""Two indexers in one consumer group, one joining and one leaving mid-stream: still exactly N documents."""

from __future__ import annotations

import asyncio

import pytest

from pipeline.index.stage import Indexer, IndexerOptions
from pipeline.metrics.registry import Metrics
from tests.integration.indexer_support import (drop_test_indices,  # noqa: F401 (autouse fixture)
                                               FAST, committed_total, create_topics, event_docs,
                                               index_until_caught_up, indexed_ids, make_config, produce)

pytestmark = pytest.mark.integration
N = 5_000


async def test_two_indexers_in_one_group_rebalancing_mid_stream_store_each_event_once(
        kafka_bootstrap, es_url, unique_name):
    cfg = make_config(kafka_bootstrap, es_url, unique_name, bulk_max_docs=50)
    await create_topics(kafka_bootstrap, cfg.kafka.topic_events, cfg.kafka.topic_deadletter, partitions=4)
    docs = event_docs(N)
    await produce(kafka_bootstrap, cfg.kafka.topic_events, docs[: N // 2])

    options = IndexerOptions(max_poll_batches=1, revoke_wait_s=2.0, consumer_extra=FAST)
    first_metrics, second_metrics = Metrics(), Metrics()
    first = Indexer(cfg, {}, metrics=first_metrics, options=options)
    second = Indexer(cfg, {}, metrics=second_metrics, options=options)
    await first.start()
    first_run = asyncio.create_task(first.run())
    try:
        async with asyncio.timeout(20):
            while first_metrics.total("index_docs_indexed_total") < 500:
                await asyncio.sleep(0.01)
        await second.start()  # joins: the group rebalances while the first has work in flight
        second_run = asyncio.create_task(second.run())
        await produce(kafka_bootstrap, cfg.kafka.topic_events, docs[N // 2:])
        async with asyncio.timeout(20):
            while second_metrics.total("index_docs_indexed_total") < 500:
                await asyncio.sleep(0.01)
        first.request_stop()  # leaves: its partitions move to the second
        await asyncio.wait_for(first_run, 15)
        await first.stop()
        second.request_stop()
        await asyncio.wait_for(second_run, 15)
        await second.stop()
    finally:
        for ix in (first, second):
            ix.request_stop()
        await first.stop()
        await second.stop()

    await index_until_caught_up(cfg)  # whatever is left, by a third member
    count, ids = await indexed_ids(es_url, unique_name)
    assert count == N and len(set(ids)) == N and set(ids) == {d["event"]["id"] for d in docs}
    assert await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events, 4) == N
    assert first_metrics.total("index_docs_indexed_total") > 0 and second_metrics.total("index_docs_indexed_total") > 0
