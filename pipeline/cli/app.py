"""The `logpipe` command: one sub-command per stage or tool."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.metadata
import os
import sys
from pathlib import Path

from pipeline.checkpoints import CheckpointError
from pipeline.config.load import ConfigError
from pipeline.cli.logsetup import LOG_FORMATS, setup_logging
from pipeline.stack.procs import StackError
from sinks.elasticsearch import EsConfigError
from sinks.kafka_client import KafkaConfigError

# Each module adds its sub-command with `add_parser(sub)`.
COMMAND_MODULES = ("pipeline.cli.scan", "pipeline.cli.ship", "pipeline.cli.index", "pipeline.cli.alert",
                   "pipeline.cli.run", "pipeline.cli.analyst", "pipeline.cli.template")


def _home(args: argparse.Namespace) -> Path:
    return Path(args.home or os.environ.get("LOGPIPE_HOME") or ".logpipe")


def cmd_stack(args: argparse.Namespace) -> int:
    from pipeline.stack.local import Stack, format_status

    stack = Stack.at(_home(args), kafka_port=args.kafka_port, es_port=args.es_port)
    if args.action == "up":
        timings = asyncio.run(stack.up(timeout_s=args.timeout))
        print(f"kafka          {stack.kafka.address}  (logs: {stack.kafka.logs_dir})")
        print(f"kafka SASL_SSL {stack.kafka.secure.address}  (CA, users, passwords: {stack.kafka.secure.client_file})")
        print(f"elasticsearch  {stack.elasticsearch.url}  (logs: {stack.elasticsearch.home / 'logs'})")
        print(f"ready in {timings['total_s']:.1f}s (prepare {timings['prepare_s']:.1f}s, "
              f"start {timings['start_s']:.1f}s, Kafka users and ACLs {timings['secure_s']:.1f}s)")
        return 0
    if args.action == "down":
        asyncio.run(stack.down())
        print("stopped")
        return 0
    rows = asyncio.run(stack.status())
    print(format_status(rows))
    return 0 if all(r.health in ("up", "green", "yellow") for r in rows) else 3


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr and exit 2 (sub-command parsers are of this class too)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def log_level(value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"invalid log level {value!r}: use one of {', '.join(LOG_LEVELS)}")
    return level


def _add_global_options(p: argparse.ArgumentParser, defaults: bool) -> None:
    """The options every command takes, before or after its name. Given after it, they
    override those before it; a sub-command parser has no defaults of its own."""
    def default(value):
        return value if defaults else argparse.SUPPRESS
    p.add_argument("--log-level", type=log_level, default=default(os.environ.get("LOGPIPE_LOG_LEVEL", "WARNING")),
                   help=f"the tool's own logs: {', '.join(LOG_LEVELS)} (default $LOGPIPE_LOG_LEVEL or WARNING)")
    p.add_argument("--log-format", choices=LOG_FORMATS, default=default(os.environ.get("LOGPIPE_LOG_FORMAT", "text")),
                   help="the tool's own logs: text, or one JSON object per line")


def version() -> str:
    try:
        return importlib.metadata.version("logpipe")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    ap = Parser(prog="logpipe", description="Log pipeline and exception scanner")
    ap.add_argument("--version", action="version", version=f"logpipe {version()}")
    _add_global_options(ap, defaults=True)
    sub = ap.add_subparsers(dest="command", required=True)

    st = sub.add_parser("stack", help="the local Kafka and Elasticsearch")
    st.add_argument("action", choices=["up", "down", "status"])
    st.add_argument("--home", help="state directory (default: $LOGPIPE_HOME or .logpipe)")
    st.add_argument("--kafka-port", type=int, default=9092)
    st.add_argument("--es-port", type=int, default=9200)
    st.add_argument("--timeout", type=float, default=180, help="seconds to wait for both to answer")
    st.set_defaults(func=cmd_stack)

    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    for command in sub.choices.values():
        _add_global_options(command, defaults=False)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level, args.log_format)
    try:
        return args.func(args)
    except (StackError, ConfigError, CheckpointError, KafkaConfigError, EsConfigError) as exc:  # names the cause
        print(f"logpipe: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
