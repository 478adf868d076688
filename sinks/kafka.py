"""The event producer: idempotent, `acks=all`, compressed, batched, with a bound on
bytes in flight.

`send()` waits while `max_in_flight_bytes` are unacknowledged: that wait is the
shipper's back-pressure (it stops pulling from the tailer, nothing is dropped).
Each send returns a future that resolves when Kafka has acknowledged the record,
or fails with aiokafka's error (`retriable` says whether trying again can help).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from sinks.kafka_client import connection_kwargs

log = logging.getLogger(__name__)


class EventProducer:
    def __init__(self, cfg: Any, env: Mapping[str, str], metrics: Any = None) -> None:
        self.cfg = cfg
        self.max_in_flight_bytes = max(1, cfg.max_in_flight_bytes)
        self.metrics = metrics
        self._kwargs = connection_kwargs(cfg, env)
        self._producer: AIOKafkaProducer | None = None
        self._in_flight = 0
        self._room = asyncio.Event()
        self._room.set()
        self._failed: BaseException | None = None
        self.last_ack_s = time.monotonic()  # when Kafka last acknowledged a record (or the producer started)

    @property
    def in_flight_bytes(self) -> int:
        return self._in_flight

    async def start(self) -> None:
        if self._producer is not None:
            return
        producer = AIOKafkaProducer(
            **self._kwargs,
            enable_idempotence=True, acks="all",
            compression_type=None if self.cfg.compression == "none" else self.cfg.compression,
            linger_ms=self.cfg.linger_ms, max_batch_size=self.cfg.max_batch_bytes,
            max_request_size=max(self.cfg.max_batch_bytes, 1024 * 1024) * 2,
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer

    async def stop(self) -> None:
        """Flushes what is buffered and closes; idempotent."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def __aenter__(self) -> "EventProducer":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def send(self, topic: str, key: bytes, value: bytes) -> asyncio.Future:
        """Queues one record; waits first while the in-flight bound is reached."""
        if self._producer is None:
            raise RuntimeError("EventProducer.send() before start()")
        size = len(value) + len(key)
        while self._in_flight + size > self.max_in_flight_bytes and self._in_flight > 0:
            if self._failed is not None:
                raise self._failed
            self._room.clear()
            if self.metrics is not None:
                self.metrics.inc("ship_backpressure_waits")
            await self._room.wait()
        if self._failed is not None:
            raise self._failed
        self._in_flight += size
        try:
            fut = await self._producer.send(topic, value=value, key=key)
        except BaseException:
            self._release(size)
            raise
        fut.add_done_callback(lambda f, n=size: self._release(n, f))
        return fut

    def _release(self, size: int, fut: asyncio.Future | None = None) -> None:
        self._in_flight -= size
        if fut is not None and not fut.cancelled() and fut.exception() is None:
            self.last_ack_s = time.monotonic()
        self._room.set()

    def stalled_for_s(self) -> float:
        """Seconds with records in flight and no acknowledgement (0 when nothing is in flight)."""
        return time.monotonic() - self.last_ack_s if self._in_flight > 0 else 0.0

    def fail_waiters(self, exc: BaseException) -> None:
        """Every `send()` waiting for room, and every later one, raises `exc`: the caller recovers."""
        self._failed = exc
        self._room.set()


async def ensure_topics(cfg: Any, env: Mapping[str, str], topics: Mapping[str, dict[str, Any]]) -> None:
    """Creates missing topics: `{name: {"partitions": n, "configs": {...}}}`. Existing ones are left
    as they are (their partition count is the operator's choice)."""
    admin = AIOKafkaAdminClient(**connection_kwargs(cfg, env))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = [NewTopic(name, num_partitions=spec.get("partitions", 3), replication_factor=spec.get("replication", 1),
                        topic_configs=spec.get("configs", {}))
               for name, spec in topics.items() if name not in existing]
        if new:
            try:
                resp = await admin.create_topics(new)
            except TopicAlreadyExistsError:
                log.debug("topics created concurrently: %s", [t.name for t in new])
                return
            for topic, code, *rest in resp.topic_errors:  # an ACL denial, a bad config: aiokafka's error class
                if code not in (0, TopicAlreadyExistsError.errno):
                    raise for_code(code)(topic)
    finally:
        await admin.close()
