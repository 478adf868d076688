"""The alerter stage: events topic -> rules -> alerts topic (+ console, webhook, file).

    async with Alerter(cfg, os.environ) as alerter:
        await alerter.run()            # until stop(); run(once=True) returns when caught up

Exactly-once alerts: the state (signatures, alert ids, windows, and the events offsets
it includes) lives in the compacted topic `kafka.topic_signatures` and is rebuilt on
start; each batch ends with the writes of `pipeline.alert.batch_writer`, in the order
that survives a crash at any point.

Two alerters in one group: each owns some events partitions. Both read the state topic
on a partition assignment and keep merging signature and alert-id records of the other
(`poll`), so a signature alerted by one is known to the other. A signature first seen on
two partitions owned by different alerters within one poll interval is alerted by both
with the same id (ids do not depend on who saw it first); consumers drop repeated ids
(`logpipe alerts follow` does). An alerter that dies and never comes back leaves its
pending alerts to the others: one pending for `ORPHAN_PENDING_S` is settled by whoever
sees it (a peer alive but stalled that long in one batch may then produce it too: the
same id twice, never a missed alert). Window state (slow SQL, error rate, keywords) is per
alerter between restarts: counts can be partial across a rebalance.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from itertools import zip_longest
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaConnectionError

from pipeline.alert.batch_writer import BatchWriter
from pipeline.alert.outputs import AlertDelivery, side_outputs
from pipeline.alert.positions import EventPositions
from pipeline.alert.rules.alert import Alert
from pipeline.alert.rules.engine import RuleEngine
from pipeline.alert.state import PendingAlerts, StateStore, alert_ids_since, behind, ensure_topics
from pipeline.config.schema import Config
from pipeline.metrics.registry import Metrics
from pipeline.alert.metrics import ALERT
from sinks.alerts import AlertOutput
from sinks.backoff import until_it_answers
from sinks.codec import UndecodableRecord, decode_event
from sinks.kafka_client import connection_kwargs
from sinks.kafka_errors import check_access

log = logging.getLogger(__name__)

FETCH_MAX_WAIT_MS = 100
MAX_RECORDS_PER_BATCH = 2000
TICK_EVERY_S = 1.0
ORPHAN_PENDING_S = 30.0  # a pending alert of another alerter this old is settled here


def interleaved(batch: Mapping[TopicPartition, list[Any]]) -> list[tuple[TopicPartition, Any]]:
    """A fetch's records, partitions taken in turn (each in its order): an event of a quiet file
    is not read after a busy file's whole share of the fetch."""
    if len(batch) == 1:
        ((tp, records),) = batch.items()
        return [(tp, rec) for rec in records]
    out: list[tuple[TopicPartition, Any]] = []
    for row in zip_longest(*([(tp, rec) for rec in records] for tp, records in batch.items())):
        out.extend(pair for pair in row if pair is not None)
    return out


class _Assignments(ConsumerRebalanceListener):
    def __init__(self, alerter: "Alerter") -> None:
        self.alerter = alerter

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.alerter._catch_up_needed = True


