"""The end of each batch of the alerter: its alerts, rule state, event positions and
consumer offsets, written in the order that makes alerts exactly once; and the settling
of alerts a crash left pending.

Exactly-once alerts. State (signatures, alert ids, windows, and `pos/<topic>/<p>`, the
events offset the state includes) lives in the compacted topic `kafka.topic_signatures`
and is rebuilt on start. Each batch of events ends with, in this order:

  1. -> state topic, each step acked before the next (the state topic may have several
     partitions, so order across records is only what we wait for):
     a. `alert/<id>` = pending, with the alert
     b. the rules' changed records (signatures, windows, alert-id expiries)
     c. `pos/<events topic>/<partition>`
  2. the alerts -> alerts topic, acked; then console / webhook / file
  3. `alert/<id>` = sent -> state topic, acked
  4. commit the events offsets of the consumer group

Crash windows (a restart rebuilds the state, then settles pending alerts):
- before 1a acked: nothing of the batch is in the state or on the alerts topic; events
  are replayed from the committed offset and give the same alerts (same ids, windows
  from `@timestamp`), emitted once now.
- between 1a and 1c: the alerts are pending (settled as below); the replayed events
  find their alert ids known, so nothing is alerted twice. Rule state written in 1b is
  counted again by the replay (window counts of that one batch may be inflated; a
  signature's count too): figures, never a second alert of the same id.
- between 1c and 2: the alert is pending in the state; `pos` says its events are done,
  so they are skipped. The pending alert is looked for on the alerts topic (records
  written since it was pending); it is absent, so it is produced now: not missed.
- between 2 and 3: pending, but found on the alerts topic: not produced again. Side
  outputs are delivered again (at least once: a console line or webhook call may repeat
  in this window, the topic never does).
- between 3 and 4: the committed offset is old, `pos` is new: replayed events below
  `pos` are skipped (no second count, no second alert).
Replaying events on purpose (offsets reset) is also safe: below `pos` they are skipped;
above it, known signatures and known alert ids produce nothing.
"""

from __future__ import annotations

import logging
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

    async def flush(self, alerts: list[Alert], offsets: dict[TopicPartition, int], consumer: AIOKafkaConsumer) -> None:
        """Steps 1 to 4 for one batch: its `alerts` and the next `offsets` of its partitions."""
        state: dict[str, Any] = self.engine.take_dirty()
        pending: dict[str, Any] = {}
        wall_ms = int(self.clock() * 1000)
        for alert in alerts:
            key = f"alert/{alert.id}"
            pending[key] = {**(state.pop(key, None) or {}), "status": "pending", "alert": alert.body,
                            "wall_ms": wall_ms}
        positions = self.positions.advance(offsets)
        for records in (pending, state, positions):  # 1a, 1b, 1c: each acked before the next
            if records:
                await self.store.write(records)
        if alerts:
            await self.delivery.deliver([a.body for a in alerts], to_kafka=self.to_kafka)  # 2
            await self.store.write({f"alert/{a.id}": self._sent(a.id) for a in alerts})  # 3
            self.pending.done([a.id for a in alerts])
        if offsets:
            try:
                await consumer.commit(offsets)  # 4
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
