"""The three stages as a stage process of `logpipe run` runs them: the same supervised
services as `logpipe ship`, `index` and `alert`, each with the gauges its endpoint samples.

    body = STAGES["index"](cfg, os.environ, metrics, show_status=False)
    stop_on_signal(body.request_stop)
    await body.run()
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.metrics.registry import Metrics
from pipeline.metrics.server import Sampler, bytes_behind_sampler, consumer_lag_sampler


@dataclass(slots=True)
class StageBody:
    run: Callable[[], Awaitable[None]]  # until stopped (or failed)
    request_stop: Callable[[], None]  # safe from a signal handler; idempotent
    samplers: list[Sampler] = field(default_factory=list)


def ship(cfg: Any, env: Mapping[str, str], metrics: Metrics, *, show_status: bool,
         state_lock: Any = None) -> StageBody:
    from pipeline.cli.status_line import status_loop
    from pipeline.ship.shipper import Shipper

    shipper = Shipper(cfg, env, metrics, state_lock=state_lock)

    async def run() -> None:
        status = asyncio.create_task(status_loop(metrics, lambda: shipper.tailer)) if show_status else None
        try:
            await shipper.run()
        finally:
            if status is not None:
                status.cancel()
                await asyncio.gather(status, return_exceptions=True)

    return StageBody(run, shipper.stop, [bytes_behind_sampler(metrics, lambda: shipper.tailer)])


def index(cfg: Any, env: Mapping[str, str], metrics: Metrics, *, show_status: bool) -> StageBody:
    from pipeline.index.stage import Indexer, IndexerOptions

    indexer = Indexer(cfg, env, metrics=metrics, options=IndexerOptions())

    async def run() -> None:
        async with indexer:
            await indexer.run()

    return StageBody(run, indexer.request_stop,
                     [consumer_lag_sampler(metrics, "index_consumer_lag", lambda: indexer.consumer)])


def alert(cfg: Any, env: Mapping[str, str], metrics: Metrics, *, show_status: bool) -> StageBody:
    from pipeline.alert.stage import Alerter

    alerter = Alerter(cfg, env, metrics=metrics)

    async def run() -> None:
        async with alerter:
            await alerter.run()

    return StageBody(run, alerter.request_stop,
                     [consumer_lag_sampler(metrics, "alert_consumer_lag", lambda: alerter.consumer)])


STAGES: dict[str, Callable[..., StageBody]] = {"ship": ship, "index": index, "alert": alert}
