"""Masking of personal data in messages, validated so that ids stay readable.

`Masker(options).mask(text)` -> (masked text, {kind: count}) with kinds
    cn_id    Chinese resident id: 17 digits + digit/X, ISO 7064 MOD 11-2 check
             digit, plausible birth date            110101********1234
    card     13-19 digits (or 4-digit groups split by space/dash), Luhn-valid,
             issuer digit 3-6 or 2221-2720          622202******1234
    phone    mainland mobile 1[3-9]xxxxxxxxx, optional +86, not inside a longer
             digit run                              138****5678
    email    first character and domain kept        a***@example.com
    pattern  each configured regex: whole match     ***

A number glued to ASCII letters or digits (`wx19246338620a80`, a hex id) is not
masked; one next to Chinese text (`手机13812345678`) is.
Order numbers, trade numbers and millisecond timestamps are long digit runs too;
the checksums (and the issuer digit for cards: a 13-digit epoch-ms or a trade no
starting with 2026 is never masked) are what keep them readable. Ids are tried
before cards, so an 18-digit string valid as both counts once, as cn_id.

Fast path: a message with no run of 11 digits, no `dddd dddd dddd` group, no `@`
and no configured pattern comes back untouched after one bytes.translate, one
regex search and one substring test.
"""

from __future__ import annotations

import datetime as _dt
import re

from parsers.options import MaskingOptions

# Fast path: digits become b"0", '@' stays, everything else (any non-ASCII byte
# included) becomes a space; then three substring tests on the bytes.
# (One bytes.translate beats any regex search for a digit run by 2x here.)
_DIGIT_SHAPE = bytes(48 if 48 <= b <= 57 else 64 if b == 64 else 32 for b in range(256))
# `00000000000` or `0000 0000 0000` in the shape. One search on the bytes: `in` with a needle
# holding spaces is slow on a shape that is mostly spaces (5-10x on a stack trace).
_DIGITS_SHAPE = re.compile(rb"0000(?:0000000| 0000 0000)")
_CN_ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
# A card is one run of 13-19 digits, or 4-digit groups split by one space or dash
# (the last group may be shorter: 19-digit UnionPay cards print as 4-4-4-4-3).
_CARD = re.compile(r"(?<![0-9A-Za-z])[2-6][0-9]{3}(?:[0-9]{9,15}|(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,4})?)(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9A-Za-z+])(\+86[ -]?)?(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9A-Za-z])")
_EMAIL = re.compile(r"(?<![\w.%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def cn_id_valid(text: str) -> bool:
    """18-char resident id with a correct MOD 11-2 check character and a real birth
    date between 1900 and today's century (no clock: years up to 2099)."""
    body, check = text[:17], text[17].upper()
    if _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11] != check:
        return False
    year, month, day = int(text[6:10]), int(text[10:12]), int(text[12:14])
    if not 1900 <= year <= 2099:
        return False
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _card_issuer_ok(digits: str) -> bool:
    return digits[0] != "2" or 2221 <= int(digits[:4]) <= 2720


def _mask_card(s: str) -> str | None:
    """`s` with all but the first 6 and last 4 digits starred, if it is a valid card."""
    digits = s.replace(" ", "").replace("-", "")
    if not 13 <= len(digits) <= 19 or not _card_issuer_ok(digits) or not luhn_valid(digits):
        return None
    out, seen, hide_to = [], 0, len(digits) - 4
    for ch in s:
        if ch in "0123456789":
            seen += 1
            out.append("*" if 6 < seen <= hide_to else ch)
        else:
            out.append(ch)
    return "".join(out)


class Masker:
    """Masks the kinds enabled in `MaskingOptions`; `mask(text)` is total."""

    __slots__ = ("_options", "_patterns")

    def __init__(self, options: MaskingOptions = MaskingOptions()) -> None:
        self._options = options
        compiled = []
        for source in options.patterns:
            try:
                compiled.append(re.compile(source))
            except re.error as e:
                raise ValueError(f"masking.patterns: {source!r} is not a regex: {e}") from None
        self._patterns = tuple(compiled)

    def may_mask(self, text: str) -> bool:
        """False when `mask(text)` certainly returns `text` unchanged, and so for every
        substring of it (the fast-path test: no digit run, card group or `@`)."""
        if self._patterns:
            return True
        shape = text.encode("utf-8", "surrogatepass").translate(_DIGIT_SHAPE)
        return _DIGITS_SHAPE.search(shape) is not None or (self._options.emails and b"@" in shape)

    def mask(self, text: str) -> tuple[str, dict[str, int]]:
        opts = self._options
        if not self._patterns:
            shape = text.encode("utf-8", "surrogatepass").translate(_DIGIT_SHAPE)
            if _DIGITS_SHAPE.search(shape) is None and not (opts.emails and b"@" in shape):
                return text, {}
        counts: dict[str, int] = {}

        def count(kind: str) -> None:
            counts[kind] = counts.get(kind, 0) + 1

        if opts.cn_id:
            def id_sub(m: re.Match[str]) -> str:
                s = m.group()
                if not cn_id_valid(s):
                    return s
                count("cn_id")
                return s[:6] + "********" + s[14:]
            text = _CN_ID.sub(id_sub, text)
        if opts.cards:
            def card_sub(m: re.Match[str]) -> str:
                s = m.group()
                masked = _mask_card(s)
                if masked is None and (" " in s or "-" in s):  # a number right after a grouped card?
                    cut = max(s.rfind(" "), s.rfind("-"))
                    masked = _mask_card(s[:cut])
                    masked = None if masked is None else masked + s[cut:]
                if masked is None:
                    return s
                count("card")
                return masked
            text = _CARD.sub(card_sub, text)
        if opts.phones:
            def phone_sub(m: re.Match[str]) -> str:
                count("phone")
                return (m.group(1) or "") + m.group(2) + "****" + m.group(4)
            text = _PHONE.sub(phone_sub, text)
        if opts.emails and "@" in text:
            def email_sub(m: re.Match[str]) -> str:
                count("email")
                return m.group(1) + "***@" + m.group(2)
            text = _EMAIL.sub(email_sub, text)
        for rx in self._patterns:
            def pattern_sub(m: re.Match[str]) -> str:
                if not m.group():
                    return m.group()
                count("pattern")
                return "***"
            text = rx.sub(pattern_sub, text)
        return text, counts
