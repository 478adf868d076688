"""MyBatis debug logging: one statement spread over three records of one thread.

    ==>  Preparing: SELECT * FROM t WHERE id = ? AND name = ?
    ==> Parameters: 12(Long), 张三(String), null
    <==      Total: 1            (or `<==    Updates: 1`)

The markers may follow any text a layout writes first: `[debug,137] - ==>  Preparing: ...`,
`... [BaseJdbcLogger.java:137] - ==>  Preparing: ...`, or a whole unrecognised line
`2026-11-26 10:15:30,123|DEBUG|exec-1|c.f.OrderMapper.select:137|==>  Preparing: ...`.

`MybatisJoiner.feed()` remembers Preparing/Parameters per thread and, on the `<==`
line, returns one `SqlTiming`: the statement with the parameters written in place
of `?` (strings quoted), the row count, and the time between the Preparing and
the `<==` records when both timestamps are known. When the caller knows no thread
(the line's prefix was not recognised), the text before the marker stands for it,
its date and time left out (`|DEBUG|exec-1|c.f.OrderMapper.select:137|`), so
interleaved threads still join apart; failing that, records join in order (the
latest open statement). The time then comes from that text too. State is bounded:
at most `max_threads` threads are remembered, the least recently seen is forgotten.

A statement MyBatis prepared once and runs again (the REUSE executor, a statement
cached for the session) is logged as `==> Parameters:` alone: it joins the last
statement prepared by the same thread and logger (the mapper method), timed from the
Parameters record. Without a known logger nothing is guessed.

A statement that never gets its `<==` line (the mapper threw, the connection failed)
is abandoned when its thread prepares the next statement (at the same nesting depth), when
the caller says so (`abandon`, `abandon_all`: an exception on the thread, the end of the
file), or when it is forgotten (eviction). Statements whose Preparing record the caller
tagged (`feed(..., tag=)`) are then listed in `abandoned` with their tag, for the caller
to report as statements with no outcome. Nested selects (`====>  Preparing:`,
`<====      Total:`) join apart from the statement they run inside.

A logger sent to two appenders that write one file (log4j/logback additivity: the mapper's
logger and the root both append to `info.log`) writes every record twice in a row. A record
identical to the one its thread fed just before (same text, same time) is such a copy: `feed()`
returns COPY and the statement is joined once. Without a known thread two threads running
one mapper method write identical records legitimately, so there a copy must also carry
the same millisecond.

The joiner is pure in the sense the parsers need: no clock, no IO; its only state
is what it was fed.
"""

from __future__ import annotations

import enum
import re
from collections import OrderedDict
from typing import NamedTuple

from parsers.sql.timing import SqlTiming

_MARKER = re.compile(r"(?:(={2,})>|<(={2,}))[ \t]*(?:Preparing|Parameters|Total|Updates|Columns|Row)[ \t]*:")
_PREPARING = re.compile(r"==>\s*Preparing:\s?(?P<sql>.*)", re.DOTALL)
_PARAMETERS = re.compile(r"==>\s*Parameters:\s?(?P<params>.*)", re.DOTALL)
_CLOSE = re.compile(r"<==\s*(?P<what>Total|Updates):\s*(?P<rows>-?[0-9]{1,18})\s*$")
_TRACE_ROW = re.compile(r"<==\s*(?:Columns|Row):")
# One parameter: `null`, or `value(Type)` up to the `, ` before the next one.
_PARAM = re.compile(r"\s*(?:(?P<null>null)|(?P<value>.*?)\((?P<type>[A-Za-z][\w.$]*)\))\s*(?:,|\Z)", re.DOTALL)
# What varies between the lines of one thread in the text before the marker: date and time.
_DATE_TIME = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{8}(?=[ T])|\d{1,2}:\d{2}:\d{2}(?:[.,:]\d{1,9})?|^\s*\d+\s")
_TIME_OF_DAY = re.compile(r"(?<!\d)(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?![\d:])")
DAY_MS = 86_400_000
_UNKNOWN = "\x00"  # key prefix of records whose thread the caller did not know
_UNQUOTED_TYPES = frozenset(
    {"Integer", "Long", "Short", "Byte", "Double", "Float", "BigDecimal", "BigInteger", "Boolean", "int", "long"})


class Consumed(enum.Enum):
    """`feed()` kept the record (a Preparing or Parameters line): nothing to emit yet;
    or the record is a copy of the one its thread logged just before (COPY): nothing to do."""

    CONSUMED = "consumed"
    COPY = "copy"


CONSUMED = Consumed.CONSUMED
COPY = Consumed.COPY


