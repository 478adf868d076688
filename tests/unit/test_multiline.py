"""Multi-line assembly: golden logs, bounds, flush timeout, offsets conserved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from parsers.multiline import Multiline, RawRecord
from parsers.options import Bounds
from parsers.prefix.layouts import Prefix, compile_format

DATA = Path(__file__).parent / "data" / "multiline"
LOGS = sorted(DATA.glob("*.log"))


def closed(ml: Multiline, rec: RawRecord | None) -> list[RawRecord]:
    """The records a call closed: those it left in `ready` first, then the one it returned."""
    out = [*ml.ready, *([rec] if rec is not None else [])]
    ml.ready.clear()
    return out


def feed(data: bytes, fmt: str, dialect: str, bounds: Bounds = Bounds()) -> list[RawRecord]:
    """Push every line of `data` with its byte offsets, the way the pipeline does."""
    parser, ml, out, offset = compile_format(fmt), Multiline(dialect, bounds), [], 0
    for raw in data.splitlines(keepends=True):
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        out += closed(ml, ml.push(line, parser.parse(line), offset, offset + len(raw), 0))
        offset += len(raw)
    return out + closed(ml, ml.finish())


@pytest.mark.parametrize("log", LOGS, ids=[p.stem for p in LOGS])
def test_each_golden_log_assembles_into_its_expected_records(log):
    expected = json.loads(log.with_suffix(".expected.json").read_text(encoding="utf-8"))
    data = log.read_bytes()
    records = feed(data, expected["format"], expected["dialect"])
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A]
    got = [[starts.index(r.offset), 1 + len(r.continuation)] for r in records]
    assert got == expected["records"]


def _line(i: int) -> str:
    return f"2026-11-26 10:15:30.{i % 1000:03d} [main] INFO  a.B - line {i}"


def test_single_line_records_close_when_the_next_record_starts():
    data = "\n".join(_line(i) for i in range(3)).encode() + b"\n"
    records = feed(data, "logback", "java")
    assert [r.first.message for r in records] == ["line 0", "line 1", "line 2"]
    assert all(not r.continuation and not r.truncated for r in records)


def test_a_continuation_line_with_no_pending_record_becomes_its_own_record():
    ml = Multiline("java", Bounds())
    assert ml.push("\tat a.B.c(B.java:1)", None, 0, 20, 0) is None
    rec = ml.finish()
    assert rec.first is None and rec.first_line == "\tat a.B.c(B.java:1)" and (rec.offset, rec.end_offset) == (0, 20)


def test_lines_past_max_event_lines_are_dropped_but_their_bytes_stay_covered():
    data = (_line(0) + "\n" + "\tat a.B.c(B.java:1)\n" * 10 + _line(1) + "\n").encode()
    first, second = feed(data, "logback", "java", Bounds(max_event_lines=4))
    assert len(first.continuation) == 3 and first.dropped_lines == 7 and first.truncated
    assert first.end_offset == second.offset


def test_lines_past_max_event_bytes_are_dropped_and_counted():
    frame = "\tat a.B.c(B.java:1)\n"
    data = (_line(0) + "\n" + frame * 10).encode()
    (rec,) = feed(data, "logback", "java", Bounds(max_event_bytes=len(_line(0)) + 1 + 3 * len(frame)))
    assert len(rec.continuation) == 3 and rec.dropped_lines == 7 and rec.end_offset == len(data)


def test_poll_closes_the_pending_record_only_after_flush_after_ms_of_silence():
    ml = Multiline("java", Bounds(flush_after_ms=1000))
    ml.push(_line(0), Prefix("x", format="logback"), 0, 10, now_ms=5000)
    assert ml.poll(5999) is None and ml.pending_offset == 0
    assert ml.poll(6000).offset == 0 and ml.pending_offset is None


def test_poll_counts_the_writers_silence_when_the_file_was_written_before_it_was_read():
    ml = Multiline("java", Bounds(flush_after_ms=1000))
    ml.push(_line(0), Prefix("x", format="logback"), 0, 10, now_ms=5000)
    assert ml.poll(5100, written_ms=4200) is None  # written 900 ms before: not silent long enough
    assert ml.poll(5100, written_ms=5050) is None  # written after it was read: the reader's clock
    assert ml.poll(5100, written_ms=4100).offset == 0  # silent for 1000 ms, though read 100 ms ago


def test_pending_offset_is_the_first_byte_of_the_record_still_open():
    ml = Multiline("java", Bounds())
    assert ml.pending_offset is None
    ml.push("a", Prefix("a", format="logback"), 0, 2, 0)
    ml.push("\tat x.Y.z(Y.java:1)", None, 2, 22, 0)
    ml.push("b", Prefix("b", format="logback"), 22, 24, 0)
    assert ml.pending_offset == 22


def test_dialect_none_makes_every_line_its_own_record():
    data = (_line(0) + "\n\tat a.B.c(B.java:1)\n").encode()
    assert [len(r.continuation) for r in feed(data, "logback", "none")] == [0, 0]


def test_an_unknown_dialect_is_a_value_error():
    with pytest.raises(ValueError, match="cobol"):
        Multiline("cobol", Bounds())


_KINDS = st.sampled_from(["prefix", "raw", "none"])
_TEXT = st.sampled_from(["x", "\tat a.B.c(B.java:1)", "Caused by: a.B: c", "java.lang.IllegalStateException: x",
                         "Traceback (most recent call last):", "  File \"a.py\", line 1, in f", "ValueError: v", "",
                         "During handling of the above exception, another exception occurred:", "中文 消息"])


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.tuples(_KINDS, _TEXT, st.integers(1, 300)), max_size=60),
       dialect=st.sampled_from(["auto", "java", "python", "none"]),
       max_lines=st.integers(1, 8), max_bytes=st.integers(1, 2000), polls=st.lists(st.booleans(), max_size=60),
       track=st.booleans())
def test_records_cover_every_pushed_byte_once_and_in_order(lines, dialect, max_lines, max_bytes, polls, track):
    ml = Multiline(dialect, Bounds(max_event_lines=max_lines, max_event_bytes=max_bytes, flush_after_ms=10), track)
    records, offset = [], 0
    for i, (kind, text, size) in enumerate(lines):
        prefix = {"prefix": Prefix(text, format="logback"), "raw": Prefix(text, format="raw"), "none": None}[kind]
        records += closed(ml, ml.push(text, prefix, offset, offset + size, now_ms=i * 100))
        offset += size
        if i < len(polls) and polls[i]:
            records += closed(ml, ml.poll(i * 100 + 10))
    records += closed(ml, ml.finish())
    assert ml.pending_offset is None
    spans = [(r.offset, r.end_offset) for r in records]
    assert [s for s, _ in spans] == [0, *(e for _, e in spans)][:len(spans)]  # contiguous: nothing lost or doubled
    assert (spans[-1][1] if spans else 0) == offset
    assert sum(1 + len(r.continuation) + r.dropped_lines for r in records) == len(lines)
    assert all(len(r.continuation) + 1 <= max_lines or not r.continuation for r in records)


@settings(max_examples=200, deadline=None)
@given(text=st.text(), blob=st.binary(), dialect=st.sampled_from(["auto", "java", "python", "none"]))
def test_multiline_is_total_on_arbitrary_text(text, blob, dialect):
    data = (text.encode("utf-8", "surrogatepass") + b"\n" + blob)
    for fmt in ("raw", "logback"):
        records = feed(data, fmt, dialect)
        assert sum(r.end_offset - r.offset for r in records) == len(data)


_LOGBACK = compile_format("logback")
_CLEAN_LINES = st.lists(st.sampled_from([
    "2026-11-26 10:15:30.123 [main] ERROR c.f.Pay - failed", "2026-11-26 10:15:31.001 [main] INFO  c.f.Pay - ok",
    "java.lang.IllegalStateException: x", "\tat a.B.c(B.java:1)", "\tat a.B.d(B.java:22)", "Caused by: a.B: c",
    "\t... 3 more", "", "  indented", "订单不存在", "x" * 40, "\tat " + "a." * 60 + "B.c(B.java:1)",
    "2026 is no record start", "[not a thread"]), max_size=80)


@settings(max_examples=300, deadline=None)
# a line that would fit after its record was cut for its bytes: dropped all the same
@example(lines=["2026-11-26 10:15:30.123 [main] ERROR c.f.Pay - failed", "\tat " + "a." * 60 + "B.c(B.java:1)",
                "2026 is no record start", "\tat a.B.c(B.java:1)"], cut=0, max_lines=12, max_bytes=100, dialect="java")
@given(lines=_CLEAN_LINES, cut=st.integers(0, 80), max_lines=st.integers(1, 12), max_bytes=st.integers(1, 600),
       dialect=st.sampled_from(["java", "auto"]))
def test_chunks_assemble_as_their_lines_pushed_one_by_one(lines, cut, max_lines, max_bytes, dialect):
    """`push_clean` (a trace's frames appended as a run) makes the records `push` makes line by
    line, wherever the chunks end."""
    bounds = Bounds(max_event_lines=max_lines, max_event_bytes=max_bytes)
    sizes = [len(line.encode()) for line in lines]
    one, by_line, offset = Multiline(dialect, bounds), [], 0
    for line, size in zip(lines, sizes):
        by_line += closed(one, one.push(line, _LOGBACK.parse(line), offset, offset + size + 1, 0))
        offset += size + 1
    chunk, cut = Multiline(dialect, bounds), min(cut, len(lines))
    at_once = chunk.push_clean(lines[:cut], sizes[:cut], 0, _LOGBACK.parse, _LOGBACK.first_chars, 0)
    rest = sum(sizes[:cut]) + cut  # the second chunk's first byte
    at_once += chunk.push_clean(lines[cut:], sizes[cut:], rest, _LOGBACK.parse, _LOGBACK.first_chars, 0)
    assert at_once + closed(chunk, chunk.finish()) == by_line + closed(one, one.finish())
