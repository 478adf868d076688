"""Shared pieces of the alerter integration tests: configs on unique topics, event
documents, an alerter running in the background, a reader of the alerts topic."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from parsers.event import Event
from parsers.options import SqlOptions
from pipeline.alert.rules.alert import iso
from pipeline.alert.stage import Alerter
from pipeline.config.schema import AlertsConfig, Config, KafkaConfig


def config(bootstrap: str, name: str, *, group: str | None = None, events: str | None = None) -> Config:
    kafka = KafkaConfig(bootstrap=bootstrap, topic_events=events or f"{name}.events", topic_alerts=f"{name}.alerts",
                        topic_signatures=f"{name}.signatures", group_alert=group or f"{name}-alert")
    return Config(kafka=kafka, alerts=AlertsConfig(outputs=("kafka",), keywords=()),
                  sql=SqlOptions(slow_ms=1000.0))


async def make_topics(cfg: Config, partitions: int = 3) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=cfg.kafka.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(cfg.kafka.topic_events, partitions, 1)])
    finally:
        await admin.close()


def quiet_docs(prefix: str, n: int) -> list[dict[str, Any]]:
    """`n` ordinary INFO events (no rule alerts on them), ids `prefix-0`..."""
    return [Event(message=f"order {i} settled", kind="line", level="INFO", timestamp=iso(time.time()), host="pay-01",
                  service="payments", id=f"{prefix}-{i}", file_path="/var/log/pay.log", offset=i).to_ecs()
            for i in range(n)]


def exception_doc(sig: str, offset: int = 0) -> dict[str, Any]:
    return Event(message="payment failed", kind="exception", timestamp=iso(time.time()), host="pay-01",
                 service="payments", id=f"{sig}-{offset}", level="ERROR", error_type="com.pay.PayException",
                 error_message="channel timeout", stack_trace="com.pay.PayException: channel timeout\n\tat a.b(C.java:1)",
                 signature=sig, signature_version="v1", root_cause_type="java.net.SocketTimeoutException",
                 root_cause_message="Read timed out", file_path="/var/log/pay.log", offset=offset).to_ecs()


def slow_sql_doc(ms: float, fid: str = "fp-orders") -> dict[str, Any]:
    return Event(message=f"{ms} ms", kind="sql", timestamp=iso(time.time()), host="pay-01", service="payments",
                 duration_ns=int(ms * 1_000_000), sql_statement="SELECT * FROM orders WHERE no = '42'",
                 sql_fingerprint="select * from orders where no = ?", sql_fingerprint_id=fid).to_ecs()


@contextlib.asynccontextmanager
async def running(cfg: Config, alerter: Alerter | None = None) -> AsyncIterator[Alerter]:
    """An alerter running in the background, its group joined; stopped on exit (errors re-raised)."""
    alerter = alerter or Alerter(cfg, {})
    await alerter.start()
    task = asyncio.create_task(alerter.run())
    try:
        async with asyncio.timeout(20):
            while not alerter._consumer.assignment():
                if task.done():
                    task.result()
                await asyncio.sleep(0.05)
        yield alerter
    finally:
        alerter.request_stop()
        try:
            await asyncio.wait_for(task, 10)
        finally:
            await alerter.stop()


class AlertReader:
    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.alerts: list[dict[str, Any]] = []

    async def _poll(self, timeout_ms: int) -> None:
        batch = await self.consumer.getmany(timeout_ms=timeout_ms)
        self.alerts += [orjson.loads(r.value) for records in batch.values() for r in records]

    async def wait(self, n: int, timeout_s: float) -> list[dict[str, Any]]:
        """Alerts read so far, once there are at least `n`."""
        async with asyncio.timeout(timeout_s):
            while len(self.alerts) < n:
                await self._poll(50)
        return self.alerts

    async def to_end(self, timeout_s: float) -> list[dict[str, Any]]:
        """Alerts read up to the end the alerts topic has now (every alert already written)."""
        async with asyncio.timeout(timeout_s):
            while not self.consumer.assignment():
                await self._poll(50)
            parts = list(self.consumer.assignment())
            ends = await self.consumer.end_offsets(parts)
            while [tp for tp in parts if await self.consumer.position(tp) < ends[tp]]:
                await self._poll(50)
        return self.alerts

    async def quiet(self, seconds: float) -> list[dict[str, Any]]:
        """Keep reading for `seconds` (to see that nothing more comes)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            await self._poll(50)
        return self.alerts


@contextlib.asynccontextmanager
async def read_alerts(cfg: Config) -> AsyncIterator[AlertReader]:
    """Reads the alerts topic from its beginning (the alerter creates the topic on start)."""
    consumer = AIOKafkaConsumer(cfg.kafka.topic_alerts, bootstrap_servers=cfg.kafka.bootstrap, group_id=None,
                                enable_auto_commit=False, fetch_max_wait_ms=50, auto_offset_reset="earliest",
                                metadata_max_age_ms=500)
    await consumer.start()
    try:
        yield AlertReader(consumer)
    finally:
        await consumer.stop()
