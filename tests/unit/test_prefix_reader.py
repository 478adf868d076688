"""The compiled core reads a record's first line into its `Prefix` (`PrefixReader`) as the
rules written out here do, from the groups Python's `re` reads with the same layouts: a
trailing `\\r` off the message, the level in its normal form, the thread without its
padding, the logger out of its own bracket or with its line number split off, the time as
ISO 8601 in the parser's zone, the MDC and extra groups of a user pattern."""

from __future__ import annotations

import re
from datetime import timezone

from hypothesis import given, settings, strategies as st

from parsers.prefix.grammar import Prefix, normalize_level
from parsers.prefix.layouts import BUILTINS, compile_format
from parsers.prefix.pattern import compile_pattern
from parsers.prefix.time import TimeConverter, _second, iso_seconds, parse_timezone

_GLUED = re.compile(r"(.+?)[(\[](\d{1,7})[)\]]")
PATTERNS = [
    "logback", "log4j2", "python",
    "%d{yyyy-MM-dd HH:mm:ss.SSS} [%t] %-5p %c - %m",
    "%d{yyyy-MM-dd HH:mm:ss.SSS} [%X{traceId}] [%t] %-5level %logger{36}:%L - %msg",
    "%d{HH:mm:ss} %-5p [%t] %C.%M(%F:%L) [%X{uid}] %m",
]
PARSERS = [compile_format(p, "Asia/Shanghai") for p in PATTERNS]
# the text-to-time function of each: the built-in formats' ISO reader, a pattern's own
TO_DT = [iso_seconds if p in BUILTINS else compile_pattern(p)[1] for p in PATTERNS]


def expected(parser, to_dt, line: str) -> Prefix | None:
    """The prefix the rules make of `line`, its groups read by Python's `re`."""
    if parser.first_chars is not None and line[:1] not in parser.first_chars:
        return None
    for alt in parser._alts:
        g = alt._read_re(line)
        if g is None:
            continue
        ts, ts_s, ts_f, ts_z, level, logger, thread, pid, message = g[:9]
        message = "" if message is None else message[:-1] if message.endswith("\r") else message
        if level is not None:
            level = normalize_level(level)
        if thread and (thread[0] == " " or thread[-1] == " "):
            thread = thread.strip()
        line_no = None
        if logger and logger[-1] in ")]":
            if logger[0] == "[" and logger[-1] == "]" and "[" not in logger[1:]:
                logger = logger[1:-1]
            elif (m := _GLUED.fullmatch(logger)) is not None:
                logger, line_no = m.group(1), m.group(2)
        iso = None
        if ts_s:
            second = _second(parse_timezone("Asia/Shanghai"), to_dt, ts_s, ts_z)
            iso = None if second is None else f"{second[0]}.{ts_f}{second[1]}" if ts_f else f"{second[0]}{second[1]}"
        values = iter(g[9:])
        mdc = {key: next(values) or "" for key in alt.mdc_groups.values()} or None
        extra = {"line": line_no} if line_no else {}
        extra.update({key: v for key in alt.extra_groups.values() if (v := next(values))})
        return Prefix(message, iso, ts, level, logger or None, thread, pid, mdc, extra or None, parser.name)
    return None


# lines in the formats' layouts, their fields drawn with the odd cases in
_DATE = st.sampled_from(["2026-11-26 10:15:30.123", "2026-11-26 10:15:30,5+08:00", "2026-11-26 10:15:30",
                         "2026-02-30 10:15:30.1", "2026-11-26T10:15:30.123Z", "2026-11-26 10:15:30.\u0663"])
_TIME = st.sampled_from(["10:15:30.123", "10:15:30", "23:59:59,999", "25:61:00.1"])
_LEVEL = st.sampled_from(["INFO", "WARN", "WARNING", "error", "Severe", "DEBUG ", "INFO "])
_THREAD = st.sampled_from(["main", " main ", "http-nio-8080-exec-1", "", " ", "订单-1", "m\udcffin"])
_LOGGER = st.sampled_from(["com.fpay.OrderService", "c.f.p.Order:42", "Order(Foo.java:42)", "Order(42)", "Order[7]",
                           "[c.f.Order]", "[]", "[a[b]", "Order(\u0663)", "Order(12345678)", "x(1)"])