# Every record the joiner reads holds one of these (`is_mybatis`, spelled out there for speed).
TRIGGERS = ("==>", "<==")


def is_mybatis(message: str) -> bool:
    """True if `message` may hold a MyBatis `==>`/`<==` debug record (cheap test)."""
    return "==>" in message or "<==" in message


def time_of_day_ms(text: str) -> tuple[int, bool] | None:
    """Milliseconds since midnight of the first `HH:mm:ss[.SSS]` in `text`, and whether it
    was written to the millisecond or finer (a time to the second cannot time a statement);
    else None."""
    m = _TIME_OF_DAY.search(text)
    if m is None:
        return None
    h, mi, sec, frac = m.groups()
    if int(h) > 23 or int(mi) > 59 or int(sec) > 60:
        return None
    ms = int((frac or "0")[:3].ljust(3, "0"))
    return ((int(h) * 60 + int(mi)) * 60 + int(sec)) * 1000 + ms, frac is not None and len(frac) >= 3


def elapsed_ms(start_ms: int, end_ms: int) -> int | None:
    """`end_ms - start_ms`; two times of day across midnight count forward."""
    if end_ms < start_ms and start_ms < DAY_MS and start_ms - end_ms > DAY_MS // 2:
        end_ms += DAY_MS
    return end_ms - start_ms if end_ms >= start_ms else None


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


class Abandoned(NamedTuple):
    """A tagged statement that got no `<==` record: the prepared SQL, with its parameters
    written in when its Parameters record was seen."""

    tag: object
    statement: str
    params: str | None
    prepared: str  # the statement as prepared (placeholders kept): what the fingerprint is taken from


