"""GlassFish's and Payara's server.log (their uniform log format, ODL):

    [2018-10-09T21:04:33.065+0200] [glassfish 5.0] [SEVERE] [] [javax.enterprise.system.tools.deployment.common]
    [tid: _ThreadID=59 _ThreadName=deployment-jar-scanner] [timeMillis: 1539111873065] [levelValue: 1000] [[
      Exception while visiting org/json/JSONPropertyIgnore.class of size 438
    java.lang.IllegalArgumentException
    	at org.glassfish.hk2.external.org.objectweb.asm.ClassReader.<init>(ClassReader.java:169)
    ]]

(the first two lines are one). The time with its offset, the product, the level (java.util.logging's
names), the message id, the logger, the thread's id and name, more `[name: value]` fields, then
`[[`: the message runs from there, usually from the next line, to the `]]` that closes it (on
the message's last line, or a line of its own after a trace: the multi-line rules keep it).
"""

from __future__ import annotations

import re
from typing import Callable

from parsers.prefix.grammar import Prefix, normalize_level

_RECORD = re.compile(r"\[(?P<stamp>(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<f>\d{1,9}))?"
                     r"(?P<z>Z|[+-]\d{2}:?\d{2})?)\] \[[^\]\[]{0,128}\] \[(?P<level>[A-Z]{3,8})\] \[[^\]\[]{0,128}\] "
                     r"\[(?P<logger>[^\]\[]{0,256})\] "
                     r"\[tid: _ThreadID=(?P<tid>\d{1,12}) _ThreadName=(?P<thread>[^\]\[]{0,256})\]"
                     r"(?: \[[^\]\[]{0,256}\]){0,8} \[\[(?P<message>.*)", re.DOTALL)


def glassfish(line: str, iso: Callable[[str, str | None, str | None], str]) -> Prefix | None:
    """The line's prefix in the uniform log format, else None."""
    m = _RECORD.match(line)
    if m is None:
        return None
    message = m.group("message")
    if message[-1:] == "\r":
        message = message[:-1]
    if message.endswith("]]"):
        message = message[:-2]  # a one-line record closes on its line
    return Prefix(message.strip(" "), iso(f"{m.group('date')} {m.group('time')}", m.group("f"), m.group("z")),
                  m.group("stamp"), normalize_level(m.group("level")), m.group("logger") or None,
                  m.group("thread") or m.group("tid"), None, None, None, "auto")
