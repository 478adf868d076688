"""`logpipe index`: run the indexer stage until SIGTERM/SIGINT (or, with `--once`, until caught up).

On a signal the work in flight is finished (up to its grace time), its offsets are
committed, and the process exits 0; a second signal abandons it without committing.
Also runnable alone: `python -m pipeline.cli.index --config FILE`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

from aiokafka.errors import KafkaConnectionError

from pipeline.cli import exits
from pipeline.cli.args import add_stage_parser, config_of
from pipeline.cli.preflight import check_settings
from pipeline.metrics.registry import Metrics
from pipeline.metrics.server import MetricsEndpoint, consumer_lag_sampler, metrics_port
from sinks.kafka_errors import config_faults_named

if TYPE_CHECKING:
    from pipeline.index.stage import Indexer

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the `index` sub-command to `logpipe`'s sub-parsers."""
    p = add_stage_parser(sub, "index", "index events from Kafka into Elasticsearch", cmd_index)
    p.add_argument("--retention-days", type=int, default=None, metavar="N",
                   help="delete daily indices older than N days, on start and then daily")
    p.add_argument("--once", action="store_true", help="exit when every partition is caught up")


async def run_indexer(indexer: Indexer) -> None:
    """Start, run and stop `indexer`, with SIGTERM/SIGINT asking it to stop cleanly."""
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    signals = (signal.SIGTERM, signal.SIGINT)

    def on_signal(signum: int) -> None:
        if indexer.stop_was_requested and main is not None:
            log.warning("second %s: stopping now, work in flight is not committed", signal.Signals(signum).name)
            main.cancel()
            return
        log.warning("%s: finishing the work in flight, then stopping", signal.Signals(signum).name)
        indexer.request_stop()

    for sig in signals:
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        async with indexer:
            await indexer.run()
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)


def cmd_index(args: argparse.Namespace) -> int:
    # the Elasticsearch client is loaded by the commands that use it, not by every `logpipe`
    from pipeline.index.stage import Indexer, IndexerOptions
    from sinks.es_errors import check_tls, es_faults_named

    cfg = config_of(args)  # ConfigError, KafkaConfigError, EsConfigError: one line and exit 2 (cli.app.main)
    check_settings(cfg, os.environ, es=True)
    if args.retention_days is not None and args.retention_days < 0:
        print("logpipe: --retention-days must be >= 0", file=sys.stderr)
        return exits.USAGE
    options = IndexerOptions(retention_days=args.retention_days, once=args.once)
    metrics = Metrics()
    indexer = Indexer(cfg, os.environ, metrics=metrics, options=options)
    endpoint = MetricsEndpoint(metrics, metrics_port(cfg, args), cfg.metrics.bind,
                               samplers=[consumer_lag_sampler(metrics, "index_consumer_lag", lambda: indexer.consumer)])

    async def main() -> None:
        await check_tls(cfg.elasticsearch)
        async with endpoint:
            await run_indexer(indexer)

    try:
        with config_faults_named(cfg.kafka), es_faults_named(cfg.elasticsearch):
            asyncio.run(main())
    except asyncio.CancelledError:
        return exits.INTERRUPTED
    except KafkaConnectionError as exc:  # stopped while still waiting for Kafka to answer
        print(f"logpipe index: stopped before Kafka answered: {exc}", file=sys.stderr)
        return exits.NEVER_CONNECTED
    return exits.OK


def main(argv: list[str] | None = None) -> int:
    """`python -m pipeline.cli.index ARGS` is `logpipe index ARGS`."""
    from pipeline.cli.app import main as logpipe

    return logpipe(["index", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
