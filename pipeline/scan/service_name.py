"""A service name from a log file's path, for `logpipe scan` without a configuration.

`order-service.2019-01-02.log` is `order-service`; `logs/ruoyi-admin/sys-error.log`
is `ruoyi-admin`: words that name a log rather than a service (levels, `sys`, `app`,
`stdout`, dates, rotation numbers) are dropped from the file's stem, and when nothing
is left the nearest folder that is not itself a generic name (`logs`, `var`, `tmp`)
names it.
"""

from __future__ import annotations

import os
import re

GENERIC = frozenset((
    "app", "application", "all", "sys", "system", "info", "error", "errors", "err", "warn", "warning", "debug",
    "trace", "fatal", "log", "logs", "out", "stdout", "stderr", "console", "main", "root", "server",
    "spring", "default", "output", "messages", "test", "tests", "current", "latest", "localhost", "web", "gc",
    "var", "tmp", "temp", "data", "opt", "home", "target", "build", "surefire", "reports", "logging", "srv",
))
_SPLIT = re.compile(r"[-_.\s]+")
_EXT = re.compile(r"(?:\.(?:gz|zip|bz2|xz|log|txt|out|err|json))+$", re.IGNORECASE)
_NOISE = re.compile(r"^(?:\d+|(?:19|20)\d{6}|(?:19|20)\d{2}|\d{1,2}|[0-9a-f]{8,})$", re.IGNORECASE)


def _words(name: str) -> list[str]:
    stem = _EXT.sub("", name)
    stem = re.sub(r"(?:19|20)\d{2}[-_.]?\d{2}[-_.]?\d{2}(?:[-_.T]?\d{2,6})?", " ", stem)  # dates, times
    return [w for w in _SPLIT.split(stem) if w and not _NOISE.match(w) and w.lower() not in GENERIC]


def service_from_path(path: str) -> str | None:
    """The service a log file belongs to by its name or folders, or None."""
    path = os.path.abspath(path)
    words = _words(os.path.basename(path))
    if words:
        return "-".join(words)
    folder = os.path.dirname(path)
    while folder and folder != os.path.dirname(folder):
        name = os.path.basename(folder)
        if _words(name) and not name.startswith("."):
            return name
        folder = os.path.dirname(folder)
    return None
