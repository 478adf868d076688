"""Pipeline health for the daily report: how far the indexer and alerter groups are behind
on the events topic (committed offsets vs end offsets), and how many records the
dead-letter topic holds (end minus beginning offsets).

A partition a group has never committed counts from the partition's beginning: that
much is unread. Kafka being away is part of the answer (`error`), never a crash of the
report: the rest of the report does not need Kafka.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from pipeline.config.schema import KafkaConfig
from sinks.kafka_client import connection_kwargs

log = logging.getLogger(__name__)


def group_lag(committed: Mapping[TopicPartition, int | None], begin: Mapping[TopicPartition, int],
              end: Mapping[TopicPartition, int]) -> dict[str, Any]:
    """Lag of one group over the partitions in `end` (pure). `committed` None or absent:
    never committed, so everything from the beginning is lag."""
    partitions = []
    for tp in sorted(end, key=lambda t: (t.topic, t.partition)):
        pos = committed.get(tp)
        at = pos if pos is not None and pos >= 0 else begin.get(tp, 0)
        partitions.append({"partition": tp.partition, "committed": pos, "end": end[tp], "lag": max(0, end[tp] - at)})
    return {"lag": sum(p["lag"] for p in partitions), "partitions": partitions,
            "committed_any": any(p["committed"] is not None for p in partitions)}


def topic_size(begin: Mapping[TopicPartition, int], end: Mapping[TopicPartition, int]) -> int:
    return sum(max(0, end[tp] - begin.get(tp, 0)) for tp in end)


async def _partitions(admin: AIOKafkaAdminClient, topic: str) -> list[TopicPartition]:
    """The topic's partitions; none when it does not exist (yet). Describing a topic that
    does not exist would create it on a broker that auto-creates topics: listed first."""
    if topic not in await admin.list_topics():
        return []
    (described,) = await admin.describe_topics([topic])
    return sorted(TopicPartition(topic, p["partition"]) for p in described.get("partitions", []))


async def _offsets(consumer: AIOKafkaConsumer, tps: list[TopicPartition]) -> tuple[dict, dict]:
    if not tps:
        return {}, {}
    return await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)


async def _gather(cfg: KafkaConfig, env: Mapping[str, str]) -> dict[str, Any]:
    kw = connection_kwargs(cfg, env)
    consumer = AIOKafkaConsumer(**kw, enable_auto_commit=False)
    admin = AIOKafkaAdminClient(**kw)
    await consumer.start()
    try:
        await admin.start()
        events = await _partitions(admin, cfg.topic_events)
        dead = await _partitions(admin, cfg.topic_deadletter)
        ev_begin, ev_end = await _offsets(consumer, events)
        dl_begin, dl_end = await _offsets(consumer, dead)
        groups = {}
        for group in (cfg.group_index, cfg.group_alert):
            offsets = await admin.list_consumer_group_offsets(group, partitions=events or None)
            committed = {tp: (om.offset if om is not None else None) for tp, om in offsets.items()}
            groups[group] = group_lag(committed, ev_begin, ev_end)
    finally:
        await admin.close()
        await consumer.stop()
    return {"error": None, "topic_events": cfg.topic_events, "events_in_topic": topic_size(ev_begin, ev_end),
            "groups": groups, "topic_deadletter": cfg.topic_deadletter,
            "deadletter_exists": bool(dead), "deadletters": topic_size(dl_begin, dl_end)}


async def pipeline_health(cfg: KafkaConfig, env: Mapping[str, str], *, timeout_s: float = 15.0) -> dict[str, Any]:
    """Consumer lag per group and dead-letter topic size; `error` set when Kafka did not answer."""
    try:
        return await asyncio.wait_for(_gather(cfg, env), timeout_s)
    except (KafkaError, OSError, TimeoutError) as exc:
        log.warning("report: Kafka health not available from %s: %r", cfg.bootstrap, exc)
        return {"error": f"Kafka at {cfg.bootstrap} did not answer: {type(exc).__name__} {exc}".strip(),
                "groups": {}, "topic_events": cfg.topic_events, "topic_deadletter": cfg.topic_deadletter}
