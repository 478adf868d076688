"""Layouts that write the level as its first letter, then the time and where it was logged.

    I0822 19:38:14.123456   12345 kubelet.go:42] msg      glog, klog (Kubernetes), absl:
                                                          `Lmmdd hh:mm:ss.uuuuuu thread file:line] `
    [I 180822 19:38:14 web:2162] msg                     Tornado's LogFormatter:
                                                          `[%(levelname)1.1s %y%m%d %H:%M:%S module:line] `
    [I 2023-05-01 10:00:00.123 ServerApp] msg            Jupyter (traitlets' Application log):
    [W 10:23:45.123 NotebookApp] msg                      `[L date time.msecs name] `

The letters are the level's initial: D(EBUG), I(NFO), W(ARN), E(RROR), C(RITICAL), F(ATAL).
A glog date has no year and a Jupyter time may have no date: they come from the date hint.
"""

from __future__ import annotations

import re
from typing import Callable

from parsers.prefix.grammar import Prefix
from parsers.prefix.time_forms import Hint, date_time_text, valid_time

LEVEL_OF_LETTER = {"D": "DEBUG", "I": "INFO", "W": "WARN", "E": "ERROR", "C": "CRITICAL", "F": "FATAL"}
_TIME = r"(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
_GLOG = re.compile(rf"(?P<level>[IWEF])(?P<stamp>(?P<mo>[01]\d)(?P<d>[0-3]\d) {_TIME}\.(?P<f>\d{{6}})) +"
                   r"(?P<thread>\d{1,10}) (?P<file>[^\s:\]]{1,200}):(?P<line>\d{1,7})\] ?")
_BRACKET = re.compile(rf"\[(?P<level>[DIWEC]) (?P<stamp>(?:(?P<yy>\d{{2}})(?P<mo>[01]\d)(?P<d>[0-3]\d) "
                      rf"|(?P<y>\d{{4}})-(?P<mo4>\d{{2}})-(?P<d4>\d{{2}}) )?{_TIME}(?:\.(?P<f>\d{{3,6}}))?) "
                      r"(?P<name>[^\s\]:]{1,200})(?::(?P<line>\d{1,7}))?\] ?")


def may_be_letter_level(line: str) -> bool:
    """Cheap test: the first characters of one of these layouts."""
    c = line[:1]
    if c == "[":
        return line[1:2] in LEVEL_OF_LETTER and line[2:3] == " "
    return c in "IWEF" and line[1:5].isdigit() and line[5:6] == " "


def letter_level(line: str, hint: Hint, iso: Callable[[str, str | None, str | None], str]) -> Prefix | None:
    """The line's prefix in one of these layouts, else None. `iso(text, fraction, zone)`
    turns `YYYY-MM-DD HH:MM:SS` into the event's timestamp."""
    glog = line[:1] != "["
    m = (_GLOG if glog else _BRACKET).match(line)
    if m is None:
        return None
    g = m.groupdict()
    if not valid_time(g):
        return None
    if glog:
        year, month, day = None, int(g["mo"]), int(g["d"])
    elif g["yy"] is not None:
        year, month, day = 2000 + int(g["yy"]), int(g["mo"]), int(g["d"])
    elif g["y"] is not None:
        year, month, day = int(g["y"]), int(g["mo4"]), int(g["d4"])
    else:
        year = month = day = None  # a time of day alone
    text = date_time_text(year, month, day, g, hint)
    message = line[m.end():]
    return Prefix(message[:-1] if message[-1:] == "\r" else message, iso(text, g["f"], None) if text else None,
                  g["stamp"], LEVEL_OF_LETTER[g["level"]], g["file"] if glog else g["name"],
                  g["thread"] if glog else None, None, None, {"line": g["line"]} if g["line"] else None, "auto")
