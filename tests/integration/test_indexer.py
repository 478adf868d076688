"""The indexer stores every event exactly once, under its `event.id`, and dead-letters what Elasticsearch rejects."""

from __future__ import annotations

import orjson
import pytest
from elasticsearch import AsyncElasticsearch

from tests.integration.indexer_support import (drop_test_indices,  # noqa: F401 (autouse fixture)
                                               committed_total, create_topics, event_docs, index_until_caught_up,
                                               indexed_ids, make_config, produce, read_topic)

pytestmark = pytest.mark.integration
N = 5_000


async def test_every_event_is_indexed_once_under_its_event_id_in_its_daily_index(kafka_bootstrap, es_url, unique_name):
    cfg = make_config(kafka_bootstrap, es_url, unique_name)
    await create_topics(kafka_bootstrap, cfg.kafka.topic_events, cfg.kafka.topic_deadletter)
    docs = event_docs(N)
    await produce(kafka_bootstrap, cfg.kafka.topic_events, docs)

    metrics = await index_until_caught_up(cfg)
    count, ids = await indexed_ids(es_url, unique_name)
    assert count == N and sorted(ids) == sorted(d["event"]["id"] for d in docs)
    assert await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events) == N
    assert metrics.total("index_docs_indexed_total") == N and metrics.total("index_deadletters_total") == 0

    es = AsyncElasticsearch(es_url)
    try:
        days = await es.count(index=f"{unique_name}-2026.11.27")
        assert days["count"] == sum(1 for d in docs if d["@timestamp"].startswith("2026-11-27"))
        hit = (await es.search(index=f"{unique_name}-*", query={"match": {"message": "ord_4242"}}))["hits"]["hits"][0]
        assert hit["_id"] == docs[4242]["event"]["id"] and hit["_source"] == docs[4242]
        assert hit["_index"] == f"{unique_name}-2026.11.26"
        props = (await es.indices.get_mapping(index=hit["_index"]))[hit["_index"]]["mappings"]["properties"]
        assert props["event"]["properties"]["duration"]["type"] == "long"
        assert props["logpipe"]["properties"]["trace_ids"]["type"] == "keyword"
        slow = await es.count(index=f"{unique_name}-*", query={"range": {"event.duration": {"gte": 96_000_000}}})
        assert slow["count"] == sum(1 for i in range(N) if i % 97 == 96)
    finally:
        await es.close()

    await produce(kafka_bootstrap, cfg.kafka.topic_events, docs[:100])  # the shipper re-sent after a crash
    await index_until_caught_up(cfg)
    assert (await indexed_ids(es_url, unique_name))[0] == N


async def test_rejected_and_undecodable_records_go_to_the_dead_letter_topic_and_offsets_move_on(
        kafka_bootstrap, es_url, unique_name):
    cfg = make_config(kafka_bootstrap, es_url, unique_name)
    await create_topics(kafka_bootstrap, cfg.kafka.topic_events, cfg.kafka.topic_deadletter, partitions=1)
    good = event_docs(20)
    bad = event_docs(1, start=20)[0]
    bad["event"]["duration"] = "not-a-number"
    values = [*good[:10], bad, b"not json at all", b"[1, 2]", *good[10:]]
    await produce(kafka_bootstrap, cfg.kafka.topic_events, values)

    metrics = await index_until_caught_up(cfg)
    count, ids = await indexed_ids(es_url, unique_name)
    assert count == 20 and bad["event"]["id"] not in ids
    assert await committed_total(kafka_bootstrap, cfg.kafka.group_index, cfg.kafka.topic_events, 1) == 23

    letters = [orjson.loads(r.value) for r in await read_topic(kafka_bootstrap, cfg.kafka.topic_deadletter, 3)]
    by_offset = {letter["offset"]: letter for letter in letters}
    assert sorted(by_offset) == [10, 11, 12]
    rejected = by_offset[10]
    assert rejected["status"] == 400 and rejected["reason"] == "document_parsing_exception"
    assert rejected["topic"] == cfg.kafka.topic_events and rejected["partition"] == 0
    assert orjson.loads(rejected["value"]) == bad and "duration" in str(rejected["error"])
    assert by_offset[11]["reason"] == "undecodable" and by_offset[11]["value"] == "not json at all"
    assert by_offset[12]["reason"] == "undecodable" and "list" in by_offset[12]["error"]
    assert metrics.get("index_deadletters_total", reason="undecodable") == 2
    assert metrics.get("index_deadletters_total", reason="document_parsing_exception") == 1


async def test_retention_deletes_daily_indices_older_than_n_days_on_start(kafka_bootstrap, es_url, unique_name):
    from datetime import datetime, timedelta, timezone

    from pipeline.index.stage import Indexer, IndexerOptions

    cfg = make_config(kafka_bootstrap, es_url, unique_name)
    await create_topics(kafka_bootstrap, cfg.kafka.topic_events, cfg.kafka.topic_deadletter, partitions=1)
    today = datetime.now(timezone.utc).date()
    names = {d: f"{unique_name}-{(today - timedelta(days=d)).strftime('%Y.%m.%d')}" for d in (0, 7, 8, 400)}
    es = AsyncElasticsearch(es_url)
    try:
        for name in names.values():
            await es.indices.create(index=name)
        await es.indices.create(index=f"{unique_name}-keep-me")
        async with Indexer(cfg, {}, options=IndexerOptions(once=True, retention_days=7)):
            pass
        left = set((await es.indices.get(index=f"{unique_name}-*")).keys())
        assert left == {names[0], names[7], f"{unique_name}-keep-me"}
    finally:
        await es.indices.delete(index=f"{unique_name}-*", ignore_unavailable=True, allow_no_indices=True)
        await es.close()
