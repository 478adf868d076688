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

import re
from dataclasses import dataclass, field
from typing import Any

from parsers._native import TableRows
from parsers.column_spec import parse_column as column_spec  # noqa: F401  (the name callers know)
from parsers.options import ColumnSpec, TableSpec
from parsers.unicode_classes import table as unicode_table
from parsers.units import parse_duration_ns


@dataclass(slots=True)
class TableRow:
    name: str
    fields: dict[str, Any]
    trace_ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_ENUM_TYPE = re.compile(r"enum\((?P<choices>[^)]*)\)")
_TYPED = ("int", "decimal", "duration", "timestamp")


def _column(column: ColumnSpec) -> tuple[str, str, tuple[str, ...], str]:
    """(name, type, enum choices, what an error calls the expected type) for the core."""
    kind = column.type
    if kind == "string":
        return column.name, "string", (), "string"
    if kind in _TYPED:
        return column.name, kind, (), f"not {'an' if kind == 'int' else 'a'} {kind}"
    if kind == "enum" or kind.startswith("enum("):
        choices = column.choices
        if (m := _ENUM_TYPE.fullmatch(kind)) is not None:
            choices = tuple(c.strip() for c in m.group("choices").split(","))
        return column.name, "enum", tuple(choices), "not in " + "|".join(choices)
    return column.name, "unknown", (), f"of unknown type {kind!r}"


class _CompiledSpec:
    """One spec's rows, read by the compiled core (`parsers._native.TableRows`)."""

    __slots__ = ("spec", "_rows")

    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec
        token = spec.match.strip(spec.delimiter).strip()
        self._rows = TableRows(spec.delimiter, token, [_column(c) for c in spec.columns], list(spec.trace_ids),
                               parse_duration_ns, unicode_table())

    def row(self, message: str) -> TableRow:
        fields, trace_ids, errors = self._rows.row(message)
        return TableRow(self.spec.name, fields, trace_ids, errors)


class TableParser:
    """Recognises the configured table lines; `parse(message)` -> TableRow or None."""

    __slots__ = ("_specs", "_delimiters")

    def __init__(self, specs: tuple[TableSpec, ...] = ()) -> None:
        self._specs = tuple(_CompiledSpec(s) for s in specs if s.match and s.delimiter)
        self._delimiters = tuple(sorted({c.spec.delimiter for c in self._specs}))

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
