"""The alerter's state in Kafka: the compacted topic `kafka.topic_signatures`.

One record per key, JSON values (orjson), a tombstone (null value) to forget a key:

| key | value |
|---|---|
| `sig/<signature>` | first/last event time and count of a signature |
| `alert/<id>` | `{"expires_s", "status": "pending", "alert": {...}, "wall_ms"}` before the alert is produced, `{"expires_s", "status": "sent"}` after |
| `sql/`, `p95/`, `rate/`, `kw/<key>` | window state of the rules (`pipeline.alert.rules.engine`) |
| `pos/<events topic>/<partition>` | `{"offset": n}`: events before `n` are in this state |

`load()` reads every partition from the beginning to the end offsets taken at start,
later records win; `catch_up()` reads on to the end offsets of now (on a partition
assignment). `poll()` keeps reading without waiting (records of another alerter, and
our own echoes). `alert_ids_since()` reads the alerts topic from a time on, to settle
alerts left pending by a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code

Record = dict[str, Any]
log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = 36
CLOCK_SKEW_MARGIN_MS = 60_000  # a pending alert is searched from this long before it was written
POLL_MAX_RECORDS = 5000


async def ensure_topics(conn: Mapping[str, Any], state_topic: str, alerts_topic: str) -> None:
    """Create the compacted state topic and the alerts topic if they are missing."""
    admin = AIOKafkaAdminClient(**conn)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = []
        if state_topic not in existing:
            wanted.append(NewTopic(state_topic, 1, 1, topic_configs={
                "cleanup.policy": "compact", "min.compaction.lag.ms": "60000"}))
        if alerts_topic not in existing:
            wanted.append(NewTopic(alerts_topic, 1, 1))
        if not wanted:
            return
        resp = await admin.create_topics(wanted)
        for topic, code, *rest in resp.topic_errors:
            if code not in (0, TOPIC_ALREADY_EXISTS):  # as aiokafka's class: callers tell ACL denials apart
                raise for_code(code)(topic)
            log.info("created topic %s", topic)
    finally:
        await admin.close()


async def partitions_of(producer: AIOKafkaProducer, topic: str) -> set[int]:
    """The topic's partitions (the producer waits for the topic's metadata, a new topic included)."""
    return set(await producer.partitions_for(topic))


async def behind(consumer: AIOKafkaConsumer, ends: Mapping[TopicPartition, int]) -> bool:
    """True while the consumer's position is before `ends` on some partition."""
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return True
    return False


def encode(value: Record | None) -> bytes | None:
    return None if value is None else orjson.dumps(value)


def decode(raw: bytes | None) -> Record | None:
    if raw is None:
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        log.warning("state record that is not JSON ignored: %r", raw[:80])
        return None
    return value if isinstance(value, dict) else None


class StateStore:
    """Reads and writes the state topic. `producer` is shared with the alerter (idempotent, acks=all)."""

    def __init__(self, conn: Mapping[str, Any], topic: str, producer: AIOKafkaProducer) -> None:
        self.conn = dict(conn)
        self.topic = topic
        self.producer = producer
        self._consumer: AIOKafkaConsumer | None = None

    async def load(self) -> dict[str, Record | None]:
        """Every key's latest value, from the beginning of the topic to its end offsets now."""
        self._consumer = AIOKafkaConsumer(**self.conn, enable_auto_commit=False, group_id=None,
                                          auto_offset_reset="earliest")
        await self._consumer.start()
        parts = await partitions_of(self.producer, self.topic)
        tps = [TopicPartition(self.topic, p) for p in sorted(parts)]
        self._consumer.assign(tps)
        await self._consumer.seek_to_beginning(*tps)
        out = await self.catch_up()
        log.info("loaded %d state records from %s", len(out), self.topic)
        return out

    async def catch_up(self) -> dict[str, Record | None]:
        """Records from where the store's reader is to the topic's end offsets now."""
        if self._consumer is None:
            return {}
        ends = await self._consumer.end_offsets(list(self._consumer.assignment()))
        out: dict[str, Record | None] = {}
        while await behind(self._consumer, ends):
            batch = await self._consumer.getmany(timeout_ms=500, max_records=POLL_MAX_RECORDS)
            for records in batch.values():
                for rec in records:
                    if rec.key is not None:
                        out[rec.key.decode("utf-8", "surrogateescape")] = decode(rec.value)
        return out

    async def poll(self) -> dict[str, Record | None]:
        """Records written since the last load/poll (by anyone), without waiting."""
        if self._consumer is None:
            return {}
        batch = await self._consumer.getmany(timeout_ms=0, max_records=POLL_MAX_RECORDS)
        return {rec.key.decode("utf-8", "surrogateescape"): decode(rec.value)
                for records in batch.values() for rec in records if rec.key is not None}

    async def write(self, records: Mapping[str, Record | None]) -> None:
        """Produce `records` and wait until Kafka acknowledged every one."""
        futures = [await self.producer.send(self.topic, encode(v), key=k.encode("utf-8", "surrogateescape"))
                   for k, v in records.items()]
        if futures:
            await asyncio.gather(*futures)

    async def stop(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await consumer.stop()


async def alert_ids_since(conn: Mapping[str, Any], producer: AIOKafkaProducer, topic: str,
                          since_wall_ms: int) -> set[str]:
    """Ids of the alerts on `topic` written at or after `since_wall_ms` (minus a clock margin)."""
    consumer = AIOKafkaConsumer(**conn, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        parts = await partitions_of(producer, topic)
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            return set()
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        starts = await consumer.offsets_for_times({tp: max(0, since_wall_ms - CLOCK_SKEW_MARGIN_MS) for tp in tps})
        for tp in tps:
            found = starts.get(tp)
            consumer.seek(tp, found.offset if found is not None else ends[tp])
        ids: set[str] = set()
        while await behind(consumer, ends):
            batch = await consumer.getmany(timeout_ms=500, max_records=POLL_MAX_RECORDS)
            for records in batch.values():
                for rec in records:
                    value = decode(rec.value)
                    if value is not None and isinstance(value.get("id"), str):
                        ids.add(value["id"])
        return ids
    finally:
        await consumer.stop()


class PendingAlerts:
    """Alerts written as pending to the state topic and not (yet) seen marked sent.

    Fed with every state record read (`observe`); `done` records ids this process has
    settled or sent, so their own pending echo is never taken for an orphan. An orphan
    is pending longer than a grace period: its writer died before finishing it.
    """

    def __init__(self, max_done: int = 10_000) -> None:
        self.pending: dict[str, Record] = {}
        self._done: dict[str, None] = {}
        self.max_done = max_done

    def observe(self, records: Mapping[str, Record | None]) -> None:
        for key, value in records.items():
            if not key.startswith("alert/"):
                continue
            aid = key[len("alert/"):]
            if (isinstance(value, dict) and value.get("status") == "pending" and isinstance(value.get("alert"), dict)
                    and aid not in self._done):
                self.pending[aid] = value
            else:
                self.pending.pop(aid, None)

    def done(self, ids: list[str]) -> None:
        for aid in ids:
            self.pending.pop(aid, None)
            self._done[aid] = None
        while len(self._done) > self.max_done:
            del self._done[next(iter(self._done))]

    def older_than(self, wall_ms: int) -> dict[str, Record]:
        return {aid: v for aid, v in self.pending.items() if _wall_ms(v) < wall_ms}


def _wall_ms(value: Record) -> int:
    wall = value.get("wall_ms")
    return wall if isinstance(wall, int) and not isinstance(wall, bool) else 0
