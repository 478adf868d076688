"""The analyst commands over Elasticsearch:

    logpipe search 'Timeout AND pay*' --since 1h --service pay-gateway
    logpipe trace ord_20261126_000123 --html trail.html
    logpipe top exceptions|sql|methods --from 2026-11-26 --to 2026-11-27 --json
    logpipe report --from 2026-11-26 --to 2026-11-27 --out report.html
    logpipe report --serve 8765 --since 1h        (live, on http://127.0.0.1:8765/)

Every command takes `--since` (relative to now) or `--from/--to` (ISO 8601; without an
offset, in the config's `host.timezone`). Exit codes: 0 done, 1 nothing matched (search,
trace), 2 usage error, 3 Elasticsearch did not answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from datetime import datetime, timezone
from typing import Any

import aiofiles
import orjson
from rich.console import Console

from parsers.prefix.time import parse_timezone
from pipeline.analyst import queries as analyst
from pipeline.analyst.frames import annotate_app_frames
from pipeline.analyst.health import pipeline_health
from pipeline.analyst.html import render_report
from pipeline.analyst.render import render_search, render_top, render_trace
from pipeline.analyst.report import gather_report
from pipeline.analyst.trace_html import render_trace_html
from pipeline.analyst.window import Window, WindowError, window_from
from pipeline.cli import exits
from pipeline.cli.args import add_config_option, config_of, positive_int
from pipeline.config.schema import Config
from sinks.elasticsearch import make_client


def _common(p: argparse.ArgumentParser, default_since: str | None) -> None:
    add_config_option(p)
    p.add_argument("--since", help=f"window relative to now: 30m, 1h, 24h, 7d (default: "
                                   f"{default_since or 'all time'})")
    p.add_argument("--from", dest="start", metavar="TIME", help="window start, ISO 8601 (e.g. 2026-11-26T00:00)")
    p.add_argument("--to", dest="end", metavar="TIME", help="window end (exclusive), ISO 8601")
    p.set_defaults(default_since=default_since)


def _json_lines(items: list[Any]) -> None:
    for item in items:
        sys.stdout.buffer.write(orjson.dumps(item) + b"\n")


def _console() -> Console:
    return Console(width=None if sys.stdout.isatty() else 200, highlight=False)


async def _with_client(cfg: Config, work: Any) -> Any:
    client = make_client(cfg.elasticsearch, os.environ)
    try:
        return await work(client)
    finally:
        await client.close()


def _execute(args: argparse.Namespace, body: Any) -> int:
    """Load the config and the window, run `body(cfg, window, zone, client)` with a client."""
    from elasticsearch import ApiError, TransportError  # the client: loaded by the analyst commands only

    cfg = config_of(args)
    zone = parse_timezone(cfg.host.timezone)
    try:
        window = window_from(since=args.since, start=args.start, end=args.end, now=datetime.now(timezone.utc),
                             zone=zone, default_since=args.default_since)
    except WindowError as exc:
        print(f"logpipe {args.command}: {exc}", file=sys.stderr)
        return exits.USAGE
    try:
        return asyncio.run(_with_client(cfg, lambda client: body(cfg, window, zone, client)))
    except (ApiError, TransportError) as exc:
        print(f"logpipe {args.command}: Elasticsearch at {', '.join(cfg.elasticsearch.hosts)}: {exc}", file=sys.stderr)
        return exits.UNAVAILABLE


def cmd_search(args: argparse.Namespace) -> int:
    async def body(cfg: Config, window: Window, zone: Any, client: Any) -> int:
        tags = ("<em>", "</em>") if args.json else analyst.TERMINAL_TAGS
        req = analyst.search_body(args.query, window, service=args.service, level=args.level, kind=args.kind,
                                  size=args.size, tags=tags)
        total, hits = await analyst.search(client, analyst.index_pattern(cfg.elasticsearch.index_prefix), req)
        if args.json:
            _json_lines(hits)
        else:
            render_search(total, hits, _console(), zone)
        return exits.OK if hits else exits.NOTHING_FOUND
    return _execute(args, body)


def cmd_trace(args: argparse.Namespace) -> int:
    async def body(cfg: Config, window: Window, zone: Any, client: Any) -> int:
        req = analyst.trace_body(args.id, window, size=args.size)
        events = await analyst.trace(client, analyst.index_pattern(cfg.elasticsearch.index_prefix), req)
        annotate_app_frames(events, cfg.parse.in_app)
        if args.json:
            _json_lines(events)
        else:
            render_trace(args.id, events, _console(), zone)
        if args.html:
            page = render_trace_html(args.id, events, zone, cfg.host.timezone)
            await _write(args.html, page)
            print(f"timeline written to {args.html}", file=sys.stderr)
        return exits.OK if events else exits.NOTHING_FOUND
    return _execute(args, body)


def cmd_top(args: argparse.Namespace) -> int:
    async def body(cfg: Config, window: Window, zone: Any, client: Any) -> int:
        rows = await analyst.top(client, analyst.index_pattern(cfg.elasticsearch.index_prefix), args.what, window,
                                 size=args.size, slow_ms=cfg.sql.slow_ms)
        if args.json:
            _json_lines(rows)
        else:
            render_top(args.what, rows, _console(), zone)
        return exits.OK
    return _execute(args, body)


async def _write(path: str, text: str) -> None:
    """A page to its file, from the command's coroutine (aiofiles: in a worker thread)."""
    async with aiofiles.open(path, "w", encoding="utf-8") as f:
        await f.write(text)


