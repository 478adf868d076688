"""Properties of the assembler: chunking never matters, a restart at `resume_offset`
gives the remaining events with the same ids, arbitrary bytes never raise, and the
events' offsets cover the input exactly once."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import Bounds, ParseOptions, TableSpec
from parsers.table import column_spec

DATA = Path(__file__).parent / "data" / "assemble"
LOGBACK = [p for p in sorted(DATA.glob("*.log")) if not p.name.startswith(("python", "p6spy"))]
CORPUS = b"".join(p.read_bytes() for p in LOGBACK)
OPTIONS = ParseOptions(format="logback", multiline="java", tables=(
    TableSpec("order", "|ORDER|", columns=tuple(column_spec(c) for c in (
        "kind", "order_no", "merchant", "amount:decimal", "channel", "status", "cost:duration"))),))
SOURCE = Source("pay-01", "pay", "/var/log/pay/app.log", "f1")
NOW_MS = 1_795_658_400_000


def run(data: bytes, cuts: list[int], options: ParseOptions = OPTIONS, start: int = 0) -> list[Event]:
    """Events of `data` (which starts at file offset `start`), fed in pieces split at `cuts`."""
    asm = Assembler(options, SOURCE, start)
    events: list[Event] = []
    bounds = [0, *sorted(set(c for c in cuts if 0 < c < len(data))), len(data)]
    for a, b in zip(bounds, bounds[1:]):
        events += asm.feed(data[a:b], start + a, NOW_MS)
    return events + asm.finish(NOW_MS)


def summary(events: list[Event]) -> list[tuple]:
    return [(ev.id, ev.offset, ev.end_offset, ev.kind, ev.message, ev.signature, ev.truncated, tuple(ev.flags))
            for ev in events]


def test_the_corpus_has_every_kind() -> None:
    kinds = {ev.kind for ev in run(CORPUS, [])}
    assert kinds == {"line", "exception", "sql", "table"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(CORPUS)), max_size=40))
def test_chunk_boundaries_anywhere_give_the_same_events(cuts: list[int]) -> None:
    assert summary(run(CORPUS, cuts)) == summary(run(CORPUS, []))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(CORPUS)), st.lists(st.integers(0, len(CORPUS)), max_size=10))
def test_restart_at_resume_offset_gives_the_remaining_events_with_the_same_ids(prefix: int, cuts: list[int]) -> None:
    whole = summary(run(CORPUS, []))
    asm = Assembler(OPTIONS, SOURCE, 0)
    first = summary(asm.feed(CORPUS[:prefix], 0, NOW_MS)) if prefix else []
    resume = asm.resume_offset
    assert resume <= prefix
    rest = summary(run(CORPUS[resume:], [c - resume for c in cuts], start=resume))
    assert first == whole[:len(first)]
    assert rest == [ev for ev in whole if ev[1] >= resume]  # the same events, ids and contents
    assert {ev[0] for ev in first} | {ev[0] for ev in rest} == {ev[0] for ev in whole}  # nothing lost


def test_resume_offset_stays_at_an_open_mybatis_statement_so_a_restart_joins_it() -> None:
    data = (DATA / "mybatis-three-lines-join-into-one-sql-event.log").read_bytes()
    after_close = data.index(b"2026-11-26 10:00:00.052")
    asm = Assembler(OPTIONS, SOURCE, 0)
    emitted = asm.feed(data[:after_close], 0, NOW_MS)  # Preparing and Parameters held until the outcome
    assert emitted == [] and asm.holds_records
    assert asm.resume_offset == 0  # not past the Preparing line: a restart must see it again
    (*parts, closed, _) = asm.feed(data[after_close:], after_close, NOW_MS) + asm.finish(NOW_MS)
    assert [ev.flags for ev in parts] == [["mybatis_part"], ["mybatis_part"]]
    assert closed.sql_statement.startswith("UPDATE t_order SET status = 'CLOSED'")
    assert asm.resume_offset == len(data)


def test_a_partial_last_line_is_only_emitted_at_finish() -> None:
    head = b"2026-11-26 10:15:30.112 [main] INFO  c.f.pay.App - "
    data = head + b"one\n" + head + b"two, no newline yet"
    asm = Assembler(OPTIONS, SOURCE, 0)
    got = asm.feed(data, 0, NOW_MS) + asm.poll(NOW_MS + 5000)
    assert [ev.message for ev in got] == ["one"]
    assert asm.resume_offset == len(head) + 4
    last = asm.finish(NOW_MS)
    assert [(ev.message, ev.offset, ev.end_offset) for ev in last] == [("two, no newline yet", len(head) + 4,
                                                                         len(data))]


def test_poll_closes_a_pending_record_after_the_flush_time() -> None:
    data = b"2026-11-26 10:15:30.112 [main] ERROR c.f.pay.App - failed\njava.lang.IllegalStateException: x\n"
    asm = Assembler(OPTIONS, SOURCE, 0)
    assert asm.feed(data, 0, NOW_MS) == []
    assert asm.poll(NOW_MS + 10) == []
    (ev,) = asm.poll(NOW_MS + OPTIONS.bounds.flush_after_ms)
    assert (ev.kind, ev.error_type, ev.end_offset) == ("exception", "java.lang.IllegalStateException", len(data))


_NOISY = st.lists(st.sampled_from([
    b"2026-11-26 10:15:30.112 [main] INFO  c.f.pay.App - ok\n", b"\tat com.fpay.A.b(A.java:1)\n",
    b"Caused by: java.io.IOException: x\n", b"java.lang.IllegalStateException: y\n", b"\n", b"\r\n", b"\x00",
    b"\xff\xfe", "中文".encode(), b"|ORDER|o1|m|1.0|A|S|5ms|\n", b"Traceback (most recent call last):\n", b"x" * 300,
]), max_size=30).map(b"".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), _NOISY), st.lists(st.integers(0, 2000), max_size=8),
       st.sampled_from(["auto", "logback", "python"]), st.sampled_from(["auto", "java", "python", "none"]))
def test_arbitrary_bytes_never_raise_and_offsets_cover_the_input_exactly_once(
        data: bytes, cuts: list[int], fmt: str, multiline: str) -> None:
    options = ParseOptions(format=fmt, multiline=multiline,
                           bounds=Bounds(max_line_bytes=64, max_event_lines=4, max_event_bytes=200))
    events = run(data, cuts, options)
    position = 0
    for ev in events:
        assert ev.offset == position
        assert ev.end_offset > ev.offset
        position = ev.end_offset
    assert position == len(data)
    assert not any(f.startswith("parse_error") for ev in events for f in ev.flags)


def test_a_line_cut_inside_a_multibyte_character_is_truncated_not_invalid() -> None:
    line = "2026-11-26 10:15:30.112 [main] INFO  c.f.pay.App - 订单不存在订单不存在\n".encode()
    options = ParseOptions(format="logback", bounds=Bounds(max_line_bytes=len(line) - 6))
    for cuts in ([], [len(line) - 8], list(range(1, len(line)))):
        (ev,) = run(line, cuts, options)
        assert ev.truncated and ev.flags == [] and ev.message == "订单不存在订单不"
        assert ev.end_offset == len(line)


# Zero configuration over the real-world layouts: raw lines mixed with structured ones,
# JUL two-line records, held lines of multi-line exception messages.
AUTO_CORPUS = b"".join((DATA / f"{name}.log").read_bytes() for name in (
    "tomcat-jul-records-and-indented-exceptions-keep-their-header-lines",
    "django-and-celery-tracebacks-stay-with-their-header-lines",
    "junit-assertion-message-over-several-lines-belongs-to-its-trace",
    "ruoyi-time-only-layout-keeps-error-lines-with-their-traces"))
AUTO = ParseOptions()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(AUTO_CORPUS)), max_size=40))
def test_zero_configuration_chunk_boundaries_anywhere_give_the_same_events(cuts: list[int]) -> None:
    assert summary(run(AUTO_CORPUS, cuts, AUTO)) == summary(run(AUTO_CORPUS, [], AUTO))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(AUTO_CORPUS)))
def test_zero_configuration_restart_at_resume_offset_gives_the_same_remaining_events(prefix: int) -> None:
    whole = summary(run(AUTO_CORPUS, [], AUTO))
    asm = Assembler(AUTO, SOURCE, 0)
    first = summary(asm.feed(AUTO_CORPUS[:prefix], 0, NOW_MS)) if prefix else []
    resume = asm.resume_offset
    assert resume <= prefix
    rest = summary(run(AUTO_CORPUS[resume:], [], AUTO, start=resume))
    assert first == whole[:len(first)]
    assert rest == [ev for ev in whole if ev[1] >= resume]


def test_zero_configuration_events_tile_the_input() -> None:
    events = run(AUTO_CORPUS, [], AUTO)
    assert events[0].offset == 0 and events[-1].end_offset == len(AUTO_CORPUS)
    assert all(a.end_offset == b.offset for a, b in zip(events, events[1:]))
