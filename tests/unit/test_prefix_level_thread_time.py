"""A layout that writes the level and the thread before the time
(`%-5level [%thread] %date{ISO8601} %F:%L - %msg`, Cassandra's shipped `system.log`
layout): a record start with its time, its level and its thread; the time is not
left in the message, and a line without that shape continues the record."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from parsers.prefix.auto import AutoParser

_THREAD = st.from_regex(r"[g-z][\w-]{0,20}(?::\d{1,3})?", fullmatch=True)  # `main`, `GossipStage:1`
_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_FILE = st.from_regex(r"[A-Z][A-Za-z]{1,20}\.java", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z][ -{}~]{0,40}", fullmatch=True).map(str.rstrip)  # no `|`: a pipe field


def events(text: str) -> list:
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    return asm.feed(text.encode(), 0, 0) + asm.finish(0)


@given(_LEVEL, _THREAD, st.integers(0, 23), st.integers(0, 999), _FILE, st.integers(1, 9999), _MSG)
def test_level_thread_then_time(level, thread, hour, ms, file, line, msg):
    got = AutoParser().parse(f"{level:<5} [{thread}] 2019-01-02 {hour:02d}:04:05,{ms:03d} {file}:{line} - {msg}")
    assert got.format == "auto"
    assert (got.level, got.thread, got.message) == (level, thread, msg)
    assert got.timestamp == f"2019-01-02T{hour:02d}:04:05.{ms:03d}+00:00"


def test_without_a_time_the_line_is_read_as_before():
    got = AutoParser().parse("INFO  [main] started in 12 ms")
    assert (got.format, got.level, got.thread, got.timestamp, got.message) == ("raw", "INFO", "main", None,
                                                                                "started in 12 ms")


def test_records_keep_their_traces_and_message_lines():
    text = ("INFO  [main] 2019-01-02 10:11:12,345 CassandraDaemon.java:471 - Hostname: db-1\n"
            "WARN  [GossipStage:1] 2019-01-02 10:11:13,001 Gossiper.java:1011 - missing peers:\n"
            "10.0.0.7, 10.0.0.8\n"
            "ERROR [MemtableFlushWriter:2] 2019-01-02 10:11:14,002 CassandraDaemon.java:228 - Exception in thread\n"
            "java.lang.IllegalStateException: x\n\tat org.example.Flush.run(Flush.java:10)\n"
            "INFO  [main] 2019-01-02 10:11:15,003 StorageService.java:2268 - Node is ready\n")
    got = events(text)
    assert [(e.level, e.thread, e.kind) for e in got] == [
        ("INFO", "main", "line"), ("WARN", "GossipStage:1", "line"), ("ERROR", "MemtableFlushWriter:2", "exception"),
        ("INFO", "main", "line")]
    assert got[1].message == "missing peers:\n10.0.0.7, 10.0.0.8"
    assert got[2].error_type == "java.lang.IllegalStateException"
    assert got[3].timestamp == "2019-01-02T10:11:15.003+00:00"


@pytest.mark.parametrize("msg", ["A#0", "Order:42", "Retry[3]", "A.A", "pay.Order - done"])
def test_a_message_shaped_like_a_logger_and_line_after_the_source_position(msg):
    """`%F:%L - %m`: with the position read, a name after the dash is the message (no layout
    of bench/layouts writes the logger after the position), `Name:42` no `%c:%L` logger."""
    got = AutoParser().parse(f"TRACE [g] 2019-01-02 00:04:05,000 AA.java:1 - {msg}")
    assert (got.logger, got.message, got.extra) == (None, msg, {"source": "AA.java:1"})
