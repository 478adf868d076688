"""Multi-line record assembly: one rule state machine, dialects as rule tables.

The caller parses each line's prefix once and pushes it here:

* a line with a structured prefix (any format but `raw`) starts a record;
* a line without a prefix (`None`: a stack frame, a `Caused by:`, a traceback line,
  any line the format does not recognise) continues the pending record;
* a `raw` prefix (a non-indented line without a timestamp or known layout) is where
  the dialect's rule table (`parsers.multiline_rules`) decides, as in Fluent Bit's
  `flb_ml_rule.c`: rows of (state, regex, next state); a line that matches a row from
  the current state continues the record. After a record that started without a
  prefix, any other line starts a new one, whose first state comes from the
  `start_state` rows. After a structured start line (zero-configuration files mix
  both), a raw line continues the record (`ERROR ...` + `java.lang.X: msg`, a message
  over several lines), unless a trace in the record has ended: after Java frames any
  such line starts a record, after Python's exception line one that starts another
  trace does; the rules follow the lines of a structured record too once it holds a
  trace.

Records close on the next start line, at `poll()` after `flush_after_ms` idle, or at
`finish()`. Bounds: lines past `max_event_lines` / `max_event_bytes` are dropped and
counted, the record is marked truncated, and `end_offset` still covers them, so every
pushed byte belongs to exactly one record. A cut record keeps its last `TAIL_LINES` lines
in place of the ones before them: a Python traceback names its exception on its last
line (a RecursionError's runs past any bound), a Java trace its root cause near its end.
"""

from __future__ import annotations

import re

from parsers.multiline_rules import (AFTER_FRAMES, CAUSE_RX, CONSOLE_START, CONT_FIRST, DIALECTS, HEADER_CANDIDATE,
                                     HOLD_STATE, PREFIXED_CONTINUATION, PY_EXCEPTION, PY_LOGGED, PY_LOGGED_START,
                                     PY_TRACE_STATES, START, TRACE_ENDED, RuleTable)
from parsers.per_line_traces import claim, head_text, line_text, python_line, same_source
from parsers.options import Bounds
from parsers.prefix.grammar import Prefix
from parsers.prefix.structured import STRUCTURED_FORMATS
from parsers.raw_record import RawRecord, started_record  # RawRecord re-exported: the assembler's record type

_INDENT = frozenset(" \t")
# An indented line that begins so may be a record start behind a layout's leading spaces (the parser decides)
_INDENTED_FIRST = frozenset("[0123456789")
# ... or with a level padded on the left (`%5p`): before a date (` WARN 2015-11-25 ...`), or before
# any field with no date (` INFO [main] (Foo.java:42) - `, log4j's manual; ` INFO main org.x.Foo - `,
# Spark's; ` INFO | `, ActiveMQ's): the parser decides
_PADDED_LEVEL = re.compile(r" {1,4}(?:TRACE|DEBUG|INFO|WARN|ERROR|FATAL) \d| (?:INFO|WARN) \S")
# a structured record at these levels keeps the raw line after it (see HEADER_CANDIDATE)
_WARN_OR_WORSE = frozenset(("WARN", "ERROR", "FATAL", "CRITICAL", "SEVERE"))
# A line printed with no prefix that tells of a failure, as the message `logger.exception()`
# writes before its traceback does (`Internal Server Error: /pay/`, `Exception in thread t:`,
# `Task x raised unexpected: ...`, `Invalid HTTP_HOST header`); a line that does not (`worker
# started`) is no traceback's header: an uncaught exception's traceback has none.
_TELLS_A_FAILURE = re.compile(r"(?i:error|exception|fail|invalid|raised|unexpected|unable|cannot|can't|could not"
                              r"|denied|refused|timed out|timeout|abort|crash|fatal|critical)|错误|异常|失败|报错")
MAX_HELD = 50  # raw lines held after an exception line while its frames have not come (HOLD_STATE)
TAIL_LINES = 20  # lines a record cut at a bound keeps from its end
# A time of day in a line: the line is a record of another layout, not a message's next line
_TIME_OF_DAY = re.compile(r"\d:\d\d:\d\d")


def _level_only(first_line: str) -> bool:
    """A record's first line that begins with a bare level word (not Maven's `[INFO]`) and
    holds no time of day (a time the prefix reader did not take: another layout)."""
    return first_line[:1] != "[" and _TIME_OF_DAY.search(first_line) is None


