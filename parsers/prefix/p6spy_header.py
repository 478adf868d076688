"""The header line of p6spy's MultiLineFormat as its own FileLogger writes it (`spy.log`):

    #1730889430597 | took 4ms | statement | connection 0| url jdbc:p6spy:postgresql://db/pay
    insert into t (a) values (?)
    insert into t (a) values (1);

`#<currentTime> | took <elapsed>ms | <category> | connection <id>| url <url>`, then the
prepared statement and the effective one (each possibly over several lines, the last
ending in `;`). currentTime is epoch milliseconds unless the `dateformat` option is set
(`#12-09-19 17:39:20:126 | took ...`). The header starts a record (its statement lines
continue it); the whole line stays the message, which the SQL parser reads
(`parsers.sql.p6spy`). Through a logger the same lines follow the logger's own prefix,
which already starts the record.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from parsers.prefix.grammar import Prefix
from parsers.prefix.time_forms import epoch_ms_text

_HEADER = re.compile(r"#(?P<time>[^|\n]{1,40}?) \| took -?[0-9]{1,15}ms \| [a-z]{1,12} \| connection ?-?[0-9]{0,19}\|")


def p6spy_header(line: str, iso: Callable[[str, str | None, str | None], str | None],
                 parse_time: Callable[[str], Prefix | None]) -> Prefix | None:
    """A Prefix for a MultiLineFormat header line, None for any other line. `iso` makes the
    ISO time of an epoch (`AutoPrefixParser`'s converter); `parse_time` reads a formatted
    currentTime as the start of a line (the auto parser itself): its time is taken only
    when it read the whole currentTime as one."""
    m = _HEADER.match(line)
    if m is None:
        return None
    text = m.group("time")
    message = line[:-1] if line[-1:] == "\r" else line
    if len(text) == 13 and text.isdigit():
        seconds, frac = epoch_ms_text(int(text))
        return Prefix(message, iso(seconds, frac, "Z"), text, format="auto")
    p = parse_time(text + " |")
    timestamp = p.timestamp if p is not None and p.format != "raw" and p.raw_time == text else None
    return Prefix(message, timestamp, text, format="auto")
