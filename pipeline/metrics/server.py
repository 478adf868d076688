"""The `/metrics` endpoint of a long-running stage, and the gauges sampled for it.

    endpoint = MetricsEndpoint(metrics, metrics_port(cfg, args), cfg.metrics.bind,
                               samplers=[bytes_behind_sampler(metrics, lambda: shipper.tailer)])
    async with endpoint:
        await shipper.run()

The endpoint serves `generate_latest(metrics.registry)`: the process's own registry (never
prometheus-client's global one), holding the families its stages declared. The HTTP server
runs in its own thread, so a scrape never blocks the event loop; prometheus-client's
objects are thread-safe. Gauges that
need the event loop's objects (bytes behind per file, consumer lag) are sampled by a
task on the loop every `sample_every_s` and stored in the same `Metrics`.
With no port, the endpoint does nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server

from pipeline.metrics.families import stage_families
from pipeline.metrics.registry import Metrics

log = logging.getLogger(__name__)

Sampler = Callable[[], Awaitable[None]]

ENDPOINT = stage_families("metrics", "Errors of the metrics endpoint, by kind (a gauge is left stale).", """
    metrics_sampler_errors  error  sampler{error}
""")


def add_metrics_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--metrics-port", type=int, default=None, metavar="N",
                        help="serve Prometheus /metrics on port N (overrides [metrics] port)")


def metrics_port(cfg: Any, args: argparse.Namespace) -> int | None:
    """`--metrics-port` if given, else `[metrics] port` (None: no endpoint)."""
    port = getattr(args, "metrics_port", None)
    return port if port is not None else cfg.metrics.port


class MetricsEndpoint:
    def __init__(self, metrics: Metrics, port: int | None, bind: str = "127.0.0.1", *,
                 samplers: list[Sampler] | None = None, sample_every_s: float = 5.0,
                 serves: CollectorRegistry | None = None) -> None:
        self.metrics = metrics
        self.serves = serves if serves is not None else metrics.registry  # `logpipe run`: its stages' too
        self.port = port
        self.bind = bind
        self.samplers = list(samplers or [])
        self.sample_every_s = sample_every_s
        metrics.declare(ENDPOINT)
        self._server: Any = None
        self._thread: Any = None
        self._sampling: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.port is None or self._server is not None:
            return
        self._server, self._thread = await asyncio.to_thread(
            start_http_server, self.port, self.bind, registry=self.serves)
        log.info("metrics on http://%s:%d/metrics", self.bind, self.bound_port)
        if self.samplers:
            self._sampling = asyncio.create_task(self._sample_loop(), name="metrics-samplers")

    async def stop(self) -> None:
        """Idempotent: stop sampling and serving."""
        sampling, self._sampling = self._sampling, None
        if sampling is not None:
            sampling.cancel()
            await asyncio.gather(sampling, return_exceptions=True)
        server, self._server = self._server, None
        if server is not None:
            await asyncio.to_thread(server.shutdown)
            server.server_close()

    @property
    def bound_port(self) -> int | None:
        """The port the server listens on (the one the kernel chose for port 0); None when not serving."""
        return self._server.server_port if self._server is not None else None

    async def __aenter__(self) -> MetricsEndpoint:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def sample_once(self) -> None:
        for sampler in self.samplers:
            try:
                async with asyncio.timeout(self.sample_every_s):  # not wait_for: in 3.11 it can swallow a cancel
                    await sampler()
            except Exception as exc:  # a gauge left stale is counted and logged; the stage goes on
                self.metrics.inc("metrics_sampler_errors", error=type(exc).__name__)
                log.warning("metrics sample failed: %r", exc)

    async def _sample_loop(self) -> None:
        while True:
            await self.sample_once()
            await asyncio.sleep(self.sample_every_s)


def bytes_behind_sampler(metrics: Metrics, get_tailer: Callable[[], Any]) -> Sampler:
    """Gauge `ship_behind_bytes{path}` from `Tailer.bytes_behind()` (no tailer: no series)."""
    async def sample() -> None:
        tailer = get_tailer()
        behind = tailer.bytes_behind() if tailer is not None else {}
        metrics.replace("ship_behind_bytes", (({"path": path}, n) for path, n in behind.items()))
    return sample


def consumer_lag_sampler(metrics: Metrics, name: str, get_consumer: Callable[[], Any]) -> Sampler:
    """Gauge `name{partition}`: end offset minus position, for the assigned partitions
    of the consumer (one ListOffsets request per sample; no consumer yet: no series)."""
    async def sample() -> None:
        consumer = get_consumer()
        assigned = sorted(consumer.assignment(), key=lambda tp: (tp.topic, tp.partition)) if consumer else []
        if not assigned:
            metrics.replace(name, [])
            return
        ends = await consumer.end_offsets(assigned)
        rows = []
        for tp in assigned:
            position = await consumer.position(tp)
            rows.append(({"partition": tp.partition}, max(0, ends[tp] - position)))
        metrics.replace(name, rows)
    return sample
