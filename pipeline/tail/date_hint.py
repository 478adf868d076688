"""The date a log line written without one belongs to (`03:04:05.678 [main] ERROR ...`).

Rolling appenders put it in the file name (`sys-info.2019-01-02.log`,
`catalina.2019-01-02.log`, `app.log.20190102`); otherwise the file's modification day,
in the configured time zone, is the best guess (a live file is being written today).
Parsers do no IO, so the caller works it out and passes it in `Source.date_hint`.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime

from parsers.prefix.time import parse_timezone

_DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_name(path: str) -> str | None:
    """`YYYY-MM-DD` from a date in the file's name, or None."""
    m = None
    for m in _DATE_IN_NAME.finditer(os.path.basename(path)):
        pass  # the last one: `app-2019-01-01.2019-01-02.log` was rolled on the later day
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(3)), int(m.group(4))).isoformat()
    except ValueError:
        return None


def date_hint(path: str, mtime_s: float | None, timezone: str = "UTC") -> str | None:
    """A date in the name, else the day of `mtime_s` in `timezone`, else None."""
    named = date_in_name(path)
    if named is not None or mtime_s is None:
        return named
    try:
        return datetime.fromtimestamp(mtime_s, parse_timezone(timezone)).date().isoformat()
    except (ValueError, OverflowError, OSError):
        return None
