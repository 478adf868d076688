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
_CLASS_NORMALIZERS = (  # (cheap substring trigger, pattern, replacement)
    ("$$", re.compile(r"(\$\$(?:EnhancerBy\w*CGLIB|FastClassBy\w*CGLIB|SpringCGLIB)\$\$)\w+"), r"\1<gen>"),
    ("$$Lambda", re.compile(r"\$\$Lambda(?:\$\d+)?(?:/0x[0-9a-fA-F]+)?"), "$$Lambda$<n>"),
    ("Accessor", re.compile(r"(Generated(?:Serialization)?(?:Method|Constructor)Accessor)\d+"), r"\1<n>"),
    ("$Proxy", re.compile(r"\$Proxy\d+"), "$Proxy<n>"),
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
    for trigger, rx, repl in _CLASS_NORMALIZERS:
        if trigger in name:  # most frames have none of the triggers: no regex runs
            name = rx.sub(repl, name)
    return name


def normalize_function(name: str) -> str:
    if "$" not in name:
        return name
    for rx, repl in _FUNCTION_NORMALIZERS:
        name = rx.sub(repl, name)
    return name


_LIB_ROOTS = frozenset(p[:-1] for p in LIBRARY_PREFIXES if p.count(".") == 1)  # java, javax, sun, ...
_LIB_PACKAGES = frozenset(p[:-1] for p in LIBRARY_PREFIXES if p.count(".") == 2)  # org.springframework, ...


def _java_library(module: str) -> bool:
    """Set lookups on the first one and two package segments (cheaper than prefix scans)."""
    first = module.find(".")
    if first < 0:
        return False
    if module[:first] in _LIB_ROOTS:
        return True
    second = module.find(".", first + 1)
    return second > 0 and module[:second] in _LIB_PACKAGES


# A frame as grouping sees it, normalised and classified once:
# (module, "module.function", proxy/reflection, library, python)
_Prepared = tuple[str, str, bool, bool, bool]


def _prepare(frames: list[Frame]) -> list[_Prepared]:
    out: list[_Prepared] = []
    for frame in frames:
        raw = frame.module
        module = normalize_class(raw)
        fn = frame.function
        if "$" in fn:
            fn = normalize_function(fn)
        file = frame.file
        if file is not None and file.endswith(".py"):
            out.append((module, f"{module}.{fn}", False, _PY_LIBRARY.search(file) is not None, True))
            continue
        library = _java_library(module)
        proxy = (library and raw.startswith(REFLECTION_PREFIXES)) or (
            module is not raw and _GENERATED.search(module) is not None)
        out.append((module, f"{module}.{fn}", proxy, library, False))
    return out


def _in_app(frame: _Prepared, app: tuple[str, ...]) -> bool:
    if app == ("",):  # inferred for Python: anything outside site-packages and the stdlib
        return not frame[3]
    return bool(app) and frame[0].startswith(app)


def infer_in_app(trace: StackTrace) -> tuple[str, ...]:
    """In-app packages when none are configured: among frames that are not JDK, known
    library or generated proxy frames, the top-level package (first two segments, e.g.
    `com.fpay.`) that most of them share; a tie goes to the one seen first (nearest the
    throw). Python: every frame outside site-packages and the standard library, so the
    result is `("",)` (all) when such a frame exists. Empty when nothing qualifies."""
    return _infer([_prepare(exc.frames) for exc in trace.exceptions])


def _infer(prepared: list[list[_Prepared]]) -> tuple[str, ...]:
    counts: Counter[str] = Counter()
    for frames in prepared:
        for module, _, proxy, library, python in frames:
            if library or proxy:
                continue
            if python:
                return ("",)
            counts[".".join(module.split(".", 2)[:2]) + "."] += 1
    if not counts:
        return ()
    return (counts.most_common(1)[0][0],)


def _frame_component(name: str, frames: list[_Prepared], in_app: tuple[str, ...] | None) -> Component:
    """Top in-app frames (`in_app` None: system variant, any non-proxy frame)."""
    values: list[str] = []
    ignored: Counter[str] = Counter()
    for frame in frames:
        if frame[2]:
            ignored["reflection/proxy frame"] += 1
        elif in_app is not None and not _in_app(frame, in_app):
            ignored["not in-app"] += 1
        elif len(values) >= TOP_FRAMES:
            ignored[f"beyond top {TOP_FRAMES}"] += 1
        else:
            values.append(frame[1])
    notes = ", ".join(f"{n} ignored: {why}" for why, n in ignored.items())
    if not frames:
        return Component(name, [], False, "ignored: no frames")
    if not values:
        return Component(name, [], False, f"ignored: no {'in-app ' if in_app is not None else ''}frames ({notes})")
    hint = f"{len(values)} frames (line numbers ignored)" + (f"; {notes}" if notes else "")
    return Component(name, values, True, hint)


def compute_signature(trace: StackTrace, in_app: tuple[str, ...] = ()) -> Signature:
    """The v1 signature of `trace`, with a reason for every component."""
    outer, root = trace.outermost, trace.root_cause
    chained = root is not outer
    prepared = [_prepare(exc.frames) for exc in trace.exceptions]
    app = tuple(in_app) or _infer(prepared)
    comps = [Component("outermost.type", [outer.type], True, "exception type")]
    comps.append(Component("root_cause.type", [root.type], True, "innermost cause") if chained
                 else Component("root_cause.type", [], False, "ignored: no cause (same as outermost)"))
    frame_comps = [_frame_component("outermost.frames", prepared[0], app)]
    if chained:
        frame_comps.append(_frame_component("root_cause.frames", prepared[-1], app))
    comps += frame_comps
    has_frames = any(exc.frames for exc in trace.exceptions)
    if has_frames and not any(c.contributed for c in frame_comps):
        system = _frame_component("system.frames", prepared[-1] if root.frames else prepared[0], None)
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


# -- message templates ------------------------------------------------------------------
# An ordered list of named patterns folded into one combined regex at import (as Sentry's
# message parameterizer does); the first alternative that matches at a position wins.
# Boundaries are ASCII-only lookarounds, not `\b`: in mixed Chinese/English text `\w`
# also matches Chinese characters (`金额100元` must still give `金额<num>元`).

_L = r"(?<![A-Za-z0-9_])"  # left boundary
_R = r"(?![A-Za-z0-9_])"  # right boundary
PARAMETERS: tuple[tuple[str, str], ...] = (
    ("uuid", rf"{_L}[0-9a-fA-F]{{8}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{12}}{_R}"),
    ("ts", rf"{_L}\d{{4}}-\d{{2}}-\d{{2}}(?:[ T]\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?{_R}"),
    ("ip", rf"{_L}\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?::\d{{1,5}})?{_R}"),
    ("str", r"\"[^\"\n]*\"|(?<![A-Za-z0-9])'[^'\n]*'(?![A-Za-z0-9])|`[^`\n]*`"),
    ("hex", rf"{_L}0[xX][0-9a-fA-F]+{_R}|{_L}(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{{8,}}{_R}"),
    ("unit", rf"{_L}-?\d+(?:[.,]\d+)*(?=(?:ns|us|ms|s|m|h|d|[kKmMgG]?[bB]|%)(?![A-Za-z0-9_]))"),  # 30000ms
    ("id", rf"{_L}(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*{_R}"),
    ("num", rf"{_L}-?\d+(?:[.,]\d+)*{_R}"),
)
_SHOWN = {"unit": "<num>"}
_COMBINED = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in PARAMETERS))


def _placeholder(m: re.Match[str]) -> str:
    name = m.lastgroup or ""  # every alternative of _COMBINED is a named group
    return _SHOWN.get(name, f"<{name}>")


def message_template(msg: str) -> str:
    """`Order ord_20261126_001001 not found, amount=12.50` -> `Order <id> not found, amount=<num>`."""
    return _COMBINED.sub(_placeholder, msg)
