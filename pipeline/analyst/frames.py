"""Where an exception of a trail came from: the first frame of the application's own code
(`[parse] in_app` packages, or the ones `parsers.signature.infer_in_app` would pick) in
the stored stack trace, as `module.function(File.java:42)`.

    annotate_app_frames(events, in_app=("com.fpay",))   # sets logpipe.first_app_frame

The outermost exception's frames are searched first (the throw site the log statement
saw), then its causes', each from the throw outwards. Pure: the stack trace text is parsed again, nothing is fetched.
"""

from __future__ import annotations

import re
from typing import Any

from parsers.signature import infer_in_app
from parsers.stacktrace import Frame, StackTrace, parse_stack

_PY_LIBRARY = re.compile(r"(?:site-packages|dist-packages|/lib/python\d|<frozen |<string>)")


def frame_text(frame: Frame) -> str:
    where = f"{frame.file}:{frame.line}" if frame.file and frame.line is not None else (frame.file or "?")
    return f"{frame.module}.{frame.function}({where})"


def _is_app(frame: Frame, packages: tuple[str, ...], python: bool) -> bool:
    if python and packages == ("",):  # inferred for Python: outside site-packages and the standard library
        return _PY_LIBRARY.search(frame.file or "") is None
    return any(p and frame.module.startswith(p) for p in packages)


def first_app_frame(trace: StackTrace, in_app: tuple[str, ...] = ()) -> Frame | None:
    packages = tuple(in_app) or infer_in_app(trace)
    python = trace.language == "python"
    for exc in trace.exceptions:
        for frame in (reversed(exc.frames) if python else exc.frames):  # a traceback lists the throw last
            if _is_app(frame, packages, python):
                return frame
    return None


def app_frame_of(stack_trace: str | None, in_app: tuple[str, ...] = ()) -> str | None:
    """The first in-app frame of a stored `error.stack_trace`, as text; None without one."""
    if not stack_trace:
        return None
    trace = parse_stack(stack_trace.splitlines())
    if trace is None:
        return None
    frame = first_app_frame(trace, in_app)
    return frame_text(frame) if frame is not None else None


def annotate_app_frames(events: list[dict[str, Any]], in_app: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Set `logpipe.first_app_frame` on the events that carry a stack trace with one."""
    for src in events:
        error = src.get("error")
        if not isinstance(error, dict):
            continue
        frame = app_frame_of(error.get("stack_trace"), in_app)
        if frame is not None:
            src.setdefault("logpipe", {})["first_app_frame"] = frame
    return events
