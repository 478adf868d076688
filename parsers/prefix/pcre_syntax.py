"""A layout's Python regex written for PCRE2 (`parsers._native.Layout`), meaning the same.

The two engines read the same syntax for what layouts use (named groups, look-arounds,
`(?i:...)`, classes, counted repeats) but differ in a few classes and escapes:

- `\\s`: Python's whitespace holds the four information separators U+001C-U+001F,
  which PCRE2's does not: they are added;
- `\\w`: Python's word characters are letters, digits and numbers (`str.isalnum`) and
  `_`; PCRE2 10.43+ adds combining marks and connector punctuation: written out as
  `\\p{L}\\p{N}_`;
- `\\Z` is PCRE2's `\\z`, `\\v` (a vertical tab) its `\\x0b`; `\\uXXXX` and `\\UXXXXXXXX`
  are `\\x{...}`; a `[` inside a class is escaped (PCRE2 reads `[:` there as a POSIX class).

`[^\\W\\d_]` (letters, and numbers that are no digits) is written `[\\p{L}\\p{Nl}\\p{No}]`.
The classes mean the same for every character Python's Unicode database knows; one assigned
later (Unicode 15 and 16, which PCRE2 10.45 knows and Python 3.11 does not) is a letter or a
digit to PCRE2 only.
`pcre_pattern()` returns None for what it cannot write the same way (another `\\S` or `\\W`
inside a class, `\\b`, `\\N{...}`, inline flags other than `i`, `s`, `m`): such a pattern
stays with Python's `re`.
"""

from __future__ import annotations

_SPACE = r"\s\x1c-\x1f"
_WORD = r"\p{L}\p{N}_"
# escape letter -> (outside a class, inside a class); None: not the same in PCRE2
_CLASSES = {
    "s": (f"[{_SPACE}]", _SPACE),
    "S": (f"[^{_SPACE}]", None),
    "w": (f"[{_WORD}]", _WORD),
    "W": (f"[^{_WORD}]", None),
    "Z": (r"\z", None),
    "b": (None, None),
    "B": (None, None),
    "N": (None, None),
    "v": (r"\x0b", r"\x0b"),  # Python's vertical tab; PCRE2's `\v` is a class of vertical spaces
}
_INLINE_FLAGS = frozenset("ism")
_LETTERS_ONLY = r"[^\W\d_]"  # the one class holding `\W` written out: letters, and numbers that are no digits
_LETTERS = r"[\p{L}\p{Nl}\p{No}]"


def pcre_pattern(pattern: str) -> str | None:
    """`pattern` (Python `re` syntax) in PCRE2 syntax, or None when it cannot be written the same."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = class_start = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                return None
            e = pattern[i + 1]
            class_start = False
            if e in _CLASSES:
                spelled = _CLASSES[e][1 if in_class else 0]
                if spelled is None:
                    return None
                out.append(spelled)
                i += 2
                continue
            if e in "uU":
                width = 4 if e == "u" else 8
                digits = pattern[i + 2:i + 2 + width]
                if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                    return None
                out.append(f"\\x{{{digits}}}")
                i += 2 + width
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]" and not class_start:
                in_class = False
            elif c == "[":
                c = "\\["
            class_start = False
            out.append(c)
            i += 1
            continue
        if c == "[" and pattern.startswith(_LETTERS_ONLY, i):
            out.append(_LETTERS)  # `[^\W\d_]`: Python's letters, `\w` less digits and `_`
            i += len(_LETTERS_ONLY)
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if pattern[i:i + 1] == "^":
                out.append("^")
                i += 1
            class_start = True  # a `]` first in the class is a literal, in both engines
            continue
        if c == "(" and pattern[i + 1:i + 2] == "?":
            rest = pattern[i + 2:i + 3]
            if rest.isalpha() and rest != "P":
                j = i + 2
                while j < n and pattern[j].isalpha():
                    j += 1
                if not set(pattern[i + 2:j]) <= _INLINE_FLAGS or pattern[j:j + 1] not in (":", ")"):
                    return None
        out.append(c)
        i += 1
    return None if in_class else "".join(out)
