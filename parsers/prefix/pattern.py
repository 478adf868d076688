"""User line layouts in logback `%` syntax, turned into a prefix grammar.

    %d{yyyy-MM-dd HH:mm:ss.SSS}  %date  %d{"HH:mm:ss,SSS"}  %d{pattern, Asia/Shanghai}
    %thread %t   %level %le %p   %logger{N} %lo %c{N}   %msg %m %message
    %X{key} %mdc{key}   %L %line   %M %method   %C{N} %class   %F %file
    %pid %PID   %r %relative   %n   %ex %wEx %throwable (ignored: the trace follows)
    padding and truncation: %-5p  %5.5t  %-40.40logger{39}

Each conversion becomes a `Regex` terminal that stops at the next literal's first
character, so the terminals never need to backtrack into each other (see `prefix`).
Anything else is a ValueError naming the word, raised when the config is loaded.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Callable

import pyparsing as pp

from parsers.prefix.grammar import LEVEL_RX, Alternative
from parsers.prefix.time import java_date_regex

_SPEC = re.compile(r"%(?P<pad>-?\d+)?(?:\.(?P<trunc>-?\d+))?(?P<word>[A-Za-z]+)(?P<opts>(?:\{[^}]*\})*)")
_WORDS = {
    "d": "date", "date": "date",
    "t": "thread", "thread": "thread",
    "p": "level", "le": "level", "level": "level",
    "c": "logger", "lo": "logger", "logger": "logger",
    "m": "message", "msg": "message", "message": "message",
    "X": "mdc", "mdc": "mdc",
    "L": "line", "line": "line", "M": "method", "method": "method",
    "C": "class", "class": "class", "F": "file", "file": "file",
    "pid": "pid", "PID": "pid", "r": "relative", "relative": "relative",
    "n": "skip", "ex": "skip", "exception": "skip", "throwable": "skip", "wEx": "skip", "xEx": "skip",
    "nopex": "skip", "nopexception": "skip",
}
_SPACE_FREE = {"logger", "method", "class", "file"}
_FIXED = {"level": LEVEL_RX, "pid": r"(?P<pid>\d+)", "line": r"(?P<L>\d+|\?)", "relative": r"\d+"}
_TZ_OPTION = re.compile(r"^(?:UTC|GMT|Z|[+-]\d{2}:?\d{2}|[A-Za-z_]+/[A-Za-z_/+-]+)$")


def _tokens(fmt: str) -> list[tuple[str, str, str | None, str]]:
    """(kind, value, pad, options) with kind 'lit' or a field name."""
    out: list[tuple[str, str, str | None, str]] = []
    i, lit = 0, []
    while i < len(fmt):
        if fmt.startswith("%%", i):
            lit.append("%")
            i += 2
            continue
        m = _SPEC.match(fmt, i) if fmt[i] == "%" else None
        if m is None:
            if fmt[i] == "%":
                raise ValueError(f"format {fmt!r}: dangling '%' at position {i}")
            lit.append(fmt[i])
            i += 1
            continue
        if lit:
            out.append(("lit", "".join(lit), None, ""))
            lit = []
        word = m.group("word")
        if word not in _WORDS:
            raise ValueError(f"format {fmt!r}: unsupported conversion word %{word}")
        out.append((_WORDS[word], word, m.group("pad"), m.group("opts")))
        i = m.end()
    if lit:
        out.append(("lit", "".join(lit), None, ""))
    return [t for t in out if t[0] != "skip"]


def _date_option(opts: str) -> str:
    body = opts[1:opts.index("}")] if opts else "ISO8601"
    if body.startswith('"'):
        return body.strip('"')
    head, _, tail = body.rpartition(",")
    if head and _TZ_OPTION.match(tail.strip()):
        return head.strip().strip('"')  # the zone option is accepted; the configured timezone wins
    return body or "ISO8601"


def _next_literal(toks: list[tuple[str, str, str | None, str]], i: int) -> str | None:
    """The literal right after token i; a field right after it counts as a space; None at the end."""
    if i + 1 >= len(toks):
        return None
    kind, value, _, _ = toks[i + 1]
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


def compile_pattern(fmt: str) -> tuple[Alternative, Callable[[str], datetime] | None]:
    """The prefix grammar for a logback pattern, and the date parser of its %d."""
    toks = _tokens(fmt)
    if not any(kind != "lit" for kind, *_ in toks):
        raise ValueError(f"format {fmt!r}: no conversion word")
    parts: list[str] = []
    mdc: dict[str, str] = {}
    extra: dict[str, str] = {"L": "line"}
    to_dt: Callable[[str], datetime] | None = None
    used: set[str] = set()
    for i, (kind, word, pad, opts) in enumerate(toks):
        if kind == "lit":
            parts.append(_literal(word))
            continue
        nxt = _next_literal(toks, i)
        if kind == "date":
            rx, to_dt_here = java_date_regex(_date_option(opts))
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
    return Alternative([pp.Regex(p).leave_whitespace() for p in parts if p], first_chars, mdc, extra), to_dt


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
