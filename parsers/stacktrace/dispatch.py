"""Where a trace starts in a record's lines, and which language's parser reads it."""

from __future__ import annotations

import re

from parsers.stacktrace.java import CHAINED, EMBEDDED, EMBEDDED_WORDS, is_header, java_frame, parse_java
from parsers.stacktrace.model import Frame, StackTrace
from parsers.stacktrace.python import dedented, is_py_start, parse_python


# a message's last words introducing what the next line prints: `Original Exception:`, `is:`, `:
# ------` (a nested exception's trace quoted inside the message, between dashed lines)
_INTRODUCES = re.compile(r":[ \t]*(?:-{3,}[ \t]*)?$")


def find_stack_start(lines: list[str], max_message_lines: int = 50) -> int | None:
    """Index of the line where a trace starts (a Java exception header, or a Python
    `Traceback` line), or None. The header may be the record's own message (index 0),
    the line after it (`log.error("x", e)`), or have no header at all (frames only:
    the index of the first frame)."""
    for i, line in enumerate(lines):
        if is_py_start(line):
            return i
        if java_frame(line) is not None:
            lowest = max(-1, i - 1 - max_message_lines)
            for j in range(i - 1, lowest, -1):  # nearest header above
                if is_header(lines[j], strict=False) or CHAINED.match(lines[j]):
                    return _outer_header(lines, j, lowest)
            for j in range(i - 1, lowest, -1):  # else a class inside a line: `... failed: java.io.IOException: x`
                if EMBEDDED.search(lines[j]):
                    return j
            if i > 0 and EMBEDDED_WORDS.search(lines[i - 1]):
                return i - 1  # `...: pkg.StartException in service x: msg` right above the frames
            return i
    for i, line in enumerate(lines):  # no frames at all: only an unmistakable header counts
        if is_header(line, strict=True):
            return i
    return None


def _outer_header(lines: list[str], j: int, lowest: int) -> int:
    """An indented header may be part of the outer exception's message (javax.mail's
    `nested exception is:` then `\tjava.net.ConnectException: ...`): the nearest
    unindented header above it that names a class (not a method: `Class.method: msg`) is then
    where the trace starts. So is a header right below one whose message ends by introducing
    it (`... Original Exception: ------`)."""
    if CHAINED.match(lines[j]):
        return j
    if lines[j][:1] not in (" ", "\t"):
        if j - 1 > lowest and _INTRODUCES.search(lines[j - 1]) and is_header(lines[j - 1], strict=True):
            return j - 1
        return j
    for k in range(j - 1, lowest, -1):
        line = lines[k]
        if line[:1] not in (" ", "\t") and (m := is_header(line, strict=False)) and _names_a_class(m.group("type")):
            return k
    return j


def _names_a_class(name: str) -> bool:
    """A qualified name whose last part is capitalized, as a class's is: `Class.method: msg`
    (Tomcat's `StandardServer.await: create[localhost:8005]: `) is a message naming a method."""
    return name.rpartition(".")[2][:1].isupper()


def parse_stack(lines: list[str], frame_cache: dict[str, Frame] | None = None) -> StackTrace | None:
    """The trace in `lines` (a record's message line and continuation lines), or None.

    `frame_cache` (optional, owned by the caller) maps Java frame lines to their parsed
    `Frame`: the same throw site repeats, so its frame lines are parsed once. Frames
    from the cache are shared between traces and must not be modified."""
    start = find_stack_start(lines)
    if start is None:
        return None
    if is_py_start(lines[start]):
        excs = parse_python(dedented(lines[start:]))
        return StackTrace(excs, "python") if excs else None
    lines = lines[start:]
    first = lines[0]
    # a word before a colon is no exception class unless it is qualified or named like one
    # (`IJ000604: ...`, `HHH000342: ...`, `WFLYSRV0001: ...` are JBoss message ids)
    if not (is_header(first, strict=False) or CHAINED.match(first) or java_frame(first)):
        m = EMBEDDED.search(first)  # the exception after the message text on the header line
        w = EMBEDDED_WORDS.search(first)  # one whose toString() is not `Class: msg`: the words after it are
        if w is not None and (m is None or w.start(1) < m.start(1)):
            # the first class printed is the outer one (`...: x.StartException in service y: z.CauseException: msg`)
            lines = [f"{w.group(1)}: {first[w.end():]}", *lines[1:]]
        elif m is not None:
            lines = [first[m.start(1):], *lines[1:]]
    excs, root_first = parse_java(lines, frame_cache)
    return StackTrace(excs, "java", root_first) if excs else None

