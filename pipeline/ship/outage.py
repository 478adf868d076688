"""The lives of the shipper and the outages between them: waiting for Kafka at start,
one life per producer until a delivery fails, then probing Kafka with back-off (one log
line when the outage starts, one when it ends) before the next life follows the files
again from their checkpoints. A broker that refuses the settings (TLS, SASL, ACLs) is a
fault a retry cannot help: it stops the shipper.

`OutageRecovery` is a part of `pipeline.ship.shipper.Shipper`, whose `_run_once` is one life.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pipeline.metrics.registry import Metrics
from pipeline.ship.send import KafkaOutage
from pipeline.tail.checkpoint_file import CheckpointError
from pipeline.tail.checkpoints import CheckpointStore
from sinks.backoff import Backoff
from sinks.closing import close_within
from sinks.kafka import EventProducer, ensure_topics
from sinks.kafka_client import KafkaConfigError
from sinks.kafka_errors import check_access, config_fault

log = logging.getLogger(__name__)
KAFKA_BACKOFF = Backoff(base_s=1.0, cap_s=30.0)  # waiting for the broker at start and during an outage


class OutageRecovery:
    cfg: Any
    env: Mapping[str, str]
    metrics: Metrics
    store: CheckpointStore
    stall_timeout_s: float
    _failure: BaseException | None
    _stopping: asyncio.Event
    _run_once: Callable[[], Awaitable[None]]  # one life, from the checkpoints to an outage or stop

    async def _lives(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._run_once()
            except KafkaOutage as exc:
                fault = config_fault(exc, self.cfg.kafka) or config_fault(self._failure, self.cfg.kafka)
                if fault is not None:  # refused by the broker (TLS, SASL, ACLs): a retry cannot help
                    raise fault from None
                self.metrics.inc("ship_outages")
                since = time.monotonic()
                log.warning("kafka delivery failed (%s); reading paused, resuming from checkpoints when it answers",
                            exc)
                for attempt in itertools.count():
                    if self._stopping.is_set():
                        break
                    await self._save_identities()
                    if await self._kafka_answers():
                        log.warning("kafka answers again after %.1fs; resuming", time.monotonic() - since)
                        break
                    await self._sleep(KAFKA_BACKOFF.delay_s(attempt))

    async def _ensure_topics(self) -> None:
        k = self.cfg.kafka
        for attempt in itertools.count():
            if self._stopping.is_set():
                return
            try:
                await check_access(k, self.env)
                await ensure_topics(k, self.env, {k.topic_events: {"partitions": 6}})
                return
            except KafkaConfigError:
                raise
            except Exception as exc:  # broker not there yet: wait, log once per attempt, and retry
                fault = config_fault(exc, k)
                if fault is not None:
                    raise fault from None
                self.metrics.inc("ship_connect_failures")
                delay_s = KAFKA_BACKOFF.delay_s(attempt)
                log.warning("kafka at %s not reachable yet (%r); retrying in %.1fs", k.bootstrap, exc, delay_s)
                await self._save_identities()
                await self._sleep(delay_s)

    async def _save_identities(self) -> None:
        """While Kafka is away, the identities discovery records are flushed, so a restart
        finds a file rotated out of the globs by its inode (offsets move only after acks)."""
        try:
            await self.store.flush()
        except CheckpointError as exc:  # reported by the checkpoint loop too once shipping runs again
            self.metrics.inc("ship_checkpoint_failures")
            log.error("checkpoints not saved while waiting for kafka: %s", exc)

    async def _kafka_answers(self) -> bool:
        probe = EventProducer(self.cfg.kafka, self.env)
        try:
            await check_access(self.cfg.kafka, self.env)
            await asyncio.wait_for(probe.start(), 10)
            return True
        except KafkaConfigError:  # answers, but refuses these settings: the caller stops
            raise
        except Exception as exc:  # still down: the caller backs off and tries again
            log.debug("kafka probe failed: %r", exc)
            return False
        finally:
            await close_within(probe.stop(), "the kafka probe")

    async def _sleep(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        except TimeoutError:
            pass

    async def _stall_watch(self, producer: EventProducer, shipping: asyncio.Task) -> None:
        """Records in flight and no acknowledgement for `stall_timeout_s`: the broker is gone.
        Declaring the outage now (rather than when the client's own request timeout expires)
        stops its reconnect storm sooner and starts the paced probing."""
        while True:
            await asyncio.sleep(1.0)
            stalled = producer.stalled_for_s()
            if stalled >= self.stall_timeout_s:
                exc = KafkaOutage(f"no acknowledgement for {stalled:.0f}s with records in flight")
                self._failure = exc
                producer.fail_waiters(exc)
                shipping.cancel()  # it may be waiting inside the client, which only times out later
                return

    async def _drain(self, producer: EventProducer, timeout_s: float = 60.0) -> None:
        """Lets in-flight sends finish (acked or failed), then closes the producer."""
        deadline = time.monotonic() + timeout_s
        while producer.in_flight_bytes > 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        # the client gives up on what it holds after its request timeout: let it, so it closes whole
        stop_s = max(1.0, deadline - time.monotonic(), self.cfg.kafka.request_timeout_ms / 1000 + 5)
        try:
            await asyncio.wait_for(producer.stop(), stop_s)
        except Exception as exc:  # a broker that is down cannot take the last batch; checkpoints cover it
            self.metrics.inc("ship_producer_close_failures")
            log.warning("closing the kafka producer failed after %.0fs: %r", stop_s, exc)
