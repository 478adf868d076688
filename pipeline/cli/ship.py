"""`logpipe ship --config FILE`: follow the configured files and ship their events to Kafka."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal

from pipeline.cli import exits
from pipeline.cli.args import add_stage_parser, config_with_inputs
from pipeline.cli.gc_pace import collect_less_often
from pipeline.cli.preflight import check_settings
from pipeline.cli.status_line import status_loop
from pipeline.metrics.registry import Metrics
from pipeline.metrics.server import MetricsEndpoint, bytes_behind_sampler, metrics_port
from pipeline.ship.shipper import Shipper
from sinks.kafka_errors import config_faults_named


async def ship_until_signalled(shipper: Shipper, show_status: bool = True) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, shipper.stop)
    status = asyncio.create_task(status_loop(shipper.metrics, lambda: shipper.tailer)) if show_status else None
    try:
        await shipper.run()
    finally:
        if status is not None:
            status.cancel()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def run(args: argparse.Namespace) -> int:
    collect_less_often()
    cfg = config_with_inputs(args)
    check_settings(cfg, os.environ)
    shipper = Shipper(cfg, os.environ, Metrics())

    async def main() -> None:
        async with MetricsEndpoint(shipper.metrics, metrics_port(cfg, args), cfg.metrics.bind,
                                   samplers=[bytes_behind_sampler(shipper.metrics, lambda: shipper.tailer)]):
            await ship_until_signalled(shipper, show_status=not args.quiet)

    with config_faults_named(cfg.kafka):
        asyncio.run(main())
    return exits.OK


def add_parser(sub: argparse._SubParsersAction) -> None:
    add_stage_parser(sub, "ship", "follow log files and ship their events to Kafka", run, status_line=True)