_TEXT = st.text(st.sampled_from("ab 订单耗时:-[]()=\r\udcff0"), max_size=12)
_LINE = st.one_of(
    st.builds("{} [{}] {} {} - {}".format, _DATE, _THREAD, _LEVEL, _LOGGER, _TEXT),
    st.builds("{} {} [{}] {} - {}".format, _DATE, _LEVEL, _THREAD, _LOGGER, _TEXT),
    st.builds("{}  {} 4242 --- [{}] {} : {}".format, _DATE, _LEVEL, _THREAD, _LOGGER, _TEXT),
    st.builds("{} [{}] {} {} - {}".format, _TIME, _THREAD, _LEVEL, _LOGGER, _TEXT),
    st.builds("{} - {} - {} - {}".format, _DATE, _LOGGER, _LEVEL, _TEXT),
    st.builds("[{}] {} in {}: {}".format, _DATE, _LEVEL, _LOGGER, _TEXT),
    st.builds("[2026-11-26 10:15:30 +0800] [12] [{}] {}".format, _LEVEL, _TEXT),
    st.builds("{} [{}] [{}] {} {}:3 - {}".format, _DATE, _TEXT, _THREAD, _LEVEL, _LOGGER, _TEXT),
    st.builds("{} {} [{}] c.f.Order.pay(Order.java:{}) [{}] {}".format, _TIME, _LEVEL, _THREAD,
              st.sampled_from(["12", "?", ""]), _TEXT, _TEXT),
)
LINES = st.one_of(_LINE, st.tuples(_LINE, _TEXT).map("".join), _TEXT)


@settings(max_examples=800)
@given(LINES, st.sampled_from(range(len(PARSERS))))
def test_the_core_reads_a_prefix_as_the_rules_say(line, index):
    parser = PARSERS[index]
    got = parser.parse(line)
    want = expected(parser, TO_DT[index], line)
    assert got == want


def test_a_pattern_with_mdc_and_extra_groups():
    parser = compile_format("%d{HH:mm:ss} %-5p [%t] %C.%M(%F:%L) [%X{uid}] %m", "UTC")
    p = parser.parse("10:15:30 warning [ pool-1 ] c.f.Order.pay(Order.java:12) [] paid\r")
    assert (p.level, p.thread, p.logger, p.message) == ("WARN", "pool-1", None, "paid")
    assert p.mdc == {"uid": ""}
    assert p.extra == {"class": "c.f.Order", "method": "pay", "file": "Order.java", "line": "12"}


def test_the_time_cache_gives_each_second_its_own_text_when_full():
    conv = TimeConverter(timezone.utc, iso_seconds)
    seconds = [f"2026-11-26 10:15:{s:02d}" for s in range(60)] * 2
    for i, s in enumerate(seconds * (TimeConverter.MAX_CACHE // 60 + 1)):
        assert conv.iso(s, str(i % 7) if i % 3 else None, None) == \
            f"{s.replace(' ', 'T')}{'.' + str(i % 7) if i % 3 else ''}+00:00"
    assert conv.iso("2026-11-26 10:15:30", "1", "+0800") == "2026-11-26T10:15:30.1+08:00"
    assert conv.iso("not a time", "1", None) is None


def test_a_surrogate_in_the_fraction_is_kept():
    conv = TimeConverter(timezone.utc, iso_seconds)
    assert conv.iso("2026-11-26 10:15:30", "1\udcff", None) == "2026-11-26T10:15:30.1\udcff+00:00"


SECONDS = st.sampled_from(["2026-11-26 10:15:30", "2026-11-26 10:15:31", "2026-11-26T10:15:30", "not a time",
                           "2026-02-30 10:00:00", "2026-11-26 10:15:3\udcff"])
ZONES = st.sampled_from([None, "+0800", "Z", "-05:00", "+08\udcff", "bogus"])
FRACTIONS = st.sampled_from([None, "", "1", "123", "123456", "1\udcff"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(SECONDS, FRACTIONS, ZONES), max_size=30))
def test_lines_of_the_same_second_in_a_row_read_as_each_line_alone(reads):
    """The clock keeps the last second read as text: a run of one second, a second that is no
    time, a zone that changes, a surrogate anywhere: each answer is the conversion's own."""
    conv = TimeConverter(parse_timezone("Asia/Shanghai"), iso_seconds)
    for ts_s, ts_f, ts_z in reads:
        second = _second(parse_timezone("Asia/Shanghai"), iso_seconds, ts_s, ts_z)
        want = None if second is None else f"{second[0]}.{ts_f}{second[1]}" if ts_f else f"{second[0]}{second[1]}"
        assert conv.iso(ts_s, ts_f, ts_z) == want
