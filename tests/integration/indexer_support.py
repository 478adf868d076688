"""Helpers of the indexer's integration tests: topics, events on Kafka, what Elasticsearch and the group hold."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from elasticsearch import AsyncElasticsearch, NotFoundError

from parsers.event import Event, event_id
from pipeline.config.schema import Config, EsConfig, KafkaConfig
from pipeline.index.stage import Indexer, IndexerOptions
from pipeline.metrics.registry import Metrics
from sinks.codec import encode_event, event_key

@pytest.fixture(autouse=True)
async def drop_test_indices(es_url: str, unique_name: str):
    """Leave the shared node as we found it: the test's daily indices and template go afterwards."""
    yield
    es = AsyncElasticsearch(es_url)
    try:
        await es.indices.delete(index=f"{unique_name}-*", ignore_unavailable=True, allow_no_indices=True)
        try:
            await es.indices.delete_index_template(name=unique_name)
        except NotFoundError:
            pass
    finally:
        await es.close()


FAST = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 500}


def make_config(kafka: str, es: str, name: str, **es_fields: Any) -> Config:
    return Config(
        kafka=KafkaConfig(bootstrap=kafka, topic_events=f"{name}.events", topic_deadletter=f"{name}.dead",
                          group_index=f"{name}-index"),
        elasticsearch=replace(EsConfig(hosts=(es,), index_prefix=name), **es_fields))


def config_toml(cfg: Config) -> str:
    k, e = cfg.kafka, cfg.elasticsearch
    return (f'[kafka]\nbootstrap = "{k.bootstrap}"\ntopic_events = "{k.topic_events}"\n'
            f'topic_deadletter = "{k.topic_deadletter}"\ngroup_index = "{k.group_index}"\n\n'
            f'[elasticsearch]\nhosts = ["{e.hosts[0]}"]\nindex_prefix = "{e.index_prefix}"\n'
            f"bulk_max_docs = {e.bulk_max_docs}\n")


async def create_topics(bootstrap: str, *names: str, partitions: int = 3) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, partitions, 1) for n in names])
    finally:
        await admin.close()


def event_docs(n: int, *, start: int = 0) -> list[dict[str, Any]]:
    """`n` events of three files on two hosts, spread over two UTC days (across midnight)."""
    docs = []
    for i in range(start, start + n):
        host, path = f"pay-0{i % 2}", f"/var/log/pay/app-{i % 3}.log"
        minute = i % 120  # 23:00 .. 00:59 UTC
        ts = f"2026-11-{26 + minute // 60}T{(23 + minute // 60) % 24:02d}:{minute % 60:02d}:00.{i % 1000:03d}+00:00"
        e = Event(message=f"订单 ord_{i} paid in {i % 97} ms", kind="method", timestamp=ts, read_time=ts,
                  id=event_id(host, path, i * 100), level="INFO", host=host, service="payments",
                  file_path=path, file_id=f"{host}:{path}", offset=i * 100, end_offset=i * 100 + 99,
                  duration_ns=(i % 97) * 1_000_000, method_name="PayService.pay", trace_ids=[f"ord_{i}"])
        docs.append(e.to_ecs())
    return docs


async def produce(bootstrap: str, topic: str, values: list[bytes | dict[str, Any]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        futures = []
        for v in values:
            if isinstance(v, dict):
                key = event_key(v.get("host", {}).get("name", "h"), v.get("log", {}).get("file", {}).get("path", "p"))
                futures.append(await producer.send(topic, encode_event(v), key=key))
            else:
                futures.append(await producer.send(topic, v, key=b"raw"))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def indexed_ids(es_url: str, prefix: str) -> tuple[int, list[str]]:
    """(document count, every `_id`) over the daily indices of `prefix`."""
    es = AsyncElasticsearch(es_url)
    try:
        await es.indices.refresh(index=f"{prefix}-*", allow_no_indices=True)
        count = (await es.count(index=f"{prefix}-*", allow_no_indices=True))["count"]
        assert count <= 10_000, "one page of hits: keep these tests at 10,000 documents or fewer"
        page = await es.search(index=f"{prefix}-*", size=10_000, source=False, allow_no_indices=True)
        return count, [h["_id"] for h in page["hits"]["hits"]]
    finally:
        await es.close()


async def committed_total(bootstrap: str, group: str, topic: str, partitions: int = 3) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        total = 0
        for p in range(partitions):
            total += await consumer.committed(TopicPartition(topic, p)) or 0
        return total
    finally:
        await consumer.stop()


async def read_topic(bootstrap: str, topic: str, expect: int, timeout_s: float = 10) -> list[Any]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    out: list[Any] = []
    try:
        async with asyncio.timeout(timeout_s):
            while len(out) < expect:
                for recs in (await consumer.getmany(timeout_ms=200)).values():
                    out += recs
        return out
    finally:
        await consumer.stop()


async def index_until_caught_up(cfg: Config, metrics: Metrics | None = None, timeout_s: float = 40) -> Metrics:
    metrics = metrics or Metrics()
    async with Indexer(cfg, {}, metrics=metrics, options=IndexerOptions(once=True, consumer_extra=FAST)) as ix:
        await asyncio.wait_for(ix.run(), timeout_s)
    return metrics


def loads(value: bytes) -> Any:
    return orjson.loads(value)
