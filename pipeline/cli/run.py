"""`logpipe run --config FILE`: ship, index and alert in one process (one host, a laptop, the demo).

The three stages are the same supervised services as `ship`, `index` and `alert`: they
only share the process and its signal handling. If one stage fails, the others are
stopped cleanly and the failure is reported; SIGTERM/SIGINT stops all three, each
checkpointing or committing what it has finished.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal

from pipeline.cli import exits
from pipeline.cli.args import add_stage_parser, config_with_inputs
from pipeline.cli.gc_pace import collect_less_often
from pipeline.metrics.registry import Metrics
from pipeline.metrics.server import (MetricsEndpoint, bytes_behind_sampler, consumer_lag_sampler,
                                     metrics_port)
from pipeline.cli.preflight import check_settings
from pipeline.cli.status_line import status_loop
from sinks.kafka_errors import config_faults_named, is_config_fault

log = logging.getLogger(__name__)


async def run_all(cfg, env, *, show_status: bool = True, stop: asyncio.Event | None = None,
                  metrics_port: int | None = None) -> None:
    # the stages (and the Elasticsearch client) are loaded by this command, not by every `logpipe`
    from pipeline.alert.stage import Alerter
    from pipeline.index.stage import Indexer, IndexerOptions
    from pipeline.ship.shipper import Shipper
    from sinks.es_errors import es_config_fault

    metrics = Metrics()
    shipper = Shipper(cfg, env, metrics)
    indexer = Indexer(cfg, env, metrics=metrics, options=IndexerOptions())
    alerter = Alerter(cfg, env, metrics=metrics)
    endpoint = MetricsEndpoint(metrics, metrics_port, cfg.metrics.bind, samplers=[
        bytes_behind_sampler(metrics, lambda: shipper.tailer),
        consumer_lag_sampler(metrics, "index_consumer_lag", lambda: indexer.consumer),
        consumer_lag_sampler(metrics, "alert_consumer_lag", lambda: alerter.consumer)])
    stop = stop or asyncio.Event()

    def request_stop() -> None:
        stop.set()
        shipper.stop()
        indexer.request_stop()
        alerter.request_stop()

    await endpoint.start()  # first: a port in use fails before anything else started
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, request_stop)

    async def index_stage() -> None:
        async with indexer:
            await indexer.run()

    async def alert_stage() -> None:
        async with alerter:
            await alerter.run()

    stages = {asyncio.create_task(shipper.run(), name="ship"),
              asyncio.create_task(index_stage(), name="index"),
              asyncio.create_task(alert_stage(), name="alert")}
    watcher = asyncio.create_task(stop.wait(), name="stop")
    status = asyncio.create_task(status_loop(metrics, lambda: shipper.tailer)) if show_status else None
    try:
        done, _ = await asyncio.wait(stages | {watcher}, return_when=asyncio.FIRST_COMPLETED)
        failed = [t for t in done if t is not watcher and not t.cancelled() and t.exception() is not None]
        for t in failed:
            exc = t.exception()
            if not (is_config_fault(exc, cfg.kafka) or es_config_fault(exc, cfg.elasticsearch)):  # printed by run()
                log.error("stage %s failed: %r; stopping the others", t.get_name(), t.exception())
        request_stop()
        await asyncio.gather(*stages, return_exceptions=True)
        if failed:
            raise failed[0].exception()
    finally:
        watcher.cancel()
        if status is not None:
            status.cancel()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await endpoint.stop()


def run(args: argparse.Namespace) -> int:
    from sinks.es_errors import check_tls, es_faults_named

    collect_less_often()
    cfg = config_with_inputs(args)
    check_settings(cfg, os.environ, es=True)
    print(f"logpipe run: following {sum(len(i.paths) for i in cfg.inputs)} path pattern(s) as host "
          f"{cfg.host.name!r}; Kafka {cfg.kafka.bootstrap}, Elasticsearch {', '.join(cfg.elasticsearch.hosts)}; "
          "alerts below (Ctrl-C stops)", flush=True)
    with config_faults_named(cfg.kafka), es_faults_named(cfg.elasticsearch):
        asyncio.run(check_tls(cfg.elasticsearch))
        asyncio.run(run_all(cfg, os.environ, show_status=not args.quiet, metrics_port=metrics_port(cfg, args)))
    return exits.OK


def add_parser(sub: argparse._SubParsersAction) -> None:
    add_stage_parser(sub, "run", "ship, index and alert in one process", run, status_line=True)
