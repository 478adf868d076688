"""`logpipe scan PATH...`: the offline scanner, the `grep -i exception` of this project.

    logpipe scan logs/ old/app.log.1.gz            report on a terminal, plain text when piped
    logpipe scan --config logpipe.toml             the config's inputs
    logpipe scan --json app.log > today.json       the report as one JSON document
    logpipe scan --events app.log                  every event, one ECS JSON object a line
    logpipe scan --fail-on new-signature:today.json --fail-on slow-sql:3000 app.log

Exit codes: 0 clean, 1 a `--fail-on` condition held, 2 usage error (bad option,
missing input, unreadable config or baseline) or an input that could not be read to
its end (the report covers what was read).
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from typing import Any

import orjson
from rich.console import Console

from pipeline.cli import exits
from pipeline.cli.args import add_config_option, config_of, positive_int
from pipeline.cli.gc_pace import collect_less_often
from pipeline.scan.progress import progress_for
from pipeline.scan.read import MissingInput, plan_files, read_events
from pipeline.scan.report import render
from pipeline.scan.stats import ScanStats
from pipeline.scan.summary import baseline_hashes, build_report, signature_hashes


def fail_on(text: str) -> tuple[str, str]:
    kind, sep, value = text.partition(":")
    if not sep or not value:
        raise argparse.ArgumentTypeError(f"{text!r}: use new-signature:BASELINE.json or slow-sql:MS")
    if kind == "slow-sql":
        try:
            if float(value) < 0:
                raise ValueError
        except ValueError:
            raise argparse.ArgumentTypeError(f"slow-sql:{value}: MS must be a non-negative number") from None
    elif kind != "new-signature":
        raise argparse.ArgumentTypeError(f"{kind!r}: --fail-on knows new-signature and slow-sql")
    return kind, value


def add_parser(sub: Any) -> None:
    p = sub.add_parser("scan", help="scan log files offline: exceptions, slow SQL, timings, tables",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, directories (*.log*, *.out, *.err, *.jsonl, *.ndjson and their rotations inside, recursively), globs, .gz files, - for stdin; "
                        "none: the config's inputs")
    add_config_option(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the report as one JSON document")
    out.add_argument("--events", action="store_true", help="print every event as a JSON line instead of a report")
    p.add_argument("--fail-on", action="append", type=fail_on, default=[], metavar="COND",
                   help="exit 1 if new-signature:BASELINE.json (signatures not in a previous --json report or "
                        "list of hashes) or slow-sql:MS (a statement took >= MS); repeatable")
    p.add_argument("--baseline-out", metavar="FILE", help="write the signature hashes seen (a JSON list)")
    p.add_argument("--top", type=positive_int, default=15, help="rows per section in the report (default 15)")
    p.set_defaults(func=run)


def _load_baselines(conds: list[tuple[str, str]]) -> dict[str, set[str]]:
    out = {}
    for kind, value in conds:
        if kind == "new-signature":
            with open(value, "rb") as f:
                out[value] = baseline_hashes(orjson.loads(f.read()))
    return out


def run(args: argparse.Namespace) -> int:
    collect_less_often()
    cfg = config_of(args, hostname=socket.gethostname())
    try:
        files = plan_files(args.paths, cfg)
        baselines = _load_baselines(args.fail_on)
    except MissingInput as exc:
        print(f"logpipe scan: {exc}", file=sys.stderr)
        return exits.USAGE
    except (OSError, ValueError) as exc:
        print(f"logpipe scan: baseline: {exc}", file=sys.stderr)
        return exits.USAGE
    if not files:
        print("logpipe scan: nothing to scan (give PATHs, or a config with [[inputs]])", file=sys.stderr)
        return exits.USAGE
    stats = ScanStats(cfg.sql.slow_ms, dict(cfg.sql.slow_ms_by_fingerprint), cfg.parse.in_app)
    now_ms = int(time.time() * 1000)
    write = sys.stdout.buffer.write if args.events else None
    unreadable = 0
    with progress_for(files) as advance:
        for f in files:
            stats.add_file(f.path, f.path, f.service)
            try:
                for ev in read_events(f, cfg.host.name, now_ms, advance):
                    stats.add(ev, f.path)
                    if write is not None:
                        write(ev.to_json() + b"\n")
            except (OSError, EOFError) as exc:  # unreadable, or a corrupt/truncated .gz: the rest still counts
                unreadable += 1
                stats.flags["read_error"] = stats.flags.get("read_error", 0) + 1
                print(f"logpipe scan: {f.path}: {exc}", file=sys.stderr)
    report = build_report(stats)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
    elif not args.events:
        render(report, Console(width=None if sys.stdout.isatty() else 200), top=args.top)
    if args.baseline_out:
        with open(args.baseline_out, "wb") as out:
            out.write(orjson.dumps(signature_hashes(report), option=orjson.OPT_INDENT_2) + b"\n")
    code = _check(report, args.fail_on, baselines)
    return exits.USAGE if unreadable and code == exits.OK else code


def _check(report: dict[str, Any], conds: list[tuple[str, str]], baselines: dict[str, set[str]]) -> int:
    failed = False
    for kind, value in conds:
        if kind == "new-signature":
            new = [s for s in report["signatures"] if s["signature"] not in baselines[value]]
            if new:
                failed = True
                print(f"logpipe scan: {len(new)} signature(s) not in {value}:", file=sys.stderr)
                for s in new:
                    print(f"  {s['signature']}  x{s['count']}  {s['title']}", file=sys.stderr)
        else:
            limit = float(value)
            slow = [r for r in report["sql"] if r["max_ms"] >= limit]
            if slow:
                failed = True
                print(f"logpipe scan: {len(slow)} SQL fingerprint(s) took >= {value} ms:", file=sys.stderr)
                for r in slow:
                    print(f"  {r['fingerprint_id']}  max {r['max_ms']:g} ms  {r['fingerprint'][:120]}",
                          file=sys.stderr)
    return exits.CONDITION_HELD if failed else exits.OK
