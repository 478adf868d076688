"""Zero-configuration record starts: the layout is found per line, not per file.

`AutoParser.parse(line)` tries, in this order, the layout that matched the previous
line, the built-in layouts (`layouts.BUILTINS`: exact fields), then a timestamp in
any common form (`time_forms`) at the start of the line, optionally behind a
level word or a bracket, with the fields after it read by `fields`, then the layouts
that write the level as one letter (`letter_level`: glog, Tornado, Jupyter; `websphere`:
WebSphere and Liberty, tried first: their `M/d/yy` dates are no `yy/MM/dd`). A line
that starts with none of these is a `raw` candidate (the multi-line rules decide),
and an indented line continues the record before it. A file may mix layouts.

A timestamp without a date (`03:04:05.678`) or without a year (`Nov 26 10:15:30`)
takes them from the date hint: a date in the file's name or its modification day,
which the caller passes in (parsers do no IO).
"""

from __future__ import annotations

import re
from datetime import datetime

from parsers.prefix.bare_thread import bare_thread_logger
from parsers.prefix.engine import prefix_regex
from parsers.prefix.fields import POSITION, split_fields
from parsers.prefix.glassfish import glassfish
from parsers.prefix.grammar import Alternative, Prefix, normalize_level
from parsers.prefix.layouts import BUILTINS, PrefixParser
from parsers.prefix.letter_level import letter_level, may_be_letter_level
from parsers.prefix.levels import LEVELS
from parsers.prefix.p6spy_header import p6spy_header
from parsers.prefix.structured import StructuredReader
from parsers.prefix.time_forms import EPOCH_MS, FORMS, Hint, epoch_ms_text, valid_time
from parsers.prefix.trailing_logger import dash_bracket_logger, paren_logger
from parsers.prefix.websphere import websphere

# Before the timestamp: a level word (`ERROR 2019-...`, `[ERROR] 2019-...`), or a literal tag
# that a layout writes first (`[app] %d ...`, `[%pid] [%d]`: one word in brackets, then a space;
# `%contextName- %d` / `app-%d`: a word and a dash), and/or an opening bracket; after it: the
# closing bracket.
_LEAD = (rf"(?:\[(?P<lead_blevel>(?i:{LEVELS}))[ \t]*\][ \t:|]*|(?P<lead_level>(?i:{LEVELS}))[ \t:|]+"
         r"|(?P<lead_tag>\[[A-Za-z0-9][\w.-]{0,39}\][ \t]+|[^\W\d_][\w.-]{0,39}?-[ \t]?(?=\d)))?"
         r"[\[(<]?[ \t]?")
_CLOSE = r"(?:[ \t]*[\])>])?"
# each form: its name, its regex (PCRE2: `engine`), its converter, and whether it reads a fraction and a zone
_STARTS = tuple((name, prefix_regex(_LEAD + frag + _CLOSE), conv, "(?P<f>" in frag, "(?P<z>" in frag)
                for name, frag, conv in FORMS)
# First characters of a timestamp form or its opening bracket (Chinese month names
# included); a line starting with a letter is tried when its first word is a level,
# month or weekday; other lines are raw at once.
_FORM_FIRST = frozenset("0123456789[(<#一二三四五六七八九十")
_FIRST_WORDS = frozenset(("TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "WARN", "ERROR", "FATAL", "CRITICAL",
                          "SEVERE", "FINEST", "FINER", "FINE", "CONFIG", "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"))
_WORD = re.compile(r"[A-Za-z]+")
_DASH_TAG = re.compile(r"[^\W\d_][\w.-]{0,39}?-[ \t]?\d")  # `app- 2019-...`, `控制台- 2019-...`: a tag before the time
# A level first and no time (`%-5p [%t] %c - %m`, Maven's `[ERROR] ...`): a record start. Not
# `LEVEL: msg`, which is java.util.logging's second line.
_LEVEL_FIRST = re.compile(r"(?:\[(?P<blevel>TRACE|DEBUG|INFO|WARNING|WARN|ERROR|FATAL|CRITICAL)\]"
                          r"|(?P<level>TRACE|DEBUG|INFO|WARNING|WARN|ERROR|FATAL|CRITICAL)(?=[ \t]+\S))")
