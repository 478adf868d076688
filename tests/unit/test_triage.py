"""`Triage.scan` (parsers/native/src/triage.rs): the classifier's three questions about a
single-line message in one pass, answered as the word screen, `Masker.may_mask` and
`TraceKeys.find` answer them one by one (no ids: None, no list)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers._native import TraceKeys, Triage
from parsers.classify import Classifier
from parsers.masking import Masker
from parsers.options import MaskingOptions, ParseOptions
from parsers.prescreen import screen
from parsers import unicode_classes

WORDS = ("==>", "SQL", "|", "耗时", "ost", " in ", "order", "No=")  # two match where keys do
KEYS = ["orderNo", "订单号", "tradeNo"]
PIECES = ["orderNo=ord_1", "订单号：A123", "tradeNo = 'T-9.1'", "13812345678", "a@example.com", "@", "ost", "耗时",
          "|", "==>", "SQL", " in ", "6222021234567890", "1101011990", "x", " ", "9", "é", "\ud800", "_orderNo=1"]
text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=8).map("".join)


def answers(masker: Masker, words, keys: TraceKeys | None, message: str) -> tuple:
    return (words is None or words.holds(message), masker.may_mask(message),
            None if keys is None else keys.find(message) or None)


@settings(max_examples=500, deadline=None)
@given(text, st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_scan_answers_as_the_three_scans_do(message: str, with_screen: bool, with_keys: bool, emails: bool,
                                            patterns: bool) -> None:
    masker = Masker(MaskingOptions(emails=emails, patterns=("secret",) if patterns else ()))
    words = screen([WORDS]) if with_screen else None
    keys = TraceKeys(KEYS, unicode_classes.table()) if with_keys else None
    triage = Triage(words, masker.masks_any_text, masker.masks_emails, keys)
    assert triage.scan(message) == answers(masker, words, keys, message)


def test_an_ordinary_line_needs_nothing_but_its_trace_ids() -> None:
    triage = Triage(screen([("==>", "SQL", "|", "耗时", "ost", " in ")]), False, True,
                    TraceKeys(KEYS, unicode_classes.table()))
    assert triage.scan("Create order success, orderNo=ord_20261126_000960, amount=3.26") == (
        False, False, ["ord_20261126_000960"])
    assert triage.scan("user a@example.com paid") == (False, True, None)
    assert triage.scan("SQL took 5ms") == (True, False, None)


def test_a_classifier_without_a_screen_reads_every_message() -> None:
    classifier = Classifier(ParseOptions(), prescreen=False)
    assert classifier._triage.scan("nothing to see")[0] is True


def test_what_may_be_masked_follows_the_options() -> None:
    assert Masker(MaskingOptions()).may_mask("mail a@example.com") is True
    assert Masker(MaskingOptions(emails=False)).may_mask("mail a@example.com") is False
    assert Masker(MaskingOptions(emails=False)).may_mask("phone 13812345678") is True
    assert Masker(MaskingOptions(patterns=("secret",))).may_mask("nothing") is True
    assert Masker(MaskingOptions()).may_mask("order 12345 paid") is False
