"""Thread names written in other places: ZooKeeper's `[%t:%C{1}@%L]`, RocketMQ's `%p %t - %m`,
a dash between bracketed fields (`[%d]-[%t]`), and ids joined by a slash in an MDC bracket."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_THREAD = st.from_regex(r"[g-z][a-z0-9_-]{0,20}", fullmatch=True)  # not a bare hex id (read as a trace id)
_CLASS = st.from_regex(r"[A-Z][A-Za-z]{0,20}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z][ -~]{0,30}", fullmatch=True).map(str.rstrip)


@given(_THREAD, _CLASS, st.integers(1, 9999), _MSG)
def test_zookeeper_thread_class_and_line(thread, cls, line, msg):
    got = AutoParser().parse(f"2026-11-30 14:07:03,125 [myid:1] - INFO  [{thread}:{cls}@{line}] - {msg}")
    assert (got.level, got.thread, got.logger, got.message, got.extra) == ("INFO", thread, cls, msg, {"line": str(line)})


@given(_THREAD, _MSG)
def test_rocketmq_level_then_thread(thread, msg):
    got = AutoParser().parse(f"2026-11-30 14:07:03 INFO {thread} - {msg}")
    assert (got.level, got.thread, got.message) == ("INFO", thread, msg)


def test_a_capitalised_word_before_the_dash_is_not_the_thread():
    got = AutoParser().parse("2026-11-30 14:07:03,125 INFO HikariPool-1 - Starting...")
    assert (got.thread, got.message) == (None, "HikariPool-1 - Starting...")


@given(_THREAD, _MSG)
def test_a_dash_between_bracketed_fields(thread, msg):
    got = AutoParser().parse(f"[2026-11-30 14:07:03,125]-[{thread}] INFO  c.p.Foo - {msg}")
    assert (got.thread, got.level, got.logger, got.message) == (thread, "INFO", "c.p.Foo", msg)


def test_trace_and_span_joined_by_a_slash_are_no_field():
    got = AutoParser().parse("2026-11-30 14:07:03.125 INFO  [r-8812] [7f3a9c1e2b4d5f60/2b4d5f60a1b2c3d4] c.p.Foo - paid")
    assert (got.logger, got.message) == ("c.p.Foo", "paid")
