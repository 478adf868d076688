"""Java stack traces: `Caused by:`, `Suppressed:`, `Wrapped by:`, `... N more`, multi-line
messages, module prefixes (`java.base/`), a header embedded in a message line, frames with
no header at all. Unreadable lines are skipped, so a truncated trace gives its best part."""

from __future__ import annotations

import re

from parsers.stacktrace.model import ExceptionInfo, Frame

_TYPE = r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*"
# `pkg.Type: msg`, `pkg.Type; msg` (SAXParseException), `pkg.Type` alone, at any indentation
# (Tomcat's formatter indents them). The message ends at its last non-space character:
# `(?:.*\S)?` finds it from the end of the line (a lazy `.*?` tried `\s*$` after every character).
HEADER = re.compile(rf"^[\t ]*(?:Exception in thread \"[^\"]*\" )?(?P<type>{_TYPE})(?:[:;]\s?(?P<msg>(?:.*\S)?))?\s*$")
# `Wrapped by:` (logback's %rEx, root cause first; Dropwizard writes `Causing:`) names the
# exception that wrapped the one above it
CHAINED = re.compile(r"^(?P<indent>[\t ]*)(?P<kind>Caused by|Suppressed|Wrapped by|Causing): (?P<rest>.*)$")
_WRAPPED_BY = ("Wrapped by", "Causing")
_NO_FILE = frozenset(("Native Method", "Unknown Source", ""))
MORE = re.compile(r"^[\t ]*\.\.\. (?P<n>\d+) (?:more|common frames omitted)")
# A qualified exception class inside a line, followed by its message or the line's end:
# `SysLogServiceImpl.saveLog Error：org.springframework.dao.XException: msg`
EMBEDDED = re.compile(r"(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*"
                      r"(?:Exception|Error|Throwable|Failure|Fault)(?:\$\w+)?)(?:[:;]|\s*$)")
# The same class after `: ` and before a word: an exception whose toString() is not `Class: msg`
# (`Failed to start service x: org.jboss.msc.service.StartException in service x: msg`, JBoss
# LogManager's `%s%e` printing the throwable after the message on the record's line)
EMBEDDED_WORDS = re.compile(r"(?<=: )((?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*"
                            r"(?:Exception|Error|Throwable|Failure|Fault)(?:\$\w+)?) (?=\S)")
_THROWABLE_SUFFIX = re.compile(r"(?:Exception|Error|Throwable|Fault)(?:\$\w+)?$")


def is_header(line: str, strict: bool) -> re.Match[str] | None:
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


FRAME_CACHE_MAX = 20_000  # a frame cache that grows past this starts again


def _new(rest: str) -> ExceptionInfo:
    m = HEADER.match(rest)
    if m is None:
        return ExceptionInfo(type=rest.strip() or "<unknown>", message=None)
    return ExceptionInfo(type=m.group("type"), message=m.group("msg"))


def parse_java(lines: list[str], frame_cache: dict[str, Frame] | None = None) -> tuple[list[ExceptionInfo], bool]:
    """The exceptions of a Java trace, outermost first, and whether it was written root
    cause first (`Wrapped by:`)."""
    first = lines[0]
    ch = CHAINED.match(first)
    top = _new(ch.group("rest") if ch else first)
    if java_frame(first) is not None:  # frames without a header
        top = ExceptionInfo(type="<unknown>", message=None)
        lines = ["", *lines]
    chains: dict[int, list[ExceptionInfo]] = {0: [top]}  # indent depth -> its cause chain
    current, in_message, root_first = top, True, False
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
                root_first = root_first or (depth == 0 and cm.group("kind") in _WRAPPED_BY)
            current, in_message = exc, True
            continue
        if in_message and current.message is not None:  # a multi-line exception message
            current.message += "\n" + line
        elif in_message and line.strip():
            current.message = line
    chain = chains[0]
    if root_first:  # each exception wraps the one written above it: the last is the outermost
        chain.reverse()
        for outer, inner in zip(chain, chain[1:]):
            outer.cause = inner
        chain[-1].cause = None
    return chain, root_first


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

