"""Container runtime log files: the application's lines inside the runtime's envelope.

Docker's `json-file` driver (`/var/lib/docker/containers/ID/ID-json.log`) writes every
line the container printed as one JSON object,

    {"log":"java.lang.IllegalStateException: 订单不存在\\n","stream":"stderr","time":"2026-12-02T07:00:00.123456789Z"}

and containerd / CRI-O (Kubernetes' `/var/log/containers/*.log`) as

    2026-12-02T07:00:00.123456789Z stderr F java.lang.IllegalStateException: 订单不存在

where `F` ends a line and `P` marks a piece of a line longer than the runtime's buffer
(16 KiB), as does a Docker `log` without its final newline.

`unwrap(text)` returns the application's line and the runtime's time of it (ISO 8601,
`Z` written `+00:00`), or None when `text` is no envelope. The
assembler decides once per file, on the first line it reads, whether the file is one,
and then reads every line's inner text as the line: layouts, multi-line records (an
ERROR line and its trace printed as separate envelopes join again), SQL and timings,
all as if the application had written the file itself; offsets stay the file's. A line
of such a file that is no envelope (a truncated one) is read as it is. A piece of a long
line is read as a line of its own: it continues the record before it, so its text is
kept, with a line break where the runtime cut it. A record whose first line has no
time of its own (a `print`) takes the runtime's.
"""

from __future__ import annotations

import re

import orjson

_CRI = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?)(Z|[+-]\d\d:\d\d) (?:stdout|stderr) [PF](?:$| )")
_DOCKER_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?)(Z|[+-]\d\d:\d\d)")
_DOCKER_START = '{"log":'


def unwrap(text: str) -> tuple[str, str | None] | None:
    """(the line a container printed, its time) from one line of a runtime's log file,
    or None."""
    if text.startswith(_DOCKER_START):
        return _docker(text)
    m = _CRI.match(text)
    if m is None:
        return None
    return text[m.end():], _iso(m)


def _iso(m: re.Match[str]) -> str:
    zone = m.group(2)
    return m.group(1) + ("+00:00" if zone == "Z" else zone)


def _docker(text: str) -> tuple[str, str | None] | None:
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict):
        return None
    inner = obj.get("log")
    if not isinstance(inner, str) or "stream" not in obj:
        return None
    if inner.endswith("\n"):
        inner = inner[:-1]
    if inner.endswith("\r"):
        inner = inner[:-1]
    time = obj.get("time")
    m = _DOCKER_TIME.fullmatch(time) if isinstance(time, str) else None
    return inner, None if m is None else _iso(m)
