"""The Java Service Wrapper's log (Tanuki's and YAJSW's `wrapper.log`): the JVM's console
behind the wrapper's prefix.

A JVM run as a service (Windows, or a daemon on Linux) through the wrapper has every line
it printed on stdout or stderr written as

    INFO   | jvm 1    | 2024/01/01 12:00:00 | java.lang.IllegalStateException: 订单不存在

(the level the wrapper gives the output, `jvm <n>` counting restarts, the wrapper's time,
with `.SSS` when configured), and the wrapper's own messages as

    STATUS | wrapper  | 2024/01/01 12:00:01 | <-- Wrapper Stopped

`jvm_line(text)` returns the JVM's text, the wrapper's time of it (ISO 8601, no zone: the
wrapper writes local time) and the JVM's name, or None when `text` is no JVM line;
`is_wrapper_line(text)` tells any line of such a file. The wrapper's own lines are left
as they are: each is a record of its own (it has a date after two bars).
"""

from __future__ import annotations

import re

# the level padded to 6, a bar, `jvm <n>` or `wrapper` padded to 8, a bar, the date and
# time, a bar and one space (none on a blank line)
_LINE = re.compile(r"(?:STATUS|DEBUG|INFO|WARN|ERROR|FATAL|ADVICE|NOTICE) *\| "
                   r"(jvm \d+|wrapper) *\| (\d{4})/(\d\d)/(\d\d) (\d\d:\d\d:\d\d(?:\.\d{1,3})?) \|(?: |$)")


def jvm_line(text: str) -> tuple[str, str, str] | None:
    """(the JVM's text, the wrapper's time, `jvm <n>`) of a JVM line of a wrapper's log."""
    m = _LINE.match(text)
    if m is None or m.group(1) == "wrapper":
        return None
    return text[m.end():], f"{m.group(2)}-{m.group(3)}-{m.group(4)}T{m.group(5)}", m.group(1)


def is_wrapper_line(text: str) -> bool:
    """A line of a wrapper's log: the JVM's or the wrapper's own."""
    return _LINE.match(text) is not None
