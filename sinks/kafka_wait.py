"""Waiting for Kafka at a stage's start: a broker that is down (or not up yet) is waited
for with back-off instead of ending the stage, with one log line when the wait starts
and one when it ends. Settings the broker refuses (TLS, SASL) are no outage:
`check_access` raises `KafkaConfigError` at once, and so does this wait."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from aiokafka.errors import KafkaConnectionError

from sinks.kafka_client import KafkaSettings
from sinks.kafka_errors import check_access

log = logging.getLogger(__name__)


async def until_kafka_answers(cfg: KafkaSettings, env: Mapping[str, str], stopping: asyncio.Event, *,
                              on_failure: Callable[[], None], resuming: str,
                              connect: Callable[[], Awaitable[None]] | None = None,
                              max_backoff_s: float = 30.0) -> None:
    """Return once a bootstrap server answers and `connect()` (the stage's own clients, if
    given) succeeded. Each failed attempt calls `on_failure` (a metric) and waits 1, 2, 4 ...
    up to `max_backoff_s` seconds. A stop requested (`stopping` set) while Kafka is away
    ends the wait with the connection error. `resuming` names what the stage goes on with
    (`alerting`, `indexing`) in the line logged when Kafka answers after a wait."""
    backoff_s, since = 1.0, time.monotonic()
    while True:
        try:
            await check_access(cfg, env)
            if connect is not None:
                await connect()
        except KafkaConnectionError as exc:
            if backoff_s == 1.0:
                log.warning("kafka at %s not reachable (%s); retrying with back-off", cfg.bootstrap, exc)
            on_failure()
            if stopping.is_set():
                raise
            try:
                async with asyncio.timeout(backoff_s):
                    await stopping.wait()
            except TimeoutError:
                backoff_s = min(backoff_s * 2, max_backoff_s)
                continue
            raise  # asked to stop while Kafka is away: give up with the connection error
        if backoff_s > 1.0:
            log.warning("kafka answers after %.0fs; %s", time.monotonic() - since, resuming)
        return
