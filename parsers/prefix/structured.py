"""Structured lines: a JSON object or logfmt `key=value` pairs, one record per line.

`StructuredReader.json(line)` and `.logfmt(line)` return the line's `Prefix` (format
`json` or `logfmt`: a record start, like any timestamped line) or None when the line is
not one. The fields are read through the tables of `structured_fields`; what the other
fields say goes to `Prefix.extra`:

    extra["stack_trace"]  the trace text of a stack field (or `Type: message` built from
                          an error type and message), read by the classifier exactly as
                          a trace written over lines after the message
    extra["fields"]       the other fields as `key=value` text, where the timing and SQL
                          recognisers look beside the message (go-kit's `duration=63.59ms`)

A `{` line that does not parse as an object is `malformed_json`: a raw line with the flag
in `extra["flag"]` (the classifier adds it to the event); the multi-line rules treat it
as any raw line, so a pretty-printed object stays one record, as before.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Callable

from parsers.prefix.grammar import Prefix
from parsers.prefix.structured_fields import (BOOKKEEPING, ERROR_MESSAGE, ERROR_TYPE, LEVEL, LOGGER, MESSAGE, STACK,
                                              SYSLOG_LEVELS, THREAD, TIME, epoch_seconds, level_of, lookup)
from parsers.prefix.time import DATETIME_PATTERN

FLAG_MALFORMED = "malformed_json"
STRUCTURED_FORMATS = frozenset(("json", "logfmt"))
_ISO = re.compile(DATETIME_PATTERN)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# logfmt: a key, `=`, and a bare or double-quoted value (quotes escaped with `\`)
_PAIR = re.compile(r'([A-Za-z_@][\w.@/-]*)=("(?:[^"\\]|\\.)*"|[^\s"]*)(?:\s+|$)')
_ESCAPE = re.compile(r"\\(.)")
_LOGFMT_START = re.compile(r"[A-Za-z_@][\w.@/-]*=")
_CELL = re.compile(r"([A-Za-z_@][\w.@/-]*)=(.*)", re.DOTALL)  # a cell of a line of `key=value` cells
# such a line, its cells joined by backticks: a first cell (no quote, no space), a backtick, a key
_BACKTICK_CELLS = re.compile(r"[A-Za-z_@][\w.@/-]*=[^\s\"`]*`[A-Za-z_@][\w.@/-]*=")
_NAMED = frozenset(TIME + LEVEL + LOGGER + THREAD + MESSAGE + STACK + ERROR_TYPE + ERROR_MESSAGE)
MAX_FIELDS_CHARS = 2048


class StructuredReader:
    """Reads structured lines; `to_iso(ts_s, fraction, zone)` turns a date-time's parts
    into the ISO text every prefix carries (the auto parser's converter, so a time
    without a zone takes the configured one)."""

    __slots__ = ("_to_iso",)

    def __init__(self, to_iso: Callable[[str, str | None, str | None], str | None]) -> None:
        self._to_iso = to_iso

    def json(self, line: str) -> Prefix | None:
        text = line.rstrip()
        if text[-1:] != "}":
            return None  # an object over several lines, or not an object: the rules decide
        try:
            fields = json.loads(text)
        except (ValueError, RecursionError):
            return Prefix(line, format="raw", extra={"flag": FLAG_MALFORMED})
        if not isinstance(fields, dict):
            return None
        return self._prefix(fields, "json", text)

    def logfmt(self, line: str) -> Prefix | None:
        if _LOGFMT_START.match(line) is None:
            return None
        if "`" in line and _BACKTICK_CELLS.match(line) is not None:
            return self._delimited(line, "`")
        fields: dict[str, object] = {}
        pos, n = 0, len(line)
        while pos < n:
            m = _PAIR.match(line, pos)
            if m is None:  # not `key=value` all through: two lines glued, or a sentence that starts with one
                if self._logfmt_time(fields) is None:
                    return None
                fields.pop("msg", None)  # the message is the whole line: nothing after the break is lost
                fields.pop("message", None)
                break
            value = m.group(2)
            if value[:1] == '"':
                value = _ESCAPE.sub(_unescape, value[1:-1]) if "\\" in value else value[1:-1]
            fields[m.group(1)] = value
            pos = m.end()
        if (lookup(fields, LEVEL) is None or lookup(fields, MESSAGE) is None) and self._logfmt_time(fields) is None:
            return None  # a record has a time (one that reads as a time: not `time=35ms`), or a level and a message
        return self._prefix(fields, "logfmt", line.rstrip("\r"))

    def _delimited(self, line: str, sep: str) -> Prefix | None:
        """`key=value` cells joined by `sep` with no space around it (a logback pattern written for a log
        service to ingest: ``time=2019-04-30T09:34:00.122+0800`appName=oms`logLevel= INFO`msg=...``).
        The message runs from its cell (`msg=`, or the first cell that is no `key=value`: MyBatis's
        ``logLevel=DEBUG`==>  Preparing: ...``) to the line's end, separators and all."""
        fields: dict[str, object] = {}
        cells = line.rstrip("\r").split(sep)
        for i, cell in enumerate(cells):
            m = _CELL.match(cell)
            if m is None or m.group(1) in MESSAGE:
                fields[m.group(1) if m else "msg"] = sep.join([m.group(2) if m else cell, *cells[i + 1:]])
                break
            fields[m.group(1)] = m.group(2).strip()
        if self._logfmt_time(fields) is None:
            return None  # a record has a time: else a line that only starts like one
        return self._prefix(fields, "logfmt", line.rstrip("\r"))

    # ---------------------------------------------------------------------------
    def _logfmt_time(self, fields: dict) -> str | None:
        value = lookup(fields, TIME)
        return None if value is None else self._time(value)

    def _prefix(self, fields: dict, fmt: str, line: str) -> Prefix | None:
        raw_time = lookup(fields, TIME)
        iso = self._time(raw_time) if raw_time is not None else None
        if raw_time is None and lookup(fields, LEVEL) is None and lookup(fields, MESSAGE) is None:
            return None  # an object, but not a log record (a JSON response printed to the log)
        message = lookup(fields, MESSAGE)
        if message is None:  # a record without a message field: the line is its message
            message = line
        extra: dict[str, str] = {}
        trace = _text(lookup(fields, STACK))
        if trace is not None and isinstance(message, str) and trace.startswith(message) \
                and trace[len(message):len(message) + 1] in ("\n", "\r"):
            trace = trace[len(message):].lstrip("\r\n")  # GELF's full_message: the message, then the trace
        if trace is None:
            etype = lookup(fields, ERROR_TYPE)
            if isinstance(etype, str) and etype:
                emsg = _text(lookup(fields, ERROR_MESSAGE))
                trace = f"{etype}: {emsg}" if emsg else etype
        if trace:
            extra["stack_trace"] = trace
        rest = _rest(fields)
        if rest:
            extra["fields"] = rest
        logger = _plain(_text(lookup(fields, LOGGER)))
        thread = _plain(_text(lookup(fields, THREAD)))
        level = lookup(fields, LEVEL)
        if isinstance(level, int) and level in SYSLOG_LEVELS and "short_message" in fields:
            level = SYSLOG_LEVELS[level]  # (bunyan's and logback's numbers are larger)
        return Prefix(_text(message) or "", iso, raw_time if isinstance(raw_time, str) else str(raw_time)
                      if raw_time is not None else None, level_of(_plain(level) if isinstance(level, str) else level),
                      logger, thread, None, None, extra, fmt)  # extra, even empty: the classifier's cue

    def _time(self, value: object) -> str | None:
        if isinstance(value, dict):  # log4j2 JsonLayout: {"epochSecond": s, "nanoOfSecond": ns}
            sec, nano = value.get("epochSecond"), value.get("nanoOfSecond", 0)
            if isinstance(sec, int) and isinstance(nano, int):
                value = sec + nano / 1e9
        if isinstance(value, str) and value[:1].isdigit() and value.replace(".", "", 1).isdigit():
            value = float(value)  # an epoch written as a string
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            seconds = epoch_seconds(float(value))
            if seconds is None:
                return None
            dt = datetime.fromtimestamp(int(seconds), timezone.utc)
            return self._to_iso(dt.strftime("%Y-%m-%d %H:%M:%S"), f"{int(round(seconds % 1 * 1000)) % 1000:03d}", "Z")
        if isinstance(value, str):
            m = _ISO.match(value)
            if m is not None:
                return self._to_iso(m.group("ts_s").replace("T", " "), m.group("ts_f"), m.group("ts_z"))
        return None


def _unescape(m: re.Match[str]) -> str:
    c = m.group(1)
    return "\n" if c == "n" else "\t" if c == "t" else c


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)  # a trace as a list of lines
    return json.dumps(value, ensure_ascii=False)


def _plain(value: str | None) -> str | None:
    """A value without the console colours some loggers write into it (`\x1b[31mERROR\x1b[0m`)."""
    return _ANSI.sub("", value) if value is not None and "\x1b" in value else value


def _rest(fields: dict) -> str:
    """The fields no meaning took, as `key=value` text (scalars only), bounded."""
    parts = []
    for key, value in fields.items():
        if key in _NAMED or key in BOOKKEEPING or isinstance(value, (dict, list)) or value is None:
            continue
        parts.append(f"{key}={value}")
    return " ".join(parts)[:MAX_FIELDS_CHARS]
