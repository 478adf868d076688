"""The latest alerts of `kafka.topic_alerts`, kept in memory for the live report.

No consumer group (nothing is committed, nothing is taken from the alert consumers):
the partitions are assigned by hand, each starts `keep` records before its end, and
new alerts are read as they come. A topic that does not exist yet is looked for again
every `retry_s`; a record that is not an alert is counted and logged, never fatal.

    alerts = LatestAlerts(cfg.kafka, os.environ, keep=20)
    async with alerts:            # starts the reading task
        alerts.latest()           # newest first, at most `keep`
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from pipeline.config.schema import KafkaConfig
from sinks.codec import UndecodableRecord, decode_event
from sinks.kafka_client import connection_kwargs

log = logging.getLogger(__name__)


class LatestAlerts:
    def __init__(self, cfg: KafkaConfig, env: Mapping[str, str], *, keep: int = 20, retry_s: float = 5.0) -> None:
        self.cfg, self.env, self.keep, self.retry_s = cfg, env, keep, retry_s
        self._alerts: OrderedDict[str, dict[str, Any]] = OrderedDict()  # by id, oldest first
        self._task: asyncio.Task[None] | None = None
        self.undecodable = 0
        self.error: str | None = None  # the last reason the topic could not be read, shown on the page

    def check(self) -> None:
        """Raise what ended the reading task, if something did (it only ends by failing)."""
        if self._task is not None and self._task.done() and not self._task.cancelled():
            self._task.result()

    def latest(self) -> list[dict[str, Any]]:
        return list(reversed(self._alerts.values()))

    def add(self, alert: dict[str, Any]) -> None:
        aid = str(alert.get("id"))
        self._alerts.pop(aid, None)
        self._alerts[aid] = alert
        while len(self._alerts) > self.keep:
            self._alerts.popitem(last=False)

    async def __aenter__(self) -> "LatestAlerts":
        self._task = asyncio.create_task(self._run(), name="live-report-alerts")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    async def _run(self) -> None:
        while True:
            try:
                await self._follow()
            except (KafkaError, OSError) as exc:
                self.error = f"alerts from {self.cfg.topic_alerts}: {type(exc).__name__} {exc}".strip()
                log.warning("live report: reading %s failed, again in %.0f s: %r", self.cfg.topic_alerts,
                            self.retry_s, exc)
            await asyncio.sleep(self.retry_s)

    async def _follow(self) -> None:
        tps = await self._partitions()
        if not tps:
            self.error = f"no alerts topic {self.cfg.topic_alerts} yet"
            return
        consumer = AIOKafkaConsumer(**connection_kwargs(self.cfg, self.env), group_id=None,
                                    enable_auto_commit=False, fetch_max_wait_ms=300)
        await consumer.start()
        try:
            consumer.assign(tps)
            begin, end = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
            for tp in tps:
                consumer.seek(tp, max(begin[tp], end[tp] - self.keep))
            self.error = None
            while True:
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for rec in records:
                        self._take(rec.value)
        finally:
            await consumer.stop()

    async def _partitions(self) -> list[TopicPartition]:
        """The alerts topic's partitions; none when it does not exist yet (listed first: describing
        a missing topic would create it on a broker that creates topics on demand)."""
        admin = AIOKafkaAdminClient(**connection_kwargs(self.cfg, self.env))
        await admin.start()
        try:
            if self.cfg.topic_alerts not in await admin.list_topics():
                return []
            (described,) = await admin.describe_topics([self.cfg.topic_alerts])
        finally:
            await admin.close()
        return sorted(TopicPartition(self.cfg.topic_alerts, p["partition"]) for p in described.get("partitions", []))

    def _take(self, value: bytes | None) -> None:
        try:
            alert = decode_event(value)
        except UndecodableRecord as exc:
            self.undecodable += 1
            log.warning("live report: not an alert on %s: %s", self.cfg.topic_alerts, exc)
            return
        self.add(alert)
