"""MyBatis debug logging: one statement spread over three records of one thread.

    ==>  Preparing: SELECT * FROM t WHERE id = ? AND name = ?
    ==> Parameters: 12(Long), 张三(String), null
    <==      Total: 1            (or `<==    Updates: 1`)

`MybatisJoiner.feed()` remembers Preparing/Parameters per thread and, on the `<==`
line, returns one `SqlTiming`: the statement with the parameters written in place
of `?` (strings quoted), the row count, and the time between the Preparing and
the `<==` records when both timestamps are known. State is bounded: at most
`max_threads` threads are remembered, the least recently seen is forgotten.

The joiner is pure in the sense the parsers need: no clock, no IO; its only state
is what it was fed.
"""

from __future__ import annotations

import enum
import re
from collections import OrderedDict

from parsers.sql_timing import SqlTiming

_PREPARING = re.compile(r"==>\s*Preparing:\s?(?P<sql>.*)", re.DOTALL)
_PARAMETERS = re.compile(r"==>\s*Parameters:\s?(?P<params>.*)", re.DOTALL)
_CLOSE = re.compile(r"<==\s*(?P<what>Total|Updates):\s*(?P<rows>-?[0-9]{1,18})\s*$")
_TRACE_ROW = re.compile(r"<==\s*(?:Columns|Row):")
# One parameter: `null`, or `value(Type)` up to the `, ` before the next one.
_PARAM = re.compile(r"\s*(?:(?P<null>null)|(?P<value>.*?)\((?P<type>[A-Za-z][\w.$]*)\))\s*(?:,|\Z)", re.DOTALL)
_UNQUOTED_TYPES = frozenset(
    {"Integer", "Long", "Short", "Byte", "Double", "Float", "BigDecimal", "BigInteger", "Boolean", "int", "long"})


class Consumed(enum.Enum):
    """`feed()` kept the record (a Preparing or Parameters line): nothing to emit yet."""

    CONSUMED = "consumed"


CONSUMED = Consumed.CONSUMED


def is_mybatis(message: str) -> bool:
    """True if `message` is a MyBatis `==>`/`<==` debug record (cheap test)."""
    return message.startswith(("==>", "<==", " ==>", " <=="))


def substitute_params(statement: str, params: str) -> str:
    """`statement` with MyBatis' `12(Long), 张三(String), null` written in place of
    the `?`s: numbers and booleans bare, everything else single-quoted, null as NULL.
    Placeholders without a parameter stay `?`; surplus parameters are ignored."""
    values: list[str] = []
    pos, end = 0, len(params)
    while pos < end:
        m = _PARAM.match(params, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        if m.group("null") is not None:
            values.append("NULL")
        elif m.group("type") in _UNQUOTED_TYPES:
            values.append(m.group("value"))
        else:
            values.append("'" + m.group("value").replace("'", "''") + "'")
    pieces = statement.split("?")
    out = [pieces[0]]
    for i, piece in enumerate(pieces[1:]):
        out.append(values[i] if i < len(values) else "?")
        out.append(piece)
    return "".join(out)


class MybatisJoiner:
    """Joins MyBatis Preparing / Parameters / `<==` records per thread."""

    __slots__ = ("max_threads", "_pending")

    def __init__(self, max_threads: int = 1024) -> None:
        self.max_threads = max(1, max_threads)
        # thread -> [prepared statement, parameters or None, ts_ms of Preparing or None]
        self._pending: OrderedDict[str, list] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pending)

    def feed(self, thread: str | None, message: str, ts_ms: int | None) -> SqlTiming | Consumed | None:
        """None: not a MyBatis record. CONSUMED: remembered (Preparing, Parameters,
        or a TRACE `Columns`/`Row` line). SqlTiming: a `<==` record closed a
        statement; its `statement` is None when no Preparing was seen on `thread`."""
        if not is_mybatis(message):
            return None
        key = thread or ""
        text = message.lstrip()
        if text.startswith("==>"):
            if (m := _PREPARING.match(text)) is not None:
                self._remember(key, [m.group("sql").strip(), None, ts_ms])
                return CONSUMED
            if (m := _PARAMETERS.match(text)) is not None:
                entry = self._pending.get(key)
                if entry is not None:
                    entry[1] = m.group("params").strip()
                return CONSUMED
            return None
        if (m := _CLOSE.match(text)) is not None:
            return self._close(key, int(m.group("rows")), ts_ms)
        if _TRACE_ROW.match(text):
            return CONSUMED
        return None

    def _remember(self, key: str, entry: list) -> None:
        pending = self._pending
        pending[key] = entry
        pending.move_to_end(key)
        while len(pending) > self.max_threads:
            pending.popitem(last=False)

    def _close(self, key: str, rows: int, ts_ms: int | None) -> SqlTiming:
        entry = self._pending.pop(key, None)
        if entry is None:
            return SqlTiming(None, None, None, rows, source="mybatis")
        statement, params, started_ms = entry
        duration = None
        if ts_ms is not None and started_ms is not None and ts_ms >= started_ms:
            duration = (ts_ms - started_ms) * 1_000_000
        if params:
            statement = substitute_params(statement, params)
        return SqlTiming(duration, statement, params, rows, source="mybatis")
