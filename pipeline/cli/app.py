"""The `logpipe` command: one sub-command per stage or tool."""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys

from pipeline.cli import exits
from pipeline.cli.args import add_global_options
from pipeline.cli.logsetup import setup_logging
from pipeline.config.load import ConfigError
from pipeline.stack.procs import StackError
from pipeline.supervise.handoff import StageFault
from pipeline.tail.checkpoint_file import CheckpointError
from sinks.elasticsearch import EsConfigError
from sinks.kafka_client import KafkaConfigError

# Errors whose message names their cause (a key, a file line, a variable): one line on stderr and exit 2.
NAMED_CAUSES = (StackError, ConfigError, CheckpointError, KafkaConfigError, EsConfigError, StageFault)

# Each module adds its sub-command with `add_parser(sub)`.
COMMAND_MODULES = ("pipeline.cli.stack", "pipeline.cli.scan", "pipeline.cli.ship", "pipeline.cli.index",
                   "pipeline.cli.alert", "pipeline.cli.run", "pipeline.cli.analyst", "pipeline.cli.template")


class Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr and exit 2 (sub-command parsers are of this class too)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(exits.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def version() -> str:
    try:
        return importlib.metadata.version("logpipe")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    ap = Parser(prog="logpipe", description="Log pipeline and exception scanner")
    ap.add_argument("--version", action="version", version=f"logpipe {version()}")
    add_global_options(ap, defaults=True)
    sub = ap.add_subparsers(dest="command", required=True)

    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    add_global_options_below(ap)
    return ap


def add_global_options_below(parser: argparse.ArgumentParser) -> None:
    """The global options on every sub-command, at any depth (`logpipe alerts follow --log-level DEBUG`)."""
    for action in parser._actions:  # noqa: SLF001 (argparse lists its sub-parsers nowhere else)
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for command in action.choices.values():
                add_global_options(command, defaults=False)
                add_global_options_below(command)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level, args.log_format)
    try:
        return args.func(args)
    except NAMED_CAUSES as exc:
        print(f"logpipe: {exc}", file=sys.stderr)
        return exits.USAGE
    except KeyboardInterrupt:
        return exits.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