class MybatisJoiner:
    """Joins MyBatis Preparing / Parameters / `<==` records per thread."""

    __slots__ = ("max_threads", "_pending", "_prepared", "_latest", "last_key", "abandoned", "closed_tag")

    def __init__(self, max_threads: int = 1024) -> None:
        self.max_threads = max(1, max_threads)
        # thread -> [prepared statement, parameters or None, ts_ms of Preparing or None, caller's tag]
        self._pending: OrderedDict[str, list] = OrderedDict()
        # (thread, logger) -> the statement it prepared last: what a lone Parameters record runs again
        self._prepared: OrderedDict[tuple[str, str], str] = OrderedDict()
        # thread -> (message, ts_ms) of the record it fed last: what a copy repeats
        self._latest: dict[str, tuple[str, int | None]] = {}
        self.last_key = ""  # the join key of the record fed last
        self.abandoned: list[Abandoned] = []  # tagged statements given up since the caller last cleared it
        self.closed_tag: object = None  # the tag of the statement the last `<==` record closed

    def __len__(self) -> int:
        return len(self._pending)

    def feed(self, thread: str | None, message: str, ts_ms: int | None,
             logger: str | None = None, tag: object = None, exact: bool = True) -> SqlTiming | Consumed | None:
        """None: not a MyBatis record. CONSUMED: remembered (Preparing, Parameters,
        or a TRACE `Columns`/`Row` line). COPY: the thread's previous record written
        again (nothing changes). SqlTiming: a `<==` record closed a
        statement; its `statement` is None when no Preparing was seen on `thread`.
        `ts_ms`: the record's time (epoch or time-of-day ms), else read from the
        text before the marker; `exact`: it was written to the millisecond (a time to the
        second gives no duration: a statement between two such times took 0 to 2 s).
        `logger`: the record's logger, if known (a reused statement is found by thread and
        logger). `tag`: the caller's handle on a Preparing record, handed back in
        `abandoned` if the statement gets no `<==` record."""
        if not ("==>" in message or "<==" in message) or (mark := _MARKER.search(message)) is None:
            return None
        start, before = mark.start(), message[:mark.start()]
        opens = mark.group(1)
        equals = opens or mark.group(2)
        text = ("==>" + message[start + len(equals) + 1:]) if opens else ("<==" + message[start + 1 + len(equals):])
        if thread:
            key = thread
        else:
            # no thread: the logger (the mapper method) and the text before the marker tell statements apart
            key = _UNKNOWN + (logger or "") + " " + " ".join(_DATE_TIME.sub(" ", before).split())
        if len(equals) > 2:
            key += f"\x01{len(equals)}"  # a nested select: its own statement within the thread's
        if ts_ms is None and before and (clock := time_of_day_ms(before)) is not None:
            ts_ms, exact = clock
        if self._is_copy(key, message, ts_ms, thread or exact):
            return COPY
        self.last_key = key
        if not exact:
            ts_ms = None  # from here on the time is the statement's clock
        if text.startswith("==>"):
            if (m := _PREPARING.match(text)) is not None:
                # as logged, trailing space included: pt-fingerprint keeps it
                sql = m.group("sql").lstrip().rstrip("\r\n")
                old = self._pending.get(key)
                if old is not None:
                    self._give_up(old)  # the thread went on to its next statement: no outcome came
                self._remember(key, [sql, None, ts_ms, tag])
                if thread and logger:
                    self._note_prepared((thread, logger), sql)
                return CONSUMED
            if (m := _PARAMETERS.match(text)) is not None:
                entry = self._entry(key)
                if entry is None and thread and logger and (sql := self._prepared.get((thread, logger))) is not None:
                    entry = [sql, None, ts_ms, None]  # a prepared statement run again
                    self._remember(key, entry)
                if entry is not None:
                    entry[1] = m.group("params").strip()
                return CONSUMED
            return None
        if (m := _CLOSE.match(text)) is not None:
            return self._close(key, int(m.group("rows")), ts_ms)
        if _TRACE_ROW.match(text):
            return CONSUMED
        return None

    def _is_copy(self, key: str, message: str, ts_ms: int | None, telling: object) -> bool:
        """True if this record repeats the one `key` fed last (and `telling`: a thread or a
        time to the millisecond says a repeat is no second record); else it becomes that one."""
        latest = self._latest
        record = (message, ts_ms)
        if telling and ts_ms is not None and latest.get(key) == record:
            return True
        latest.pop(key, None)
        latest[key] = record
        if len(latest) > self.max_threads:
            del latest[next(iter(latest))]  # the thread heard from least recently
        return False

    def _entry(self, key: str) -> list | None:
        """The open statement of `key`; for a record of unknown thread whose text matches
        no open statement, the latest open statement of unknown thread and the same logger
        (join in order)."""
        pending = self._pending
        entry = pending.get(key)
        if entry is None and key.startswith(_UNKNOWN):
            same_logger = key[:key.find(" ") + 1]
            for other in reversed(pending):
                if other.startswith(same_logger):
                    self.last_key = other
                    return pending[other]
        return entry

    def _remember(self, key: str, entry: list) -> None:
        pending = self._pending
        pending[key] = entry
        pending.move_to_end(key)
        while len(pending) > self.max_threads:
            self._give_up(pending.popitem(last=False)[1])

    def abandon(self, key: str) -> None:
        """Give up the open statement of `key` (a thread, or a record's `last_key`), if any."""
        self._latest.pop(key, None)  # a record written again after this is a new one
        entry = self._pending.pop(key, None)
        if entry is not None:
            self._give_up(entry)

    def abandon_all(self) -> None:
        """Give up every open statement (the input ended)."""
        for entry in self._pending.values():
            self._give_up(entry)
        self._pending.clear()

    def abandon_tagged(self, tag: object) -> None:
        """Give up the open statement tagged `tag`, if it is still open."""
        for key, entry in self._pending.items():
            if entry[3] is tag:
                self.abandon(key)
                return

    def is_open(self, tag: object) -> bool:
        """True if the record fed last opened a statement tagged `tag` (a Preparing record)."""
        entry = self._pending.get(self.last_key)
        return entry is not None and entry[3] is tag

    def untag(self, tag: object) -> None:
        """Forget the tag of the open statement tagged `tag`: it stays open (a `<==` record
        still closes it), but is no longer reported when abandoned."""
        for entry in self._pending.values():
            if entry[3] is tag:
                entry[3] = None
                return

    def _give_up(self, entry: list) -> None:
        statement, params, _, tag = entry
        if tag is not None:
            self.abandoned.append(Abandoned(tag, substitute_params(statement, params) if params else statement,
                                            params, statement))

    def _note_prepared(self, key: tuple[str, str], sql: str) -> None:
        prepared = self._prepared
        prepared[key] = sql
        prepared.move_to_end(key)
        while len(prepared) > self.max_threads:
            prepared.popitem(last=False)

    def _close(self, key: str, rows: int, ts_ms: int | None) -> SqlTiming:
        entry = self._entry(key)
        if entry is None:
            return SqlTiming(None, None, None, rows, source="mybatis")
        del self._pending[self.last_key]
        statement, params, started_ms, self.closed_tag = entry
        duration = None
        if ts_ms is not None and started_ms is not None and (ms := elapsed_ms(started_ms, ts_ms)) is not None:
            duration = ms * 1_000_000
        prepared = statement
        if params:
            statement = substitute_params(statement, params)
        return SqlTiming(duration, statement, params, rows, source="mybatis", prepared=prepared)
