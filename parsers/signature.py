"""Exception signatures: a stable grouping hash that explains itself (Sentry-style), v1.

Components, in order, each saying whether it contributed and why not:

  outermost.type        the exception that was logged
  root_cause.type       the innermost `Caused by:` (when there is a chain)
  outermost.frames      top 5 in-app frames as `class.method` (never line numbers)
  root_cause.frames     same, for the root cause
  system.frames         only when no exception has an in-app frame: top 5 frames of any package
  message               only when the trace has no frames at all: `message_template()`

Before counting, frames are normalised (`normalize_class`, `normalize_function`: CGLIB
suffixes, `$$Lambda$123/0x..`, `GeneratedMethodAccessor123`, `$Proxy203`, `lambda$foo$0`
become placeholders) and reflection/proxy frames are dropped. In-app packages come from
config; when none are given they are inferred (`infer_in_app`). The hash covers only the
values of contributing components, so another line number, accessor number or host gives
the same hash and another throw site gives another.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from parsers.signature_message import message_template
from parsers.stacktrace import ExceptionInfo, Frame, StackTrace

__all__ = ["VERSION", "Component", "Signature", "compute_signature", "infer_in_app", "message_template"]

VERSION = "v1"
TOP_FRAMES = 5
REFLECTION_PREFIXES = ("sun.reflect.", "java.lang.reflect.", "jdk.internal.", "org.springframework.cglib.",
                       "org.springframework.aop.", "com.sun.proxy.", "jdk.proxy")
LIBRARY_PREFIXES = REFLECTION_PREFIXES + (
    "java.", "javax.", "jakarta.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "scala.", "groovy.",
    "org.springframework.", "org.apache.", "org.mybatis.", "org.hibernate.", "com.fasterxml.", "io.netty.",
    "io.lettuce.", "com.mysql.", "com.zaxxer.", "com.alibaba.", "com.baomidou.", "org.redisson.",
    "redis.clients.", "io.grpc.", "com.google.", "okhttp3.", "okio.", "feign.", "io.micrometer.", "reactor.",
    "io.undertow.", "org.eclipse.", "org.aspectj.", "net.sf.", "ch.qos.", "org.slf4j.", "org.junit.",
    "com.netflix.", "io.seata.", "org.postgresql.", "oracle.", "com.microsoft.", "org.jboss.", "org.glassfish.",
    "io.opentelemetry.", "org.quartz.", "com.xxl.", "io.swagger.", "org.elasticsearch.", "co.elastic.",
)
_PY_LIBRARY = re.compile(r"(?:site-packages|dist-packages|/lib/python\d|<frozen |<string>)")
_GENERATED = re.compile(r"\$\$(?:EnhancerBy\w*CGLIB|FastClassBy\w*CGLIB|SpringCGLIB)\$\$|\$Proxy<n>$|"
                        r"Generated(?:Serialization)?(?:Method|Constructor)Accessor<n>")
_CLASS_NORMALIZERS = (
    (re.compile(r"(\$\$(?:EnhancerBy\w*CGLIB|FastClassBy\w*CGLIB|SpringCGLIB)\$\$)\w+"), r"\1<gen>"),
    (re.compile(r"\$\$Lambda(?:\$\d+)?(?:/0x[0-9a-fA-F]+)?"), "$$Lambda$<n>"),
    (re.compile(r"(Generated(?:Serialization)?(?:Method|Constructor)Accessor)\d+"), r"\1<n>"),
    (re.compile(r"\$Proxy\d+"), "$Proxy<n>"),
)
_FUNCTION_NORMALIZERS = ((re.compile(r"^(lambda\$[\w$]*?)\$\d+$"), r"\1$<n>"), (re.compile(r"^access\$\d+$"), "access$<n>"))


@dataclass(slots=True)
class Component:
    name: str
    values: list[str]
    contributed: bool
    hint: str  # why (not)


@dataclass(slots=True)
class Signature:
    hash: str  # 16 hex digits
    version: str
    reasons: list[str]
    title: str
    components: list[Component] = field(default_factory=list)


def normalize_class(name: str) -> str:
    for rx, repl in _CLASS_NORMALIZERS:
        name = rx.sub(repl, name)
    return name


def normalize_function(name: str) -> str:
    for rx, repl in _FUNCTION_NORMALIZERS:
        name = rx.sub(repl, name)
    return name


def _is_python(frame: Frame) -> bool:
    return frame.file is not None and frame.file.endswith(".py")


def _is_library(frame: Frame) -> bool:
    if _is_python(frame):
        return bool(_PY_LIBRARY.search(frame.file or ""))
    return frame.module.startswith(LIBRARY_PREFIXES)


def _in_app(frame: Frame, module: str, app: tuple[str, ...]) -> bool:
    if app == ("",):  # inferred for Python: anything outside site-packages and the stdlib
        return not _is_library(frame)
    return bool(app) and module.startswith(app)


def infer_in_app(trace: StackTrace) -> tuple[str, ...]:
    """In-app packages when none are configured: among frames that are not JDK, known
    library or generated proxy frames, the top-level package (first two segments, e.g.
    `com.fpay.`) that most of them share; a tie goes to the one seen first (nearest the
    throw). Python: every frame outside site-packages and the standard library, so the
    result is `("",)` (all) when such a frame exists. Empty when nothing qualifies."""
    counts: Counter[str] = Counter()
    for exc in trace.exceptions:
        for frame in exc.frames:
            if _is_library(frame) or _GENERATED.search(normalize_class(frame.module)):
                continue
            if _is_python(frame):
                return ("",)
            counts[".".join(frame.module.split(".")[:2]) + "."] += 1
    if not counts:
        return ()
    return (counts.most_common(1)[0][0],)


def _frame_component(name: str, exc: ExceptionInfo, in_app: tuple[str, ...] | None) -> Component:
    """Top in-app frames of `exc` (`in_app` None: system variant, any non-proxy frame)."""
    values: list[str] = []
    ignored: Counter[str] = Counter()
    for frame in exc.frames:
        module, function = normalize_class(frame.module), normalize_function(frame.function)
        if frame.module.startswith(REFLECTION_PREFIXES) or _GENERATED.search(module):
            ignored["reflection/proxy frame"] += 1
        elif in_app is not None and not _in_app(frame, module, in_app):
            ignored["not in-app"] += 1
        elif len(values) >= TOP_FRAMES:
            ignored[f"beyond top {TOP_FRAMES}"] += 1
        else:
            values.append(f"{module}.{function}")
    notes = ", ".join(f"{n} ignored: {why}" for why, n in ignored.items())
    if not exc.frames:
        return Component(name, [], False, "ignored: no frames")
    if not values:
        return Component(name, [], False, f"ignored: no {'in-app ' if in_app is not None else ''}frames ({notes})")
    hint = f"{len(values)} frames (line numbers ignored)" + (f"; {notes}" if notes else "")
    return Component(name, values, True, hint)


def compute_signature(trace: StackTrace, in_app: tuple[str, ...] = ()) -> Signature:
    """The v1 signature of `trace`, with a reason for every component."""
    outer, root = trace.outermost, trace.root_cause
    chained = root is not outer
    app = tuple(in_app) or infer_in_app(trace)
    comps = [Component("outermost.type", [outer.type], True, "exception type")]
    comps.append(Component("root_cause.type", [root.type], True, "innermost cause") if chained
                 else Component("root_cause.type", [], False, "ignored: no cause (same as outermost)"))
    frame_comps = [_frame_component("outermost.frames", outer, app)]
    if chained:
        frame_comps.append(_frame_component("root_cause.frames", root, app))
    comps += frame_comps
    has_frames = any(exc.frames for exc in trace.exceptions)
    if has_frames and not any(c.contributed for c in frame_comps):
        system = _frame_component("system.frames", root if root.frames else outer, None)
        system.hint = "no in-app frames: " + system.hint
        comps.append(system)
    if has_frames:
        comps.append(Component("message", [], False, "ignored: frames present"))
    else:
        comps.append(Component("message", [message_template(outer.message or "")], True, "no frames: message template"))
    if app == ("",):
        comps.append(Component("in_app", [], False, "inferred: code outside site-packages and the standard library"))
    else:
        how = "configured" if in_app else "inferred"
        comps.append(Component("in_app", list(app), False, f"{how} in-app packages {list(app)} (not hashed)"))
    key = "\x1e".join(f"{c.name}={chr(0x1f).join(c.values)}" for c in comps if c.contributed)
    digest = hashlib.sha256(f"{VERSION}\x1e{key}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return Signature(digest, VERSION, [f"{c.name}: {'contributed' if c.contributed else 'ignored'} ({c.hint})"
                                       if c.contributed else f"{c.name}: {c.hint}" for c in comps],
                     _title(outer, root, comps), comps)


def _title(outer: ExceptionInfo, root: ExceptionInfo, comps: list[Component]) -> str:
    short = lambda t: t.rsplit(".", 1)[-1]  # noqa: E731
    title = short(outer.type) + (f" caused by {short(root.type)}" if root is not outer else "")
    by_name = {c.name: c for c in comps if c.contributed and c.name.endswith("frames")}
    for name in ("root_cause.frames", "outermost.frames", "system.frames"):
        if name in by_name:
            top = by_name[name].values[0].rsplit(".", 2)
            return f"{title} at {'.'.join(top[-2:])}"
    return title
