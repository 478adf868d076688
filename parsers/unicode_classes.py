"""Python's `\\w` and `\\s` (what `re` means by them in a `str` pattern: `ch.isalnum() or
ch == "_"`, and `ch.isspace()`) for each code point of the Basic Multilingual Plane, as one
table for the compiled scanners (`parsers/native`), which ask Python above it. Made once
per process (about 10 ms), from this interpreter's Unicode database."""

from __future__ import annotations

from functools import cache

WORD, SPACE = 1, 2


@cache
def table() -> bytes:
    """65,536 bytes, one per code point: bit 0 `\\w`, bit 1 `\\s`."""
    return bytes((c.isalnum() or c == "_") | (c.isspace() << 1) for c in map(chr, range(0x10000)))