class Alerter:
    def __init__(self, cfg: Config, env: Mapping[str, str], *, outputs: list[AlertOutput] | None = None,
                 clock: Callable[[], float] = time.time, orphan_after_s: float = ORPHAN_PENDING_S,
                 metrics: Metrics | None = None) -> None:
        self.cfg = cfg
        self.metrics = metrics if metrics is not None else Metrics()
        self.metrics.declare(ALERT)
        self.env = env
        self.conn = connection_kwargs(cfg.kafka, env)
        self.to_kafka = "kafka" in cfg.alerts.outputs
        self.clock = clock
        self.engine = RuleEngine(cfg.alerts, cfg.sql)
        self.pending = PendingAlerts()
        self.orphan_after_s = orphan_after_s
        self.positions = EventPositions(cfg.kafka.topic_events)
        self.counts: Counter[str] = Counter()
        self._delivery = AlertDelivery(side_outputs(cfg) if outputs is None else outputs, self.counts, self.metrics)
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._store: StateStore | None = None
        self._writer: BatchWriter | None = None
        self._stopping = asyncio.Event()
        self._catch_up_needed = False
        self._started = False
        self._last_tick_s = 0.0

    @property
    def consumer(self) -> AIOKafkaConsumer | None:
        """The events consumer once started (for the lag gauge)."""
        return self._consumer

    async def __aenter__(self) -> "Alerter":
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    async def start(self) -> None:
        """Create topics if missing, rebuild the state, settle pending alerts, join the group."""
        if self._started:
            return
        self._started = True
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _wait_for_kafka(self) -> None:
        """Kafka down at start: wait with back-off (one log line when it starts, one when it ends).
        Settings the broker refuses (TLS, SASL) raise `KafkaConfigError` at once."""
        await until_it_answers(lambda: check_access(self.cfg.kafka, self.env),
                               service=f"kafka at {self.cfg.kafka.bootstrap}", retriable=lambda exc: isinstance(exc, KafkaConnectionError), stop=self._stopping,
                               on_failure=lambda: self.metrics.inc("alert_connect_failures"), log=log, then="alerting")

    async def _start(self) -> None:
        k = self.cfg.kafka
        await self._wait_for_kafka()
        await ensure_topics(self.conn, k.topic_signatures, k.topic_alerts)
        self._producer = AIOKafkaProducer(**self.conn, enable_idempotence=True, acks="all", linger_ms=0)
        await self._producer.start()
        await self._delivery.start(self._producer, k.topic_alerts)
        self._store = StateStore(self.conn, k.topic_signatures, self._producer)
        self._writer = BatchWriter(self._store, self._delivery, self.engine, self.pending, self.positions,
                                   to_kafka=self.to_kafka, clock=self.clock, counts=self.counts, metrics=self.metrics)
        records = await self._store.load()
        self._apply(records, mergeable_only=False)
        await self._settle(dict(self.pending.pending))  # ours from before a crash, or a dead peer's
        self._consumer = AIOKafkaConsumer(
            **self.conn, group_id=k.group_alert, enable_auto_commit=False, auto_offset_reset="earliest",
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS)
        self._consumer.subscribe([k.topic_events], listener=_Assignments(self))
        await self._consumer.start()

    def request_stop(self) -> None:
        """Ask `run()` to return after the batch in hand (signal handlers call this)."""
        self._stopping.set()

    async def stop(self) -> None:
        """Idempotent: leave the group, close Kafka clients and outputs."""
        self._stopping.set()
        if self._writer is not None:
            self._writer.abandon()  # a state write still in flight: stopped as a crash would stop it
        consumer, self._consumer = self._consumer, None
        store, self._store = self._store, None
        producer, self._producer = self._producer, None
        if consumer is not None:
            await consumer.stop()
        if store is not None:
            await store.stop()
        await self._delivery.stop()
        if producer is not None:
            await producer.stop()

    async def run(self, *, once: bool = False) -> None:
        """Consume events until `request_stop()`; with `once`, until every assigned partition is caught up.
        A Kafka error ends `run()` with that error: the engine in memory may then hold alerts that
        were never written, so the stage is restarted (a new `Alerter` rebuilds its state)."""
        assert self._consumer is not None and self._store is not None and self._writer is not None, "start() first"
        while not self._stopping.is_set():
            batch = await self._consumer.getmany(timeout_ms=FETCH_MAX_WAIT_MS, max_records=MAX_RECORDS_PER_BATCH)
            if self._catch_up_needed:
                self._catch_up_needed = False
                self._apply(await self._store.catch_up(), mergeable_only=True)
            else:
                self._apply(await self._store.poll(), mergeable_only=True)
            records, at, first = interleaved(batch), 0, True
            while True:  # the batch up to the first record that raised alerts, then the rest in one go
                alerts, offsets, at = self._feed(records, at, stop_at_alert=first)
                first = False
                now_s = self.clock()
                if now_s - self._last_tick_s >= TICK_EVERY_S:
                    self._last_tick_s = now_s
                    self.engine.expire(now_s)
                    await self._settle(self.pending.older_than(int((now_s - self.orphan_after_s) * 1000)))
                await self._writer.flush(alerts, offsets, self._consumer)
                if at >= len(records):
                    break
            if once and not batch and await self._caught_up():
                break
        if self._consumer is not None:  # what batches without alerts left in memory: written on the way out
            await self._writer.flush([], {}, self._consumer, force=True)

    def _feed(self, records: list[tuple[TopicPartition, Any]], at: int, *, stop_at_alert: bool
              ) -> tuple[list[Alert], dict[TopicPartition, int], int]:
        """Events from `records[at]` on (with `stop_at_alert`, up to the first that raises alerts):
        their alerts, the next offsets of the partitions read, and where the next call starts. A
        burst of new signatures costs a batch two writes, not one per alert."""
        alerts: list[Alert] = []
        offsets: dict[TopicPartition, int] = {}
        events = 0
        while at < len(records) and not (alerts and stop_at_alert):
            tp, rec = records[at]
            at += 1
            offsets[tp] = rec.offset + 1
            if rec.offset < self.positions.below(tp.partition):
                self.counts["events_already_in_state"] += 1
                continue
            try:
                doc = decode_event(rec.value)
            except UndecodableRecord as exc:
                self.counts["events_undecodable"] += 1
                self.metrics.inc("alert_events_undecodable")
                log.warning("skipping undecodable event at %s:%d: %s", tp, rec.offset, exc)
                continue
            events += 1
            alerts.extend(self.engine.feed(doc, self.clock()))
        if events:
            self.counts["events"] += events
            self.metrics.inc("alert_events", events)
        return alerts, offsets, at

    def _apply(self, records: Mapping[str, Any], *, mergeable_only: bool) -> None:
        self.engine.restore(records, mergeable_only=mergeable_only)
        self.pending.observe(records)
        self.positions.observe(records)

    async def _settle(self, pending: Mapping[str, Any]) -> None:
        assert self._writer is not None and self._producer is not None
        topic, producer = self.cfg.kafka.topic_alerts, self._producer
        await self._writer.settle(pending, lambda since_ms: alert_ids_since(self.conn, producer, topic, since_ms),
                                  topic)

    async def _caught_up(self) -> bool:
        assert self._consumer is not None
        assigned = list(self._consumer.assignment())
        if not assigned:
            return False
        ends = await self._consumer.end_offsets(assigned)
        return not await behind(self._consumer, ends)
