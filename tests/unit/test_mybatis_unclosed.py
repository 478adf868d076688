"""A MyBatis statement that logged no outcome (no `<==` line) is an SQL event of its own:
its Preparing record, `kind=sql`, flagged `sql_unclosed`, without a duration. Closed
statements are as before; events still leave in file order and tile the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import Bounds, ParseOptions
from parsers.sql.mybatis import CONSUMED, MybatisJoiner
from pipeline.alert.rules.sql import sql_of

SOURCE = Source("db-01", "orders", "/var/log/orders/app.log", "f1")
NOW_MS = 1_795_658_400_000


def line(thread: str, level: str, text: str, ms: int = 44) -> str:
    return f"2026-11-26 10:00:00.{ms % 1000:03d} {level:<5} 23817 --- [{thread}] c.f.o.mapper.OrderMapper : {text}\n"


def run(data: bytes, cuts: list[int] = (), options: ParseOptions = ParseOptions()) -> list[Event]:
    asm = Assembler(options, SOURCE, 0)
    events: list[Event] = []
    bounds = [0, *sorted(set(c for c in cuts if 0 < c < len(data))), len(data)]
    for a, b in zip(bounds, bounds[1:]):
        events += asm.feed(data[a:b], a, NOW_MS)
    return events + asm.finish(NOW_MS)


def test_the_next_statement_of_the_thread_abandons_the_open_one_with_its_parameters():
    j = MybatisJoiner()
    tag = object()
    assert j.feed("exec-1", "==>  Preparing: INSERT INTO t (a, b) VALUES (?, ?)", 1000, tag=tag) is CONSUMED
    j.feed("exec-1", "==> Parameters: 7(Long), x(String)", 1001)
    j.feed("exec-1", "==>  Preparing: SELECT 1", 1002, tag=object())
    (gone,) = j.abandoned
    assert (gone.tag, gone.statement, gone.params) == (tag, "INSERT INTO t (a, b) VALUES (7, 'x')", "7(Long), x(String)")


def test_a_nested_select_joins_apart_from_the_statement_it_runs_in():
    j = MybatisJoiner()
    j.feed("exec-1", "==>  Preparing: SELECT * FROM orders WHERE id = ?", 1000, tag=object())
    j.feed("exec-1", "====>  Preparing: SELECT * FROM items WHERE order_id = ?", 1001, tag=object())
    inner = j.feed("exec-1", "<====      Total: 3", 1004)
    outer = j.feed("exec-1", "<==      Total: 1", 1010)
    assert (inner.statement, inner.rows) == ("SELECT * FROM items WHERE order_id = ?", 3)
    assert (outer.statement, outer.rows, outer.duration_ns) == ("SELECT * FROM orders WHERE id = ?", 1, 10_000_000)
    assert j.abandoned == []


def test_a_failing_statement_is_an_sql_event_without_duration_and_closed_ones_are_unchanged():
    data = "".join([
        line("exec-1", "DEBUG", "==>  Preparing: SELECT * FROM t WHERE id = ?", 40),
        line("exec-1", "DEBUG", "==> Parameters: 5(Long)", 41),
        line("exec-1", "DEBUG", "<==      Total: 1", 45),
        line("exec-2", "DEBUG", "==>  Preparing: INSERT INTO t (id, card) VALUES (?, ?)", 50),
        line("exec-2", "DEBUG", "==> Parameters: 6(Long), 4111111111111111(String)", 51),
        line("exec-3", "INFO", "unrelated", 52),
        line("exec-2", "ERROR", "Duplicate entry '6' for key 'PRIMARY'", 53),
    ]).encode()
    events = run(data)
    assert [ev.kind for ev in events] == ["line", "line", "sql", "sql", "line", "line", "line"]
    closed, unclosed = events[2], events[3]
    assert closed.flags == [] and closed.duration_ns == 5_000_000 and closed.sql_rows == 1
    assert unclosed.flags == ["sql_unclosed"] and unclosed.duration_ns is None and unclosed.sql_rows is None
    assert unclosed.sql_statement == "INSERT INTO t (id, card) VALUES (6, '411111******1111')"  # masked
    assert unclosed.sql_fingerprint == "insert into t (id, card) values(?+)" and unclosed.sql_fingerprint_id
    assert events[4].flags == ["mybatis_part"]  # its Parameters record
    assert sql_of(unclosed.to_ecs()) is None  # no duration: never a slow-SQL sample


def test_an_exception_on_the_thread_releases_the_held_events_at_once():
    data = (line("exec-1", "DEBUG", "==>  Preparing: DELETE FROM t WHERE id = ?", 40)
            + line("exec-2", "INFO", "busy", 41)
            + line("exec-1", "WARN", "rollback", 42)
            + "java.sql.SQLException: lock wait timeout\n\tat com.f.Dao.delete(Dao.java:10)\n"
            + line("exec-2", "INFO", "next", 43)).encode()
    asm = Assembler(ParseOptions(), SOURCE, 0)
    out = asm.feed(data, 0, NOW_MS)  # the last record waits for its end; everything before it is out
    assert [ev.kind for ev in out] == ["sql", "line", "exception"]
    assert out[0].flags == ["sql_unclosed"]


def test_events_wait_behind_an_open_statement_at_most_the_byte_and_time_bounds():
    head = line("exec-1", "DEBUG", "==>  Preparing: SELECT SLEEP(?)", 40)
    filler = "".join(line("exec-2", "INFO", f"tick {i}", 41) for i in range(30))
    close = line("exec-1", "DEBUG", "<==      Total: 1", 900)
    options = ParseOptions(bounds=Bounds(max_event_bytes=1000))
    events = run((head + filler + close).encode(), options=options)
    assert events[0].kind == "line" and events[0].flags == ["mybatis_part"]  # let go unchanged
    assert events[-1].kind == "sql" and events[-1].sql_statement == "SELECT SLEEP(?)"  # still joined
    asm = Assembler(ParseOptions(), SOURCE, 0)
    assert asm.feed((head + line("exec-2", "INFO", "x", 41)).encode(), 0, NOW_MS) == []
    assert asm.poll(NOW_MS + 10) == []
    polled = asm.poll(NOW_MS + 5_000)  # past flush_after_ms on the read clock
    assert [ev.flags for ev in polled] == [["mybatis_part"], []]


_RECORDS = st.lists(st.tuples(st.sampled_from(["exec-1", "exec-2", "main"]), st.sampled_from([
    ("DEBUG", "==>  Preparing: UPDATE t SET v = ? WHERE id = ?"),
    ("DEBUG", "==> Parameters: 1(Integer), 2(Long)"),
    ("DEBUG", "<==    Updates: 1"),
    ("DEBUG", "<==      Total: 0"),
    ("INFO", "ordinary"),
    ("ERROR", "failed"),
])), max_size=25)


def _expected_preparing(records: list[tuple[str, tuple[str, str]]]) -> list[bool]:
    """For each Preparing record in order: True if a `<==` record closes it (the same
    thread, before that thread's next Preparing or ERROR record)."""
    out, open_at = [], {}
    for thread, (level, text) in records:
        if "Preparing" in text:
            out.append(False)
            open_at[thread] = len(out) - 1
        elif text.startswith("<==") and thread in open_at:
            out[open_at.pop(thread)] = True
        elif level == "ERROR":
            open_at.pop(thread, None)
    return out


@settings(max_examples=200, deadline=None)
@given(_RECORDS, st.lists(st.integers(0, 4000), max_size=6))
def test_every_byte_is_in_one_event_in_order_and_each_statement_has_one_outcome(records, cuts):
    data = "".join(line(t, level, text, i) for i, (t, (level, text)) in enumerate(records)).encode()
    events = run(data, cuts)
    position = 0
    for ev in events:
        assert ev.offset == position and ev.end_offset > ev.offset
        position = ev.end_offset
    assert position == len(data)
    preparing = [ev for ev in events if "Preparing" in ev.message]
    closed = _expected_preparing(records)
    assert [(ev.kind, ev.flags) for ev in preparing] == [
        ("line", ["mybatis_part"]) if c else ("sql", ["sql_unclosed"]) for c in closed]
    assert all(ev.duration_ns is None for ev in preparing)
    assert [(ev.kind, ev.flags, ev.sql_statement) for ev in events] == [
        (ev.kind, ev.flags, ev.sql_statement) for ev in run(data)]  # chunking never matters