_LEVEL_FIRST_CHARS = frozenset("[TDIWEFC")
# Python's `%(levelname)s: %(message)s`: a record start without a time, weaker than a timestamp
# (format `raw`); after a java.util.logging header the multi-line rules keep such a line as the
# header's second line (`INFO: Server startup`), as any raw line after a structured start
_LEVEL_COLON = re.compile(r"(?P<level>TRACE|DEBUG|INFO|WARNING|WARN|ERROR|FATAL|CRITICAL|SEVERE|CONFIG|FINEST|FINER|FINE): (?=\S)")
# ... and then the thread's bracket and the time (`%-5level [%thread] %date{ISO8601} %F:%L - %msg`,
# Cassandra's shipped layout): a record start with its time
_THREAD_THEN_TIME = re.compile(r"[ \t]*\[(?P<thread>[^\]\[]{1,256})\][ \t]+(?=\d)")
# uvicorn's `%(levelprefix)s %(message)s`: the level and a colon padded so the message starts
# at column 10 (`INFO:     `, `WARNING:  `, `CRITICAL: `). java.util.logging's second line
# (`INFO: msg`) has one space.
_LEVEL_PREFIX = re.compile(r"(?P<level>INFO:    |(?:DEBUG|ERROR|TRACE):   |WARNING: |CRITICAL:) (?=\S)")
# `%5p [%t] ...`, `%5p %t %c - %m`, `%5p %c{1}:%L - %m` with no date (log4j's manual, Spark's and
# Hadoop's console layouts): a four-letter level padded to five, then a thread or a logger
_PADDED_LEVEL = re.compile(r" (?:INFO|WARN) (?=\S)")
# log4j's TTCCLayout and logback's `%-4relative [%thread] %-5level %logger - %msg` (both libraries'
# basic configuration): milliseconds since start, the thread, the level; no date. Also without
# the milliseconds (`[%t] %-5p %c - %m`)
_RELATIVE = re.compile(rf"(?:\d{{1,12}}[ \t]+)?\[[^\]\[]{{1,256}}\][ \t]+(?:{LEVELS})[ \t]")
MAX_NORMALIZED_CACHE = 4096
_LETTER_FIRST = frozenset("[IWEF")  # glog's level letters and Tornado's/Jupyter's bracket (`letter_level`)
# First characters of an indented line that may be a record start (a date, or a bracket before it)
_INDENTED_FIRST = frozenset("[0123456789")
# First characters of a logfmt line's first key (`time=`, `level=`, `caller=`, `@timestamp=`)
_LOGFMT_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_@")
# An access log line (Common Log Format and the layouts built on it: Apache, nginx, gunicorn's
# `access_log_format`): the client's address, up to two more tokens (ident, user; `- -`), then
# the time in brackets, `10.0.0.7 - - [28/Jul/2022:19:18:42 +0800] "GET / HTTP/1.1" 200 5`.
_DAY_MONTH = next(i for i, (name, _, _) in enumerate(FORMS) if name == "day_month")
_ADDRESS = (r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{1,45}"  # IPv4, IPv6
            r"|[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}|localhost|-)")  # a host name with a domain
# uWSGI's request line: `[pid: 21|app: 0|req: 1/1] 10.0.0.7 () {34 vars in 486 bytes} [Mon Dec  2 15:41:57 2019]
# GET /x => generated 95 bytes in 24 msecs (HTTP/1.1 200) ...`, after its memory report when it is on
# (`{address space usage: ...} {rss usage: ...} [pid: ...`); timed by its ctime bracket
_JAVA_DATE = next(i for i, (name, _, _) in enumerate(FORMS) if name == "java_date")
_UWSGI = re.compile(r"(?:\{address space usage: [^}]{1,80}\} \{rss usage: [^}]{1,80}\} )?\[pid: \d+\|app: -?\d+\|req: "
                    r"-?\d+/\d+\] [^\[\]]{0,200}?\[(?i:mon|tue|wed|thu|fri|sat|sun) (?P<mon>[A-Za-z]{3}) {1,2}"
                    r"(?P<d>\d{1,2}) (?P<h>\d{1,2}):(?P<mi>\d{2}):(?P<s>\d{2}) (?P<y>\d{4})\]")
_ACCESS = re.compile(_ADDRESS + r"(?:[ \t]+[^\s\[\]]{1,64}){0,2}[ \t]+\[(?:" + FORMS[_DAY_MONTH][1] + r")\]")


def _builtin_alternatives() -> tuple[Alternative, ...]:
    """Every layout of every built-in format, once (formats share layouts)."""
    unique: dict[str, Alternative] = {}
    for alts in BUILTINS.values():
        for alt in alts:
            unique.setdefault(alt.fast.pattern, alt)
    return tuple(unique.values())


