"""Layouts that write the logger after the message, at the end of the record's first line.

Two shapes, both read only when the fields before the message gave a level and no logger:

- log4j's `[%d] %p %m (%c)%n`, Kafka's and its ZooKeeper's default layout: the logger in
  parentheses (`... Awaiting socket connections (org.apache.zookeeper.server.NIOServerCnxnFactory)`);
  a bracket read as the thread is the message's (Kafka's `[Controller id=0]` log context).
- log4j's `%d [%t] %-5p - %m -[%c]%n` and `%m - [%c]`: the logger in brackets behind a dash
  that the layout writes after the message (`... initialization started -[org.springframework.web.
  context.ContextLoader] `). The dash is what tells the layout's bracket from a message that
  ends with a class name in brackets (`Loaded driver [com.mysql.jdbc.Driver]`), which stays
  the message's.

The logger must be a qualified name (a dot, Java identifier characters).
"""

from __future__ import annotations

import re

from parsers.prefix.field_brackets import Fields
from parsers.prefix.levels import LEVELS

_QUALIFIED = r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$-]*)+"
_PAREN_LOGGER = re.compile(rf"[ \t]*(?P<level>{LEVELS})[ \t]+(?P<msg>.*?)[ \t]+"
                           rf"\((?P<logger>{_QUALIFIED})\)\r?$")
_DASH_BRACKET_LOGGER = re.compile(rf"(?P<msg>.*?)[ \t]+-[ \t]?\[(?P<logger>{_QUALIFIED})\][ \t]*\r?$")


def paren_logger(rest: str, f: Fields) -> Fields:
    """`LEVEL msg (pkg.Logger)`: the logger after the message; else `f` unchanged."""
    km = _PAREN_LOGGER.match(rest)
    if km is None:
        return f
    out = Fields()
    out.level, out.logger, out.message = km.group("level"), km.group("logger"), km.group("msg")
    return out


def dash_bracket_logger(f: Fields) -> Fields:
    """`msg -[pkg.Logger]` (or `msg - [pkg.Logger]`) at the end of `f.message`: the logger,
    the message without it; else `f` unchanged. The caller checks the line ends with `]`."""
    km = _DASH_BRACKET_LOGGER.match(f.message)
    if km is None:
        return f
    f.logger, f.message = km.group("logger"), km.group("msg")
    return f
