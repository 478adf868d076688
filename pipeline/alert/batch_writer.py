"""The end of each batch of the alerter: its alerts, rule state, event positions and
consumer offsets, written in the order that makes alerts exactly once; and the settling
of alerts a crash left pending.

Exactly-once alerts. State (signatures, alert ids, windows, and `pos/<topic>/<p>`, the
events offset the state includes) lives in the compacted topic `kafka.topic_signatures`
and is rebuilt on start. A batch with alerts ends with, in this order, each step acked
before the next (the state topic may have several partitions, so order across records
is only what we wait for):

  1. `alert/<id>` = pending, with the alert -> state topic
  2. the alerts -> alerts topic; then console / webhook / file
  3. the rules' changed records (signatures, windows, alert-id expiries) -> state topic
  4. `pos/<events topic>/<partition>` -> state topic
  5. `alert/<id>` = sent -> state topic
  6. commit the events offsets of the consumer group

An alert is out one state write after its batch is read. Batches without alerts write
3, 4 and 6 for all of them at most every `STATE_EVERY_S`, in the background while the
alerter reads on (one such write at a time; the next flush waits for it before its own
3), and when run() ends: until then their rule state and positions are in memory only,
and a crash replays their events, which the lost state had not counted. Offsets are committed only for the
partitions still assigned: one given to a peer since is covered by the `pos` written
with it, which the peer reads before it counts those events again (if it was quicker,
its window counts of them are inflated: figures, not alerts).

Crash windows (a restart rebuilds the state, then settles pending alerts):
- before 1 acked: nothing of the batch is in the state or on the alerts topic; events
  are replayed from the committed offset and give the same alerts (same ids, windows
  from `@timestamp`), emitted once now.
- between 1 and 2: the alert is pending. It is looked for on the alerts topic (records
  written since it was pending), absent, so produced now: not missed. The replayed
  events find their alert ids known (from 1), so nothing is alerted twice.
- between 2 and 4: pending, but found on the alerts topic: not produced again; the
  replayed events find their ids known. Rule state written in 3 is counted again by the
  replay (window counts of the unwritten batches may be inflated; a signature's count
  too): figures, never a second alert of the same id. Side outputs are delivered again
  (at least once: a console line or webhook call may repeat until 5, the topic never does).
- between 4 and 5: pending and on the topic, as above; `pos` says the events are done,
  so they are skipped.
- between 5 and 6: the committed offset is old, `pos` is new: replayed events below
  `pos` are skipped (no second count, no second alert).
Replaying events on purpose (offsets reset) is also safe: below `pos` they are skipped;
above it, known signatures and known alert ids produce nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError

from pipeline.alert.outputs import AlertDelivery
from pipeline.alert.positions import EventPositions
from pipeline.alert.rules.alert import Alert
from pipeline.alert.rules.engine import RuleEngine
from pipeline.alert.state import PendingAlerts, StateStore
from pipeline.metrics.registry import Metrics

log = logging.getLogger(__name__)

STATE_EVERY_S = 0.5  # rule state, positions and offsets of batches without alerts: written at most this often


class BatchWriter:
    """Writes through the alerter's state store, delivery and consumer; the engine, pending
    alerts and positions are the alerter's, shared with it."""

    def __init__(self, store: StateStore, delivery: AlertDelivery, engine: RuleEngine, pending: PendingAlerts,
                 positions: EventPositions, *, to_kafka: bool, clock: Callable[[], float], counts: Counter[str],
                 metrics: Metrics) -> None:
        self.store = store
        self.delivery = delivery
        self.engine = engine
        self.pending = pending
        self.positions = positions
        self.to_kafka = to_kafka
        self.clock = clock
        self.counts = counts
        self.metrics = metrics
        self.state_every_s = STATE_EVERY_S
        self._offsets: dict[TopicPartition, int] = {}  # next offsets of the batches read since the last write
        self._written_at = time.monotonic()
        self._writing: asyncio.Task[None] | None = None  # 3, 4 and 6 of batches without alerts, in flight

    async def flush(self, alerts: list[Alert], offsets: dict[TopicPartition, int], consumer: AIOKafkaConsumer,
                    *, force: bool = False) -> None:
        """The end of one batch: its `alerts` and the next `offsets` of its partitions. With
        alerts, steps 1 to 6 now. Without, when `STATE_EVERY_S` has passed since the last
        write, 3, 4 and 6 in the background (the alerter reads on; the next flush waits for
        them before it writes 3), or now with `force`."""
        self._offsets.update(offsets)
        if not alerts and not force and time.monotonic() - self._written_at < self.state_every_s:
            return
        self._written_at = time.monotonic()
        if not alerts and not force:
            await self.written()  # one write of the state at a time, in order
            state, offsets = self.engine.take_dirty(), self._take_offsets()  # now: what the batches so far did
            self._writing = asyncio.create_task(self._write_state(state, offsets, consumer, []),
                                                name="alert-state-write")
            return
        state: dict[str, Any] = self.engine.take_dirty()
        wall_ms = int(self.clock() * 1000)
        if alerts:
            await self.store.write({f"alert/{a.id}": {**(state.pop(f"alert/{a.id}", None) or {}), "status": "pending",
                                                      "alert": a.body, "wall_ms": wall_ms} for a in alerts})  # 1
            await self.delivery.deliver([a.body for a in alerts], to_kafka=self.to_kafka)  # 2
        await self.written()  # the earlier batches' state before this one's
        await self._write_state(state, self._take_offsets(), consumer, alerts)

    async def written(self) -> None:
        """Wait for the write in the background, if any (its failure is raised here)."""
        writing, self._writing = self._writing, None
        if writing is not None:
            await writing

    def abandon(self) -> None:
        """The alerter stops without its last write (a crash, as far as the state goes)."""
        writing, self._writing = self._writing, None
        if writing is None:
            return
        if not writing.done():
            writing.cancel()
        elif not writing.cancelled() and (exc := writing.exception()) is not None:
            log.warning("the alerter's last state write failed (%r); its batches will be read again", exc)

    def _take_offsets(self) -> dict[TopicPartition, int]:
        offsets, self._offsets = self._offsets, {}
        return offsets

    async def _write_state(self, state: dict[str, Any], offsets: dict[TopicPartition, int], consumer: AIOKafkaConsumer,
                           alerts: list[Alert]) -> None:
        """Steps 3 to 6 for the batches read since the last write (`state` and `offsets` taken
        together, when the last of them had been read)."""
        for records in (state, self.positions.advance(offsets)):  # 3, 4: each acked before the next
            if records:
                await self.store.write(records)
        if alerts:
            await self.store.write({f"alert/{a.id}": self._sent(a.id) for a in alerts})  # 5
            self.pending.done([a.id for a in alerts])
        assigned = consumer.assignment()
        # a partition given to a peer since it was read: its `pos` above is what the peer goes by
        offsets = {tp: offset for tp, offset in offsets.items() if tp in assigned}
        if offsets:
            try:
                await consumer.commit(offsets)  # 6
            except CommitFailedError as exc:  # a rebalance: `pos` in the state already covers these events
                self.counts["commit_failed"] += 1
                self.metrics.inc("alert_commit_failures")
                log.warning("offset commit failed (%s); the state's positions cover the batch", exc)

    async def settle(self, pending: Mapping[str, Any], ids_on_topic: Callable[[int], Awaitable[set[str]]],
                     topic: str) -> None:
        """Deliver alerts left pending by a crash; those already on the alerts `topic` (per
        `ids_on_topic(since_wall_ms)`) only to side outputs."""
        if not pending:
            return
        since_ms = min(int(v.get("wall_ms") or 0) for v in pending.values())
        on_topic = await ids_on_topic(since_ms) if self.to_kafka else set()
        missing = [v["alert"] for aid, v in pending.items() if aid not in on_topic]
        found = [v["alert"] for aid, v in pending.items() if aid in on_topic]
        log.warning("settling %d pending alerts: %d to produce, %d already on %s", len(pending), len(missing),
                    len(found), topic)
        await self.delivery.deliver(missing, to_kafka=self.to_kafka)
        await self.delivery.deliver(found, to_kafka=False)
        await self.store.write({f"alert/{aid}": self._sent(aid) for aid in pending})
        self.pending.done(list(pending))
        self.counts["alerts_settled"] += len(pending)

    def _sent(self, aid: str) -> dict[str, Any]:
        return {"expires_s": self.engine.emitted.get(aid, self.clock()), "status": "sent"}
