"""Trace ids after configured keys (`orderNo=ord_1`): a key inside a word is no key, and
the compiled scanner (`TraceKeys`) reads what the regex with a leading look-behind reads,
with Python's `\\w` and `\\s` (non-ASCII letters, spaces and astral characters included)."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from parsers import unicode_classes
from parsers._native import TraceKeys
from parsers.classify import Classifier
from parsers.multiline import RawRecord
from parsers.options import ParseOptions
from parsers.prefix.grammar import Prefix


def lookbehind_first(keys: tuple[str, ...]) -> re.Pattern[str]:
    """The regex as first written: the look-behind before the alternatives."""
    alt = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alt})\s*[=:：]\s*[\"']?([A-Za-z0-9][\w\-.]{{2,63}})")


def trace_ids(message: str, keys: tuple[str, ...] = ParseOptions().trace_keys) -> list[str]:
    rec = RawRecord(Prefix(message, logger="c.f.Pay", format="logback"), message)
    return Classifier(ParseOptions(format="logback", trace_keys=keys)).event(rec).trace_ids


def test_keys_at_the_start_after_punctuation_but_not_inside_a_word() -> None:
    assert trace_ids("orderNo=ord_1 x,tradeNo: T123 xorderNo=ord_2 a.refundNo=r_9 订单号：20261126") == [
        "ord_1", "T123", "r_9", "20261126"]
    assert trace_ids("_orderNo=ord_3 9orderNo=ord_4") == []


KEYS = st.lists(st.one_of(st.sampled_from(["orderNo", "order_no", "订单号", "No", "o", "=", "(", ".x", "\n"]),
                          st.text(min_size=1, max_size=4)), min_size=1, max_size=4).map(tuple)
PIECES = st.one_of(st.sampled_from(["orderNo", "order_no", "订单号", "=", ":", "：", " ", "x", "_", "ord_1", "\"",
                                    "'", "\n", "é", "9", "No=abc", "\u3000", "\x1c", "\u0345", "𝟘", "𐀀", "-", ".",
                                    "\ud800"]), st.text(max_size=5))


@settings(max_examples=1500, deadline=None)
@example(("\n",), "x\n=abc \n=def")  # a key that starts with a line break, after a word character
@example(("o",), "o=a" + "b" * 70)  # a value is cut at 64 characters
@example(("orderNo", "order"), "orderNo=x1y order = 'ab1' order\u3000：\u3000ab𝟘c")
@given(KEYS, st.lists(PIECES, max_size=12).map("".join))
def test_the_scanner_reads_what_the_lookbehind_first_regex_reads(keys: tuple[str, ...], message: str) -> None:
    assert TraceKeys(list(keys), unicode_classes.table()).find(message) == lookbehind_first(keys).findall(message)


def test_the_class_table_is_pythons() -> None:
    table = unicode_classes.table()
    for cp in (0x5F, 0x41, 0x20, 0x1C, 0x85, 0xA0, 0x345, 0x3000, 0x4E2D, 0xFF10, 0xD800):
        ch = chr(cp)
        assert table[cp] == bool(re.match(r"\w", ch)) | bool(re.match(r"\s", ch)) << 1, hex(cp)
