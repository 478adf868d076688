"""Text chunk in, events out: the only entry the pipeline calls.

One `Assembler` per followed file:

    asm = Assembler(options, Source(host, service, path, file_id), start_offset)
    events = asm.feed(chunk_bytes, chunk_offset, now_ms)   # complete records only
    events += asm.poll(now_ms)                             # idle: close the pending record
    events += asm.finish(now_ms)                           # file drained: flush everything

`resume_offset` is the first byte not yet part of an emitted event, or earlier: the
Preparing line of a MyBatis statement whose `<==` line has not come yet (its join
state would be lost otherwise). A reader that starts again there (after a crash, from
a checkpoint) sees the same records at the same offsets, so each event gets the same
deterministic `event.id`; events re-emitted before the old position are duplicates by
id, which the index stores once.

Events leave in file order. From a MyBatis Preparing record whose statement has no
outcome yet on, events wait (`parsers/sql/open_statements.py`): at most until the
statement closes or is abandoned, `max_event_bytes` of later records, or
`flush_after_ms` on the read clock (then it leaves unchanged); `finish` abandons what
is still open.

With the format `auto` (the default), each line's layout is recognised on its own
(`prefix.auto`): files mix layouts, and no line waits for a detection. A time without a
date takes the date from `Source.date_hint` (the caller's: a date in the file name, else
the file's modification day). A container runtime's log file (`parsers.container`) is
read as the lines the container printed.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone

from parsers.ansi import strip_ansi
from parsers.classify import Classifier
from parsers.container import ContainerLines, is_envelope
from parsers.event import Event
from parsers.lines import Line, LineSplitter, clean_lines
from parsers.multiline import Multiline, RawRecord
from parsers.options import ParseOptions
from parsers.prefix.auto import AutoParser
from parsers.prefix.layouts import PrefixParser, compile_format
from parsers.prefix.time import TimeConverter, iso_seconds, parse_timezone


@dataclass(frozen=True, slots=True)
class Source:
    host: str
    service: str
    path: str
    file_id: str
    date_hint: str | None = None  # YYYY-MM-DD for timestamps without a date


class Assembler:
    def __init__(self, options: ParseOptions, source: Source, start_offset: int = 0,
                 prefix: PrefixParser | None = None) -> None:
        self.options = options
        self.source = source
        self.splitter = LineSplitter(options.bounds.max_line_bytes, start_offset)
        self.multiline = Multiline(options.multiline, options.bounds, track_structured=options.format == "auto")
        self.classifier = Classifier(options)
        if prefix is None:
            prefix = (AutoParser(options.timezone, source.date_hint) if options.format == "auto"
                      else compile_format(options.format, options.timezone))
        self.prefix = prefix
        self._flags: dict[int, tuple[str, ...]] = {}  # line offset -> flags, for lines with flags
        self._held: deque[tuple[Event, int]] = deque()  # (event, now_ms) from the oldest open statement on
        self._hold_bytes = options.bounds.max_event_bytes
        self._hold_ms = options.bounds.flush_after_ms
        self._read_second = -1
        self._read_iso = ""
        self._container: ContainerLines | None = None  # a container runtime's log file
        self._container_known = False  # whether the file is one: told by its first line
        self._local: TimeConverter | None = None  # a service wrapper's local times, in the file's zone
        # event_id(host, file_id, offset) with the constant part hashed once
        key = f"{source.host}\x1f{source.file_id}\x1f".encode("utf-8", "surrogateescape")
        self._id_base = hashlib.blake2b(key, digest_size=16)

    @property
    def resume_offset(self) -> int:
        offset = self.multiline.pending_offset
        if offset is None and self._container is not None:
            offset = self._container.pending_offset  # a printed line whose last piece is not here yet
        if offset is None:
            offset = self.splitter.pending_offset
        if offset is None:
            offset = self.splitter.next_offset
        join = self.classifier.pending_join_offset(offset)  # a MyBatis statement still open
        if join is not None and join < offset:
            offset = join
        if self._held and self._held[0][0].offset < offset:  # type: ignore[operator]
            offset = self._held[0][0].offset  # type: ignore[assignment]
        return offset

    @property
    def holds_records(self) -> bool:
        """A record waits for its end (or its idle flush): `poll` may have something to emit."""
        return self.multiline.pending_offset is not None or bool(self.multiline.ready) or bool(self._held)

    @property
    def next_offset(self) -> int:
        """The file offset the next chunk must start at."""
        return self.splitter.next_offset

    def feed(self, data: bytes, offset: int, now_ms: int) -> list[Event]:
        lines, clean, sizes, clean_offset = self.splitter.split(data, offset)
        if not self._container_known and (lines or clean):
            self._recognise(lines[0].text if lines else clean[0])
        if self._container is not None:
            lines = self._container.lines(lines + clean_lines(clean, sizes, clean_offset) if clean else lines)
            return self._push(lines, now_ms) if lines else []
        out = self._push(lines, now_ms) if lines else []
        if clean:  # lines without flags: no `Line` objects, the common cases inlined
            prefix, read_time = self.prefix, self._iso(now_ms)
            open_events = self.classifier.open_statements.events  # Preparing events still open
            for rec in self.multiline.push_clean(clean, sizes, clean_offset, prefix.parse, prefix.first_chars, now_ms,
                                                 prefix.indented_continue):
                ev = self._event(rec, read_time)
                if self._held or open_events:
                    self._hold(ev, now_ms, out)
                else:
                    out.append(ev)
        return out

    def poll(self, now_ms: int, written_ms: int | None = None) -> list[Event]:
        """Records closed by silence (`Multiline.poll`; `written_ms`: when the file was last
        written, all of it fed) and held events past their wait."""
        out: list[Event] = []
        rec = self.multiline.poll(now_ms, written_ms)
        self._emit(self._take_ready(self._iso(now_ms)), now_ms, out)
        if rec is not None:
            self._emit([self._event(rec, self._iso(now_ms))], now_ms, out)
        if self._held:
            self._release(now_ms, out)
        return out

    def finish(self, now_ms: int) -> list[Event]:
        lines = self.splitter.finish()
        if not self._container_known and lines:
            self._recognise(lines[0].text)
        if self._container is not None:
            lines = self._container.lines(lines, final=True)
        out = self._push(lines, now_ms)
        rec = self.multiline.finish()
        self._emit(self._take_ready(self._iso(now_ms)), now_ms, out)
        if rec is not None:
            self._emit([self._event(rec, self._iso(now_ms))], now_ms, out)
        self.classifier.open_statements.end()  # no outcome will come now
        self._release(now_ms, out)
        return out

    # -- events held behind an open MyBatis statement ------------------------------------
    def _emit(self, events: list[Event], now_ms: int, out: list[Event]) -> None:
        if self._held or self.classifier.open_statements:
            for ev in events:
                self._hold(ev, now_ms, out)
        else:
            out += events

    def _hold(self, ev: Event, now_ms: int, out: list[Event]) -> None:
        self._held.append((ev, now_ms))
        self._release(now_ms, out, ev.end_offset)

    def _release(self, now_ms: int, out: list[Event], position: int | None = None) -> None:
        """Events from the front up to the first Preparing still open; one held past the
        bounds leaves unchanged."""
        held, open_statements = self._held, self.classifier.open_statements
        events = open_statements.events
        while held:
            ev, since_ms = held[0]
            if ev.offset in events:
                if now_ms - since_ms < self._hold_ms and (
                        position is None or position - ev.offset <= self._hold_bytes):  # type: ignore[operator]
                    return
                open_statements.let_go(ev)
            out.append(held.popleft()[0])

    # ---------------------------------------------------------------------------------
    def _push(self, lines: list[Line], now_ms: int) -> list[Event]:
        out: list[Event] = []
        parse = self.prefix.parse  # type: ignore[union-attr]
        push = self.multiline.push
        read_time = self._iso(now_ms)
        for line in lines:
            if line.flags:
                self._flags[line.offset] = line.flags
            text = strip_ansi(line.text)  # colour codes of a console layout: not the record's
            rec = push(text, parse(text), line.offset, line.end_offset, now_ms)
            if self.multiline.ready:
                self._emit(self._take_ready(read_time), now_ms, out)
            if rec is not None:
                self._emit([self._event(rec, read_time)], now_ms, out)
        return out

    def _recognise(self, first_line: str) -> None:
        """A container runtime's file or not, by the first line read."""
        self._container_known = True
        if is_envelope(first_line):
            self._container = ContainerLines(self.options.bounds.max_line_bytes)
            self._local = TimeConverter(parse_timezone(self.options.timezone), iso_seconds)
        else:  # every line is read without its colour codes: the splitter may take them off
            self.splitter.strip_escapes = True

    def _take_ready(self, read_time: str) -> list[Event]:
        """Events of the records the assembler closed beside the one a call returned."""
        ready = self.multiline.ready
        if not ready:
            return []
        out = [self._event(rec, read_time) for rec in ready]
        ready.clear()
        return out

    def _event(self, rec: RawRecord, read_time: str) -> Event:
        try:
            ev = self.classifier.event(rec)
        except Exception as exc:  # a parser bug must not lose the record: ship it raw, flagged
            ev = Event("\n".join(rec.lines) if hasattr(rec, "lines") else rec.first_line,
                       offset=rec.offset, end_offset=rec.end_offset)
            ev.flags.append(f"parse_error:{type(exc).__name__}")
        src = self.source
        h = self._id_base.copy()
        h.update(b"%d" % rec.offset)
        ev.id = h.hexdigest()  # == event_id(src.host, src.file_id, rec.offset)
        ev.host, ev.service, ev.file_path, ev.file_id = src.host, src.service, src.path, src.file_id
        ev.read_time = read_time  # _iso(now_ms), once per call of feed/poll/finish
        if self._container is not None:
            runtime_time = self._container.time_of(rec.offset)
            if ev.timestamp is None and runtime_time is not None:
                # a runtime's time has its offset; a service wrapper's is local (the file's zone)
                ev.timestamp = runtime_time if runtime_time[-6] in "+-" else \
                    self._local.iso(runtime_time[:19], runtime_time[20:] or None, None)
        if self._flags:
            for off in [o for o in self._flags if rec.offset <= o < rec.end_offset]:
                for flag in self._flags.pop(off):
                    if flag == "line_truncated":
                        ev.truncated = True
                    elif flag not in ev.flags:
                        ev.flags.append(flag)
        return ev

    def _iso(self, now_ms: int) -> str:
        second = now_ms // 1000
        if second != self._read_second:
            self._read_second = second
            self._read_iso = datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._read_iso}.{now_ms % 1000:03d}Z"
