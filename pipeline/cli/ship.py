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
from pipeline.metrics.registry import Metrics
from pipeline.metrics.server import MetricsEndpoint, metrics_port
from pipeline.ship.state_lock import StateLock
from pipeline.supervise.stages import StageBody
from pipeline.supervise.stages import ship as ship_stage
from sinks.kafka_errors import config_faults_named


async def ship_until_signalled(body: StageBody) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, body.request_stop)
    try:
        await body.run()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def run(args: argparse.Namespace) -> int:
    collect_less_often()
    cfg = config_with_inputs(args)
    check_settings(cfg, os.environ)
    metrics = Metrics()
    state_lock = StateLock(cfg.state.dir)
    state_lock.acquire()  # before the metrics port is bound: a second shipper is told whose state it is
    try:
        body = ship_stage(cfg, os.environ, metrics, show_status=not args.quiet,  # as `run`'s ship process runs it
                          state_lock=state_lock)

        async def main() -> None:
            async with MetricsEndpoint(metrics, metrics_port(cfg, args), cfg.metrics.bind, samplers=body.samplers):
                await ship_until_signalled(body)

        with config_faults_named(cfg.kafka):
            asyncio.run(main())
    finally:
        state_lock.release()
    return exits.OK


def add_parser(sub: argparse._SubParsersAction) -> None:
    add_stage_parser(sub, "ship", "follow log files and ship their events to Kafka", run, status_line=True)
