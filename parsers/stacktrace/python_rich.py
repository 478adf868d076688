"""Python tracebacks drawn by `rich` (structlog's console renderer when rich is installed,
`RichHandler`, Typer and other CLIs), read as the plain traceback they draw:

    ╭─────────── Traceback (most recent call last) ───────────╮
    │ /srv/pay/batch.py:42 in settle                           │
    │                                                          │
    │   41 │   for order in batch:                             │
    │ ❱ 42 │   │   total += order["amount"]                    │
    │ ╭─ locals ─╮                                             │
    │ │ order = {} │                                           │
    │ ╰──────────╯                                             │
    ╰──────────────────────────────────────────────────────────╯
    KeyError: 'amount'

A frame's locator is a run of box lines at the box's own margin, `path:line in function`,
which rich wraps over several lines when the path is long; source lines, `❱` markers and the
locals panels are further in or drawn. A borderless variant (no `╭ │ ╰`, a rule of `─`
before and after) is read the same way. `RichHandler` indents the whole drawing under its
log line; the exception line and chain markers after the box are indented alike.

`plain(lines)` returns `lines` with every drawing replaced by `Traceback (most recent call
last):` and `  File "path", line N, in function` lines, the lines after it dedented.
"""

from __future__ import annotations

import re

RICH_START = re.compile(r"^( *)[╭─]─* ?Traceback \(most recent call last\) ─+╮? *$")
_RICH_END = re.compile(r"^ *[╰─]─+╯? *$")
_LOCATOR = re.compile(r"^(?P<file>.+?):(?P<line>\d+) in (?P<fn>\S+)$")
_DRAWN_FIRST = frozenset("╭│╰❱")
_START_TEXT = "Traceback (most recent call last):"


def plain(lines: list[str]) -> list[str]:
    out: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        m = RICH_START.match(lines[i])
        if m is None:
            out.append(lines[i])
            i += 1
            continue
        margin = len(m.group(1))
        j = i + 1
        while j < n and not _RICH_END.match(lines[j]) and not RICH_START.match(lines[j]):
            j += 1
        out.append(_START_TEXT)
        out.extend(_frames(lines[i + 1:j], margin))
        i = j + 1 if j < n and _RICH_END.match(lines[j]) else j
        if margin:  # the exception line and what follows, indented under a log line like the box
            pad = " " * margin
            while i < n and not RICH_START.match(lines[i]) and (lines[i].startswith(pad) or not lines[i].strip()):
                out.append(lines[i][margin:])
                i += 1
    return out


def _frames(body: list[str], margin: int) -> list[str]:
    texts, width = [], 0
    for line in body:
        t = line[margin:].rstrip()
        if t.startswith("│"):
            width = max(width, len(t) - 4)  # `│ ` + the box's inner width + ` │`
            t = t[1:]
            if t.endswith("│"):
                t = t[:-1].rstrip()
        texts.append(t)
    leads = [len(t) - len(t.lstrip()) for t in texts if t.strip() and t.lstrip()[0] not in _DRAWN_FIRST]
    if not leads:
        return []
    base, out, run = min(leads), [], []
    width = width or max(len(t.strip()) for t in texts)
    for t in [*texts, ""]:  # a locator is a run of lines at the margin (a long one wrapped)
        s = t.strip()
        if s and len(t) - len(t.lstrip()) == base and s[0] not in _DRAWN_FIRST:
            run.append(s)
            continue
        m = _locator(run, width) if run and len(run) <= 20 else None
        if m is not None:
            out.append(f'  File "{m.group("file")}", line {m.group("line")}, in {m.group("fn")}')
        run = []
    return out


def _locator(parts: list[str], width: int) -> re.Match[str] | None:
    """Wrapped lines joined again. A line cut inside a word fills the width; one cut at a
    space (dropped by the wrap) is shorter and the space goes back; a line that fills the
    width exactly may have been cut at a space too, tried last."""
    text = parts[0]
    full = []
    for prev, part in zip(parts, parts[1:]):
        if len(prev) < width:
            text += " " + part
        else:
            full.append(len(text))
            text += part
    m = _LOCATOR.match(text)
    for at in reversed(full[-4:]) if m is None else ():
        m = _LOCATOR.match(text[:at] + " " + text[at:])
        if m is not None:
            break
    return m
