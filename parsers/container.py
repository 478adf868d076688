"""Container runtime log files: the application's lines inside the runtime's envelope.

Docker's `json-file` driver (`/var/lib/docker/containers/ID/ID-json.log`) writes every
line the container printed as one JSON object,

    {"log":"java.lang.IllegalStateException: 订单不存在\\n","stream":"stderr","time":"2026-12-02T07:00:00.123456789Z"}

and containerd / CRI-O (Kubernetes' `/var/log/containers/*.log`) as

    2026-12-02T07:00:00.123456789Z stderr F java.lang.IllegalStateException: 订单不存在

where `F` ends a line and `P` marks a piece of a line longer than the runtime's buffer
(16 KiB), as does a Docker `log` without its final newline. `docker compose logs` (and
`docker compose up`) print each line after the container's name and a bar,

    pay-1  | java.lang.IllegalStateException: 订单不存在

(Compose v1: `project_pay_1  | `; the name padded to the longest one, coloured on a
terminal), and `kubectl logs --prefix` after the pod and container,

    [pod/pay-5d8f9/app] java.lang.IllegalStateException: 订单不存在

: no time, no pieces. The Java Service Wrapper's `wrapper.log` is read the same way (see
`parsers.service_wrapper`): the JVM's lines behind the wrapper's prefix and time.

`unwrap(text)` returns the application's line and the runtime's time of it (ISO 8601,
`Z` written `+00:00`), or None when `text` is no envelope. The
assembler decides once per file, on the first line it reads, whether the file is one,
and then reads every line's inner text as the line: layouts, multi-line records (an
ERROR line and its trace printed as separate envelopes join again), SQL and timings,
all as if the application had written the file itself; offsets stay the file's. A line
of such a file that is no envelope (a truncated one) is read as it is.

`ContainerLines` does that for the assembler: the pieces of a long line (`P`, or a Docker
`log` without its newline) are joined again with the envelope that ends them (of the same
stream, next in the file) into one line spanning their bytes, up to the line bound (then
flagged `line_truncated`); a piece whose end is not in the file yet waits for it (its
offset is where a restart must read again). The runtime's time of each line is kept for
the records whose first line has no time of its own (a `print`, a traceback).
"""

from __future__ import annotations

import re
from collections import deque
from typing import NamedTuple

import orjson

from parsers.lines import FLAG_TRUNCATED, Line
from parsers.service_wrapper import is_wrapper_line, jvm_line

_CRI = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?)(Z|[+-]\d\d:\d\d) (stdout|stderr) ([PF])(?:$| )")
_DOCKER_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?)(Z|[+-]\d\d:\d\d)")
_DOCKER_START = '{"log":'
# `<service>-<n>` (v1 `<project>_<service>_<n>`), spaces, `|`, a space (none on a blank line); on a
# terminal the name is coloured and the colour reset after the bar
_KUBECTL = re.compile(r"\[(pod/[^/\] ]+/[^/\] ]+)\](?: |$)")  # `[pod/<pod>/<container>] `
_COMPOSE = re.compile(r"(?:\x1b\[[0-9;]*m)?([A-Za-z0-9][\w.-]*[-_]\d+) +\|(?:\x1b\[0m)?(?: (?:\x1b\[0m)?|$)")


class Printed(NamedTuple):
    """What one envelope holds: the text, the runtime's time (ISO 8601, or None), the
    stream, and whether the line goes on in the next envelope."""

    text: str
    time: str | None
    stream: str
    partial: bool


def unwrap(text: str) -> Printed | None:
    """What a container printed, from one line of a runtime's log file, or None."""
    if text.startswith(_DOCKER_START):
        return _docker(text)
    m = _CRI.match(text)
    if m is not None:
        return Printed(text[m.end():], _iso(m), m.group(3), m.group(4) == "P")
    m = _COMPOSE.match(text) or _KUBECTL.match(text)
    if m is not None:
        return Printed(text[m.end():], None, m.group(1), False)
    jvm = jvm_line(text)
    if jvm is not None:
        return Printed(jvm[0], jvm[1], jvm[2], False)
    return None


def is_envelope(text: str) -> bool:
    """A first line that makes its file one of envelopes: one `unwrap` reads, or a service
    wrapper's own line (its log starts with one; the JVM's lines follow)."""
    return unwrap(text) is not None or is_wrapper_line(text)


def _iso(m: re.Match[str]) -> str:
    zone = m.group(2)
    return m.group(1) + ("+00:00" if zone == "Z" else zone)


def _docker(text: str) -> Printed | None:
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict):
        return None
    inner, stream = obj.get("log"), obj.get("stream")
    if not isinstance(inner, str) or not isinstance(stream, str):
        return None
    partial = not inner.endswith("\n")
    if not partial:
        inner = inner[:-2] if inner.endswith("\r\n") else inner[:-1]
    time = obj.get("time")
    m = _DOCKER_TIME.fullmatch(time) if isinstance(time, str) else None
    return Printed(inner, None if m is None else _iso(m), stream, partial)


class ContainerLines:
    """The lines of one runtime file, as the container printed them (see the module doc)."""

    __slots__ = ("max_chars", "_piece", "_times")

    def __init__(self, max_line_bytes: int) -> None:
        self.max_chars = max_line_bytes
        self._piece: tuple[Line, str] | None = None  # (the line so far, its stream) while pieces come
        self._times: deque[tuple[int, str]] = deque()  # (line offset, runtime's time)

    @property
    def pending_offset(self) -> int | None:
        """First byte of a line whose last piece has not been read yet."""
        return self._piece[0].offset if self._piece is not None else None

    def lines(self, lines: list[Line], final: bool = False) -> list[Line]:
        """The printed lines the file's `lines` complete (with `final`, the file ends: a
        line still in pieces is taken as it is)."""
        out: list[Line] = []
        times = self._times
        for line in lines:
            got = unwrap(line.text)
            if got is None:
                self._close(out)
                out.append(line)
                continue
            if got.time is not None:
                times.append((line.offset, got.time))
            piece = self._piece
            if piece is not None and piece[1] == got.stream and piece[0].end_offset == line.offset:
                self._extend(piece[0], got.text, line)
            else:
                self._close(out)
                line.text = got.text
                if not got.partial:
                    out.append(line)
                    continue
                self._piece = piece = (line, got.stream)
            if not got.partial:
                self._close(out)
        if final:
            self._close(out)
        return out

    def _extend(self, joined: Line, text: str, line: Line) -> None:
        room = self.max_chars - len(joined.text)
        if len(text) > room:
            text = text[:max(room, 0)]
            if FLAG_TRUNCATED not in joined.flags:
                joined.flags = joined.flags + (FLAG_TRUNCATED,)
        joined.text += text
        joined.end_offset = line.end_offset
        extra = tuple(f for f in line.flags if f not in joined.flags)
        if extra:
            joined.flags = joined.flags + extra

    def _close(self, out: list[Line]) -> None:
        if self._piece is not None:
            out.append(self._piece[0])
            self._piece = None

    def time_of(self, offset: int) -> str | None:
        """The runtime's time of the line at `offset`, forgetting those of earlier lines
        (records leave in file order)."""
        times = self._times
        while times and times[0][0] < offset:
            times.popleft()
        return times[0][1] if times and times[0][0] == offset else None
