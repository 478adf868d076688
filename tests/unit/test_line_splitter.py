"""The line splitter: lines and their byte offsets whatever the chunks, and the clean
form (texts and sizes, no `Line` objects) for UTF-8 text as well as for ASCII, so that
Chinese logs take the assembler's fast path."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.ansi import strip_ansi
from parsers.lines import FLAG_GB18030, LineSplitter

PIECES = st.sampled_from(["2026-11-26 10:15:30.123 [main] INFO  c.f.Pay - ", "订单不存在", "耗时 35ms", "ok", " ",
                          "\tat c.f.Pay.run(Pay.java:1)", "é", "𝟘", "\r", "\x00", "\x1b[31m", "x" * 40])
LINES = st.lists(st.lists(PIECES, max_size=6).map("".join), min_size=1, max_size=30)


def reference(data: bytes, limit: int) -> list[tuple[str, int, int, tuple[str, ...]]]:
    """The data read whole, one chunk: what any chunking must give."""
    s = LineSplitter(limit)
    return [(ln.text, ln.offset, ln.end_offset, ln.flags) for ln in s.feed(data, 0) + s.finish()]


@settings(max_examples=300, deadline=None)
@given(LINES, st.lists(st.integers(0, 4000), max_size=6), st.sampled_from([8, 64, 1 << 20]))
def test_lines_and_offsets_do_not_depend_on_the_chunks(lines: list[str], cuts: list[int], limit: int) -> None:
    data = "\n".join(lines).encode("utf-8") + b"\n"
    bounds = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    s, got = LineSplitter(limit), []
    for a, b in zip(bounds, bounds[1:]):
        got += [(ln.text, ln.offset, ln.end_offset, ln.flags) for ln in s.feed(data[a:b], a)]
    got += [(ln.text, ln.offset, ln.end_offset, ln.flags) for ln in s.finish()]
    assert got == reference(data, limit)
    assert [g[1] for g in got] == [0, *(g[2] for g in got[:-1])]  # the lines tile the bytes
    assert got[-1][2] == len(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_characters="\n\r\x00\x1b", blacklist_categories=["Cs"]),
                        max_size=12), min_size=1, max_size=20))
def test_utf8_lines_come_back_clean_with_their_sizes_in_bytes(lines: list[str]) -> None:
    data = "\n".join(lines).encode("utf-8") + b"\n"
    flagged, clean, sizes, offset = LineSplitter(1 << 20).split(data, 0)
    assert flagged == [] and offset == 0
    assert clean == lines
    assert sizes == [len(line.encode("utf-8")) for line in lines]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_characters="\n\r\x00\x1b", blacklist_categories=["Cs"]),
                        max_size=12), min_size=1, max_size=20), st.booleans())
def test_windows_line_ends_stay_clean_and_count_in_the_sizes(lines: list[str], ascii_only: bool) -> None:
    if ascii_only:
        lines = [line.encode("ascii", "replace").decode() for line in lines]
    data = "\r\n".join(lines).encode("utf-8") + b"\r\n"
    flagged, clean, sizes, _ = LineSplitter(1 << 20).split(data, 0)
    assert flagged == [] and clean == lines
    assert sizes == [len(line.encode("utf-8")) + 1 for line in lines]


def test_a_carriage_return_inside_a_line_is_read_line_by_line() -> None:
    flagged, clean, _, _ = LineSplitter(1 << 20).split("耗时\r35ms\r\nok\n".encode("utf-8"), 0)
    assert clean == [] and [ln.text for ln in flagged] == ["耗时\r35ms", "ok"]


def test_a_chunk_with_one_line_that_is_not_utf8_is_read_line_by_line() -> None:
    data = "耗时 35ms\n".encode("utf-8") + "订单不存在\n".encode("gb18030") + b"ok\n"
    flagged, clean, sizes, _ = LineSplitter(1 << 20).split(data, 0)
    assert clean == [] and sizes == []
    assert [(ln.text, ln.offset, ln.end_offset, ln.flags) for ln in flagged] == [
        ("耗时 35ms", 0, 12, ()), ("订单不存在", 12, 23, (FLAG_GB18030,)), ("ok", 23, 26, ())]


COLOURED = st.lists(st.lists(st.sampled_from(["\x1b[34mINFO\x1b[0;39m", "\x1b[1m", "\x1b[", "\x1b", "[0m", "耗时", "a",
                                               " ", "\r"]), max_size=6).map("".join), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(COLOURED, st.booleans())
def test_colour_codes_come_off_clean_lines_when_the_reader_strips_them(lines: list[str], crlf: bool) -> None:
    lines = [line.replace("\r", "") for line in lines]
    end = "\r\n" if crlf else "\n"
    data = end.join(lines).encode("utf-8") + end.encode()
    splitter = LineSplitter(1 << 20)
    splitter.strip_escapes = True
    flagged, clean, sizes, _ = splitter.split(data, 0)
    assert flagged == [] and clean == [strip_ansi(line) for line in lines]
    assert sizes == [len(line.encode("utf-8")) + crlf for line in lines]


def test_colour_codes_stay_for_a_reader_that_does_not_strip_them() -> None:
    flagged, clean, _, _ = LineSplitter(1 << 20).split(b"\x1b[34mINFO\x1b[0;39m ok\n", 0)
    assert clean == [] and [ln.text for ln in flagged] == ["\x1b[34mINFO\x1b[0;39m ok"]
