"""Terminal colour codes in log lines.

Console layouts colour their fields (logback's `%highlight(...)`, `%cyan(...)`, log4j2's
`%style{...}`, Play's `%coloredLevel`), and those lines reach files through `nohup`,
`docker logs`, or a file appender given the console's pattern. The codes are no part of what
the record says: every line is read without them (its byte offsets are the file's)."""

from __future__ import annotations

import re

# CSI sequences (`ESC [ params letter`: colours, bold, reset) and the two-byte ESC sequences
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text) if "\x1b" in text else text
