"""Which single-line messages no recogniser can read: one pass of substring tests.

Most records are ordinary lines: no MyBatis marker, no table mark, no SQL or method
timing. Each recogniser answers None for a message that holds none of its trigger words,
the words it tests itself before any regex runs (`mybatis.TRIGGERS`,
`TableParser.triggers`, `SqlTimingParser.triggers`, `statement.TRIGGERS`,
`MethodTimingParser.triggers`). The screen is their union; a message that holds none
of them (and whose logger is no statement logger) skips every recogniser.

A word that holds another one is left out: where it occurs, so does the shorter one
(`took` and `ook`). A recogniser with user regexes (`patterns`) may match any message:
it has no trigger words (None), and then there is no screen.

`Screen(words)` (the compiled core, `parsers/native`) tests all the words in one
Aho-Corasick pass over the message's bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from parsers._native import Screen

__all__ = ["Screen", "may_apply", "screen", "screen_words"]


def screen_words(word_sets: Iterable[tuple[str, ...] | None]) -> tuple[str, ...] | None:
    """The words a message must hold one of to reach a recogniser, in the order given;
    None when a recogniser may match any message."""
    words: list[str] = []
    for word_set in word_sets:
        if word_set is None:
            return None
        for word in word_set:
            if word not in words:
                words.append(word)
    # a word that holds another is implied by it (`"" in message` is always true: it stays alone)
    kept = [w for w in words if not any(o != w and o in w for o in words)]
    return tuple(kept)


def screen(word_sets: Iterable[tuple[str, ...] | None]) -> Screen | None:
    """The compiled screen of `screen_words(word_sets)`; None when there is none. Files
    read with the same options share one (a shipper follows a thousand files)."""
    words = screen_words(word_sets)
    return None if words is None else _compiled(words)


@lru_cache(maxsize=64)
def _compiled(words: tuple[str, ...]) -> Screen:
    return Screen(list(words))


def may_apply(words: Screen | None, message: str) -> bool:
    """False when `message` holds none of the screen's words: no recogniser can read it."""
    return words is None or words.holds(message)
