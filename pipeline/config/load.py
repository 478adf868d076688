"""Loading the TOML configuration into frozen `Config` data, with errors that
name the file, the line and the key.

    path = resolve_config_path(args.config, os.getcwd())
    cfg = load_config(path, os.environ, hostname=socket.gethostname())

Nothing here reads the working directory or the environment on its own: the
caller passes both. Relative paths in a config file (input globs, exclude
globs with a "/", state.dir, alerts.file_path, certificate files) are relative
to the directory of that file. `LOGPIPE_KAFKA` overrides `kafka.bootstrap` and
`LOGPIPE_ES` (comma-separated) overrides `elasticsearch.hosts`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import socket
import tomllib
from collections.abc import Mapping
from typing import Any

from parsers.options import ParseOptions
from pipeline.config.convert import Invalid, build, format_path
from pipeline.config.rules import RULES, bootstrap, cross_checks, url
from pipeline.config.schema import Config, InputConfig
from pipeline.config.toml_positions import key_lines, line_of

DEFAULT_FILE = "logpipe.toml"
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


class ConfigError(Exception):
    """A configuration that cannot be used. `source` is the file (or "environment"),
    `line`/`column` are 1-based or None, `key` is the full key path ("" if none)."""

    def __init__(self, source: str, line: int | None, key: str, reason: str, column: int | None = None) -> None:
        where = source + (f":{line}" if line else "") + (f":{column}" if line and column else "")
        super().__init__(f"{where}: {key}: {reason}" if key else f"{where}: {reason}")
        self.source, self.line, self.column, self.key, self.reason = source, line, column, key, reason


def resolve_config_path(cli_value: str | None, cwd: str) -> str | None:
    """The file to load: `--config` as given (relative to `cwd`), else `cwd/logpipe.toml`
    if it exists, else None (built-in defaults)."""
    if cli_value is not None:
        return os.path.join(cwd, cli_value)
    candidate = os.path.join(cwd, DEFAULT_FILE)
    return candidate if os.path.isfile(candidate) else None


def load_config(path: str | None, env: Mapping[str, str], *, hostname: str | None = None) -> Config:
    """Read and validate the file at `path` (None: built-in defaults), then apply `env`.
    `hostname` fills `host.name` when the file leaves it empty (default: this machine's)."""
    if path is None:
        return finish(Config(), env, hostname)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise ConfigError(path, None, "", "config file not found") from None
    except OSError as exc:
        raise ConfigError(path, None, "", f"cannot read config file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(path, line, "", "not valid UTF-8") from None
    cfg = parse_config(text, source=path, base_dir=os.path.dirname(os.path.abspath(path)))
    return finish(cfg, env, hostname)


def parse_config(text: str, *, source: str = DEFAULT_FILE, base_dir: str | None = None) -> Config:
    """Validate TOML `text`; errors name `source`. Relative paths are joined to `base_dir`
    (None: left as written). No IO, no environment."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = _AT.search(message)
        if at:
            reason = message[: at.start()]
            raise ConfigError(source, int(at.group(1)), "", f"invalid TOML: {reason}", int(at.group(2))) from None
        raise ConfigError(source, text.count("\n") + 1, "", f"invalid TOML: {message}") from None
    try:
        cfg = build(Config, data, (), RULES)
        cross_checks(cfg)
    except Invalid as exc:
        line = line_of(key_lines(text), exc.path)
        raise ConfigError(source, line, format_path(exc.path), exc.reason) from None
    cfg = dataclasses.replace(cfg, source=source)
    return cfg if base_dir is None else _resolve_paths(cfg, base_dir)


def finish(cfg: Config, env: Mapping[str, str], hostname: str | None) -> Config:
    """Apply environment overrides and fill the host name."""
    kafka, es = cfg.kafka, cfg.elasticsearch
    try:
        if env.get("LOGPIPE_KAFKA", "").strip():
            kafka = dataclasses.replace(kafka, bootstrap=bootstrap(env["LOGPIPE_KAFKA"].strip(), ("LOGPIPE_KAFKA",)))
        if env.get("LOGPIPE_ES", "").strip():
            hosts = [h.strip() for h in env["LOGPIPE_ES"].split(",") if h.strip()]
            if not hosts:
                raise Invalid(("LOGPIPE_ES",), "expected comma-separated http:// or https:// URLs")
            es = dataclasses.replace(es, hosts=tuple(url(h, ("LOGPIPE_ES", i)) for i, h in enumerate(hosts)))
    except Invalid as exc:
        raise ConfigError("environment", None, format_path(exc.path), exc.reason) from None
    host = cfg.host
    if not host.name:
        host = dataclasses.replace(host, name=hostname or socket.gethostname())
    return dataclasses.replace(cfg, kafka=kafka, elasticsearch=es, host=host)


def _resolve_paths(cfg: Config, base_dir: str) -> Config:
    def at_base(p: str) -> str:
        p = os.path.expanduser(p)  # `~/logs/*.log`: the user's home, not a folder named `~` beside the file
        return p if not p or os.path.isabs(p) else os.path.normpath(os.path.join(base_dir, p))

    inputs = tuple(
        dataclasses.replace(
            i,
            paths=tuple(at_base(p) for p in i.paths),
            exclude=tuple(at_base(p) if "/" in p else p for p in i.exclude),
        )
        for i in cfg.inputs
    )
    return dataclasses.replace(
        cfg,
        inputs=inputs,
        state=dataclasses.replace(cfg.state, dir=at_base(cfg.state.dir)),
        alerts=dataclasses.replace(cfg.alerts, file_path=at_base(cfg.alerts.file_path)),
        kafka=dataclasses.replace(cfg.kafka, ssl_cafile=at_base(cfg.kafka.ssl_cafile)),
        elasticsearch=dataclasses.replace(cfg.elasticsearch, ca_certs=at_base(cfg.elasticsearch.ca_certs)),
    )


def to_parse_options(cfg: Config, input: InputConfig | None = None) -> ParseOptions:
    """The parser options for one input (None: format and multiline "auto", as for `scan`)."""
    return ParseOptions(
        format=input.format if input else "auto",
        multiline=input.multiline if input else "auto",
        timezone=cfg.host.timezone,
        in_app=cfg.parse.in_app,
        tables=cfg.tables,
        trace_keys=cfg.parse.trace_keys,
        sql=cfg.sql,
        methods=cfg.methods,
        masking=cfg.masking,
        bounds=cfg.bounds,
    )


def service_of(cfg: Config, input: InputConfig) -> str:
    """`service.name` for events of `input`."""
    return input.service or cfg.host.service


def to_tail_inputs(cfg: Config) -> tuple[Any, ...]:
    """One `TailInput` (pipeline.tail.discovery, re-exported by pipeline.tail.tailer) per configured
    input, services filled in."""
    from pipeline.tail.discovery import TailInput  # imported here: the config has no tailer dependency

    return tuple(
        TailInput(paths=i.paths, service=service_of(cfg, i), start_at=i.start_at, exclude=i.exclude,
                  service_from_path=i.service is None)
        for i in cfg.inputs
    )
