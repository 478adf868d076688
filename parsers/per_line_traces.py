"""Traces written one record per line: each line of a trace behind the layout's prefix.

Android's logcat, a logger called once per line, and printStackTrace output captured by an
application server's stderr logger (JBoss 5 `date ERROR [STDERR] \\tat ...`, WildFly
`time ERROR [stderr] (default task-1) at ...`) write every line of a trace as a record.
`parsers.multiline` joins such records to the record of the exception line when they have
its thread and logger; the helpers here read what is particular to those layouts: JBoss's
thread in parentheses after the category, and an exception line that a prefix parser read
as a logger name because it was all the record said. A Python traceback logged one line a
record (`for line in format_exc().splitlines(): log.error(line)`) follows its `Traceback`
record's level too, and the layout took its lines' indentation off: `python_line` puts it
back as Python prints it, so that frames read as frames.
"""

from __future__ import annotations

import re
from dataclasses import replace

from parsers.prefix.grammar import Prefix
from parsers.raw_record import RawRecord

# JBoss/WildFly print the thread in parentheses after the category: `[stderr] (default task-1) `
PAREN_THREAD = re.compile(r"\([^()]{1,80}\) (?=.)")
# A lone qualified throwable class, all a record says (a prefix parser may read it as the logger)
LONE_THROWABLE = re.compile(r"(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|Throwable)(?:\$\w+)?$")


def same_source(first: Prefix, prefix: Prefix, joined: bool) -> bool:
    """`prefix` has the thread and logger of the record's first line. A first line whose
    only text was an exception class read as the logger matches a line with no logger, as
    long as nothing was `joined` to it yet."""
    if first.thread != prefix.thread:
        return False
    if first.logger == prefix.logger:
        return True
    return prefix.logger is None and not first.message and not joined \
        and first.logger is not None and LONE_THROWABLE.match(first.logger) is not None


def line_text(message: str, first_message: str) -> str | None:
    """A record's message without JBoss's `(thread) `, which must be the first line's
    too (None: another thread's record)."""
    if message[:1] != "(":
        return message
    m = PAREN_THREAD.match(message)
    if m is None:
        return message
    return message[m.end():] if first_message.startswith(m.group(0)) else None


def head_text(first: Prefix) -> str:
    """The text of a record's first line after its prefix (and a JBoss `(thread) `)."""
    text = first.message
    if not text and first.logger and LONE_THROWABLE.match(first.logger):
        return first.logger
    if text[:1] == "(":
        m = PAREN_THREAD.match(text)
        if m is not None:
            return text[m.end():]
    return text


def claim(pending: RawRecord) -> None:
    """A record whose only text was an exception class the prefix took for its logger:
    the class is its message (the trace's header line)."""
    first = pending.first
    if first is not None and not first.message and not pending.continuation and first.logger \
            and LONE_THROWABLE.match(first.logger):
        pending.first = replace(first, message=first.logger, logger=None)


PY_EXC_LINE = re.compile(r"^[A-Za-z_][\w.]*(?::.*)?$")


def python_line(message: str) -> tuple[str, bool]:
    """A line of a traceback logged one line a record, indented as Python prints it, and
    whether it is the exception line (which ends the traceback)."""
    if PY_EXC_LINE.match(message):
        return message, True
    return ("  " if message.startswith('File "') else "    ") + message, False
