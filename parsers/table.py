"""Table-format business lines: one record per line, columns a script could `awk`.

    |ORDER|ord_1|merchant=M1|amount=12.50|channel=ALIPAY|status=SUCCESS|cost=35ms|

A `TableSpec` matches when `spec.match` is a substring of the message; the row is
the text between the first and the last delimiter. A cell `key=value` whose key is
a column name fills that column; every other cell is positional and fills the
remaining columns in order. The match cell itself (`ORDER`) is a column when the
spec declares one for it, and is skipped when there is exactly one positional
cell too many and it is that cell.

Typed values (all JSON-safe, for the event document):
    string     as written
    int        int
    decimal    float (exact text stays in the message; amounts are display values
               here, never arithmetic)
    duration   int nanoseconds (`35ms`, `1.2s`, `35毫秒`; a bare number is ms)
    timestamp  ISO 8601 without zone (`2026-11-26 10:15:30.123` -> `2026-11-26T10:15:30.123`)
    enum       the value, which must be one of `choices`
A malformed row (wrong cell count, a value not of its type) is never dropped: it
comes back with `errors` filled and every cell kept as the raw string under its
column name (surplus cells as `_extra1`, `_extra2`, ...).

Splitting on a fixed delimiter is both the clearest statement of this format and
the fastest; a grammar would add nothing but cost on 10% of all messages.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from parsers.column_spec import parse_column as column_spec  # noqa: F401  (the name callers know)
from parsers.options import ColumnSpec, TableSpec
from parsers.units import parse_duration_ns


@dataclass(slots=True)
class TableRow:
    name: str
    fields: dict[str, Any]
    trace_ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_INT = re.compile(r"[+-]?[0-9]{1,18}")
_TIMESTAMP = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{2}:[0-9]{2}:[0-9]{2})(?:[.,]([0-9]{1,9}))?")
_ENUM_TYPE = re.compile(r"enum\((?P<choices>[^)]*)\)")


def _timestamp(text: str) -> str | None:
    m = _TIMESTAMP.fullmatch(text.strip())
    if m is None:
        return None
    day, clock, frac = m.groups()
    try:
        _dt.datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:
        return None
    return f"{day}T{clock}.{frac}" if frac else f"{day}T{clock}"


_BAD = object()  # a converter's answer for a value that is not of its type
_DECIMAL = re.compile(r"\s*[+-]?[0-9]{1,30}(?:\.[0-9]{1,30})?\s*")


def _to_int(raw: str) -> Any:
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:  # the common case, without a regex
        return int(raw)
    if not _INT.fullmatch(raw):
        return _BAD
    value = int(raw)
    return value if -2**63 <= value < 2**63 else _BAD  # beyond a signed 64-bit field: not an int here


def _to_float(raw: str) -> Any:
    return float(raw) if _DECIMAL.fullmatch(raw) else _BAD


def _to_duration(raw: str) -> Any:
    if raw.endswith("ms") and raw.isascii() and raw[:-2].isdigit() and len(raw) <= 17:  # "35ms"
        return int(raw[:-2]) * 1_000_000
    ns = parse_duration_ns(raw, "ms")
    return _BAD if ns is None else ns


def _to_timestamp(raw: str) -> Any:
    ts = _timestamp(raw)
    return _BAD if ts is None else ts


_CONVERTERS = {"int": _to_int, "decimal": _to_float, "duration": _to_duration, "timestamp": _to_timestamp}


def _checker(column: ColumnSpec) -> tuple[Any, str]:
    """(converter or None for plain strings, what the error calls the expected type)."""
    kind = column.type
    if kind == "string":
        return None, "string"
    if kind in _CONVERTERS:
        return _CONVERTERS[kind], f"not {'an' if kind == 'int' else 'a'} {kind}"
    if kind == "enum" or kind.startswith("enum("):
        choices = column.choices
        if (m := _ENUM_TYPE.fullmatch(kind)) is not None:
            choices = tuple(c.strip() for c in m.group("choices").split(","))
        allowed = frozenset(choices)
        return (lambda raw: raw if raw in allowed else _BAD), "not in " + "|".join(choices)
    return (lambda raw: _BAD), f"of unknown type {kind!r}"


def convert(column: ColumnSpec, raw: str) -> tuple[Any, str | None]:
    """(typed value, None) or (raw, error text) for one cell of `column`."""
    fn, expected = _checker(column)
    if fn is None:
        return raw, None
    value = fn(raw)
    return (raw, f"{column.name}: {expected}: {raw!r}") if value is _BAD else (value, None)


class _CompiledSpec:
    __slots__ = ("spec", "delimiter", "token", "names", "checkers")

    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec
        self.delimiter = spec.delimiter
        self.token = spec.match.strip(spec.delimiter).strip()
        self.names = tuple(c.name for c in spec.columns)
        self.checkers = {c.name: _checker(c) for c in spec.columns}

    def row(self, message: str) -> TableRow:
        d, names, checkers = self.delimiter, self.names, self.checkers
        first, last = message.find(d), message.rfind(d)
        inner = message[first + len(d):last] if last > first else message[first + len(d):]
        keyed: dict[str, str] = {}
        positional: list[str] = []
        for cell in inner.split(d):
            if "=" in cell:
                key, _, value = cell.partition("=")
                key = key.strip()
                if key in checkers and key not in keyed:
                    keyed[key] = value.strip()
                    continue
            positional.append(cell.strip())
        free = [n for n in names if n not in keyed] if keyed else list(names)
        if len(positional) == len(free) + 1 and positional[0] == self.token:
            del positional[0]
        raw = dict(zip(free, positional))
        raw.update(keyed)
        errors: list[str] = []
        if len(positional) > len(free):
            for i, value in enumerate(positional[len(free):], 1):
                raw[f"_extra{i}"] = value
            errors.append(f"{len(positional) - len(free)} cell(s) more than the {len(names)} columns")
        elif len(positional) < len(free):
            errors.append("missing column(s): " + ", ".join(free[len(positional):]))
        fields: dict[str, Any] = {}
        for name in names:
            if name not in raw:
                continue
            value = raw[name]
            fn, expected = checkers[name]
            if fn is not None and (value := fn(value)) is _BAD:
                errors.append(f"{name}: {expected}: {raw[name]!r}")
            fields[name] = value
        spec = self.spec
        trace_ids = [raw[n] for n in spec.trace_ids if raw.get(n)]
        return TableRow(spec.name, raw if errors else fields, trace_ids, errors)


class TableParser:
    """Recognises the configured table lines; `parse(message)` -> TableRow or None."""

    __slots__ = ("_specs", "_delimiters")

    def __init__(self, specs: tuple[TableSpec, ...] = ()) -> None:
        self._specs = tuple(_CompiledSpec(s) for s in specs if s.match and s.delimiter)
        self._delimiters = tuple(sorted({s.delimiter for s in self._specs}))

    @property
    def triggers(self) -> tuple[str, ...]:
        """`parse` finds a row only in a message that holds one of these (a spec's `match`)."""
        return tuple(c.spec.match for c in self._specs)

    def parse(self, message: str) -> TableRow | None:
        for d in self._delimiters:
            if d in message:
                break
        else:
            return None
        for compiled in self._specs:
            if compiled.spec.match in message:
                return compiled.row(message)
        return None
