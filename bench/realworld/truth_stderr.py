"""Ground-truth rule for printStackTrace output captured by an application server's
stdout/stderr logger, one record per line.

JBoss 5 (`date LEVEL [STDERR] text`) and WildFly (`time LEVEL [stderr] (thread) text`)
log each line written to System.err as a record of its own, so a trace printed with
`printStackTrace()` becomes a run of records whose texts are the trace's lines:
`java.lang.NullPointerException`, `\tat com.x.Y.z(Y.java:1)`, `Caused by: ...`,
`... 5 more`. The rule strips the record prefix of those lines and reads the texts with
the plain Java rule; such a trace has no header (nothing logged it: it was printed).
Imports nothing from the parser.
"""

from __future__ import annotations

import re

import truth_rules

STDERR_RE = re.compile(r"^(?P<prefix>.*?\[(?:STDERR|stderr)\] (?:\([^)]*\) )?)(?P<text>.*)$")


def _trace_shaped(text: str) -> bool:
    return bool(truth_rules.FRAME_RE.match(text) or truth_rules.MORE_RE.match(text)
                or truth_rules.CAUSE_RE.match(text))


def _frame(text: str) -> bool:
    return bool(truth_rules.FRAME_RE.match(text) or truth_rules.MORE_RE.match(text))


def stderr_traces(lines: list[str]) -> list[dict]:
    texts: list[str | None] = []
    for line in lines:
        m = STDERR_RE.match(line) if truth_rules.is_header(line) else None
        text = m.group("text") if m else None
        if text is not None and text.startswith("at "):
            text = "\t" + text  # a frame whose tab the capture dropped
        texts.append(text)
    virtual = list(lines)
    stripped = [False] * len(lines)
    for k, text in enumerate(texts):
        if text is None:
            continue
        nxt = texts[k + 1] if k + 1 < len(texts) else None
        # a trace's lines; its exception line (`pkg.Type: msg`), and the line before its frames
        # (its first line, or the last line of a message printed over several)
        if _trace_shaped(text) or truth_rules.EXC_LINE_RE.match(text) or (nxt is not None and _frame(nxt)):
            virtual[k] = text
            stripped[k] = True
    out = []
    for t in truth_rules.java_traces(virtual):
        first = t["first_line"] - 1
        if not stripped[first] or first + 1 >= len(lines) or not stripped[first + 1]:
            continue
        t["header_line"] = None
        out.append(t)
    return out
