"""The pieces every line layout is built from: the `Prefix` a line yields, the named
regex pieces (timestamp, thread, level, logger...), and `Alternative`, one layout's
pieces joined into the one compiled `re` that reads a line (see `layouts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from parsers.prefix.engine import compiled_layout
from parsers.prefix.time import DATETIME_PATTERN

@dataclass(slots=True)
class Prefix:
    """The fields in front of a record's first line. `format` names the parser that
    produced it (`raw` = a record start without fields)."""

    message: str
    timestamp: str | None = None  # ISO 8601 with UTC offset
    raw_time: str | None = None  # timestamp text as written (the only time when it has no date)
    level: str | None = None  # upper-case; WARNING -> WARN
    logger: str | None = None
    thread: str | None = None
    pid: str | None = None
    mdc: dict[str, str] | None = None  # %X{key} values
    extra: dict[str, str] | None = None  # %L line, %M method, %C class, %F file
    format: str = "raw"


LEVEL_RX = r"(?P<level>(?i:TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|FATAL|CRITICAL|SEVERE))(?![\w-])"
_LEVEL_NORM = {"WARNING": "WARN"}


def normalize_level(raw: str) -> str:
    up = raw.upper()
    return _LEVEL_NORM.get(up, up)


_GROUPS = ("ts", "ts_s", "ts_f", "ts_z", "level", "logger", "thread", "pid", "message")
_LEVEL_CACHE = {w: normalize_level(w) for w in ("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL",
                                                 "CRITICAL", "NOTICE", "SEVERE")}


def _rx(pattern: str) -> str:
    re.compile(pattern)  # a broken piece fails at import, not on the first line
    return pattern


# Named pieces shared by the built-in formats.
TIMESTAMP = _rx(DATETIME_PATTERN)
TIME_ONLY = _rx(r"(?P<ts>(?P<ts_s>\d{2}:\d{2}:\d{2})(?:[.,](?P<ts_f>\d{1,9}))?)")
SPACES = _rx(r" +")
THREAD = _rx(r"\[(?P<thread>[^\]]*)\]")
LEVEL = _rx(LEVEL_RX)
LOGGER = _rx(r"(?P<logger>[^\s:]+)")
LOGGER_LINE = _rx(r"(?P<logger>[^\s:]+)(?::(?P<L>\d+|\?))?")
DASH = _rx(r" +- ")
COLON = _rx(r" *: ")
PID = _rx(r"(?P<pid>\d+)")
MESSAGE = _rx(r"(?P<message>.*)")  # `.` stops at a newline; a trailing \r is dropped (`PrefixReader`)


class Alternative:
    """One line layout: the regex its pieces join into, and how groups map to fields. Each
    piece stops where the next one starts, so the joined regex never backtracks far.

    `read(line)` is the layout's groups (`names`: the fields', then the MDC and extra
    ones) when the layout reads the line from its first character, else None. The
    compiled core matches it (PCRE2, `engine`) with the pattern written in PCRE2's syntax;
    a pattern that cannot be written the same stays with Python's `re` (`fast`)."""

    __slots__ = ("fast", "first_chars", "mdc_groups", "extra_groups", "names", "layout", "read")

    def __init__(self, parts: list[str], first_chars: str,
                 mdc_groups: Mapping[str, str] | None = None, extra_groups: Mapping[str, str] | None = None):
        joined = "".join(parts)
        # Groups the layout lacks are appended as never-matching optional groups, so every
        # layout hands out all fields in one tuple.
        missing = [g for g in _GROUPS if f"(?P<{g}>" not in joined]
        self.fast = re.compile(joined + "".join(f"(?P<{g}>(?!))?" for g in missing))
        self.first_chars = frozenset(first_chars)
        self.mdc_groups = dict(mdc_groups or {})
        extra = dict(extra_groups or {"L": "line"})
        self.extra_groups = {g: k for g, k in extra.items() if g in self.fast.groupindex}
        self.names = _GROUPS + tuple(self.mdc_groups) + tuple(self.extra_groups)
        self.layout = compiled_layout(self.fast, self.names)
        self.read = self._read_re if self.layout is None else self.layout.fields

    def _read_re(self, line: str) -> tuple | None:
        m = self.fast.match(line)
        return None if m is None else m.group(*self.names)


def _alts(*layouts: tuple[list[str], str]) -> tuple[Alternative, ...]:
    return tuple(Alternative(parts, first) for parts, first in layouts)
