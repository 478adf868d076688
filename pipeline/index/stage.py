"""The indexer stage: Kafka `topic_events` → Elasticsearch, offsets committed only after storage.

One poll (`getmany`) is one unit of work: its records are batched (`sinks.es_bulk`),
bulk-indexed until every document is stored or rejected (`pipeline.index.send`),
rejected and undecodable records are acknowledged by the dead-letter topic, and only
then are the poll's offsets committed. While that work runs, every partition is
paused and the loop keeps polling (which returns nothing) so the consumer stays in its
group however long Elasticsearch is away; nothing new is fetched, nothing committed.

On a rebalance the revoked listener waits a little for the work in flight: if it
finishes, its offsets are committed while the partitions are still ours; if not, it is
cancelled and nothing is committed, so the next owner indexes those records again
under the same `_id`s (replacing, not doubling). A crash has the same effect.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaConnectionError

from pipeline.config.schema import Config
from pipeline.index.deadletter import DeadLetterWriter
from pipeline.index.inflight import InflightWork
from pipeline.index.retention import apply_retention, retention_loop
from pipeline.index.send import BulkSender, Counters
from pipeline.index.work import store_records
from pipeline.metrics.registry import Metrics
from pipeline.index.metrics import INDEX
from sinks.backoff import until_it_answers
from sinks.elasticsearch import make_client
from sinks.es_template import put_template
from sinks.kafka_client import connection_kwargs
from sinks.kafka_errors import check_access

log = logging.getLogger(__name__)


@dataclass
class IndexerOptions:
    retention_days: int | None = None
    once: bool = False  # run() returns when every assigned partition is caught up
    poll_ms: int = 500
    revoke_wait_s: float = 10.0  # how long a rebalance waits for the work in flight
    stop_grace_s: float = 10.0  # how long stop waits for the work in flight
    max_poll_batches: int = 4  # a poll takes up to this many bulk batches of records
    consumer_extra: dict[str, Any] = field(default_factory=dict)  # e.g. session_timeout_ms


class _Listener(ConsumerRebalanceListener):
    def __init__(self, indexer: Indexer) -> None:
        self._indexer = indexer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._indexer._on_revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info("indexer assigned %s", sorted((tp.topic, tp.partition) for tp in assigned))


class Indexer:
    def __init__(self, cfg: Config, env: Mapping[str, str] | None = None, *,
                 metrics: Counters | None = None, options: IndexerOptions | None = None) -> None:
        self.cfg, self.env = cfg, dict(os.environ if env is None else env)
        self.metrics: Counters = metrics if metrics is not None else Metrics()
        self.metrics.declare(INDEX)
        self.options = options or IndexerOptions()
        self._consumer: AIOKafkaConsumer | None = None
        self._es: Any = None
        self._sender: BulkSender | None = None
        self._deadletters: DeadLetterWriter | None = None
        self._work: InflightWork | None = None  # with the consumer
        self._stop_requested = asyncio.Event()
        self._stopped = False
        self._failure: BaseException | None = None  # raised by run(), from the rebalance listener

    async def start(self) -> None:
        """Connect, put the index template (waiting out an Elasticsearch outage), subscribe."""
        es_cfg = self.cfg.elasticsearch
        try:
            self._es = make_client(es_cfg, self.env)
            self._sender = BulkSender(self._es, self.metrics)
            await self._sender.call("put index template", lambda: put_template(self._es, es_cfg.index_prefix))
            if self.options.retention_days is not None:
                await apply_retention(self._es, self._sender, es_cfg.index_prefix, self.options.retention_days,
                                      self.metrics)
            await self._until_kafka_answers(self._connect_kafka)
        except BaseException:
            await self.stop()
            raise

    async def _connect_kafka(self) -> None:
        kafka = self.cfg.kafka
        self._deadletters = DeadLetterWriter(kafka, self.env, kafka.topic_deadletter)
        await self._deadletters.start()
        self._consumer = AIOKafkaConsumer(
            **connection_kwargs(kafka, self.env), group_id=kafka.group_index,
            enable_auto_commit=False, auto_offset_reset="earliest", **self.options.consumer_extra)
        self._work = InflightWork(self._consumer, self.metrics)
        self._consumer.subscribe(topics=[kafka.topic_events], listener=_Listener(self))
        try:
            await self._consumer.start()
        except BaseException:
            await self._consumer.stop()
            await self._deadletters.stop()
            self._consumer = self._deadletters = self._work = None
            raise

    async def _until_kafka_answers(self, connect) -> None:
        """Kafka down when the indexer starts: wait for it (one log line), as the shipper does,
        instead of exiting; a stop request ends the wait with the connection error.
        Settings the broker refuses raise `KafkaConfigError` at once: no retry can help."""

        async def attempt() -> None:
            await check_access(self.cfg.kafka, self.env)
            await connect()

        await until_it_answers(attempt, service=f"kafka at {self.cfg.kafka.bootstrap}",
                               retriable=lambda exc: isinstance(exc, KafkaConnectionError), stop=self._stop_requested,
                               on_failure=lambda: self.metrics.inc("index_connect_failures"), log=log, then="indexing")

    async def stop(self) -> None:
        """Idempotent: close everything. Work in flight was settled or abandoned by `run()`."""
        if self._stopped:
            return
        self._stopped = True
        self._stop_requested.set()
        if self._work is not None and self._work.current is not None:  # run() was not used or did not finish
            await self._work.abandon(self._work.current, "stopping")
        errors: list[BaseException] = []
        for name, close in (("consumer", self._consumer and self._consumer.stop),
                            ("dead-letter producer", self._deadletters and self._deadletters.stop),
                            ("elasticsearch client", self._es and self._es.close)):
            if close:
                try:
                    await close()
                except Exception as exc:
                    log.exception("indexer: closing the %s failed", name)
                    errors.append(exc)
        if errors:
            raise errors[0]

    async def __aenter__(self) -> Indexer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def consumer(self) -> AIOKafkaConsumer | None:
        """The events consumer once started (for the lag gauge)."""
        return self._consumer

    @property
    def stop_was_requested(self) -> bool:
        return self._stop_requested.is_set()

    def request_stop(self) -> None:
        """Ask `run()` to finish the work in flight (up to `stop_grace_s`), commit it and return."""
        self._stop_requested.set()

    async def run(self) -> None:
        assert self._consumer is not None and self._sender is not None and self._work is not None, "start() first"
        assert self._deadletters is not None
        opts, work = self.options, self._work
        retention = None
        if opts.retention_days is not None:
            retention = asyncio.create_task(retention_loop(
                self._es, self._sender, self.cfg.elasticsearch.index_prefix, opts.retention_days, self.metrics))
        graceful = False
        try:
            while not self._stop_requested.is_set():
                if self._failure is not None:
                    raise self._failure
                if retention is not None and retention.done():
                    retention.result()  # a dead retention task stops the stage, loudly
                if work.current is not None:
                    await work.keep_alive(work.current, opts.poll_ms / 1000)
                    continue
                records = await self._consumer.getmany(
                    timeout_ms=opts.poll_ms, max_records=self.cfg.elasticsearch.bulk_max_docs * opts.max_poll_batches)
                if records:
                    work.begin(records, store_records(records, self.cfg.elasticsearch, self._sender,
                                                      self._deadletters, self.metrics))
                elif opts.once and await self._caught_up():
                    break
            graceful = True
        finally:
            if retention is not None:
                retention.cancel()
            if work.current is not None:
                if graceful:
                    await work.finish_within(work.current, opts.stop_grace_s)
                else:  # cancelled or failed: a crash, as far as Kafka is concerned
                    await work.abandon(work.current, "run() interrupted")

    async def _on_revoked(self, revoked: set[TopicPartition]) -> None:
        """A rebalance waits a little for the work in flight: committed while the partitions are ours."""
        inflight = self._work.current if self._work is not None else None
        if inflight is None:
            return
        try:
            await self._work.finish_within(inflight, self.options.revoke_wait_s)
        except Exception as exc:  # aiokafka would only log it: hand it to run(), which raises it
            log.exception("indexer: work in flight failed during a rebalance; nothing committed")
            self._failure = exc

    async def _caught_up(self) -> bool:
        """Every assigned partition read to its end (and nothing in flight)."""
        assert self._consumer is not None
        assigned = self._consumer.assignment()
        if not assigned or (self._work is not None and self._work.current is not None):
            return False
        ends = await self._consumer.end_offsets(list(assigned))
        for tp in assigned:
            if await self._consumer.position(tp) < ends[tp]:
                return False
        return True
