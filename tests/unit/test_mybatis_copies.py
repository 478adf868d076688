"""A MyBatis logger sent to two appenders of one file writes every record twice in a row:
the statement is joined once (the copies are plain lines flagged `mybatis_copy`). And a
time written to the second gives no duration (0 to 2 s is no measurement)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.event import Event
from parsers.sql.mybatis import CONSUMED, COPY, MybatisJoiner
from tests.unit.tiled_events import tiled_events

SELECT = "SELECT id,name FROM course_base WHERE id=?"


def logback(thread: str, stamp: str, text: str) -> str:
    return f"{stamp} DEBUG [{thread}][BaseJdbcLogger.java:137] - {text}\n"


def statement(thread: str, stamps: tuple[str, str, str], copies: bool) -> list[str]:
    lines = [logback(thread, stamps[0], f"==>  Preparing: {SELECT}"),
             logback(thread, stamps[1], "==> Parameters: 74(Long)"),
             logback(thread, stamps[2], "<==      Total: 1")]
    return [x for line in lines for x in ([line, line] if copies else [line])]


def run(data: bytes) -> list[Event]:
    return tiled_events(data)


def sql_events(events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind == "sql"]


def test_each_record_written_twice_joins_one_statement():
    stamps = ("2023-01-15 00:04:53,512", "2023-01-15 00:04:53,536", "2023-01-15 00:04:53,564")
    doubled = "".join(statement("main", stamps, copies=True)).encode()
    single = "".join(statement("main", stamps, copies=False)).encode()
    events = run(doubled)
    assert len(events) == 6  # every line is still an event
    (sql,) = sql_events(events)
    (alone,) = sql_events(run(single))
    assert (sql.sql_statement, sql.sql_rows, sql.duration_ns) == ("SELECT id,name FROM course_base WHERE id=74", 1, 52_000_000)
    assert (sql.sql_statement, sql.sql_fingerprint, sql.duration_ns) == (alone.sql_statement, alone.sql_fingerprint,
                                                                         alone.duration_ns)
    assert [("mybatis_copy" in e.flags) for e in events] == [False, True] * 3


def test_copies_of_interleaved_threads_join_each_statement_once():
    a = statement("exec-1", ("2024-03-06 16:40:17,782", "2024-03-06 16:40:17,783", "2024-03-06 16:40:17,787"), True)
    b = statement("exec-2", ("2024-03-06 16:40:17,784", "2024-03-06 16:40:17,785", "2024-03-06 16:40:17,790"), True)
    lines = [x for pair in zip(a, b) for x in pair]  # the threads' lines alternate, each written twice
    sql = sql_events(run("".join(lines).encode()))
    assert sorted((e.thread, e.duration_ns) for e in sql) == [("exec-1", 5_000_000), ("exec-2", 6_000_000)]
    assert not any("sql_unclosed" in e.flags or "mybatis_unjoined" in e.flags for e in sql)


def test_a_time_to_the_second_gives_no_duration():
    stamps = ("2018-03-16 09:35:22", "2018-03-16 09:35:23", "2018-03-16 09:35:23")
    (sql,) = sql_events(run("".join(statement("exec-1", stamps, copies=True)).encode()))
    assert (sql.sql_statement, sql.sql_rows, sql.duration_ns) == ("SELECT id,name FROM course_base WHERE id=74", 1, None)
    j = MybatisJoiner()
    j.feed(None, "2021-02-12 20:31:11 |DEBUG |main| ==>  Preparing: SELECT 1", None)
    assert j.feed(None, "2021-02-12 20:31:12 |DEBUG |main| <==      Total: 1", None).duration_ns is None


def test_without_a_thread_identical_records_to_the_second_are_two_threads_not_copies():
    j = MybatisJoiner()
    prep = "==>  Preparing: SELECT 1"
    assert j.feed(None, prep, 1_000, "c.x.M.sel", exact=False) is CONSUMED
    assert j.feed(None, prep, 1_000, "c.x.M.sel", exact=False) is CONSUMED  # a second thread, same mapper
    assert j.feed(None, "<==      Total: 1", 1_000, "c.x.M.sel", exact=False).statement == "SELECT 1"
    # to the millisecond the same text at the same time is a copy, thread or not
    assert j.feed(None, prep, 2_000, "c.x.M.sel") is CONSUMED
    assert j.feed(None, prep, 2_000, "c.x.M.sel") is COPY


def test_a_record_after_a_failure_on_its_thread_is_no_copy():
    j = MybatisJoiner()
    prep = "==>  Preparing: INSERT INTO t VALUES (?)"
    j.feed("exec-1", prep, 5_000, tag=object(), exact=False)
    j.abandon("exec-1")  # an exception was logged on the thread: the statement failed
    assert j.feed("exec-1", prep, 5_000, exact=False) is CONSUMED  # the retry within the same second


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["exec-1", "exec-2"]), st.integers(0, 3)), min_size=1, max_size=12))
def test_writing_every_line_twice_changes_no_sql_event(plan):
    """Any interleaving of statements: the doubled file's SQL events are the single file's."""
    lines: list[str] = []
    for n, (thread, rows) in enumerate(plan):
        ms = 100 + 10 * n
        stamps = tuple(f"2024-03-06 16:40:17,{ms + k:03d}" for k in (0, 2, 5))
        lines += [logback(thread, stamps[0], f"==>  Preparing: SELECT * FROM t{n} WHERE id=?"),
                  logback(thread, stamps[1], f"==> Parameters: {n}(Long)"),
                  logback(thread, stamps[2], f"<==      Total: {rows}")]
    single = run("".join(lines).encode())
    doubled = run("".join(x for line in lines for x in (line, line)).encode())

    def seen(events: list[Event]) -> list[tuple]:
        return [(e.thread, e.sql_statement, e.sql_rows, e.duration_ns, sorted(e.flags)) for e in sql_events(events)]

    assert seen(doubled) == seen(single)
    assert len(doubled) == 2 * len(single)
