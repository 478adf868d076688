"""Which engine matches a prefix regex: the compiled core's PCRE2 (`parsers._native.Layout`)
when `pcre_syntax` can write the pattern for it meaning the same, else Python's `re`.

A layout of `grammar` hands out its groups in one tuple (`compiled_layout`); the field tokens of
`fields` and the timestamp forms of `auto` are read through a match object read as
`re.Match` (`prefix_regex`), whose `lastgroup` names a token's kind: the one of the `k_`
groups (each alternative's own empty group at its end) that took part.
"""

from __future__ import annotations

import re

from parsers._native import Layout
from parsers.prefix.pcre_syntax import pcre_pattern


def compiled_layout(fast: re.Pattern, names: tuple[str, ...]) -> Layout | None:
    """The compiled core's reader of `names` from a line `fast` matches (`fields(line)`), or
    None when PCRE2 cannot mean the same."""
    return _layout(fast.pattern, list(names), [])


def prefix_regex(pattern: str) -> Layout | re.Pattern:
    """`pattern` compiled, its `match(text, pos)` read as `re`'s (`lastgroup`: of its `k_` groups)."""
    rx = re.compile(pattern)
    kinds = [name for name in sorted(rx.groupindex, key=rx.groupindex.__getitem__) if name.startswith("k_")]
    return _layout(pattern, [], kinds) or rx


def _layout(pattern: str, names: list[str], kinds: list[str]) -> Layout | None:
    spelled = pcre_pattern(pattern)
    if spelled is None:
        return None
    try:
        return Layout(spelled, names, kinds)
    except ValueError:  # PCRE2 refuses what Python's re takes (a repeat past 65,535)
        return None
