"""Bracketed fields before the message: which of level, thread, logger, pid and MDC a
`[...]` holds, from its content and the fields read before it (`fields.split_fields` reads
the line token by token and hands each bracket here).

    [ERROR] [main] [c.f.Foo:42] [1234] [TID:N/A] [traceId=5f3a] [app,trace,span,true] []
    [views ERROR] [main:ZooKeeperServer@42] [pkg.Class.method(Class.java:42)]
"""

from __future__ import annotations

import re

from parsers.prefix.levels import LEVEL_SET, LEVELS

# [Logger:42], [File.java: 42], [pkg.Class.method(Class.java:42)], [pkg.Class.method:?] (log4j's %L is `?`
# when the location is not known)
_BR_LOGGER = re.compile(r"(?P<name>[A-Za-z_$][\w$.<>]*?)(?:\((?P<src>[\w$.]+:\d+)\))?\s*(?::\s*(?P<line>\d+|\?))?")
_NAME = re.compile(r"[A-Za-z_$][\w$.-]{0,127}")
_THREAD_CLASS_LINE = re.compile(r"(?P<thread>[^\]\[]{1,200}):(?P<cls>[A-Za-z_$][\w$.]{0,255})@(?P<line>\d{1,7})")
QUALIFIED = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+")  # pkg.Class, c.x.Foo
# a logger in its own bracket after the level and the thread: one name (a simple class name, or
# one cut from the left by a width limit: `[eptionHandlerExceptionResolver]`), as logback's
# `[%-30.30logger{0}]` writes it in all-bracket layouts (`[%d][%-5level][%thread][%logger] %msg`)
_BR_NAME = re.compile(r"\.?[\w$]+(?:\.[A-Za-z_$][\w$]*)*")
# a mapped diagnostic context value in its own bracket: `[TID:N/A]` (SkyWalking's %tid),
# `[traceId=5f3a]`, `[requestId: 9f8e-77]`; or an MDC value printed bare: `[]` when the key
# is unset, a trace id (16+ hex digits, a UUID), `N/A`
_MDC_PAIR = re.compile(r"(?P<key>[A-Za-z][\w-]{0,31})[ \t]*[:=][ \t]*(?P<value>[^\s\[\]]{0,128})")
_MDC_BARE = re.compile(r"(?:[0-9a-fA-F]{16,64}(?:[/:-][0-9a-fA-F]{8,64}){0,2}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|N/A)?")
_LEVEL_NEXT = re.compile(rf"[ \t]+(?:{LEVELS})(?![\w-])")


class Fields:
    __slots__ = ("level", "thread", "logger", "pid", "mdc", "extra", "message")

    def __init__(self) -> None:
        self.level: str | None = None
        self.thread: str | None = None
        self.logger: str | None = None
        self.pid: str | None = None
        self.mdc: dict[str, str] | None = None
        self.extra: dict[str, str] | None = None
        self.message = ""


def fill(f: Fields, value: str, slots: tuple[str, ...]) -> bool:
    """Put `value` in the first of `slots` still empty; False when all are taken."""
    for slot in slots:
        if getattr(f, slot) is None:
            setattr(f, slot, value)
            return True
    return False


def bracket(f: Fields, content: str) -> bool:
    """Assign a `[...]` group; False when it is not a prefix field (the message starts)."""
    inner = content.strip()
    up = inner.upper()
    if up in LEVEL_SET:
        if f.level is not None:
            return False
        f.level = up
        return True
    if inner.isdigit():
        fill(f, inner, ("pid", "thread"))
        return True
    name, _, word = inner.rpartition(" ")
    if name and f.level is None and word.upper() in LEVEL_SET and _NAME.fullmatch(name):
        f.level = word.upper()  # `[%(module)s %(levelname)s]`: a name and the level in one bracket
        if f.logger is None:
            f.logger = name
        return True
    if f.thread is None and "@" in inner and (z := _THREAD_CLASS_LINE.fullmatch(inner)) is not None:
        # ZooKeeper's `[myid:%X{myid}] - %-5p [%t:%C{1}@%L]` (a `[myid:1]` before was read as a logger)
        f.thread, f.logger, f.extra = z.group("thread"), z.group("cls"), {"line": z.group("line")}
        return True
    if f.logger is None and ("." in inner or ":" in inner):
        m = _BR_LOGGER.fullmatch(inner)
        if m is not None:
            f.logger = m.group("name")
            if m.group("line") and m.group("line") != "?":
                f.extra = {"line": m.group("line")}
            elif m.group("src"):
                f.extra = {"source": m.group("src")}
            return True
    if f.logger is None and "," in inner and (", " not in inner or "=" in inner):
        # `[app,traceId,spanId,true]` (Spring Cloud Sleuth) or other MDC values: not the thread;
        # a name with a comma and a space is one (`[xxl-job, executor ExecutorRegistryThread]`)
        return True
    if f.logger is None and _MDC_BARE.fullmatch(inner):
        return True  # `[]`, `[5f3a1b2c6d7e8f90]`: an MDC value, not the thread
    if f.logger is None and ("=" in inner or ":" in inner):
        m = _MDC_PAIR.fullmatch(inner)
        if m is not None:  # `[TID:N/A]`, `[traceId=5f3a]`: a key and its value, not the thread
            f.mdc = dict(f.mdc or {}, **{m.group("key"): m.group("value")})
            return True
    if f.thread is None and f.logger is None:
        f.thread = inner
        return True
    return False


def tracing(content: str) -> bool:
    """A bracket of tracing or MDC values: `TID: N/A`, `traceId=5f3a`, `app,trace,span`, a bare
    id, or empty (`%X{traceId}` with nothing set)."""
    inner = content.strip()
    return (_MDC_BARE.fullmatch(inner) is not None or _MDC_PAIR.fullmatch(inner) is not None
            or ("," in inner and ", " not in inner))


def bracket_logger(f: Fields, content: str, adjacent: bool) -> bool:
    """A bracket after the level and the thread holding one name is the logger when the layout
    pads it to a width (`[Foo      ]`) or writes it right after the bracket before (`][Foo]`);
    a word in brackets after a space (`[main] INFO [Tag] msg`) stays message."""
    if f.logger is not None or f.level is None or f.thread is None:
        return False
    name = content.strip()
    if not (adjacent or (name and content.endswith((" ", "\t")))) or _BR_NAME.fullmatch(name) is None:
        return False
    f.logger = name
    return True


def later_thread(f: Fields, content: str, rest: str, end: int) -> bool:
    """Two brackets before the level (`[%X{correlationId}] [%thread] %-5level`): the one right
    before the level is the thread, the one taken for it before is an MDC value."""
    if f.thread is None or f.level is not None or f.logger is not None or not _LEVEL_NEXT.match(rest, end):
        return False
    f.thread = content.strip()
    return True