def _other_output(pending: RawRecord) -> bool:
    """The record tells no failure and the lines after its first are other output: text, no
    indented (trace) line, none that tells a failure. uWSGI logs a request's line after its
    traceback, then `announcing my loyalty to the Emperor...`: the next traceback is the next
    request's, not that line's; a DEBUG record, a blank line, and the traceback it logged
    stay one."""
    if pending.first is not None and pending.first.level in _WARN_OR_WORSE:
        return False
    text = False
    for line in pending.continuation:
        if line[:1] in " \t" or _TELLS_A_FAILURE.search(line) is not None:
            return False  # a trace, or the failure the traceback is (Flask's `ERROR in app: Exception on /x`)
        text = text or bool(line.strip())
    return text


def _message_line(line: str, pending: RawRecord) -> bool:
    """After records that each began with a bare level word (`_level_only`), a line with no
    level is the message's next line unless it holds a time of day or starts with the same
    word as the record's message (`p6spy - 1730805505388|...` after
    `INFO  p6spy - ...`: the same writer's record without its level)."""
    if not _level_only(pending.first_line) or _TIME_OF_DAY.search(line) is not None:
        return False
    word = line.split(None, 1)[:1]
    return not word or word != pending.first.message.split(None, 1)[:1]  # type: ignore[union-attr]


