"""One assembled record in, one event out: what kind of record it is and its fields.

Order of recognisers for a single-line record, cheapest and most specific first:
MyBatis debug lines (stateful join per thread), configured table lines, SQL timings,
method timings. A record with continuation lines is checked for a stack trace.
Masking runs on every text field before the event leaves the parser. A single-line
record none of these recognisers can read (`prescreen`: most records) skips them all.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import datetime
from functools import lru_cache
from operator import attrgetter

from parsers.event import Event, record_event
from parsers.jul_levels import LOCALIZED as JUL_LOCALIZED
from parsers.jul_levels import LOCALIZED_RX as JUL_LOCALIZED_RX
from parsers.masking import Masker
from parsers.multiline import RawRecord
from parsers.options import ParseOptions
from parsers.prefix.grammar import Prefix
from parsers import unicode_classes
from parsers._native import TraceKeys, Triage
from parsers.prescreen import screen
from parsers.signature import Signature, compute_signature
from parsers.sql import fingerprint_with_id, mybatis, statement
from parsers.sql.mybatis import CONSUMED, COPY, MybatisJoiner, is_mybatis, time_of_day_ms
from parsers.sql.open_statements import OpenStatements
from parsers.sql.statement import LOGGER_PREFIXES as STATEMENT_LOGGER_PREFIXES
from parsers.sql.statement import LOGGER_SUFFIXES as STATEMENT_LOGGERS
from parsers.sql.statement import ROUTED as ROUTED_SQL
from parsers.sql.statement import is_parameter_line, untimed_statement
from parsers.sql.timing import SqlTiming, SqlTimingParser
from parsers.stacktrace import StackTrace, parse_stack
from parsers.stacktrace.python import split_embedded_start
from parsers.structured_kinds import StructuredKinds
from parsers.table import TableParser
from parsers.timing.method import MethodTimingParser
from parsers.units import MAX_DURATION_NS

MAX_SAMPLE_CHARS = 32 * 1024
SIGNATURE_CACHE_SIZE = 4096
# A single line that is itself an exception header (`java.lang.IllegalStateException: x`)
_LONE_HEADER = re.compile(r"(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error)\b")


# jboss-logging's JDK backend (Hibernate, Undertow on a JUL-logging Tomcat) names its own levels
# FATAL, ERROR, WARN, DEBUG, TRACE
_JUL_LEVEL = re.compile(rf"(SEVERE|WARNING|INFO|CONFIG|FINEST|FINER|FINE|FATAL|ERROR|WARN|DEBUG|TRACE|{JUL_LOCALIZED_RX})"
                        r"[:：] ?(.*)$", re.DOTALL)
# Flask's RequestFormatter (its documentation's example) writes `ERROR in app: msg` on the record's second line
_LEVEL_IN_MODULE = re.compile(r"(DEBUG|INFO|WARNING|ERROR|CRITICAL) in ([\w.]+): ")
# a JVM in a Chinese locale names them in Chinese
_JUL_LEVELS = {"WARNING": "WARN", **{k: "WARN" if v == "WARNING" else v for k, v in JUL_LOCALIZED.items()}}


# a record at these levels (or with a trace) on a thread ends the thread's open MyBatis statement
_FAILURE_LEVELS = frozenset({"ERROR", "FATAL", "SEVERE", "CRITICAL"})


@lru_cache(maxsize=64)
def _trace_keys(keys: tuple[str, ...]) -> TraceKeys:
    """The compiled scanner of `keys`: files read with the same options share one."""
    return TraceKeys(list(keys), unicode_classes.table())


_FRAME_KEY = attrgetter("key")  # a frame without its line number


def _signature_key(trace: StackTrace) -> tuple:
    """What a signature is computed from: exception types and frames without line
    numbers; messages only when there are no frames at all (then they are hashed)."""
    has_frames = False
    key: list = [trace.language]
    for exc in trace.exceptions:
        frames = tuple(map(_FRAME_KEY, exc.frames))
        has_frames = has_frames or bool(frames)
        key.append((exc.type, frames))
    if not has_frames:
        key.append(trace.outermost.message)
    return tuple(key)


def _unbanged(lines: list[str]) -> list[str]:
    """Dropwizard's layout writes each line of a trace after `! ` (`! at x.Y.z(Y.java:3)`):
    the lines without it."""
    return [line[2:] if line[:2] == "! " else "" if line == "!" else line for line in lines]


def _epoch_ms(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        return int(datetime.fromisoformat(iso).timestamp() * 1000)
    except ValueError:
        return None


def _bounded(ns: int | None) -> int | None:
    """A duration a signed 64-bit field can hold (e.g. MyBatis timings between absurd
    timestamps are not); others are dropped rather than failing the encoder downstream."""
    return ns if ns is None or 0 <= ns <= MAX_DURATION_NS else None


class Classifier(StructuredKinds):
    """Turns `RawRecord`s of one file into `Event`s. Holds the MyBatis join state.
    `prescreen=False` puts every single-line record through every recogniser (the
    screen's reference: the events are the same either way)."""

    def __init__(self, options: ParseOptions, prescreen: bool = True) -> None:
        self.options = options
        self.tables = TableParser(options.tables) if options.tables else None
        self.sql = SqlTimingParser(options.sql)
        self.methods = MethodTimingParser(options.methods)
        self.masker = Masker(options.masking)
        self.mybatis = MybatisJoiner()
        self.open_statements = OpenStatements(self.mybatis, self.masker, MAX_SAMPLE_CHARS)
        # thread -> offset of its MyBatis Preparing line still waiting for `<==`, oldest first
        self._joins: OrderedDict[str, int] = OrderedDict()
        self._join_window_bytes = options.bounds.max_event_bytes
        # `key=value` for any of the keys, the key not inside a word (parsers/native/src/trace_keys.rs)
        self.trace_keys = _trace_keys(tuple(options.trace_keys)) if options.trace_keys else None
        self.in_app = options.in_app
        # The same throw site repeats: its signature is computed once (bounded LRU).
        self._signatures: dict[tuple, Signature] = {}
        self._frames: dict = {}  # frame line -> Frame, for parse_stack
        # a single-line message reaches the recognisers only if it holds one of these (None: always)
        self._screen = screen((mybatis.TRIGGERS, self.tables.triggers if self.tables is not None else (),
                                     self.sql.triggers, statement.TRIGGERS, self.methods.triggers)) \
            if prescreen else None
        # the screen, masking's and the trace keys' questions about a single-line message, in one pass
        self._triage = Triage(self._screen if prescreen else None, self.masker.masks_any_text,
                              self.masker.masks_emails, self.trace_keys)

    def event(self, rec: RawRecord) -> Event:
        first = rec.first
        logger: str | None = None
        if first is not None and (first.format != "raw" or first.level is not None):  # raw: a level, no time
            msg, logger = first.message, first.logger
            ev = record_event(msg, first.timestamp, first.level, logger, first.thread, rec.offset, rec.end_offset,
                              rec.truncated)
        else:
            msg = rec.first_line
            ev = record_event(msg, None, None, None, None, rec.offset, rec.end_offset, rec.truncated)
        if first is not None and first.extra is not None and self._structured_done(ev, first, rec):
            return ev  # a JSON or logfmt record (`structured_kinds`)
        if not rec.continuation and not (("Exception" in msg or "Error" in msg) and _LONE_HEADER.match(msg)):
            # one line, no exception header (most records): the recognisers only if one may read it
            readable, maskable, ids = self._triage.scan(msg)
            if readable or (logger is not None and (
                    logger.endswith(STATEMENT_LOGGERS) or logger.startswith(STATEMENT_LOGGER_PREFIXES))):
                self._single_line(ev, first, rec)
            if maskable or ev.sql_statement is not None or ev.sql_params is not None:
                self._mask(ev)
                self._trace_ids(ev)  # read from the masked message
            elif ids:  # the message is as scanned
                self._trace_ids(ev, ids)
            if ev.level in _FAILURE_LEVELS and ev.thread and self.open_statements:
                self.open_statements.thread_failed(ev.thread)  # the thread's open statement failed
            return ev
        if rec.continuation and ev.level is None and first is not None and first.format == "auto":
            self._level_on_second_line(ev, rec)
        msg = ev.message
        if rec.continuation or (("Exception" in msg or "Error" in msg) and _LONE_HEADER.match(msg)):
            self._exception(ev, rec)
        if ev.kind == "line":
            self._single_line(ev, first, rec)
        self._mask(ev)
        self._trace_ids(ev)
        if self.open_statements and ev.thread and (ev.kind == "exception" or ev.level in _FAILURE_LEVELS):
            self.open_statements.thread_failed(ev.thread)  # the thread's open statement failed
        return ev

    @staticmethod
    def _level_on_second_line(ev: Event, rec: RawRecord) -> None:
        """java.util.logging writes `Jan 2, 2019 3:04:05 PM pkg.Class method` and then
        `SEVERE: msg`: the level and the message are on the second line. Flask's documented
        RequestFormatter (`[%(asctime)s] %(remote_addr)s requested %(url)s\n%(levelname)s in
        %(module)s: %(message)s`) too: its level and module are read, both lines kept."""
        m = _JUL_LEVEL.match(rec.continuation[0])
        if m is None:
            if (flask := _LEVEL_IN_MODULE.match(rec.continuation[0])) is not None:
                ev.level = _JUL_LEVELS.get(flask.group(1), flask.group(1))
                ev.logger = ev.logger or flask.group(2)
            return
        ev.level = _JUL_LEVELS.get(m.group(1), m.group(1))
        if ev.logger and ev.message and " " not in ev.message:
            ev.logger = f"{ev.logger}.{ev.message}"  # class and method, as Tomcat's one-line format has it
        ev.message = m.group(2)
        del rec.continuation[0]

    # -- kinds ---------------------------------------------------------------------
    def _exception(self, ev: Event, rec: RawRecord) -> None:
        lines = split_embedded_start([ev.message, *rec.continuation])
        trace = parse_stack(lines, self._frames)
        if trace is None and rec.continuation and rec.continuation[0][:2] == "! " \
                and (trace := parse_stack(bare := _unbanged(lines), self._frames)) is not None:
            lines = bare
        if trace is None:
            ev.message = "\n".join(lines if lines[0] else lines[1:])  # a layout may put the message on the next line
            return
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith(
            ((trace.root_cause if trace.root_first else trace.outermost).type, "Traceback", "Exception in thread",
             "+ Exception Group Traceback", "╭─", "──"))), 0)
        head = "\n".join(lines[:start] if lines[0] else lines[1:start]) if start else ev.message
        ev.message = head
        ev.stack_trace = "\n".join(lines[start:])[:MAX_SAMPLE_CHARS]
        outer, root = trace.outermost, trace.root_cause
        ev.kind = "exception"
        ev.error_type, ev.error_message = outer.type, outer.message
        ev.root_cause_type, ev.root_cause_message = root.type, root.message
        sig = self._signature(trace)
        ev.signature, ev.signature_version, ev.signature_reasons = sig.hash, sig.version, list(sig.reasons)
        if start:
            # the record's own line is a timing (`initialization completed in 2909 ms`) and a
            # trace printed under it without a header of its own (printStackTrace output in
            # catalina.out) joined the record: the timing is still the record's
            method = self.methods.parse(head.partition("\n")[0])
            if method is not None:
                ev.method_name, ev.duration_ns = method.name, _bounded(method.duration_ns)

    def _signature(self, trace: StackTrace) -> Signature:
        key = _signature_key(trace)
        cache = self._signatures
        sig = cache.pop(key, None)
        if sig is None:
            sig = compute_signature(trace, self.in_app)
            if len(cache) >= SIGNATURE_CACHE_SIZE:
                del cache[next(iter(cache))]  # the least recently used
        cache[key] = sig
        return sig

    def _single_line(self, ev: Event, first: Prefix | None, rec: RawRecord) -> None:
        msg = ev.message
        if is_mybatis(msg):
            ts_ms, exact = _epoch_ms(ev.timestamp), True
            if ts_ms is not None:
                exact = "." in ev.timestamp  # type: ignore[operator]  # written to the second: no fraction
            elif first is not None and first.raw_time and (clock := time_of_day_ms(first.raw_time)) is not None:
                ts_ms, exact = clock  # a time without a date
            joiner, open_statements = self.mybatis, self.open_statements
            got = joiner.feed(ev.thread, msg, ts_ms, ev.logger, ev, exact)
            if got is COPY:
                ev.flags.append("mybatis_copy")
                return
            if got is not None:
                self._track_join(ev, got)
                if isinstance(got, SqlTiming):
                    self._sql(ev, got)
                    if got.statement is None:
                        ev.flags.append("mybatis_unjoined")
                    open_statements.closed()
                elif got is CONSUMED:
                    ev.flags.append("mybatis_part")
                    if joiner.is_open(ev):
                        open_statements.opened(ev)
                if joiner.abandoned:
                    open_statements.settle()
                return
        if self.tables is not None:
            row = self.tables.parse(msg)  # None unless a spec's mark is in the message
            if row is not None:
                ev.kind, ev.table_name, ev.table_fields = "table", row.name, row.fields
                ev.trace_ids.extend(row.trace_ids)
                if row.errors:
                    ev.flags.append("malformed_row")
                    ev.table_fields = dict(row.fields, _errors=row.errors)
                return
        timing = self.sql.parse(msg)
        if timing is None and rec.continuation and first is not None and not first.message.strip():
            # the first line's text all went to prefix fields: read the timing from the line itself
            timing = self.sql.parse_record(rec.first_line, "\n".join(rec.continuation))
        if timing is None:
            timing = untimed_statement(ev.logger, msg)  # an ORM's statement log: no duration
        if timing is not None:
            self._sql(ev, timing)
            return
        if is_parameter_line(ev.logger, msg):
            return  # the parameters of the statement before, with its compilation time
        method = self.methods.parse(msg)
        if method is not None:
            ev.kind, ev.method_name, ev.duration_ns = "method", method.name, _bounded(method.duration_ns)

    # -- MyBatis joins and restarts ---------------------------------------------------
    def _track_join(self, ev: Event, got: object) -> None:
        key = self.mybatis.last_key
        if got is CONSUMED and "Preparing" in ev.message and ev.offset is not None:
            self._joins[key] = ev.offset
            self._joins.move_to_end(key)
            while len(self._joins) > self.mybatis.max_threads:
                self._joins.popitem(last=False)
        elif isinstance(got, SqlTiming):
            self._joins.pop(key, None)

    def pending_join_offset(self, position: int) -> int | None:
        """Offset of the oldest MyBatis Preparing line whose statement has not been closed
        yet, if it lies within `max_event_bytes` before `position`: a reader restarting
        there reads it again and joins the statement as a reader that never stopped did.
        Older ones no longer hold restarts back (their join is lost on a restart, as a
        record cut at a bound is)."""
        joins = self._joins
        while joins:
            key, offset = next(iter(joins.items()))
            if offset >= position - self._join_window_bytes:
                return offset
            del joins[key]
        return None

    def _sql(self, ev: Event, timing: SqlTiming) -> None:
        ev.kind = "sql"
        ev.duration_ns = _bounded(timing.duration_ns)
        ev.sql_params, ev.sql_rows = timing.params, timing.rows
        if timing.source == ROUTED_SQL:
            ev.flags.append("sql_routed")
        if timing.statement:
            ev.sql_statement = timing.statement[:MAX_SAMPLE_CHARS]
            ev.sql_fingerprint, ev.sql_fingerprint_id = fingerprint_with_id(timing.prepared or timing.statement)

    # -- cross-cutting ---------------------------------------------------------------
    def _mask(self, ev: Event) -> None:
        if (ev.stack_trace is None and ev.sql_statement is None and ev.sql_params is None
                and ev.error_message is None and ev.root_cause_message is None
                and not self.masker.may_mask(ev.message)):
            return  # table fields are cells of the message: nothing in them to mask either
        mask = self.masker.mask
        ev.message, counts = mask(ev.message)
        total = dict(counts)
        for attr in ("stack_trace", "error_message", "root_cause_message", "sql_statement", "sql_params"):
            value = getattr(ev, attr)
            if value:
                masked, c = mask(value)
                setattr(ev, attr, masked)
                for k, v in c.items():
                    total[k] = total.get(k, 0) + v
        if ev.table_fields:
            for key, value in ev.table_fields.items():
                if isinstance(value, str):
                    masked, c = mask(value)
                    if c:
                        ev.table_fields[key] = masked
                        for k, v in c.items():
                            total[k] = total.get(k, 0) + v
        if total:
            ev.masked = total

    def _trace_ids(self, ev: Event, found: list[str] | None = None) -> None:
        """The ids after the trace keys in the message (`found`: as scanned already)."""
        if self.trace_keys is None:
            return
        if found is None:
            found = self.trace_keys.find(ev.message)
        if found:
            ids = ev.trace_ids
            for value in found:
                if value not in ids:
                    ids.append(value)
