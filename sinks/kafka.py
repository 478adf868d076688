"""The event producer: idempotent, `acks=all`, compressed, batched, with a bound on
bytes in flight.

`send()` (one record) and `send_batch()` (a batch the caller filled, for one
partition) wait while `max_in_flight_bytes` are unacknowledged: that wait is the
shipper's back-pressure (it stops pulling from the tailer, nothing is dropped).
Each returns a future that resolves when Kafka has acknowledged the record or the
whole batch, or fails with aiokafka's error (`retriable` says whether trying again
can help).

The shipper fills batches itself (`new_batch()`, `batch.append(key, value)`): a
`RecordBatch` of the compiled core writes the records, one future per batch replaces
one per record, and each batch is compressed on the producer's codec thread while the
shipper parses on (`sinks.record_batch`). Records of a key go to
`partition_for(topic, key)`, the partition aiokafka's default partitioner gives that
key (murmur2, as the Java client), worked out once per file instead of once per record.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code
from aiokafka.partitioner import DefaultPartitioner

from sinks.closing import close_within
from sinks.kafka_batches import BatchQueues
from sinks.kafka_client import connection_kwargs
from sinks.record_batch import RecordBatch, compress

log = logging.getLogger(__name__)


class EventProducer:
    def __init__(self, cfg: Any, env: Mapping[str, str], metrics: Any = None) -> None:
        self.cfg = cfg
        self.max_in_flight_bytes = max(1, cfg.max_in_flight_bytes)
        self.metrics = metrics
        self._kwargs = connection_kwargs(cfg, env)
        self._producer: AIOKafkaProducer | None = None
        self._batches: BatchQueues | None = None
        self._in_flight = 0
        self._room = asyncio.Event()
        self._room.set()
        self._failed: BaseException | None = None
        self._codec_thread: ThreadPoolExecutor | None = None  # compresses the batches, in turn
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
        except BaseException:  # a start cancelled half-way (a timeout) must not hang in its close
            await close_within(producer.stop(), "a kafka producer after a failed start")
            raise
        self._producer = producer
        self._batches = BatchQueues(producer)
        if self.cfg.compression != "none":
            self._codec_thread = ThreadPoolExecutor(1, thread_name_prefix="kafka-codec")

    async def stop(self) -> None:
        """Flushes what is buffered and closes; idempotent. Batches still queued here (not yet
        handed to the client) fail their futures."""
        producer, self._producer = self._producer, None
        batches, self._batches = self._batches, None
        codec_thread, self._codec_thread = self._codec_thread, None
        if batches is not None:
            await batches.close()
        if codec_thread is not None:  # a batch it compresses now is of a failed future: not waited for
            codec_thread.shutdown(wait=False, cancel_futures=True)
        if producer is not None:
            await producer.stop()

    async def __aenter__(self) -> "EventProducer":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def send(self, topic: str, key: bytes, value: bytes) -> asyncio.Future:
        """Queues one record; waits first while the in-flight bound is reached."""
        producer = self._started()
        size = len(value) + len(key)
        await self._reserve(size)
        try:
            fut = await producer.send(topic, value=value, key=key)
        except BaseException:
            self._release(size)
            raise
        fut.add_done_callback(lambda f, n=size: self._release(n, f))
        return fut

    async def partition_for(self, topic: str, key: bytes) -> int:
        """The partition aiokafka's default partitioner sends `key` to (waits for the topic's metadata)."""
        return default_partition(key, await self._started().partitions_for(topic))

    def new_batch(self) -> RecordBatch:
        """An empty batch: `append(key, value)` returns None once it is full (a first record
        always goes in, whatever its size)."""
        self._started()
        return RecordBatch(self.cfg.max_batch_bytes, self.cfg.compression)

    async def send_batch(self, topic: str, partition: int, batch: RecordBatch) -> asyncio.Future:
        """Closes `batch`, has the codec thread compress it and queues it for `partition` behind
        the partition's earlier batches (`BatchQueues`); waits while the partition has its most
        batches queued or the in-flight bound is reached, not for the compression nor an
        acknowledgement."""
        self._started()
        batches = self._batches
        assert batches is not None
        await batches.wait_room(topic, partition)
        batch.close()
        size = batch.size()
        await self._reserve(size)
        compressed = None if self._codec_thread is None else \
            asyncio.get_running_loop().run_in_executor(self._codec_thread, compress, batch)
        fut = batches.submit(topic, partition, batch, compressed)
        fut.add_done_callback(lambda f, n=size: self._release(n, f))
        return fut

    def _started(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("EventProducer used before start()")
        return self._producer

    async def _reserve(self, size: int) -> None:
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


def default_partition(key: bytes, partitions: Iterable[int]) -> int:
    """aiokafka's `DefaultPartitioner` for a key that is not None: murmur2 of the key over the
    topic's partitions in id order, so a key lands where a keyed `send()` would put it."""
    ordered = sorted(partitions)
    if not ordered:
        raise ValueError("a topic without partitions")
    return DefaultPartitioner()(key, ordered, ordered)


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
