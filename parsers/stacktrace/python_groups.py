"""Python 3.11+ exception groups, as `traceback` prints them:

      + Exception Group Traceback (most recent call last):
      |   File "/srv/pay/batch.py", line 12, in settle
      |     raise ExceptionGroup("settlement failed", errors)
      | ExceptionGroup: settlement failed (2 sub-exceptions)
      +-+---------------- 1 ----------------
        | Traceback (most recent call last):
        |   ...
        | ValueError: bad amount
        +---------------- 2 ----------------
        | KeyError: 'acct'
        +------------------------------------

The group's own traceback is drawn behind `| ` at its `+`'s column; each sub-exception
(a traceback, a bare `Type: msg`, a chain, or a group again) two columns further, after a
`+-+--- N ---` / `+--- N ---` bar; `+--- ... ---` then `and N more exceptions` stands for
those not printed, and `+-----` closes the group.

`read_group(lines, read)` turns such lines into exceptions, outermost first: the group,
then its first sub-exception's chain (a group is outermost, what it wraps its cause; the
first sub-exception is the one a wrapper like anyio's TaskGroup usually holds alone); the
other sub-exceptions are the group's `suppressed`. `read` reads a plain traceback's lines.
"""

from __future__ import annotations

import re
from typing import Callable

from parsers.stacktrace.model import ExceptionInfo

GROUP_START = re.compile(r"^( *)\+ Exception Group Traceback \(most recent call last\):\s*$")
_FIRST_BAR = re.compile(r"^( *)\+-\+-+ (?:\d+|\.\.\.) -+\s*$")  # a group's first sub-exception, under its text
_NEXT_BAR = re.compile(r"^( *)\+-+ (?:\d+|\.\.\.) -+\s*$")  # the next ones, two columns further
_CLOSE = re.compile(r"^( *)\+-+\s*$")  # closes the group, at the next ones' column
_DRAWN = re.compile(r"^( *)\|(?: (.*))?$")
_PLAIN_START = "Traceback (most recent call last):"

Reader = Callable[[list[str]], list[ExceptionInfo]]


def group_lines(lines: list[str], start: int) -> int:
    """The index after the group that starts at `lines[start]`: its drawn lines and bars,
    up to the bar that closes it."""
    col = len(GROUP_START.match(lines[start]).group(1))  # type: ignore[union-attr]
    i = start + 1
    while i < len(lines):
        line = lines[i]
        m = _DRAWN.match(line) or _FIRST_BAR.match(line) or _NEXT_BAR.match(line) or _CLOSE.match(line)
        if m is None or len(m.group(1)) < col:
            break
        i += 1
        if len(m.group(1)) == col + 2 and _CLOSE.match(line):
            break
    return i


def read_group(lines: list[str], read: Reader) -> list[ExceptionInfo]:
    """The exceptions of the group drawn in `lines` (its first line is GROUP_START)."""
    col = len(GROUP_START.match(lines[0]).group(1))  # type: ignore[union-attr]
    excs, _ = _unit(lines, 1, col, read, [_PLAIN_START])
    return excs


def _at(rx: re.Pattern[str], line: str, col: int) -> bool:
    m = rx.match(line)
    return m is not None and len(m.group(1)) == col


MAX_DEPTH = 40  # groups nested deeper are read as text (Python itself stops at 10 by default)


def _unit(lines: list[str], i: int, col: int, read: Reader, own: list[str]) -> tuple[list[ExceptionInfo], int]:
    """One exception drawn at column `col` from `lines[i]` (its text after `| `, then, for a
    group, its sub-exceptions), and the index after it."""
    n = len(lines)
    while i < n:
        m = _DRAWN.match(lines[i])
        if m is None or len(m.group(1)) != col:
            break
        text = m.group(2) or ""
        own.append(_PLAIN_START if text.startswith("Exception Group Traceback") else text)  # a group inside
        i += 1
    excs = read(own)
    subs: list[list[ExceptionInfo]] = []
    if i < n and col < 2 * MAX_DEPTH and _at(_FIRST_BAR, lines[i], col):
        while True:
            sub, i = _unit(lines, i + 1, col + 2, read, [])
            if sub:
                subs.append(sub)
            if i < n and _at(_NEXT_BAR, lines[i], col + 2):
                continue
            if i < n and _at(_CLOSE, lines[i], col + 2):
                i += 1
            break
    if excs and subs:
        group = excs[0]
        group.suppressed.extend(s[0] for s in subs[1:])
        group.suppressed.extend(excs[1:])  # what the group's own traceback was raised from
        excs = [group, *subs[0]]
        group.cause = subs[0][0]
    elif subs:
        excs = subs[0]
    return excs, i
