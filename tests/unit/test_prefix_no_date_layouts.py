"""Layouts with no date that the logging libraries configure by default or show in their
manuals: log4j's TTCCLayout and logback's `%-4relative [%thread] %-5level %logger - %msg`
(milliseconds since start, thread, level), and log4j's `%5p [%t] (%F:%L) - %m` (the level
padded on the left). Each line is a record start; a line without that shape continues it."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from parsers.prefix.auto import AutoParser

_THREAD = st.from_regex(r"[g-z][\w-]{0,20}", fullmatch=True)  # not a bare hex id (read as a trace id)
_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"])
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,20}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z][ -~]{0,40}", fullmatch=True).map(str.rstrip)


def events(text: str) -> list:
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    return asm.feed(text.encode(), 0, 0) + asm.finish(0)


@given(st.integers(0, 10**9), _THREAD, _LEVEL, _LOGGER, _MSG)
def test_relative_time_thread_level(ms, thread, level, logger, msg):
    got = AutoParser().parse(f"{ms:<4} [{thread}] {level:<5} {logger} - {msg}")
    assert (got.level, got.thread, got.logger, got.message, got.timestamp) == (level, thread, logger, msg, None)


def test_relative_records_keep_their_traces():
    text = ("0    [main] INFO  com.pay.App - started\n"
            "1520 [http-1] ERROR com.pay.Notify - notify failed\n"
            "java.lang.IllegalStateException: x\n\tat com.pay.Notify.run(Notify.java:10)\n"
            "1533 [http-1] INFO  com.pay.Notify - done\n")
    got = events(text)
    assert [(e.level, e.kind) for e in got] == [("INFO", "line"), ("ERROR", "exception"), ("INFO", "line")]
    assert got[1].error_type == "java.lang.IllegalStateException"


def test_padded_level_without_a_date_starts_records():
    text = (" INFO [main] (App.java:61) - started\n"
            "ERROR [http-1] (Notify.java:40) - notify failed\n"
            "java.lang.IllegalStateException: x\n\tat com.pay.Notify.run(Notify.java:10)\n"
            " WARN [http-1] (Notify.java:44) - retry\n"
            "DEBUG [http-1] (Notify.java:45) - again\n")
    got = events(text)
    assert [(e.level, e.thread) for e in got] == [("INFO", "main"), ("ERROR", "http-1"), ("WARN", "http-1"),
                                                  ("DEBUG", "http-1")]
    assert got[1].kind == "exception" and got[2].message == "retry"


def test_an_indented_line_of_a_message_still_continues():
    got = events("2026-11-30 14:07:03,125 INFO [main] c.p.Foo - a\n  INFO is not a start here\n")
    assert len(got) == 1


@given(_THREAD, _LEVEL, _LOGGER, _MSG)
def test_thread_level_without_the_milliseconds(thread, level, logger, msg):
    got = AutoParser().parse(f"[{thread}] {level:<5} {logger} - {msg}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


def test_a_message_over_lines_in_a_layout_with_no_date():
    text = ("INFO  com.pay.db.Schema - CREATE TABLE pay_order (\n"
            "id bigint NOT NULL,\n"
            ") ENGINE = InnoDB\n"
            "WARN  com.pay.settle.Job - missing 3\n"
            "P1, P2, P3\n"
            "[INFO] Building pay-core 1.0\n"
            "Downloading from central: pom\n")
    got = events(text)
    assert [e.message.split("\n")[0] for e in got] == [
        "CREATE TABLE pay_order (", "missing 3", "Building pay-core 1.0", "Downloading from central: pom"]
    assert got[0].message.count("\n") == 2 and got[1].message.endswith("P1, P2, P3")
