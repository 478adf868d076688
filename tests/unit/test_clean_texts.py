"""`clean_texts` (parsers/native/src/lines.rs): the clean lines of a chunk's body, as the
splitter reads them line by line, or None when one of them is not clean."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from parsers._native import clean_texts


def reference(body: bytes, limit: int) -> tuple[list[str], list[int]] | None:
    """The rule written out: every line UTF-8, no NUL, a \\r only at a line's end, within
    `limit` bytes (its \\r counted)."""
    raws = body.split(b"\n")
    if b"\x00" in body or any(len(raw) > limit or b"\r" in raw[:-1] for raw in raws):
        return None
    try:
        texts = [raw.decode("utf-8") for raw in raws]
    except UnicodeDecodeError:
        return None
    return [t[:-1] if t.endswith("\r") else t for t in texts], [len(raw) for raw in raws]


PIECES = st.sampled_from([b"a", b"\n", b"\r", b"\r\n", b"\x00", "耗时".encode(), "订".encode()[:2], b"\xff",
                          b"\xed\xa0\x80", b"\x1b[0m", b" ", b"2026-11-26 10:15:30.123 INFO x", "é".encode()])


@settings(max_examples=1000, deadline=None)
@example(b"a\rb", 10)  # a \r inside a line
@example(b"ab\r\n\r", 3)  # a \r at each end, the first line at the bound
@example(b"abcd", 3)  # past the bound
@given(st.lists(PIECES, max_size=12).map(b"".join), st.integers(1, 40))
def test_clean_texts_follow_the_rule(body: bytes, limit: int) -> None:
    assert clean_texts(body, limit) == reference(body, limit)


def test_a_clean_body_keeps_each_lines_size_as_read() -> None:
    assert clean_texts("订单 ok\r\nx\n".encode(), 100) == (["订单 ok", "x", ""], [10, 1, 0])
