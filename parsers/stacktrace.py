"""Stack traces: Java (`Caused by:`, `Suppressed:`, `... N more`, multi-line messages,
module prefixes) and Python tracebacks (chained), as plain data.

`parse_stack(lines)` finds where the trace starts (`find_stack_start`) and returns the
exceptions outermost first, following causes; anything unreadable is skipped, so a
truncated or garbled trace still gives its best partial result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field



@dataclass(slots=True)
class Frame:
    module: str  # Java: fully qualified class; Python: module derived from the file path
    function: str
    file: str | None = None  # `OrderService.java`, `/app/pay/order.py`; None for Native Method / Unknown Source
    line: int | None = None
    java_module: str | None = None  # `java.base` in `java.base/java.lang.Thread.run(...)`


@dataclass(slots=True)
class ExceptionInfo:
    type: str
    message: str | None
    frames: list[Frame] = field(default_factory=list)
    suppressed: list["ExceptionInfo"] = field(default_factory=list)
    cause: "ExceptionInfo | None" = None  # the next exception of the chain (`Caused by:`)
    frames_omitted: int = 0  # `... N more`


@dataclass(slots=True)
class StackTrace:
    exceptions: list[ExceptionInfo]  # outermost first, then its causes; the last is the root cause
    language: str = "java"

    @property
    def outermost(self) -> ExceptionInfo:
        return self.exceptions[0]

    @property
    def root_cause(self) -> ExceptionInfo:
        return self.exceptions[-1]


_TYPE = r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*"
# `pkg.Type: msg`, `pkg.Type; msg` (SAXParseException), `pkg.Type` alone, at any indentation
# (Tomcat's formatter indents them).
HEADER = re.compile(rf"^[\t ]*(?:Exception in thread \"[^\"]*\" )?(?P<type>{_TYPE})(?:[:;]\s?(?P<msg>.*?))?\s*$")
CHAINED = re.compile(r"^(?P<indent>[\t ]*)(?P<kind>Caused by|Suppressed|Wrapped by): (?P<rest>.*)$")
_NO_FILE = frozenset(("Native Method", "Unknown Source", ""))
MORE = re.compile(r"^[\t ]*\.\.\. (?P<n>\d+) (?:more|common frames omitted)")
# A qualified exception class inside a line, followed by its message or the line's end:
# `SysLogServiceImpl.saveLog Error：org.springframework.dao.XException: msg`
EMBEDDED = re.compile(r"(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*"
                      r"(?:Exception|Error|Throwable|Failure|Fault)(?:\$\w+)?)(?:[:;]|\s*$)")
PY_START = re.compile(r"^Traceback \(most recent call last\):\s*$")
_THROWABLE_SUFFIX = re.compile(r"(?:Exception|Error|Throwable|Fault)(?:\$\w+)?$")


def _is_header(line: str, strict: bool) -> re.Match[str] | None:
    """A Java exception header; `strict` also demands a qualified Exception/Error name."""
    m = HEADER.match(line)
    if m is None:
        return None
    t = m.group("type")
    if strict and not ("." in t and _THROWABLE_SUFFIX.search(t)):
        return None
    if not strict and "." not in t and not _THROWABLE_SUFFIX.search(t):
        return None
    return m


def find_stack_start(lines: list[str], max_message_lines: int = 50) -> int | None:
    """Index of the line where a trace starts (a Java exception header, or a Python
    `Traceback` line), or None. The header may be the record's own message (index 0),
    the line after it (`log.error("x", e)`), or have no header at all (frames only:
    the index of the first frame)."""
    for i, line in enumerate(lines):
        if PY_START.match(line):
            return i
        if java_frame(line) is not None:
            lowest = max(-1, i - 1 - max_message_lines)
            for j in range(i - 1, lowest, -1):  # nearest header above
                if _is_header(lines[j], strict=False) or CHAINED.match(lines[j]):
                    return j
            for j in range(i - 1, lowest, -1):  # else a class inside a line: `... failed: java.io.IOException: x`
                if EMBEDDED.search(lines[j]):
                    return j
            return i
    for i, line in enumerate(lines):  # no frames at all: only an unmistakable header counts
        if _is_header(line, strict=True):
            return i
    return None


def parse_stack(lines: list[str], frame_cache: dict[str, Frame] | None = None) -> StackTrace | None:
    """The trace in `lines` (a record's message line and continuation lines), or None.

    `frame_cache` (optional, owned by the caller) maps Java frame lines to their parsed
    `Frame`: the same throw site repeats, so its frame lines are parsed once. Frames
    from the cache are shared between traces and must not be modified."""
    start = find_stack_start(lines)
    if start is None:
        return None
    if PY_START.match(lines[start]):
        excs = _parse_python(lines[start:])
        return StackTrace(excs, "python") if excs else None
    lines = lines[start:]
    first = lines[0]
    if not (HEADER.match(first) or CHAINED.match(first) or java_frame(first)):
        m = EMBEDDED.search(first)  # the exception after the message text on the header line
        if m is not None:
            lines = [first[m.start(1):], *lines[1:]]
    excs = _parse_java(lines, frame_cache)
    return StackTrace(excs, "java") if excs else None


FRAME_CACHE_MAX = 20_000  # a frame cache that grows past this starts again


def _new(rest: str) -> ExceptionInfo:
    m = HEADER.match(rest)
    if m is None:
        return ExceptionInfo(type=rest.strip() or "<unknown>", message=None)
    return ExceptionInfo(type=m.group("type"), message=m.group("msg"))


def _parse_java(lines: list[str], frame_cache: dict[str, Frame] | None = None) -> list[ExceptionInfo]:
    first = lines[0]
    ch = CHAINED.match(first)
    top = _new(ch.group("rest") if ch else first)
    if java_frame(first) is not None:  # frames without a header
        top = ExceptionInfo(type="<unknown>", message=None)
        lines = ["", *lines]
    chains: dict[int, list[ExceptionInfo]] = {0: [top]}  # indent depth -> its cause chain
    current, in_message = top, True
    cached = frame_cache.get if frame_cache is not None else None
    for line in lines[1:]:
        frame = cached(line) if cached is not None else None
        if frame is None:
            frame = java_frame(line)
            if frame is not None and frame_cache is not None:
                if len(frame_cache) >= FRAME_CACHE_MAX:
                    frame_cache.clear()
                frame_cache[line] = frame
        if frame is not None:
            current.frames.append(frame)
            in_message = False
            continue
        mm = MORE.match(line)
        if mm is not None:
            current.frames_omitted = int(mm.group("n"))
            in_message = False
            continue
        cm = CHAINED.match(line)
        if cm is not None:
            depth = cm.group("indent").count("\t") or len(cm.group("indent")) // 4
            exc = _new(cm.group("rest"))
            if cm.group("kind") == "Suppressed":
                owner = chains.get(depth - 1, chains[0])[-1]
                owner.suppressed.append(exc)
                chains = {d: c for d, c in chains.items() if d < depth}
                chains[depth] = [exc]
            else:
                chain = chains.get(depth) or chains[max(chains)]
                chain[-1].cause = exc
                chain.append(exc)
            current, in_message = exc, True
            continue
        if in_message and current.message is not None:  # a multi-line exception message
            current.message += "\n" + line
        elif in_message and line.strip():
            current.message = line
    return chains[0]


def java_frame(line: str) -> Frame | None:
    """`\tat [module/]pkg.Class.method(File.java:123)[ ~[jar]]` as a Frame, else None.

    String methods, not a regex: a frame regex backtracks over every dot of a long
    class name, and frames are most of the lines of a trace.
    """
    s = line[1:] if line[:4] == "\tat " else line.lstrip(" \t")  # the usual tab first
    if s[:3] != "at ":
        return None
    open_ = s.find("(", 3)
    close = s.find(")", open_)
    qual = s[3:open_]
    if open_ < 0 or close < 0 or " " in qual or "\t" in qual:
        return None
    dot = qual.rfind(".")
    if dot <= 0 or dot == len(qual) - 1:
        return None
    cls, fn, jmod = qual[:dot], qual[dot + 1:], None
    slash = cls.find("/")
    if slash >= 0 and not cls.startswith("0x", slash + 1):  # java.base/..., app//..., but not $$Lambda$1/0x..
        jmod, cls = cls[:slash] or None, cls[slash + 1:].lstrip("/")
    file, _, num = s[open_ + 1:close].partition(":")
    return Frame(cls, fn, None if file in _NO_FILE else file,
                 int(num) if num.isdecimal() and len(num) < 10 else None, jmod)


PY_FRAME = re.compile(r'^[\t ]+File "(?P<file>[^"]*)", line (?P<line>\d+)(?:, in (?P<fn>.+?))?\s*$')
PY_EXC = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s?(?P<msg>.*?))?\s*$")
PY_CHAIN = re.compile(r"^(?:During handling of the above exception|The above exception was the direct cause)")
_SITE = re.compile(r"^.*/(?:site|dist)-packages/")


def _py_module(path: str) -> str:
    """`/usr/lib/python3.11/site-packages/requests/api.py` -> `requests.api`."""
    path = _SITE.sub("", path.replace("\\", "/"))
    if path.endswith(".py"):
        path = path[:-3]
    return path.strip("/").replace("/", ".") or "<unknown>"


def _parse_python(lines: list[str]) -> list[ExceptionInfo]:
    """Blocks in printed order (the first is the innermost cause), returned outermost first."""
    blocks: list[ExceptionInfo] = []
    frames: list[Frame] = []
    current: ExceptionInfo | None = None
    for line in lines:
        if PY_START.match(line):
            frames, current = [], None
            continue
        fm = PY_FRAME.match(line)
        if fm is not None:
            frames.append(Frame(module=_py_module(fm.group("file")), function=fm.group("fn") or "<module>",
                                file=fm.group("file"), line=int(fm.group("line")) if len(fm.group("line")) < 10 else None))
            continue
        if not line.strip() or line[0] in " \t":  # source lines, ^^^^ markers, blanks
            continue
        if PY_CHAIN.match(line):
            current = None
            continue
        if current is not None:  # a multi-line exception message
            current.message = line if current.message is None else current.message + "\n" + line
            continue
        em = PY_EXC.match(line)
        if em is not None:
            current = ExceptionInfo(type=em.group("type"), message=em.group("msg"), frames=frames)
            blocks.append(current)
            frames = []
    if frames and current is None:  # truncated before the exception line
        blocks.append(ExceptionInfo(type="<unknown>", message=None, frames=frames))
    blocks.reverse()
    for outer, inner in zip(blocks, blocks[1:]):
        outer.cause = inner
    return blocks
