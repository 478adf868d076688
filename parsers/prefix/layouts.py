"""Line prefixes: which lines start a log record, and the fields in front of the message.

Every format is a list of alternative layouts, each a list of named regex pieces joined
into one regex (matched by the compiled core's PCRE2: `grammar.Alternative`); a line is
tried against them in order, after a cheap first-character pre-filter. A line no layout
matches does not start a record (it continues the previous one, or becomes a flagged raw
event).

`compile_format()` takes `logback`, `log4j2`, `python`, `raw`, or a user pattern in
logback `%` syntax (see `pattern`); `auto` recognises layouts per line with no
configuration.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from parsers._native import PrefixReader
from parsers.prefix.grammar import (_LEVEL_CACHE, COLON, DASH, LEVEL, LOGGER, LOGGER_LINE, MESSAGE, PID,
                                   SPACES, THREAD, TIME_ONLY, TIMESTAMP, Alternative, Prefix, _alts, _rx,
                                   normalize_level)
from parsers.prefix.pattern import compile_pattern
from parsers.prefix.time import TimeConverter, iso_seconds, parse_timezone
from parsers.slots_maker import slots_maker

DIGITS = "0123456789"
# the reader's `Prefix`, every field given (in the order the reader gives them)
_PREFIX = slots_maker(Prefix, "message", "timestamp", "raw_time", "level", "logger", "thread", "pid", "mdc", "extra",
                      "format")
_LOGGER_LINE_GLUED = re.compile(r"(.+?)[(\[](\d{1,7})[)\]]")
# logback default: 2026-11-26 10:15:30.123 [main] INFO  c.f.p.OrderService - msg
LOGBACK_DEFAULT = [TIMESTAMP, SPACES, THREAD, SPACES, LEVEL, SPACES, LOGGER, DASH, MESSAGE]
# %d %-5p [%t] %c{1}:%L - %m  (log4j 1.x habit, common with log4j2 too)
LEVEL_FIRST = [TIMESTAMP, SPACES, LEVEL, SPACES, THREAD, SPACES, LOGGER_LINE, DASH, MESSAGE]
# Spring Boot: 2026-11-26 10:15:30.123  INFO 12345 --- [  main] c.f.p.OrderService  : msg
# (Spring Boot 3.2+ adds "[app-name] " before the thread, and with tracing on the classpath
# the correlation "[traceId-spanId] " after it, blank-padded when there is no span; a bracket
# after the thread holding `key=value` is an MDC field of the layout's own, not the thread)
_CORRELATION = r"\[(?: *|[0-9a-fA-F]{16,32}-[0-9a-fA-F]{16})\] +"
SPRING_BOOT = [TIMESTAMP, SPACES, LEVEL, SPACES, PID,
               _rx(rf" +--- +(?:\[[^\]]*\] +(?!{_CORRELATION}|\[[A-Za-z][\w-]{{0,31}}=))?"), THREAD, SPACES,
               _rx(rf"(?:{_CORRELATION})?"), LOGGER, COLON, MESSAGE]
# log4j2 PatternLayout default: 10:15:30.123 [main] INFO  c.f.p.OrderService - msg
LOG4J2_DEFAULT = [TIME_ONLY, SPACES, THREAD, SPACES, LEVEL, SPACES, LOGGER, DASH, MESSAGE]
# python: %(asctime)s - %(name)s - %(levelname)s - %(message)s
PY_DASHES = [TIMESTAMP, _rx(r" - (?P<logger>\S+) - "), LEVEL, _rx(" - "), MESSAGE]
# python: %(asctime)s %(levelname)s %(name)s: %(message)s (a name does not open with a bracket: in
# `%d %-5p [%t]%C.%M:%L -%m` that is the thread, written against the class; nor with a parenthesis:
# log4j's `%d %p (%F:%L)- %m` writes the source position there)
PY_LEVEL_NAME = [TIMESTAMP, SPACES, LEVEL, SPACES, _rx(r"(?P<logger>[^\s:\[(][^\s:]*)"), _rx(": ?"), MESSAGE]
# Flask: [%(asctime)s] %(levelname)s in %(module)s: %(message)s
PY_FLASK = [_rx(r"\["), TIMESTAMP, _rx(r"\] "), LEVEL, _rx(r" in "), LOGGER, _rx(": ?"), MESSAGE]
# gunicorn: [2026-11-26 10:15:30 +0800] [12345] [INFO] msg
PY_GUNICORN = [_rx(r"\[(?P<ts>(?P<ts_s>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?: (?P<ts_z>[+-]\d{4}))?)\] \["),
               PID, _rx(r"\] \["), LEVEL, _rx(r"\] "), MESSAGE]
# logging.basicConfig default: ERROR:pay.order:msg
PY_BASIC = [_rx(r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL):(?P<logger>[^\s:]*):"), MESSAGE]

BUILTINS: dict[str, tuple[Alternative, ...]] = {
    "logback": _alts((LOGBACK_DEFAULT, DIGITS), (SPRING_BOOT, DIGITS), (LEVEL_FIRST, DIGITS)),
    "log4j2": _alts((LOG4J2_DEFAULT, DIGITS), (LEVEL_FIRST, DIGITS), (SPRING_BOOT, DIGITS), (LOGBACK_DEFAULT, DIGITS)),
    "python": _alts((PY_DASHES, DIGITS), (PY_LEVEL_NAME, DIGITS), (PY_FLASK, "["), (PY_GUNICORN, "["),
                    (PY_BASIC, "DIWEC")),
}


class PrefixParser:
    """Parses the prefix of one line: `parse(line) -> Prefix | None` (None: the line does
    not start a record). Holds a per-second timestamp cache; no other state.

    The compiled core reads a line into its `Prefix` (`parsers._native.PrefixReader`): the
    layouts' match, the level's normal form, the thread without its padding, the logger out
    of its bracket or with its line number split off, the time as ISO 8601, the MDC and
    extra groups."""

    __slots__ = ("name", "_alts", "_conv", "_first", "_reader")

    def __init__(self, name: str, alternatives: tuple[Alternative, ...], timezone: str = "UTC",
                 to_dt=iso_seconds) -> None:
        self.name = name
        self._alts = alternatives
        self._conv = TimeConverter(parse_timezone(timezone), to_dt)
        # Characters a record start may begin with; None = unknown (a user pattern may start anywhere).
        firsts = [a.first_chars for a in alternatives]
        self._first = frozenset().union(*firsts) if firsts and all(firsts) else None
        self._reader = PrefixReader(
            [(a.layout, a.read, list(a.mdc_groups.values()), list(a.extra_groups.values())) for a in alternatives],
            None if self._first is None else "".join(sorted(self._first)), self._conv.iso, _PREFIX, name,
            _LEVEL_CACHE, normalize_level, _LOGGER_LINE_GLUED.fullmatch)

    # True when an indented line never starts a record (zero configuration)
    indented_continue = False

    @property
    def first_chars(self) -> frozenset[str] | None:
        """Every line that starts a record begins with one of these (None: unknown)."""
        return self._first

    @property
    def parse(self) -> Callable[[str], Prefix | None]:
        """`parse(line)`: the compiled core's reader itself, no Python frame per line (the
        parsers below that read other layouts define `parse` as a method)."""
        return self._reader.read


class RawParser(PrefixParser):
    """No known layout: every non-empty, non-indented line starts a record without fields."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("raw", ())

    def parse(self, line: str) -> Prefix | None:
        if not line or line[0] in " \t\r\n":
            return None
        return Prefix(message=line.rstrip("\r\n"), format="raw")


def compile_format(fmt: str, timezone: str = "UTC") -> PrefixParser:
    """A parser for `logback`, `log4j2`, `python`, `raw`, or a logback `%` pattern.
    Raises ValueError (naming the problem) for an unsupported pattern or time zone."""
    if fmt in BUILTINS:
        return PrefixParser(fmt, BUILTINS[fmt], timezone)
    if fmt == "raw":
        return RawParser()
    alt, to_dt = compile_pattern(fmt)
    return PrefixParser("pattern", (alt,), timezone, to_dt)
