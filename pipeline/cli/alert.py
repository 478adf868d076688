"""`logpipe alert` (the alerter stage) and `logpipe alerts follow` (a live view of the
alerts topic). `add_parser(sub)` registers both on the CLI's sub-parsers."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiokafka import AIOKafkaConsumer

from pipeline.cli import exits
from pipeline.cli.args import add_config_option, add_stage_parser, config_of
from pipeline.cli.preflight import check_settings
from pipeline.config.schema import Config
from pipeline.metrics.registry import Metrics
from pipeline.metrics.server import MetricsEndpoint, consumer_lag_sampler, metrics_port
from sinks.alerts import ConsoleOutput, format_line
from sinks.codec import UndecodableRecord, decode_event
from sinks.kafka_client import connection_kwargs
from sinks.kafka_errors import config_faults_named

log = logging.getLogger(__name__)
SEEN_IDS_MAX = 10_000


def add_parser(sub: Any) -> None:
    al = add_stage_parser(sub, "alert", "the alerter stage: rules over the events topic, alerts out", cmd_alert)
    al.add_argument("--once", action="store_true", help="exit when caught up with the events topic")

    als = sub.add_parser("alerts", help="read the alerts topic")
    als_sub = als.add_subparsers(dest="alerts_action", required=True)
    fo = als_sub.add_parser("follow", help="print alerts as they arrive")
    add_config_option(fo)
    fo.add_argument("--json", action="store_true", help="raw JSON lines instead of readable lines")
    fo.add_argument("--from-beginning", action="store_true", help="start at the oldest alert, not the newest")
    fo.set_defaults(func=cmd_alerts_follow)


def _run_until_signal(make: Callable[[asyncio.Event], Coroutine[Any, Any, int]]) -> int:
    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        return await make(stop)

    return asyncio.run(main())


def cmd_alert(args: argparse.Namespace) -> int:
    from pipeline.alert.stage import Alerter  # with its outputs (aiohttp): loaded by this command only

    cfg = config_of(args)
    check_settings(cfg, os.environ)

    async def go(stop: asyncio.Event) -> int:
        metrics = Metrics()
        alerter = Alerter(cfg, os.environ, metrics=metrics)
        lag = consumer_lag_sampler(metrics, "alert_consumer_lag", lambda: alerter.consumer)
        async with MetricsEndpoint(metrics, metrics_port(cfg, args), cfg.metrics.bind, samplers=[lag]), alerter:
            watcher = asyncio.create_task(_stop_on(stop, alerter.request_stop))
            try:
                await alerter.run(once=args.once)
            finally:
                watcher.cancel()
            log.info("alerter done: %s", dict(alerter.counts))
        return exits.OK

    with config_faults_named(cfg.kafka):
        return _run_until_signal(go)


async def _stop_on(stop: asyncio.Event, action: Callable[[], None]) -> None:
    await stop.wait()
    action()


def cmd_alerts_follow(args: argparse.Namespace) -> int:
    cfg = config_of(args)
    check_settings(cfg, os.environ)
    with config_faults_named(cfg.kafka):
        return _run_until_signal(lambda stop: follow(cfg, stop, as_json=args.json, from_beginning=args.from_beginning))


async def follow(cfg: Config, stop: asyncio.Event, *, as_json: bool, from_beginning: bool,
                 write: Callable[[str], None] | None = None) -> int:
    """Print every alert of the alerts topic until `stop` is set; an id seen before is not printed again.
    Readable lines are coloured when stdout is a terminal (and `write` is not given)."""
    console = ConsoleOutput() if write is None and not as_json and sys.stdout.isatty() else None
    write = write or _print
    consumer = AIOKafkaConsumer(cfg.kafka.topic_alerts, **connection_kwargs(cfg.kafka, os.environ),
                                group_id=None, enable_auto_commit=False, fetch_max_wait_ms=200,
                                auto_offset_reset="earliest" if from_beginning else "latest")
    await consumer.start()
    seen: OrderedDict[str, None] = OrderedDict()
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                for rec in records:
                    alert = _fresh(rec.value, seen)
                    if alert is None:
                        continue
                    if console is not None:
                        await console.emit(alert)
                    else:
                        line = rec.value.decode("utf-8", "replace") if as_json else format_line(alert)
                        await asyncio.to_thread(write, line)
    finally:
        await consumer.stop()
    return exits.OK


def _fresh(value: bytes | None, seen: OrderedDict[str, None]) -> dict[str, Any] | None:
    """The alert in `value`, or None when it is not an alert or its id was printed already."""
    try:
        alert = decode_event(value)
    except UndecodableRecord as exc:
        log.warning("not an alert on the alerts topic: %s", exc)
        return None
    aid = str(alert.get("id"))
    if aid in seen:
        return None
    seen[aid] = None
    if len(seen) > SEEN_IDS_MAX:
        seen.popitem(last=False)
    return alert


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
