"""Frozen options the parsers take. `pipeline.config.load` builds them from TOML;
tests build them directly. Parsers never read files or the environment."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One table column: `name[:type]`. Types: string, int, decimal, duration,
    timestamp, enum(A,B,C)."""

    name: str
    type: str = "string"
    choices: tuple[str, ...] = ()  # for enum


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A table-format business line: recognised by `match` (a substring of the
    message), cells split on `delimiter`, columns positional or `key=value`."""

    name: str
    match: str
    delimiter: str = "|"
    columns: tuple[ColumnSpec, ...] = ()
    trace_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SqlOptions:
    slow_ms: float = 1000.0
    slow_ms_by_fingerprint: tuple[tuple[str, float], ...] = ()
    patterns: tuple[str, ...] = ()  # extra regexes with named groups `ms` (or `s`) and `sql`


@dataclass(frozen=True, slots=True)
class MethodOptions:
    patterns: tuple[str, ...] = ()  # extra regexes with named groups `method` and `ms` (or `s`)


@dataclass(frozen=True, slots=True)
class MaskingOptions:
    cards: bool = True
    cn_id: bool = True
    phones: bool = True
    emails: bool = True
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Bounds:
    max_line_bytes: int = 64 * 1024
    max_event_lines: int = 1000
    max_event_bytes: int = 256 * 1024
    flush_after_ms: int = 1000  # idle time after which a pending multi-line event closes


@dataclass(frozen=True, slots=True)
class ParseOptions:
    format: str = "auto"  # auto | logback | log4j2 | python | a logback %-pattern
    multiline: str = "auto"  # auto | java | python | none
    timezone: str = "UTC"  # IANA name or +08:00; applied to line timestamps without one
    in_app: tuple[str, ...] = ()  # package prefixes of the application's own code
    tables: tuple[TableSpec, ...] = ()
    trace_keys: tuple[str, ...] = ("orderNo", "order_no", "订单号", "paymentId", "payment_id", "tradeNo", "refundNo")
    sql: SqlOptions = field(default_factory=SqlOptions)
    methods: MethodOptions = field(default_factory=MethodOptions)
    masking: MaskingOptions = field(default_factory=MaskingOptions)
    bounds: Bounds = field(default_factory=Bounds)
