"""`logpipe run --config FILE`: ship, index and alert on one host (a laptop, the demo),
each stage in a process of its own.

The three stages are the same supervised services as `ship`, `index` and `alert`, in three
child processes of `run` (pipeline/supervise/): one stage's batch work (the shipper
parsing a chunk, the indexer encoding a bulk) no longer delays the others' events. If one
stage fails, the others are stopped cleanly and `run` exits non-zero naming the stage
(2 and the one line of an error that names its cause, as the stage alone would). SIGTERM/
SIGINT stops all three, each checkpointing or committing what it has finished, and `run`
waits for them. A stage process stops cleanly as soon as `run` is gone, even killed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from prometheus_client import CollectorRegistry

from pipeline.cli import exits
from pipeline.cli.args import add_stage_parser, config_with_inputs
from pipeline.cli.preflight import check_settings
from pipeline.metrics.registry import Metrics
from pipeline.metrics.server import MetricsEndpoint, metrics_port
from pipeline.supervise.handoff import STAGE_NAMES, Handoff, Outcome, StageFault
from pipeline.supervise.metrics_fanin import StagesCollector
from pipeline.supervise.supervisor import Supervisor
from sinks.kafka_errors import config_faults_named

log = logging.getLogger(__name__)


def handoffs(cfg, *, show_status: bool, serve_metrics: bool, log_level: str, log_format: str) -> list[Handoff]:
    """One per stage; the status line is the shipper's (its figures are)."""
    return [Handoff(stage=name, cfg=cfg, log_level=log_level, log_format=log_format, lifeline_fd=-1, report_fd=-1,
                    serve_metrics=serve_metrics, show_status=show_status and name == "ship")
            for name in STAGE_NAMES]


async def run_stages(supervisor: Supervisor, cfg, *, metrics_port: int | None) -> list[Outcome]:
    """The endpoint first (a port in use fails before any stage started), then the stages
    until they all ended; SIGTERM/SIGINT asks them to stop."""
    metrics = Metrics()
    served = CollectorRegistry()
    served.register(StagesCollector(metrics, lambda: {s.name: s.metrics_port for s in supervisor.stages}))
    endpoint = MetricsEndpoint(metrics, metrics_port, cfg.metrics.bind, serves=served)
    loop = asyncio.get_running_loop()
    async with endpoint:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, supervisor.request_stop)
        try:
            return await supervisor.run()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)


def verdict(outcomes: list[Outcome]) -> int:
    """The exit code: the first stage that failed decides; the others' failures are logged."""
    failed = [o for o in outcomes if not o.ok]
    for other in failed[1:]:
        log.error("stage %s failed too: %s", other.stage, other.describe())
    if not failed:
        return exits.OK
    first = failed[0]
    if first.fault is not None:
        raise StageFault(first.fault)  # one line, exit 2 (cli.app.main), as the stage alone
    print(f"logpipe run: stage {first.stage} failed: {first.describe()}; the other stages were stopped",
          file=sys.stderr)
    return exits.STAGE_FAILED


def run(args: argparse.Namespace) -> int:
    from sinks.es_errors import check_tls, es_faults_named

    cfg = config_with_inputs(args)
    check_settings(cfg, os.environ, es=True)
    print(f"logpipe run: following {sum(len(i.paths) for i in cfg.inputs)} path pattern(s) as host "
          f"{cfg.host.name!r}; Kafka {cfg.kafka.bootstrap}, Elasticsearch {', '.join(cfg.elasticsearch.hosts)}; "
          "alerts below (Ctrl-C stops)", flush=True)
    port = metrics_port(cfg, args)
    supervisor = Supervisor(handoffs(cfg, show_status=not args.quiet, serve_metrics=port is not None,
                                     log_level=args.log_level, log_format=args.log_format))
    with config_faults_named(cfg.kafka), es_faults_named(cfg.elasticsearch):
        asyncio.run(check_tls(cfg.elasticsearch))
    return verdict(asyncio.run(run_stages(supervisor, cfg, metrics_port=port)))


def add_parser(sub: argparse._SubParsersAction) -> None:
    add_stage_parser(sub, "run", "ship, index and alert, each in a process of its own", run, status_line=True)
