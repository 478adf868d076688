"""Value rules for config fields whose type alone says too little, and the
checks that span several fields. Each rule takes the raw TOML value and its
key path and returns the converted value or raises `Invalid`."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from parsers.column_spec import parse_column
from parsers.options import Bounds, ColumnSpec, MaskingOptions, MethodOptions, SqlOptions, TableSpec
from parsers.prefix.pattern import compile_pattern
from parsers.spec_error import SpecError
from pipeline.config import schema as s
from pipeline.config.convert import Invalid, Path, Rule, describe, expect_int, expect_list
from pipeline.config.convert import expect_number, expect_str, expect_table, quote

_OFFSET = re.compile(r"[+-](?:0\d|1[0-4]):?[0-5]\d")
_HOST_PORT = re.compile(r"\[?[A-Za-z0-9_.:-]+\]?:\d{1,5}")
_URL = re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?")


def one_of(*choices: str) -> Rule:
    def rule(value: Any, path: Path) -> str:
        text = expect_str(value, path)
        if text not in choices:
            names = [f'"{c}"' for c in choices]
            allowed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]}"
            raise Invalid(path, f"expected {allowed}, got {quote(text)}")
        return text
    return rule


def nonempty(value: Any, path: Path) -> str:
    if not expect_str(value, path):
        raise Invalid(path, "expected a non-empty string")
    return value


def positive(value: Any, path: Path) -> float:
    if expect_number(value, path) <= 0:
        raise Invalid(path, f"expected a number above 0, got {describe(value)}")
    return float(value)


def positive_int(value: Any, path: Path) -> int:
    if expect_int(value, path) <= 0:
        raise Invalid(path, f"expected an integer above 0, got {describe(value)}")
    return value


def strings(item: Rule, unique: bool = False, at_least_one: bool = False) -> Rule:
    def rule(value: Any, path: Path) -> tuple[Any, ...]:
        out = tuple(item(v, path + (i,)) for i, v in enumerate(expect_list(value, path)))
        if at_least_one and not out:
            raise Invalid(path, "expected at least one entry, got an empty array")
        for i, v in enumerate(out):
            if unique and v in out[:i]:
                raise Invalid(path + (i,), f"{describe(v)} appears twice")
        return out
    return rule


def fmt(value: Any, path: Path) -> str:
    """A built-in format name, or a layout: compiled here, so a bad one stops the load."""
    text = expect_str(value, path)
    if text in s.FORMATS:
        return text
    if "%" not in text:
        raise Invalid(path, f'expected "auto", "logback", "log4j2", "python" or a %-pattern, got {quote(text)}')
    try:
        compile_pattern(text)
    except SpecError as exc:
        raise Invalid(path, str(exc)) from None
    return text


def timezone(value: Any, path: Path) -> str:
    text = nonempty(value, path)
    if text.upper() in ("UTC", "Z", "GMT") or _OFFSET.fullmatch(text):
        return text
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(path, f'unknown time zone {quote(text)}; expected an IANA name like "Asia/Shanghai" or an offset like "+08:00"') from None
    return text


def regex(*groups: tuple[str, ...]) -> Rule:
    """A regex string; each tuple of `groups` names alternatives of which one must be a named group."""
    def rule(value: Any, path: Path) -> str:
        text = expect_str(value, path)
        try:
            compiled = re.compile(text)
        except (re.error, OverflowError, RecursionError) as exc:
            raise Invalid(path, f"invalid regex: {exc}") from None
        for alternatives in groups:
            if not set(alternatives) & set(compiled.groupindex):
                wanted = " or ".join(f"(?P<{g}>...)" for g in alternatives)
                raise Invalid(path, f"regex needs a named group {wanted}")
        if compiled.fullmatch("") is not None:
            raise Invalid(path, "regex matches the empty string")
        return text
    return rule


def column(value: Any, path: Path) -> ColumnSpec:
    try:
        return parse_column(nonempty(value, path))
    except SpecError as exc:
        raise Invalid(path, str(exc)) from None


def slow_by_fingerprint(value: Any, path: Path) -> tuple[tuple[str, float], ...]:
    return tuple((k, positive(v, path + (k,))) for k, v in expect_table(value, path).items())


def bootstrap(value: Any, path: Path) -> str:
    text = nonempty(value, path)
    for part in text.split(","):
        if not _HOST_PORT.fullmatch(part.strip()):
            raise Invalid(path, f'expected host:port[,host:port...], got {quote(text)}')
    return text


def url(value: Any, path: Path) -> str:
    text = expect_str(value, path)
    if not _URL.fullmatch(text):
        raise Invalid(path, f"expected an http:// or https:// URL, got {quote(text)}")
    return text


def url_or_empty(value: Any, path: Path) -> str:
    return "" if expect_str(value, path) == "" else url(value, path)


def port(value: Any, path: Path) -> int:
    number = expect_int(value, path)
    if not 1 <= number <= 65535:
        raise Invalid(path, f"expected a port 1..65535, got {describe(value)}")
    return number


RULES: dict[tuple[type, str], Rule] = {
    (s.HostConfig, "timezone"): timezone,
    (s.InputConfig, "paths"): strings(nonempty, at_least_one=True),
    (s.InputConfig, "service"): nonempty,
    (s.InputConfig, "format"): fmt,
    (s.InputConfig, "multiline"): one_of(*s.MULTILINE),
    (s.InputConfig, "start_at"): one_of(*s.START_AT),
    (s.InputConfig, "exclude"): strings(nonempty),
    (s.ParseConfig, "in_app"): strings(nonempty),
    (s.ParseConfig, "trace_keys"): strings(nonempty),
    (TableSpec, "name"): nonempty,
    (TableSpec, "match"): nonempty,
    (TableSpec, "delimiter"): nonempty,
    (TableSpec, "columns"): strings(column),
    (TableSpec, "trace_ids"): strings(nonempty),
    (SqlOptions, "slow_ms"): positive,
    (SqlOptions, "slow_ms_by_fingerprint"): slow_by_fingerprint,
    (SqlOptions, "patterns"): strings(regex(("sql",), ("ms", "s"))),
    (MethodOptions, "patterns"): strings(regex(("method",), ("ms", "s"))),
    (MaskingOptions, "patterns"): strings(regex()),
    (s.KafkaConfig, "bootstrap"): bootstrap,
    (s.KafkaConfig, "compression"): one_of(*s.COMPRESSION),
    (s.KafkaConfig, "security_protocol"): one_of(*s.SECURITY_PROTOCOLS),
    (s.KafkaConfig, "sasl_mechanism"): one_of(*s.SASL_MECHANISMS),
    (s.EsConfig, "hosts"): strings(url, unique=True, at_least_one=True),
    (s.EsConfig, "index_prefix"): nonempty,
    (s.AlertsConfig, "outputs"): strings(one_of(*s.ALERT_OUTPUTS), unique=True),
    (s.AlertsConfig, "webhook_url"): url_or_empty,
    (s.AlertsConfig, "keywords"): strings(nonempty),
    (s.StateConfig, "dir"): nonempty,
    (s.MetricsConfig, "port"): port,
}
for _cls, _names in (
    (Bounds, ("max_line_bytes", "max_event_lines", "max_event_bytes", "flush_after_ms")),
    (s.KafkaConfig, ("max_batch_bytes", "max_in_flight_bytes", "request_timeout_ms")),
    (s.EsConfig, ("bulk_max_docs", "bulk_max_bytes", "max_retries")),
    (s.AlertsConfig, ("regression_days", "error_rate_window_s", "error_rate_min_count")),
):
    for _name in _names:
        RULES[(_cls, _name)] = positive_int
RULES[(s.EsConfig, "request_timeout_s")] = positive
RULES[(s.AlertsConfig, "error_rate_factor")] = positive
for _name in ("topic_events", "topic_alerts", "topic_signatures", "topic_deadletter", "group_index", "group_alert", "client_id"):
    RULES[(s.KafkaConfig, _name)] = nonempty


def cross_checks(cfg: s.Config) -> None:
    """Checks that need more than one field; raises `Invalid` at the field to fix."""
    names: list[str] = []
    for i, table in enumerate(cfg.tables):
        if table.name in names:
            raise Invalid(("tables", i, "name"), f'table "{table.name}" is defined twice')
        names.append(table.name)
        columns = [c.name for c in table.columns]
        for j, c in enumerate(columns):
            if c in columns[:j]:
                raise Invalid(("tables", i, "columns", j), f'column "{c}" appears twice')
        for j, key in enumerate(table.trace_ids):
            if columns and key not in columns:
                raise Invalid(("tables", i, "trace_ids", j), f'"{key}" is not one of the columns')
    outputs = cfg.alerts.outputs
    if "webhook" in outputs and not cfg.alerts.webhook_url:
        raise Invalid(("alerts", "outputs"), 'output "webhook" needs alerts.webhook_url')
    if "file" in outputs and not cfg.alerts.file_path:
        raise Invalid(("alerts", "outputs"), 'output "file" needs alerts.file_path')
    k = cfg.kafka
    if k.security_protocol.startswith("SASL_") != bool(k.sasl_mechanism):
        raise Invalid(("kafka", "sasl_mechanism"), f'sasl_mechanism "{k.sasl_mechanism}" does not fit security_protocol "{k.security_protocol}"')