def cmd_report(args: argparse.Namespace) -> int:
    if args.serve is not None:
        return cmd_report_serve(args)
    if not args.out:
        print("logpipe report: give --out FILE, or --serve [PORT] for the live page", file=sys.stderr)
        return exits.USAGE

    async def body(cfg: Config, window: Window, zone: Any, client: Any) -> int:
        report, health = await asyncio.gather(
            gather_report(client, analyst.index_pattern(cfg.elasticsearch.index_prefix), window,
                          zone=cfg.host.timezone, slow_ms=cfg.sql.slow_ms,
                          slow_by_fingerprint=dict(cfg.sql.slow_ms_by_fingerprint), top=args.size),
            pipeline_health(cfg.kafka, os.environ))
        report["health"] = health
        await _write(args.out, render_report(report, zone, cfg.host.timezone))
        if args.json:
            sys.stdout.buffer.write(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
        print(f"report written to {args.out}: {report['totals']['events']:,} events, "
              f"{report['signature_count']} signature(s), {len(report['new_signatures'])} new, "
              f"{sum(r['slow_count'] for r in report['slow_sql'])} slow SQL statement(s)", file=sys.stderr)
        return exits.OK
    return _execute(args, body)


def cmd_report_serve(args: argparse.Namespace) -> int:
    from pipeline.analyst.live import LiveReport, serve  # the web server: loaded by this command only

    """The live report until SIGTERM/SIGINT; the window is computed again at each refresh."""
    cfg = config_of(args)
    zone = parse_timezone(cfg.host.timezone)

    def window_at(now: datetime) -> Window:
        return window_from(since=args.since, start=args.start, end=args.end, now=now, zone=zone,
                           default_since=args.default_since)
    try:
        window_at(datetime.now(timezone.utc))
    except WindowError as exc:
        print(f"logpipe report: {exc}", file=sys.stderr)
        return exits.USAGE

    async def main() -> int:
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        client = make_client(cfg.elasticsearch, os.environ)
        try:
            live = LiveReport(cfg, os.environ, client, window_at, zone, size=args.size, refresh_s=args.refresh_s)
            await serve(live, bind=args.bind, port=args.serve, stop=stop,
                        on_ready=lambda url: print(f"live report on {url} (Ctrl-C stops)", file=sys.stderr,
                                                   flush=True))
        finally:
            await client.close()
        return exits.OK
    return asyncio.run(main())


def add_parser(sub: Any) -> None:
    p = sub.add_parser("search", help="query-string search over events, newest first, matches highlighted")
    p.add_argument("query", help="Elasticsearch query string over message and error fields ('*': everything)")
    p.add_argument("--service")
    p.add_argument("--level", help="ERROR, WARN, INFO, ...")
    p.add_argument("--kind", choices=["line", "table", "sql", "method", "exception"])
    p.add_argument("--size", type=positive_int, default=20, help="hits to show (default 20)")
    p.add_argument("--json", action="store_true", help="raw hits as JSON lines")
    _common(p, None)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("trace", help="every event of a business id (order number...) across services, in time order")
    p.add_argument("id", help="the business id, e.g. ord_20261126_000123")
    p.add_argument("--html", metavar="FILE", help="also write the trail as a self-contained HTML timeline")
    p.add_argument("--size", type=positive_int, default=1000, help="at most this many events (default 1000)")
    p.add_argument("--json", action="store_true", help="the events as JSON lines")
    _common(p, None)
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("top", help="top exception signatures, SQL fingerprints or slowest methods")
    p.add_argument("what", choices=["exceptions", "sql", "methods"])
    p.add_argument("--size", type=positive_int, default=10, help="rows (default 10)")
    p.add_argument("--json", action="store_true", help="rows as JSON lines")
    _common(p, "24h")
    p.set_defaults(func=cmd_top)

    p = sub.add_parser("report", help="the daily log inspection as one self-contained HTML file, or served live")
    p.add_argument("--out", metavar="FILE", help="the HTML file to write")
    p.add_argument("--serve", nargs="?", type=int, const=8765, metavar="PORT",
                   help="serve the report live instead, refreshing by itself, with the latest alerts (port 8765)")
    p.add_argument("--bind", default="127.0.0.1", help="address --serve listens on (default: loopback only)")
    p.add_argument("--refresh-s", type=float, default=5.0, help="seconds between refreshes of --serve (default 5)")
    p.add_argument("--size", type=positive_int, default=10, help="rows per section (default 10)")
    p.add_argument("--json", action="store_true", help="also print the report's data as JSON")
    _common(p, "24h")
    p.set_defaults(func=cmd_report)
