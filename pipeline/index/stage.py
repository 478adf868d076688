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
from aiokafka.errors import CommitFailedError, KafkaConnectionError

from pipeline.config.schema import Config
from pipeline.index.deadletter import DeadLetterWriter
from pipeline.index.retention import apply_retention, retention_loop
from pipeline.index.send import BulkSender, Counters
from pipeline.index.work import Records, store_records
from pipeline.metrics.registry import Metrics
from pipeline.index.metrics import INDEX
from sinks.backoff import until_it_answers
from sinks.elasticsearch import make_client
from sinks.es_template import put_template
from sinks.kafka_client import connection_kwargs
from sinks.kafka_errors import check_access

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Inflight:
    task: asyncio.Task[None]
    offsets: dict[TopicPartition, int]  # next offset to commit, per partition
    records: int
    abandoned: bool = False
    settled: bool = False


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
        self._inflight: Inflight | None = None
        self._settle_lock = asyncio.Lock()
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
        self._consumer.subscribe(topics=[kafka.topic_events], listener=_Listener(self))
        try:
            await self._consumer.start()
        except BaseException:
            await self._consumer.stop()
            await self._deadletters.stop()
            self._consumer = self._deadletters = None
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
        if self._inflight is not None:  # run() was not used or did not get to finish
            await self._abandon(self._inflight, "stopping")
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
        assert self._consumer is not None and self._sender is not None, "start() first"
        opts = self.options
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
                if self._inflight is not None:
                    await self._wait_inflight(self._inflight)
                    continue
                records = await self._consumer.getmany(
                    timeout_ms=opts.poll_ms, max_records=self.cfg.elasticsearch.bulk_max_docs * opts.max_poll_batches)
                if records:
                    self._begin(records)
                elif opts.once and await self._caught_up():
                    break
            graceful = True
        finally:
            if retention is not None:
                retention.cancel()
            if self._inflight is not None:
                if graceful:
                    await self._finish_within(self._inflight, opts.stop_grace_s)
                else:  # cancelled or failed: a crash, as far as Kafka is concerned
                    await self._abandon(self._inflight, "run() interrupted")

    # -- one unit of work ------------------------------------------------------------

    def _begin(self, records: Records) -> None:
        assert self._consumer is not None
        self._consumer.pause(*self._consumer.assignment())
        offsets = {tp: recs[-1].offset + 1 for tp, recs in records.items() if recs}
        count = sum(len(recs) for recs in records.values())
        assert self._sender is not None and self._deadletters is not None
        work = store_records(records, self.cfg.elasticsearch, self._sender, self._deadletters, self.metrics)
        self._inflight = Inflight(asyncio.create_task(work), offsets, count)

    async def _wait_inflight(self, inflight: Inflight) -> None:
        assert self._consumer is not None
        done, _ = await asyncio.wait({inflight.task}, timeout=self.options.poll_ms / 1000)
        if done:
            await self._settle(inflight)
            return
        # keep the group membership alive; partitions are paused, so this fetches nothing,
        # except from partitions assigned by a rebalance since: those are rewound
        self._consumer.pause(*self._consumer.assignment())
        stray = await self._consumer.getmany(timeout_ms=0)
        for tp, recs in stray.items():
            if recs:
                self._consumer.seek(tp, recs[0].offset)

    async def _settle(self, inflight: Inflight) -> None:
        """Once per unit of work: commit its offsets if it succeeded and was not abandoned;
        re-raise its failure. Then fetching resumes."""
        assert self._consumer is not None
        async with self._settle_lock:
            if inflight.settled:
                return
            inflight.settled = True
            if self._inflight is inflight:
                self._inflight = None
            self._consumer.resume(*self._consumer.assignment())
            if inflight.task.cancelled():
                return
            exc = inflight.task.exception()
            if exc is not None:
                log.error("indexer: %d records not stored, offsets not committed: %r", inflight.records, exc)
                raise exc
            if inflight.abandoned:
                return
            try:
                await self._consumer.commit(inflight.offsets)
            except CommitFailedError as exc:
                log.warning("indexer: commit of %d records refused, the group rebalanced (%s); "
                            "their next owner indexes them again under the same _ids", inflight.records, exc)
                self.metrics.inc("index_commits_failed_total")
                return
            self.metrics.inc("index_commits_total")
            self.metrics.inc("index_records_committed_total", inflight.records)
            for tp, offset in inflight.offsets.items():
                highwater = self._consumer.highwater(tp)
                if highwater is not None:
                    self.metrics.set("index_consumer_lag", max(0, highwater - offset), partition=tp.partition)

    async def _finish_within(self, inflight: Inflight, timeout_s: float) -> None:
        """Wait up to `timeout_s` for the work: then settle it (commit, or raise its failure),
        or abandon it."""
        done, _ = await asyncio.wait({inflight.task}, timeout=timeout_s)
        if done and not inflight.task.cancelled():
            await self._settle(inflight)
        else:
            await self._abandon(inflight, f"not finished within {timeout_s:.0f} s")

    async def _abandon(self, inflight: Inflight, why: str) -> None:
        """Give the work up without committing: its records will be read again."""
        inflight.abandoned = True
        inflight.task.cancel()
        await asyncio.wait({inflight.task})
        if not inflight.settled:
            log.warning("indexer: %d records in flight abandoned (%s), not committed; they will be indexed "
                        "again under the same _ids", inflight.records, why)
            self.metrics.inc("index_batches_abandoned_total")
            inflight.settled = True
            if self._inflight is inflight:
                self._inflight = None

    async def _on_revoked(self, revoked: set[TopicPartition]) -> None:
        inflight = self._inflight
        if inflight is None:
            return
        try:
            await self._finish_within(inflight, self.options.revoke_wait_s)
        except Exception as exc:  # aiokafka would only log it: hand it to run(), which raises it
            log.exception("indexer: work in flight failed during a rebalance; nothing committed")
            self._failure = exc

    async def _caught_up(self) -> bool:
        """Every assigned partition read to its end (and nothing in flight)."""
        assert self._consumer is not None
        assigned = self._consumer.assignment()
        if not assigned or self._inflight is not None:
            return False
        ends = await self._consumer.end_offsets(list(assigned))
        for tp in assigned:
            if await self._consumer.position(tp) < ends[tp]:
                return False
        return True