class AutoParser(PrefixParser):
    __slots__ = ("_hint", "_last", "_norm", "_builtin_first", "_structured", "_at", "_message_below")
    indented_continue = True

    def __init__(self, timezone: str = "UTC", date_hint: str | None = None) -> None:
        hint = Hint(date_hint)

        def to_dt(s: str) -> datetime:  # built-in layouts: a time-only stamp takes the hint's date
            if len(s) <= 8 and hint.date is not None:
                return datetime.fromisoformat(f"{hint.date} {s.zfill(8)}")
            return datetime.fromisoformat(s)

        super().__init__("auto", _builtin_alternatives(), timezone, to_dt)
        self._first = None
        self._builtin_first = frozenset().union(*(a.first_chars for a in self._alts))
        self._at = {alt: i for i, alt in enumerate(self._alts)}  # its layout's index in the reader
        self._hint = hint
        self._last: Alternative | int | None = None  # what matched the previous start line
        self._norm: dict[str, str | None] = {}
        self._structured = StructuredReader(self._conv.iso)
        self._message_below = False  # the line before opened a message it did not write (GlassFish's `[[`)

    def parse(self, line: str) -> Prefix | None:
        """`line` without colour codes (the assembler strips them from every line: `parsers.ansi`)."""
        c = line[:1]
        below, self._message_below = self._message_below, False
        if not c or c in " \t":
            if c == " " and line[1:2] == "[":  # ` [INFO ][2016/07/02 ...]`: a layout that starts with a space
                p = self.parse(line[1:])
                if p is not None and (p.format == "auto" or p.level is not None):
                    return p
            if c == " " and not below and (p := self._indented_start(line)) is not None:
                return p  # (the message a GlassFish record opened is its own, whatever it starts with)
            if c == " " and line[1:6] == "Time：":  # MyBatis-Plus's timing, to stderr: the rules decide
                return Prefix(message=line[:-1] if line[-1:] == "\r" else line, format="raw")
            return None  # indented or empty: continues the record before it
        if c == "{" and (p := self._structured.json(line)) is not None:  # a JSON line
            return p
        if c == ":" and line[1:2].isdigit():  # pig's file layout `:%d %5p %t %c{1}: %m` opens with a colon
            p = self.parse(line[1:])
            if p is not None and p.format == "auto" and p.raw_time is not None:
                return p
        if c == "[":  # (the cheap tests inline: a call per bracketed line costs ~3 % of its parse)
            if (line[2:3] == "/" or line[3:4] == "/") and (p := websphere(line, self._hint, self._conv.iso)):
                return p  # `[5/10/20 3:09:01:349 UTC] 00000001 ManagerAdmin  I   msg` (before the numeric dates)
            if line[11:12] == "T" and "_ThreadID=" in line and (p := glassfish(line, self._conv.iso)) is not None:
                self._message_below = not p.message
                return p  # GlassFish/Payara `[time] [product] [LEVEL] [] [logger] [tid: ...] ... [[`
        last = self._last  # the common case: the layout of the line before
        weak = None
        if isinstance(last, Alternative):
            if (p := self._try_builtin(last, line)) is not None:
                return p
        elif isinstance(last, int) and (p := self._try_form(last, line)) is not None:
            if p.level is not None or p.message[:1] not in _LEVEL_FIRST_CHARS or _LEVEL_FIRST.match(p.message) is None:
                return p
            # a level word left at the message's start: the fields after the time were read
            # in the previous line's order, and this line has another layout (two handlers,
            # `%(asctime)s %(levelname)s %(name)s` and `%(asctime)s - %(name)s - %(levelname)s`,
            # writing to one file); an exact built-in layout is tried before taking it
            weak = p
        if c in self._builtin_first:
            for alt in self._alts:
                if alt is not last and c in alt.first_chars and (p := self._try_builtin(alt, line)) is not None:
                    self._last = alt
                    return p
        if weak is not None:
            return weak
        if c == "#" and (p := p6spy_header(line, self._conv.iso, self.parse)) is not None:
            return p  # p6spy's MultiLineFormat in its own spy.log: `#<now> | took 4ms | statement | ...`
        if c in _LETTER_FIRST and may_be_letter_level(line) and (p := letter_level(line, self._hint, self._conv.iso)):
            return p  # glog/klog `I0822 19:38:14.123456 1 f.go:42] `, Tornado/Jupyter `[I 180822 19:38:14 web:2162] `
        if c in _FORM_FIRST or c.isalpha() and (c.isascii() and self._starts_with_word(line) or _DASH_TAG.match(line)):
            for i in range(len(_STARTS)):
                if i != last and (p := self._try_form(i, line)) is not None:
                    self._last = i
                    return p
        if c == "\ufeff" and line[1:]:  # a byte-order mark
            return self.parse(line[1:])
        if c in _LEVEL_FIRST_CHARS and (m := _LEVEL_PREFIX.match(line)) is not None:
            msg = line[m.end():]
            return Prefix(msg[:-1] if msg[-1:] == "\r" else msg, level=normalize_level(m.group("level").partition(":")[0]),
                          format="auto")
        if c in _LEVEL_FIRST_CHARS and (m := _LEVEL_COLON.match(line)) is not None:
            msg = line[m.end():]
            return Prefix(msg[:-1] if msg[-1:] == "\r" else msg, level=normalize_level(m.group("level")), format="raw")
        if c in _LEVEL_FIRST_CHARS and (m := _LEVEL_FIRST.match(line)) is not None:
            if (t := _THREAD_THEN_TIME.match(line, m.end())) is not None and (p := self._timed(line, m, t)) is not None:
                return p
            return self._level_first(line, m)
        if (c.isdigit() or c == "[") and _RELATIVE.match(line) is not None:
            return self._relative(line)
        m = EPOCH_MS.match(line, 1 if c == "#" else 0)  # `#1546398245678 | took ...` too
        if m is not None:
            return self._epoch(line, m)
        if c in _LOGFMT_FIRST and "=" in line and (p := self._structured.logfmt(line)) is not None:
            return p  # `time=... level=error msg="..."`
        if (c == "[" or c == "{") and (m := _UWSGI.match(line)) is not None and valid_time(m.groupdict()):
            norm = FORMS[_JAVA_DATE][2](m.groupdict(), self._hint)
            return Prefix(line[:-1] if line[-1:] == "\r" else line, self._conv.iso(norm, None, None) if norm else None,
                          line[m.start("mon") - 4:m.end() - 1], format="auto")
        if (c.isalnum() or c in ":-") and "/" in line and (m := _ACCESS.match(line)) is not None:
            if (p := self._access(line, m)) is not None:
                return p
        return Prefix(message=line[:-1] if line[-1:] == "\r" else line, format="raw")

    def _indented_start(self, line: str) -> Prefix | None:
        """A layout that writes spaces before each record (`%n    [app] %d ...`: the
        spaces after a line end begin the next line), or pads the level on the left
        (log4j's `%5p %d: %m`: ` WARN 2015-11-25 09:20:02,537: msg`): a line indented by up
        to eight spaces whose text is a record start with a date, a time and a level. Less
        (a time alone, no level) stays a continuation: an indented line inside a message."""
        body = line.lstrip(" ")
        if len(line) - len(body) > 8 or (body[:1] not in _INDENTED_FIRST and _LEVEL_FIRST.match(body) is None):
            return None
        p = self.parse(body)
        if p is None or p.format != "auto" or p.level is None or p.raw_time is None or len(p.raw_time) < 14:
            if _PADDED_LEVEL.match(line) is not None:  # ` INFO [main] (Foo.java:42) - msg`: `%5p [%t]`, no date
                q = self._level_first(body, _LEVEL_FIRST.match(body))  # type: ignore[arg-type]
                if q.thread is not None or q.logger is not None or body[4:7] in (" | ", " - "):
                    return q  # (an indented `INFO something` is a message's; ActiveMQ's `%5p | %m` is not)
            return None
        return p

    # ---------------------------------------------------------------------------
    @staticmethod
    def _starts_with_word(line: str) -> bool:
        """A level word, or a month or weekday name (`Jan`, `January`, `Tue`)."""
        word = _WORD.match(line).group(0).upper()  # type: ignore[union-attr]
        return word in _FIRST_WORDS or word[:3] in _FIRST_WORDS

    def _try_builtin(self, alt: Alternative, line: str) -> Prefix | None:
        p = self._reader.read_one(self._at[alt], line)
        if p is None:
            return None
        if p.message[:1] == "[":
            self._position(p)
        return p

    @staticmethod
    def _position(p: Prefix) -> None:
        """RuoYi-style `[method,line] - msg`: the position goes to `extra`."""
        pm = POSITION.match(p.message)
        if pm is not None:
            p.extra = dict(p.extra or {}, method=pm.group("method"), line=pm.group("line"))
            p.message = p.message[pm.end():]

    def _try_form(self, i: int, line: str) -> Prefix | None:
        name, rx, conv, has_fraction, has_zone = _STARTS[i]
        m = rx.match(line)
        if m is None:
            return None
        whole = m.group(0)
        rest = line[len(whole):]
        if rest[:1].isdigit() or rest[:1].isalpha() and name != "time" and whole[-1:].isdigit():
            return None  # `2019-01-02 03:04:05123`, `10:11:12abc`: not a timestamp followed by fields
        ts_text = whole if m.start("lead_tag") < 0 else whole[m.end("lead_tag"):]
        key = f"{name}\x1f{ts_text}"
        cache = self._norm
        if key in cache:
            norm = cache[key]
        else:
            g = m.groupdict()
            norm = conv(g, self._hint) if valid_time(g) else None
            if len(cache) >= MAX_NORMALIZED_CACHE:
                cache.clear()
            cache[key] = norm
        f = split_fields(rest)
        if f.thread is None and (f.level is not None or m.group("lead_level") or m.group("lead_blevel")) \
                and (": " in f.message or " - " in f.message):
            f = bare_thread_logger(f)  # `LEVEL HikariPool-1 housekeeper c.z.h.p.HikariPool: msg` (pig)
        if f.logger is None:
            tail = rest[-1:] if rest[-1:] not in " \r" else rest.rstrip(" \r")[-1:]
            if tail == ")" and (f.thread is None or " " in f.thread):
                f = paren_logger(rest, f)
            elif tail == "]" and f.level is not None:
                f = dash_bracket_logger(f)
        level = f.level or m.group("lead_level") or m.group("lead_blevel")
        iso = self._conv.iso(norm, m.group("f") if has_fraction else None, m.group("z") if has_zone else None) \
            if norm else None
        return Prefix(f.message[:-1] if f.message[-1:] == "\r" else f.message, iso, ts_text.strip("[(<]) \t"),
                      normalize_level(level) if level else None, f.logger, f.thread, f.pid, f.mdc, f.extra, "auto")

    def _timed(self, line: str, level: re.Match[str], thread: re.Match[str]) -> Prefix | None:
        """`INFO  [main] 2019-01-02 10:11:12,345 Foo.java:42 - msg`: the fields after the time
        are read as after any time; the level and the thread are the ones before it."""
        rest = line[thread.end():]
        for i in range(len(_STARTS)):
            p = self._try_form(i, rest)
            if p is not None and p.timestamp is not None:
                p.level = normalize_level(level.group("blevel") or level.group("level"))
                p.thread = thread.group("thread").strip()
                return p
        return None

    @staticmethod
    def _level_first(line: str, m: re.Match[str]) -> Prefix:
        f = split_fields(line[m.end():])
        if f.thread is None and " - " in f.message:
            f = bare_thread_logger(f, dated=False)  # `%5p %t %c - %m`: `INFO main org.apache.spark.SparkContext - msg`
        level = m.group("blevel") or m.group("level")
        msg = f.message[:-1] if f.message[-1:] == "\r" else f.message
        # format `raw`: with no time it is weaker evidence of a record start than a timestamp
        # (Maven's [INFO] lines among plain output); the rules decide what follows it
        return Prefix(msg, None, None, normalize_level(level), f.logger, f.thread, f.pid, None, f.extra, "raw")

    @staticmethod
    def _relative(line: str) -> Prefix:
        """`183472 [main] INFO  com.foo.Bar - msg` (TTCC): a record start with no time."""
        f = split_fields(line[line.index("["):])
        msg = f.message[:-1] if f.message[-1:] == "\r" else f.message
        return Prefix(msg, None, None, normalize_level(f.level) if f.level else None, f.logger, f.thread, f.pid,
                      f.mdc, f.extra, "auto")

    def _access(self, line: str, m: re.Match[str]) -> Prefix | None:
        """An access log line: a record of its own, timed by its bracket; the message is the
        whole line (client, request, status and size are what it says)."""
        g = m.groupdict()
        if not valid_time(g):
            return None
        norm = FORMS[_DAY_MONTH][2](g, self._hint)
        iso = self._conv.iso(norm, g.get("f"), g.get("z")) if norm else None
        ts_text = line[m.start("d") if "d" in g else 0:m.end() - 1]
        return Prefix(line[:-1] if line[-1:] == "\r" else line, iso, ts_text, format="auto")

    def _epoch(self, line: str, m: re.Match[str]) -> Prefix:
        seconds, frac = epoch_ms_text(int(m.group("epoch")))
        iso = self._conv.iso(seconds, frac, "Z")
        return Prefix(line[:-1] if line[-1:] == "\r" else line, iso, m.group("epoch"), format="auto")
