"""IBM WebSphere's basic log format (SystemOut.log, SystemErr.log) and Open Liberty's messages.log:

    [5/10/20 3:09:01:349 UTC] 00000001 ManagerAdmin  I   TRAS0017I: The startup trace state is *=info
    [5/10/20 3:14:34:676 UTC] 000000a1 SystemErr     R javax.servlet.ServletException: ...
    [5/10/20 3:14:34:677 UTC] 000000a1 SystemErr     R 	at com.ibm.ws.console...(AppManagementHelper.java:892)
    [04/07/19 16:43:22:897 COT] 00000001 com.ibm.ws.kernel.launch.internal.FrameworkManager     A CWWKE0001I: ...

`[date time:millis zone] thread component type message`: the date in the JVM locale's short form
(`M/d/yy` in the US; a first number above 12 is the day), milliseconds after a colon, a zone
name (not read: the file's configured zone applies), the thread id as 8 hex digits, the
component (a short name padded to 13, or Liberty's logger), and the event type, one letter:
F(atal) E(rror) W(arning) A(udit) I(nfo) C(onfig) D(etail) O (SystemOut) R (SystemErr, which
is stderr: ERROR, as JBoss logs its `[STDERR]`) Z (unknown) 1/2/3 (fine/finer/finest) and
`>`/`<` (method entry/exit). printStackTrace output comes one `SystemErr R` record per line;
`parsers.multiline` joins those by thread and component (`per_line_traces`).
"""

from __future__ import annotations

import re
from typing import Callable

from parsers.prefix.grammar import Prefix
from parsers.prefix.time_forms import Hint, date_time_text, valid_time

LEVEL_OF_TYPE = {"F": "FATAL", "E": "ERROR", "W": "WARN", "A": "INFO", "I": "INFO", "C": "INFO", "D": "DEBUG",
                 "O": "INFO", "R": "ERROR", "Z": None, "1": "DEBUG", "2": "TRACE", "3": "TRACE", ">": "TRACE",
                 "<": "TRACE"}
_HEADER = re.compile(r"\[(?P<stamp>(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{2}|\d{4}),? (?P<h>\d{1,2}):(?P<mi>\d{2}):"
                     r"(?P<s>\d{2}):(?P<f>\d{3}))(?: [^\]\s]{1,32})?\] (?P<thread>[0-9a-fA-F]{8}) "
                     r"(?P<component>\S{1,256}) +(?P<type>[FEWAICDOZR123<>]) (?P<message>.*)", re.DOTALL)


def websphere(line: str, hint: Hint, iso: Callable[[str, str | None, str | None], str]) -> Prefix | None:
    """The line's prefix in WebSphere's basic format, else None."""
    m = _HEADER.match(line)
    if m is None:
        return None
    g = m.groupdict()
    if not valid_time(g):
        return None
    a, b, year = int(g["a"]), int(g["b"]), int(g["y"])
    month, day = (b, a) if a > 12 else (a, b)
    text = date_time_text(year + 2000 if year < 100 else year, month, day, g, hint)
    message = m.group("message")
    if message[-1:] == "\r":
        message = message[:-1]
    if g["type"] not in "OR":
        message = message.lstrip(" ")  # the type's column is padded; System.out/err text is as printed
    return Prefix(message, iso(text, g["f"], None) if text else None, g["stamp"], LEVEL_OF_TYPE[g["type"]],
                  g["component"], g["thread"], None, None, None, "auto")
