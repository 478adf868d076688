"""The `logpipe` command: one sub-command per stage or tool."""

from __future__ import annotations

import argparse
import importlib
import sys

from pipeline.cli import exits
from pipeline.cli.args import add_global_options
from pipeline.cli.logsetup import setup_logging
from pipeline.config.load import ConfigError
from pipeline.stack.errors import StackError
from pipeline.supervise.handoff import StageFault
from pipeline.tail.checkpoint_file import CheckpointError
from sinks.elasticsearch import EsConfigError
from sinks.kafka_client import KafkaConfigError

# Errors whose message names their cause (a key, a file line, a variable): one line on stderr and exit 2.
NAMED_CAUSES = (StackError, ConfigError, CheckpointError, KafkaConfigError, EsConfigError, StageFault)

# Each module adds its sub-commands with `add_parser(sub)`: these names.
COMMAND_MODULES = {"pipeline.cli.stack": ("stack",), "pipeline.cli.scan": ("scan",), "pipeline.cli.ship": ("ship",),
                   "pipeline.cli.index": ("index",), "pipeline.cli.alert": ("alert", "alerts"),
                   "pipeline.cli.run": ("run",), "pipeline.cli.analyst": ("search", "trace", "top", "report"),
                   "pipeline.cli.template": ("template",)}
COMMANDS = frozenset(name for names in COMMAND_MODULES.values() for name in names)
# What may come before the command's name: the global options (their values are never a command's name).
GLOBAL_OPTIONS = ("--log-level", "--log-format")
GLOBAL_ASSIGNED = tuple(f"{option}=" for option in GLOBAL_OPTIONS)  # `--log-level=DEBUG`


class Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr and exit 2 (sub-command parsers are of this class too)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(exits.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def version() -> str:
    import importlib.metadata  # here: reading the installed metadata costs every start ~20 ms
    try:
        return importlib.metadata.version("logpipe")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


class VersionAction(argparse.Action):
    """`--version`: prints the installed version, read only when asked."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[override]
        print(f"logpipe {version()}")
        parser.exit()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every sub-command's parser; with `command`, only the module that adds it is imported (a
    command starts sooner): the others are names that take any arguments."""
    ap = Parser(prog="logpipe", description="Log pipeline and exception scanner")
    ap.add_argument("--version", action=VersionAction, help="show the version and exit")
    add_global_options(ap, defaults=True)
    sub = ap.add_subparsers(dest="command", required=True)

    for module, names in COMMAND_MODULES.items():
        if command is None or command in names:
            importlib.import_module(module).add_parser(sub)
        else:
            for name in names:
                sub.add_parser(name, add_help=False).add_argument("rest", nargs=argparse.REMAINDER)
    add_global_options_below(ap)
    return ap


def named_command(argv: list[str]) -> str | None:
    """The sub-command `argv` names, when only global options come before it (no `--help`)."""
    words = iter(argv)
    for word in words:
        if word in COMMANDS:
            return word
        if word in GLOBAL_OPTIONS:
            next(words, None)
        elif not word.startswith(GLOBAL_ASSIGNED):
            return None
    return None


def parse_command_line(argv: list[str]) -> argparse.Namespace:
    """`argv` parsed, building the parser of the command it names alone when it names one."""
    command = named_command(argv)
    args = build_parser(command).parse_args(argv)
    if command is not None and args.command != command:  # the parse chose another command: read it whole
        args = build_parser().parse_args(argv)
    return args


def add_global_options_below(parser: argparse.ArgumentParser) -> None:
    """The global options on every sub-command, at any depth (`logpipe alerts follow --log-level DEBUG`)."""
    for action in parser._actions:  # noqa: SLF001 (argparse lists its sub-parsers nowhere else)
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for command in action.choices.values():
                add_global_options(command, defaults=False)
                add_global_options_below(command)


def main(argv: list[str] | None = None) -> int:
    args = parse_command_line(sys.argv[1:] if argv is None else argv)
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
