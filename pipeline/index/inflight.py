"""The indexer's unit of work in flight: one poll's records being stored, and what
becomes of them.

`begin` pauses every assigned partition and stores the poll in a task; `keep_alive`
waits a little for it and otherwise polls the paused consumer (nothing is fetched) so
the consumer stays in its group. The work then ends one of two ways, once:
- settled: its offsets are committed if it succeeded (a failure is raised), and
  fetching resumes;
- abandoned: cancelled, nothing committed; its records are read again and indexed
  under the same `_id`s (replacing, not doubling).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError

from pipeline.index.send import Counters
from pipeline.index.work import Records

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Inflight:
    task: asyncio.Task[None]
    offsets: dict[TopicPartition, int]  # next offset to commit, per partition
    records: int
    abandoned: bool = False
    settled: bool = False


class InflightWork:
    """At most one `Inflight` at a time (`current`), on one consumer."""

    def __init__(self, consumer: AIOKafkaConsumer, metrics: Counters) -> None:
        self._consumer = consumer
        self.metrics = metrics
        self.current: Inflight | None = None
        self._settle_lock = asyncio.Lock()

    def begin(self, records: Records, work: Coroutine[Any, Any, None]) -> None:
        self._consumer.pause(*self._consumer.assignment())
        offsets = {tp: recs[-1].offset + 1 for tp, recs in records.items() if recs}
        count = sum(len(recs) for recs in records.values())
        self.current = Inflight(asyncio.create_task(work), offsets, count)

    async def keep_alive(self, inflight: Inflight, wait_s: float) -> None:
        """Settle the work if it ends within `wait_s`; else poll once to stay in the group."""
        done, _ = await asyncio.wait({inflight.task}, timeout=wait_s)
        if done:
            await self.settle(inflight)
            return
        # partitions are paused, so this fetches nothing, except from partitions assigned
        # by a rebalance since: those are rewound
        self._consumer.pause(*self._consumer.assignment())
        stray = await self._consumer.getmany(timeout_ms=0)
        for tp, recs in stray.items():
            if recs:
                self._consumer.seek(tp, recs[0].offset)

    async def settle(self, inflight: Inflight) -> None:
        """Once per unit of work: commit its offsets if it succeeded and was not abandoned;
        re-raise its failure. Then fetching resumes."""
        async with self._settle_lock:
            if inflight.settled:
                return
            inflight.settled = True
            if self.current is inflight:
                self.current = None
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
            self._count_committed(inflight)

    def _count_committed(self, inflight: Inflight) -> None:
        self.metrics.inc("index_commits_total")
        self.metrics.inc("index_records_committed_total", inflight.records)
        for tp, offset in inflight.offsets.items():
            highwater = self._consumer.highwater(tp)
            if highwater is not None:
                self.metrics.set("index_consumer_lag", max(0, highwater - offset), partition=tp.partition)

    async def finish_within(self, inflight: Inflight, timeout_s: float) -> None:
        """Wait up to `timeout_s` for the work: then settle it (commit, or raise its failure),
        or abandon it."""
        done, _ = await asyncio.wait({inflight.task}, timeout=timeout_s)
        if done and not inflight.task.cancelled():
            await self.settle(inflight)
        else:
            await self.abandon(inflight, f"not finished within {timeout_s:.0f} s")

    async def abandon(self, inflight: Inflight, why: str) -> None:
        """Give the work up without committing: its records will be read again."""
        inflight.abandoned = True
        inflight.task.cancel()
        await asyncio.wait({inflight.task})
        if not inflight.settled:
            log.warning("indexer: %d records in flight abandoned (%s), not committed; they will be indexed "
                        "again under the same _ids", inflight.records, why)
            self.metrics.inc("index_batches_abandoned_total")
            inflight.settled = True
            if self.current is inflight:
                self.current = None
