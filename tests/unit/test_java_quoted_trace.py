"""A Java exception whose message quotes another exception's printed trace: the message ends
by opening the quote (`... Original Exception: ------`, as BoneCP writes its connection
failures), the nested header and frames follow, a `------` line and a blank line close the
quote, then come the exception's own frames and causes (which may quote again). It is one
exception event with the record that logged it, or with none when printStackTrace wrote it;
its type is the exception that opened the quote, its root the last cause."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import ParseOptions
from parsers.stacktrace import parse_stack

SOURCE = Source("h", "pay", "/var/log/pay/catalina.out", "f1")
HEAD = "2015-11-25 09:20:02,545 ERROR [http-1] c.p.Handler - Unhandled exception in exception handler."
NEXT = "2015-11-25 09:20:03,001 INFO [http-1] c.p.Handler - next request"
_CLS = st.from_regex(r"(?:[a-z]{1,6}\.){1,3}[A-Z][a-z]{1,8}(?:Exception|Error)", fullmatch=True)
_FRAMES = st.lists(st.from_regex(r"\tat (?:[a-z]{1,6}\.){1,3}[A-Z][a-z]{1,6}\.[a-z]{1,6}\([A-Z][a-z]{1,6}\.java:[1-9]\d{0,3}\)",
                                 fullmatch=True), min_size=1, max_size=4)


def events(lines: list[str]) -> list[Event]:
    data = "".join(x + "\n" for x in lines).encode()
    asm = Assembler(ParseOptions(), SOURCE)
    return asm.feed(data, 0, 0) + asm.finish(0)


def quoted(outer: str, nested: str, nested_frames: list[str], own_frames: list[str]) -> list[str]:
    return [f"{outer}: Could not get a connection. Original Exception: ------",
            f"{nested}: access denied", *nested_frames, "------", "", *own_frames]


@settings(max_examples=60, deadline=None)
@given(_CLS, _CLS, _CLS, _FRAMES, _FRAMES, _FRAMES, st.booleans())
def test_a_quoted_trace_is_part_of_one_exception_event(outer, nested, cause, f1, f2, f3, cause_quotes):
    lines = quoted(outer, nested, f1, f2)
    if cause_quotes:
        lines += quoted(f"Caused by: {cause}", nested, f1, f3)
    else:
        lines += [f"Caused by: {cause}: access denied", *f3]
    evs = events([HEAD, *lines, NEXT])
    assert [(e.kind, e.level) for e in evs] == [("exception", "ERROR"), ("line", "INFO")]
    assert (evs[0].error_type, evs[0].root_cause_type) == (outer, cause)


def test_printed_without_a_record_it_is_still_one_event():
    lines = quoted("org.x.CannotGetJdbcConnectionException", "java.sql.SQLException",
                   ["\tat com.mysql.jdbc.MysqlIO.doHandshake(MysqlIO.java:991)"],
                   ["\tat org.x.DataSourceUtils.getConnection(DataSourceUtils.java:80)"])
    evs = events(["Server started", "", *lines, NEXT])
    assert [e.kind for e in evs][-2:] == ["exception", "line"]
    assert evs[-2].error_type == "org.x.CannotGetJdbcConnectionException"


def test_a_header_right_below_one_that_introduces_it_is_in_that_message():
    lines = ["org.x.PoolException: pool failed. Original Exception:", "java.sql.SQLException: denied",
             "\tat com.mysql.jdbc.MysqlIO.doHandshake(MysqlIO.java:991)"]
    assert parse_stack(lines).outermost.type == "org.x.PoolException"
    lines[0] = "org.x.PoolException: pool failed."  # a sentence: two exceptions printed one after the other
    assert parse_stack(lines).outermost.type == "java.sql.SQLException"


def test_a_dash_line_after_a_plain_trace_is_not_taken_in():
    evs = events([HEAD, "java.lang.IllegalStateException: x", "\tat a.b.C.d(C.java:1)", "------", "", NEXT])
    assert "------" not in evs[0].stack_trace
