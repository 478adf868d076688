"""Masking of personal data in messages, validated so that ids stay readable.

`Masker(options).mask(text)` -> (masked text, {kind: count}) with kinds
    cn_id    Chinese resident id: 17 digits + digit/X, ISO 7064 MOD 11-2 check
             digit, plausible birth date            110101********1234
    card     13-19 digits (or 4-digit groups split by space/dash), Luhn-valid,
             a length its issuer gives (Visa 13/16/19, Mastercard
             16, Amex 15, UnionPay up to 19...)     622202******1234
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

Ids, cards and phones are found and validated in the compiled core (`parsers/native`,
`mask_numbers`), in one pass over the bytes per kind; emails and configured patterns
are regexes here. A message with no run of 11 digits, no `dddd dddd dddd` group, no `@`
and no configured pattern comes back untouched after one scan of its bytes.
"""

from __future__ import annotations

import re

from parsers._native import cn_id_valid, luhn_valid, mask_numbers, may_mask_text
from parsers.options import MaskingOptions

__all__ = ["Masker", "cn_id_valid", "luhn_valid"]

_EMAIL = re.compile(r"(?<![\w.%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")


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

    @property
    def masks_any_text(self) -> bool:
        """Configured patterns may match any text: `may_mask` is always True."""
        return bool(self._patterns)

    @property
    def masks_emails(self) -> bool:
        return self._options.emails

    def may_mask(self, text: str) -> bool:
        """False when `mask(text)` certainly returns `text` unchanged, and so for every
        substring of it (the fast-path test: no digit run, card group or `@`)."""
        return may_mask_text(text, bool(self._patterns), self._options.emails)  # the rule Triage reads too

    def mask(self, text: str) -> tuple[str, dict[str, int]]:
        opts = self._options
        counts: dict[str, int] = {}
        if opts.cn_id or opts.cards or opts.phones:
            got = mask_numbers(text, opts.cn_id, opts.cards, opts.phones)
            if got is not None:
                text, ids, cards, phones = got
                for kind, n in (("cn_id", ids), ("card", cards), ("phone", phones)):
                    if n:
                        counts[kind] = n
        if opts.emails and "@" in text:
            def email_sub(m: re.Match[str]) -> str:
                counts["email"] = counts.get("email", 0) + 1
                return m.group(1) + "***@" + m.group(2)
            text = _EMAIL.sub(email_sub, text)
        for rx in self._patterns:
            def pattern_sub(m: re.Match[str]) -> str:
                if not m.group():
                    return m.group()
                counts["pattern"] = counts.get("pattern", 0) + 1
                return "***"
            text = rx.sub(pattern_sub, text)
        return text, counts
