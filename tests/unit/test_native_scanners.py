"""The compiled scanners (`parsers/native`) against the regexes they stand for.

`mask_numbers` finds ids, cards and phones by hand-written byte scans; these tests hold
it to the regexes in `parsers/native/src/masking.rs`'s header, run by `re` with
`re.sub`'s leftmost, non-overlapping order and the same validation, on text made of
digits, separators, `+86`, letters, non-ASCII characters and lone surrogates. The
screen is held to `any(word in text for word in words)`."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers._native import Screen, cn_id_valid, luhn_valid, mask_numbers, may_mask_text

CN_ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
CARD = re.compile(r"(?<![0-9A-Za-z])[2-6][0-9]{3}(?:[0-9]{9,15}|(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,4})?)"
                  r"(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9A-Za-z+])(\+86[ -]?)?(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9A-Za-z])")
SHAPE = re.compile(r"[0-9]{11}|[0-9]{4}[^0-9@][0-9]{4}[^0-9@][0-9]{4}")


# the lengths the card networks give their numbers, by issuer prefix
_ISSUER_LENGTHS = {"2": range(16, 17), "34": range(15, 16), "37": range(15, 16), "35": range(16, 20),
                   "30": range(14, 20), "36": range(14, 20), "38": range(14, 20), "39": range(14, 20),
                   "4": (13, 16, 19), **{str(k): range(16, 17) for k in range(51, 56)}, "5": range(13, 20),
                   "6": range(13, 20)}


def _card(s: str) -> str | None:
    digits = s.replace(" ", "").replace("-", "")
    if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
        return None
    if digits[0] == "2" and not 2221 <= int(digits[:4]) <= 2720:
        return None
    lengths = _ISSUER_LENGTHS.get(digits[:2]) or _ISSUER_LENGTHS.get(digits[0]) or ()
    if len(digits) not in lengths:
        return None
    seen, out = 0, []
    for ch in s:
        seen += ch.isdigit()
        out.append("*" if ch.isdigit() and 6 < seen <= len(digits) - 4 else ch)
    return "".join(out)


def reference(text: str, ids: bool, cards: bool, phones: bool) -> tuple[str, int, int, int] | None:
    counts = [0, 0, 0]

    def id_sub(m: re.Match[str]) -> str:
        s = m.group()
        if not cn_id_valid(s):
            return s
        counts[0] += 1
        return s[:6] + "********" + s[14:]

    def card_sub(m: re.Match[str]) -> str:
        s = m.group()
        masked = _card(s)
        if masked is None and (" " in s or "-" in s):
            cut = max(s.rfind(" "), s.rfind("-"))
            masked = _card(s[:cut])
            masked = None if masked is None else masked + s[cut:]
        if masked is None:
            return s
        counts[1] += 1
        return masked

    def phone_sub(m: re.Match[str]) -> str:
        counts[2] += 1
        return (m.group(1) or "") + m.group(2) + "****" + m.group(4)

    if ids:
        text = CN_ID.sub(id_sub, text)
    if cards:
        text = CARD.sub(card_sub, text)
    if phones:
        text = PHONE.sub(phone_sub, text)
    return (text, *counts) if any(counts) else None


PIECES = ["4111111111111111", "4111 1111 1111 1111", "6222 0212 3456 7890 123", "5105-1051-0510-5100",
          "2221000000000009", "13812345678", "+86 13812345678", "+8613812345678", "11010519491231002X",
          "110105194912310021", "440524188001010014", "a@b.cn", "2026", "1", "-", " ", "+", "x"]
CHARS = st.one_of(st.sampled_from(list("0123456789" * 4 + "  --+86Xx@a_é中")),
                  st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
RUNS = st.text(alphabet="0123456789", min_size=4, max_size=20)
TEXT = st.lists(st.one_of(CHARS, st.sampled_from(PIECES), RUNS), max_size=30).map("".join)


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(TEXT, st.booleans(), st.booleans(), st.booleans())
def test_mask_numbers_is_the_three_regexes_in_turn(text: str, ids: bool, cards: bool, phones: bool) -> None:
    assert mask_numbers(text, ids, cards, phones) == reference(text, ids, cards, phones)


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(TEXT)
def test_may_mask_without_patterns_or_emails_is_the_digit_shape_test(text: str) -> None:
    shaped = may_mask_text(text, False, False)
    assert shaped == (SHAPE.search(text.encode("utf-8", "surrogatepass").decode("latin-1")) is not None)
    if not shaped:
        assert mask_numbers(text, True, True, True) is None


def test_masked_examples() -> None:
    got = mask_numbers("卡号4111 1111 1111 1111 手机+86 13812345678 身份证11010519491231002X", True, True, True)
    assert got == ("卡号4111 11** **** 1111 手机+86 138****5678 身份证110105********002X", 1, 1, 1)
    assert mask_numbers("trade 2026112610153012345 ts=1764547200000", True, True, True) is None
    assert mask_numbers("wx19246338620a80 13812345678x", True, True, True) is None


def test_check_digits() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert cn_id_valid("11010519491231002X") and cn_id_valid("11010519491231002x")
    assert not cn_id_valid("110105194913310025")  # month 13
    assert not cn_id_valid("11010519491231002")  # 17 characters


WORDS = st.lists(st.text(alphabet="ab中 =\ud800", max_size=3), max_size=5)


@settings(max_examples=2000, deadline=None)
@given(WORDS, st.text(alphabet="ab中 =x\ud800", max_size=20))
def test_screen_holds_any_word(words: list[str], text: str) -> None:
    assert Screen(words).holds(text) == any(w in text for w in words)


def test_files_read_with_the_same_options_share_the_compiled_scanners() -> None:
    """A shipper follows a thousand files: their classifiers must not each hold a copy of the
    automata and of the 64 KiB class table (that was 120 MiB more for 1,000 idle files)."""
    from parsers.classify import Classifier
    from parsers.options import ParseOptions

    a, b = Classifier(ParseOptions()), Classifier(ParseOptions())
    assert a.trace_keys is b.trace_keys and a.trace_keys is not None
    assert a._screen is b._screen and a._screen is not None
    other = Classifier(ParseOptions(trace_keys=("bizNo",)))
    assert other.trace_keys is not a.trace_keys
