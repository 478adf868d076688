"""Options and argument types shared by the commands: a bad value is a usage error (exit 2).

`--config` is defined here once (`add_config_option`) and read here once
(`config_of`); a `ConfigError` it raises reaches `pipeline.cli.app.main`, which prints
it on one line and exits 2, for every command alike."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

from pipeline.cli.logsetup import LOG_FORMATS
from pipeline.config.load import ConfigError, load_config, resolve_config_path
from pipeline.config.schema import Config
from pipeline.metrics.server import add_metrics_flag

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def positive_int(value: str) -> int:
    """A count such as `--top` or `--size`: a whole number of at least 1."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return n


def log_level(value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"invalid log level {value!r}: use one of {', '.join(LOG_LEVELS)}")
    return level


def add_global_options(p: argparse.ArgumentParser, defaults: bool) -> None:
    """The options every command takes, before or after its name. Given after it, they
    override those before it; a sub-command parser has no defaults of its own."""
    def default(value):
        return value if defaults else argparse.SUPPRESS
    p.add_argument("--log-level", type=log_level, default=default(os.environ.get("LOGPIPE_LOG_LEVEL", "WARNING")),
                   help=f"the tool's own logs: {', '.join(LOG_LEVELS)} (default $LOGPIPE_LOG_LEVEL or WARNING)")
    p.add_argument("--log-format", choices=LOG_FORMATS, default=default(os.environ.get("LOGPIPE_LOG_FORMAT", "text")),
                   help="the tool's own logs: text, or one JSON object per line")


def add_config_option(p: argparse.ArgumentParser) -> None:
    """`--config FILE`, the option of every command that reads the configuration."""
    p.add_argument("--config", help="TOML config (default: ./logpipe.toml if present, else built-in defaults)")


def config_of(args: argparse.Namespace, **overrides: Any) -> Config:
    """The configuration `--config` names (or its default), with the environment applied;
    raises `ConfigError` (one line and exit 2 in `pipeline.cli.app.main`)."""
    return load_config(resolve_config_path(args.config, os.getcwd()), os.environ, **overrides)


def config_with_inputs(args: argparse.Namespace) -> Config:
    """`config_of`, for the commands that follow files: a config without `[[inputs]]` is a `ConfigError`."""
    cfg = config_of(args)
    if not cfg.inputs:
        raise ConfigError(cfg.source or "built-in defaults", None, "inputs", "no [[inputs]]; nothing to follow")
    return cfg


def add_stage_parser(sub: Any, name: str, help: str, func: Callable[[argparse.Namespace], int], *,
                     status_line: bool = False) -> argparse.ArgumentParser:
    """The sub-command of a long-running stage: `--config`, `--metrics-port`, and `--quiet`
    when it shows a live status line; the caller adds its own options to what it returns."""
    p = sub.add_parser(name, help=help)
    add_config_option(p)
    add_metrics_flag(p)
    if status_line:
        p.add_argument("--quiet", action="store_true", help="no live status line")
    p.set_defaults(func=func)
    return p
