"""User line layouts in logback `%` syntax, compiled to the one regex that reads each line.

    %d{yyyy-MM-dd HH:mm:ss.SSS}  %date  %d{"HH:mm:ss,SSS"}  %d{pattern, Asia/Shanghai}
    %thread %t   %level %le %p   %logger{N} %lo %c{N}   %msg %m %message
    %X{key} %mdc{key}   %L %line   %M %method   %C{N} %class   %F %file
    %pid %PID   %r %relative   %n   %ex %wEx %throwable (ignored: the trace follows)
    padding and truncation: %-5p  %5.5t  %-40.40logger{39}

The layout text is read by the grammar in `layout_grammar`; each conversion becomes a
regex piece that stops at the next literal's first character, so the pieces never need
to backtrack into each other. A layout is compiled once (the result is cached): when the
configuration is loaded, which reports a bad layout as a `LayoutError` with its column.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Callable

from parsers.prefix.grammar import LEVEL_RX, Alternative
from parsers.prefix.layout_grammar import LayoutError, Token, parse_layout
from parsers.prefix.time import java_date_regex

_SPACE_FREE = {"logger", "method", "class", "file"}
_FIXED = {"level": LEVEL_RX, "pid": r"(?P<pid>\d+)", "line": r"(?P<L>\d+|\?)", "relative": r"\d+"}
_TZ_OPTION = re.compile(r"^(?:UTC|GMT|Z|[+-]\d{2}:?\d{2}|[A-Za-z_]+/[A-Za-z_/+-]+)$")


def _date_option(opts: str) -> str:
    body = opts[1:opts.index("}")] if opts else "ISO8601"
    if body.startswith('"'):
        return body.strip('"')
    head, _, tail = body.rpartition(",")
    if head and _TZ_OPTION.match(tail.strip()):
        return head.strip().strip('"')  # the zone option is accepted; the configured timezone wins
    return body or "ISO8601"


def _next_literal(toks: list[Token], i: int) -> str | None:
    """The literal right after token i; a field right after it counts as a space; None at the end."""
    if i + 1 >= len(toks):
        return None
    kind, value = toks[i + 1][:2]
    return value if kind == "lit" else " "


def _stop_class(next_lit: str | None, space_free: bool) -> str:
    """A char class that runs up to the next literal (never past it)."""
    if next_lit is None:
        return r"[^\r\n]*"
    first = next_lit[0]
    if first == "." and space_free:  # %C.%M: the class ends at the last dot before the method
        return r"[^\s(]*(?=\.)"
    if first == " ":
        return r"\S*"
    return rf"[^\s{re.escape(first)}]*" if space_free else rf"[^{re.escape(first)}\r\n]*"


@lru_cache(maxsize=64)
def compile_pattern(fmt: str) -> tuple[Alternative, Callable[[str], datetime] | None]:
    """The line regex for a logback pattern, and the date parser of its %d. Raises
    LayoutError (a ValueError) naming the column of the problem."""
    toks = parse_layout(fmt)
    if not any(t.kind != "lit" for t in toks):
        raise LayoutError(fmt, 1, "no conversion word (%d, %level, %msg ...)")
    parts: list[str] = []
    mdc: dict[str, str] = {}
    extra: dict[str, str] = {"L": "line"}
    to_dt: Callable[[str], datetime] | None = None
    used: set[str] = set()
    for i, (kind, word, pad, opts, column) in enumerate(toks):
        if kind == "lit":
            parts.append(_literal(word))
            continue
        nxt = _next_literal(toks, i)
        if kind == "date":
            try:
                rx, to_dt_here = java_date_regex(_date_option(opts))
            except ValueError as exc:
                raise LayoutError(fmt, column, str(exc)) from None
            to_dt = to_dt or to_dt_here
        elif kind in _FIXED:
            rx = _FIXED[kind]
        elif kind == "message":
            rx = r"(?P<message>[^\r\n]*)"
        elif kind == "mdc":
            key = opts[1:opts.index("}")].split(":-")[0] if opts else ""
            mdc[f"mdc{len(mdc)}"] = key or "mdc"
            rx = f"(?P<mdc{len(mdc) - 1}>{_stop_class(nxt, False)})"
        else:
            group = {"thread": "thread", "logger": "logger", "method": "M", "class": "C", "file": "F"}[kind]
            if group in ("M", "C", "F"):
                extra[group] = kind
            rx = f"(?P<{group}>{_stop_class(nxt, kind in _SPACE_FREE)})"
        names = set(re.findall(r"\(\?P<(\w+)>", rx))
        if names & used:  # a repeated word keeps its first value
            rx = re.sub(r"\(\?P<\w+>", "(?:", rx)
        used |= names
        if pad:
            rx = f" *{rx}" if not pad.startswith("-") else f"{rx} *"
        parts.append(rx)
    _drop_double_spaces(parts)
    first = toks[0]
    first_chars = first[1][:1] if first[0] == "lit" else ("0123456789" if parts[0].startswith(r"(?P<ts>(?P<ts_s>\d") else "")
    return Alternative([p for p in parts if p], first_chars, mdc, extra), to_dt


def _literal(text: str) -> str:
    """Literal text; a run of spaces matches one or more spaces (padding varies)."""
    return " +".join(re.escape(piece) for piece in re.split(r" +", text))


def _drop_double_spaces(parts: list[str]) -> None:
    """Padding spaces next to a literal space run: the literal's ` +` takes them all
    (two adjacent space-eaters would need backtracking between terminals)."""
    for i, p in enumerate(parts):
        if p.endswith(" *") and i + 1 < len(parts) and parts[i + 1].startswith(" +"):
            parts[i] = p[:-2]
        if p.startswith(" *") and i > 0 and parts[i - 1].endswith(" +"):
            parts[i] = parts[i][2:]