class Multiline:
    """Streaming assembler. `push()` returns the record a line closed, if any."""

    __slots__ = ("_rules", "_single", "_max_lines", "_max_bytes", "_flush_ms",
                 "_pending", "_state", "_ruled", "_level_run", "_track", "_n", "_bytes", "_last_ms", "_held", "ready")

    def __init__(self, dialect: str, bounds: Bounds, track_structured: bool = False) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"multiline dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
        self._rules = RuleTable(DIALECTS[dialect])
        self._single = dialect == "none"
        self._max_lines = max(1, bounds.max_event_lines)
        self._max_bytes = bounds.max_event_bytes
        self._flush_ms = bounds.flush_after_ms
        self._pending: RawRecord | None = None
        self._state = START
        self._ruled = False  # pending record started without a structured prefix: rules track it
        # records since the last structured one that began with a bare level word and no time
        # (`{levelname} {message}`, `%p - %m`): the file's layout writes the level first
        self._level_run = 0
        # Zero configuration (raw lines mixed with structured ones): the rules also follow the
        # lines of a structured record, so that a trace after a finished one starts a record.
        self._track = track_structured
        self._n = 0
        self._bytes = 0
        self._last_ms = 0
        # Raw lines after an exception line whose frames have not come yet (a message over
        # several lines, as JUnit prints `expected:<...>`): held until a frame makes them
        # part of the record, or anything else makes them records of their own.
        self._held: list[tuple[str, Prefix | None, int, int]] = []
        self.ready: list[RawRecord] = []  # records closed beside the one a call returns: take them first

    @property
    def pending_offset(self) -> int | None:
        """First byte of the pending record: where a resumed reader must start again."""
        return None if self._pending is None else self._pending.offset

    def push(self, line: str, prefix: Prefix | None, offset: int, end_offset: int, now_ms: int) -> RawRecord | None:
        self._last_ms = now_ms
        pending = self._pending
        if self._single:
            return started_record(prefix, line, offset, end_offset)
        if self._held:
            self._push_held(line, prefix, offset, end_offset, now_ms)
            return None
        if prefix is not None and prefix.format != "raw":  # the 95% case
            if self._track and pending is not None:
                text = self._prefixed_continuation(prefix, pending)
                if text is not None:
                    self._append(pending, text, offset, end_offset)
                    return None
            self._pending = started_record(prefix, line, offset, end_offset)
            self._n, self._bytes, self._ruled = 1, end_offset - offset, False
            self._state = PY_LOGGED if self._track and prefix.message.startswith(PY_LOGGED_START) else START
            return pending
        if pending is None:
            self._open(line, prefix, offset, end_offset)
            return None
        if prefix is None:
            if self._state != START:
                nxt = self._rules.step(self._state, line)
                if nxt is None and self._state == AFTER_FRAMES and line.strip():
                    self._open(line, prefix, offset, end_offset)  # frames ended (AFTER_FRAMES)
                    return pending
                self._state = nxt or self._state
            elif self._ruled or self._track:
                self._state = self._rules.first_state(line)  # an indented header, or frames: a trace
            self._append(pending, line, offset, end_offset)
            return None
        nxt = self._rules.step(self._state, line)  # a raw candidate start: the rules decide
        if nxt is not None:
            self._state = nxt
            self._append(pending, line, offset, end_offset)
            return None
        if self._ruled and self._state == HOLD_STATE and self._rules.first_state(line) == START:
            self._held.append((line, prefix, offset, end_offset))
            return None
        if CONSOLE_START.match(line) is not None:
            pass  # the JVM's own console lines: no record's continuation
        elif not self._ruled:  # after a structured start line
            first = self._rules.first_state(line)
            if first == START and self._state == START and self._track and not pending.continuation \
                    and (pending.first is None or pending.first.level not in _WARN_OR_WORSE) \
                    and not (prefix.level is not None and pending.first is not None and pending.first.level is None) \
                    and _TELLS_A_FAILURE.search(line) is not None:
                # the message line a traceback's own record prints before it with no prefix
                # (Django's `Internal Server Error: /pay/` in a gunicorn or uWSGI log), or this
                # record's next line: the line after it tells (`_push_header_candidate`). Not a
                # line that opens with the level a record without one lacks: that is the record's
                # second line (java.util.logging's `SEVERE: msg`, Flask's `ERROR in app: msg`)
                self._state = HEADER_CANDIDATE
                self._held.append((line, prefix, offset, end_offset))
                return None
            # after Python's exception line, more lines of its message, but not one that opens
            # with a level (`DEBUG: token ok`, a logger's or a print's next line); and not a
            # traceback after a record that tells no failure and whose next lines were other
            # output, no trace (`_other_output`)
            if self._state != AFTER_FRAMES and (first == START or self._state not in TRACE_ENDED) \
                    and not (self._state == PY_EXCEPTION and prefix.level is not None) \
                    and not (first in PY_TRACE_STATES and self._state == START and _other_output(pending)):
                if self._state == START:
                    self._state = first
                self._append(pending, line, offset, end_offset)
                return None
        elif self._state == START and pending.first is not None and (
                pending.first.level is not None or not pending.continuation):
            first = self._rules.first_state(line)
            # `ERROR [main] Foo - failed` + the exception it logged; a message printed with no
            # prefix (Django's `{message}`: `Internal Server Error: /pay/`) + the traceback logged with it
            if first != START and (pending.first.level is not None or first in PY_TRACE_STATES
                                   and _TELLS_A_FAILURE.search(pending.first_line) is not None):
                self._state = first
                self._append(pending, line, offset, end_offset)
                return None
            if pending.first.level is not None and prefix.level is None and not self._held and (
                    pending.first.logger is not None or self._level_run and _message_line(line, pending)):
                # a layout with no date (`%-5p %c - %m`, `{levelname} {message}`): a line with no
                # level after a record that named its logger, or after records that all began
                # with their level, is the message's next line
                self._append(pending, line, offset, end_offset)
                return None
        self._open(line, prefix, offset, end_offset)
        return pending

    def push_clean(self, texts: list[str], sizes: list[int], offset: int, parse, first_chars: frozenset[str] | None,
                   now_ms: int, indented_continue: bool = False) -> list[RawRecord]:
        """`push()` of each of `texts` in turn, returning the records they closed. The
        lines are consecutive from `offset`, each its size in `sizes` plus a newline long
        (what `LineSplitter.split` calls clean). `parse` gives a line's prefix; a line whose
        first character is not in `first_chars` (None: unknown) has none, the test
        `parse` itself starts with, so such lines (stack frames) skip the call; with
        `indented_continue`, an indented line (the parser says so) skips it too. The two
        common cases are `push()`'s own first branches, inlined: a structured start
        line, and a continuation of a record that the rules do not track (with the lines
        after it that start no record either, a trace's frames, appended at once)."""
        out: list[RawRecord] = []
        if self._single:
            for text, size in zip(texts, sizes):
                end = offset + size + 1
                out.append(started_record(parse(text), text, offset, end))
                offset = end
            if texts:
                self._last_ms = now_ms
            return out
        i, count = 0, len(texts)
        while i < count:
            text, size = texts[i], sizes[i]
            end = offset + size + 1
            i += 1
            if first_chars is not None:
                prefix = parse(text) if text[:1] in first_chars else None
            elif indented_continue and text[:1] in _INDENT and text[1:2] != "[" \
                    and (text[:1] == "\t" or text.lstrip(" ")[:1] not in _INDENTED_FIRST
                         and _PADDED_LEVEL.match(text) is None and text[1:6] != "Time："):
                prefix = None
            else:
                prefix = parse(text)
            pending = self._pending
            if prefix is not None and prefix.format != "raw" and not self._held:  # push(): the 95% case
                if self._track and pending is not None and (prefix.message[:1] in CONT_FIRST or self._state != START):
                    cont = self._prefixed_continuation(prefix, pending)
                    if cont is not None:
                        self._append(pending, cont, offset, end)
                        offset = end
                        continue
                self._pending = started_record(prefix, text, offset, end)
                self._n, self._bytes, self._ruled = 1, end - offset, False
                self._state = PY_LOGGED if self._track and prefix.message.startswith(PY_LOGGED_START) else START
                if pending is not None:
                    out.append(pending)
            elif prefix is None and pending is not None and not self._ruled and not self._held:  # push(): a continuation
                if self._track:  # zero configuration: follow the trace in a structured record
                    st = self._state
                    if st == START:
                        self._state = self._rules.first_state(text)
                    else:
                        nxt = self._rules.step(st, text)
                        if nxt is None and st == AFTER_FRAMES and text.strip():
                            self._open(text, prefix, offset, end)  # frames ended (AFTER_FRAMES)
                            out.append(pending)
                            offset = end
                            continue
                        self._state = nxt or st
                elif first_chars is not None:  # and the lines after it that start no record (a trace's frames)
                    j = i
                    while j < count and texts[j][:1] not in first_chars:
                        j += 1
                    offset = self._append_lines(pending, texts[i - 1:j], sizes[i - 1:j], offset)
                    i = j
                    continue
                self._append(pending, text, offset, end)
            else:
                rec = self.push(text, prefix, offset, end, now_ms)
                if self.ready:
                    out += self.ready
                    self.ready.clear()
                if rec is not None:
                    out.append(rec)
            offset = end
        if texts:
            self._last_ms = now_ms
        return out

    def poll(self, now_ms: int, written_ms: int | None = None) -> RawRecord | None:
        """Close the pending record if nothing was pushed for `flush_after_ms`, or, given
        `written_ms` (when the file was last written, every byte of it pushed), if nothing
        was written for that long: the writer's silence, which may be older than the
        reader's (a file read from behind)."""
        if self._pending is None:
            return None
        last = self._last_ms if written_ms is None else min(self._last_ms, written_ms)
        return self.finish() if now_ms - last >= self._flush_ms else None

    def finish(self) -> RawRecord | None:
        """End of input: close the pending record (and the held lines' records, in `ready`)."""
        if self._state == HEADER_CANDIDATE:  # no traceback came: the record's next line
            (line, _, offset, end_offset), = self._held
            self._held.clear()
            self._append(self._pending, line, offset, end_offset)  # type: ignore[arg-type]
        while self._held:
            self._release(self._last_ms)
        pending, self._pending = self._pending, None
        self._state = START
        return pending

    def _prefixed_continuation(self, prefix: Prefix, pending: RawRecord) -> str | None:
        """A layout that writes its prefix on every line of a trace (`parsers.per_line_traces`):
        a frame, `Caused by:` or `... N more` after the prefix, an indented line of the
        exception's message before its frames, or a line the rules follow inside a trace,
        with the thread and logger of the record's first line, continues it. Returns the
        continuation line (the message part), or None: a record of its own."""
        first = pending.first
        if first is None or prefix.format in STRUCTURED_FORMATS:  # a JSON or logfmt line is a record of its own
            return None
        if not same_source(first, prefix, bool(pending.continuation)):
            return None
        msg = line_text(prefix.message, first.message)
        if msg is None:
            return None
        state = self._state
        if state == PY_LOGGED:  # a Python traceback logged one line a record (`per_line_traces`)
            text, ended = python_line(msg) if prefix.level == first.level else (None, False)
            self._state = "python_exc" if ended else state
            return text
        if state != START:
            nxt = self._rules.step(state, msg)
            if nxt is not None:
                self._state = PY_LOGGED if nxt == "python" else nxt
                claim(pending)
                return msg
        if PREFIXED_CONTINUATION.match(msg) is None:
            if state == START and msg[:1] in _INDENT and msg.strip() and not pending.continuation \
                    and self._rules.first_state(head_text(first)) == HOLD_STATE:
                self._state = HOLD_STATE  # an exception's message over several lines, before its frames
                claim(pending)
                return msg
            return None
        self._state = self._rules.first_state(msg) if state == START else self._rules.step(state, msg) or state
        claim(pending)
        return msg

    # -- held lines -------------------------------------------------------------------
    def _push_held(self, line: str, prefix: Prefix | None, offset: int, end_offset: int, now_ms: int) -> None:
        """A line after held ones: a frame (or cause) makes them message lines of the
        pending record; another raw line is held too (up to `MAX_HELD`); anything else
        releases them, and the line is pushed after."""
        if self._state == HEADER_CANDIDATE:
            self._push_header_candidate(line, prefix, offset, end_offset, now_ms)
            return
        structured = prefix is not None and prefix.format != "raw"
        nxt = None if structured else self._rules.step(self._state, line)
        if nxt is not None and nxt != HOLD_STATE or nxt == HOLD_STATE and CAUSE_RX.match(line):
            pending = self._pending
            assert pending is not None  # lines are held only after an exception line of the pending record
            for held in self._held:
                self._append(pending, held[0], held[2], held[3])
            self._held.clear()
            self._state = nxt
            self._append(pending, line, offset, end_offset)
            return
        if not structured and len(self._held) < MAX_HELD and (
                nxt is not None or self._rules.first_state(line) == START):
            self._held.append((line, prefix, offset, end_offset))
            return
        self._release(now_ms)
        rec = self.push(line, prefix, offset, end_offset, now_ms)
        if rec is not None:
            self.ready.append(rec)

    def _push_header_candidate(self, line: str, prefix: Prefix | None, offset: int, end_offset: int,
                               now_ms: int) -> None:
        """The line after a raw line held behind a one-line structured record: a Python
        traceback's first line makes the held line the first line of a record of its own
        (the traceback's), anything else makes it the structured record's next line."""
        (held, held_prefix, held_offset, held_end), = self._held
        self._held.clear()
        self._state = START
        structured = prefix is not None and prefix.format != "raw"
        if not structured and self._rules.first_state(line) in PY_TRACE_STATES:
            pending = self._pending
            assert pending is not None
            self.ready.append(pending)
            self._pending = None
            self._open(held, held_prefix, held_offset, held_end)
        else:
            self._append(self._pending, held, held_offset, held_end)  # type: ignore[arg-type]
        rec = self.push(line, prefix, offset, end_offset, now_ms)
        if rec is not None:
            self.ready.append(rec)

    def _release(self, now_ms: int) -> None:
        """Close the pending record without its held lines, then push those again: they
        start records of their own, as if nothing had been held."""
        held, self._held = self._held, []
        pending, self._pending = self._pending, None
        self._state = START
        if pending is not None:
            self.ready.append(pending)
        for line, prefix, offset, end_offset in held:
            rec = self.push(line, prefix, offset, end_offset, now_ms)
            if rec is not None:
                self.ready.append(rec)

    def _open(self, line: str, prefix: Prefix | None, offset: int, end_offset: int) -> None:
        old = self._pending
        if not self._ruled or old is None:  # after a structured record (or none): no run yet
            self._level_run = 0
        elif old.first is not None and old.first.level is not None and _level_only(old.first_line):
            self._level_run += 1
        self._pending = started_record(prefix, line, offset, end_offset)
        self._n, self._bytes, self._ruled = 1, end_offset - offset, True
        self._state = self._rules.first_state(line)

    def _keep_tail(self, rec: RawRecord, line: str, size: int) -> None:
        """A line past the bound replaces the oldest of the record's last `TAIL_LINES` lines,
        so the record ends as the text does; the bytes may pass the bound by an eighth of it
        (a line that would go further is dropped)."""
        cont = rec.continuation
        if len(cont) <= TAIL_LINES:
            return
        evicted = len(cont[-TAIL_LINES].encode("utf-8", "surrogatepass")) + 1
        if self._bytes - evicted + size > self._max_bytes + self._max_bytes // 8:
            return
        del cont[-TAIL_LINES]
        cont.append(line)
        self._bytes += size - evicted

    def _append_lines(self, rec: RawRecord, lines: list[str], sizes: list[int], offset: int) -> int:
        """`_append` of each of `lines` (consecutive from `offset`, each its size plus a newline
        long), all at once when all fit the bounds; the offset after them."""
        total = sum(sizes) + len(sizes)
        if not rec.truncated and self._n + len(lines) <= self._max_lines and self._bytes + total <= self._max_bytes:
            rec.continuation += lines
            rec.end_offset = offset + total
            self._n += len(lines)
            self._bytes += total
            return offset + total
        for line, size in zip(lines, sizes):
            self._append(rec, line, offset, offset + size + 1)
            offset += size + 1
        return offset

    def _append(self, rec: RawRecord, line: str, offset: int, end_offset: int) -> None:
        rec.end_offset = end_offset
        size = end_offset - offset
        if rec.truncated or self._n >= self._max_lines or self._bytes + size > self._max_bytes:
            rec.truncated = True
            rec.dropped_lines += 1
            self._keep_tail(rec, line, size)
            return
        rec.continuation.append(line)
        self._n += 1
        self._bytes += size
