"""Access lines that write a request's time with no timing word, after or among its fields:

    200 POST /api/login (127.0.0.1) 22.00ms                                  Tornado
    GET /api/users 200 12.345 ms - 1234                                      morgan `dev`
    [GIN] 2024/01/02 - 10:11:12 | 200 |   1.234567ms |  127.0.0.1 | GET      "/api/users"   Gin

A timing here needs three things in the message: a request (an HTTP verb, then a path or
URL, quoted or not), a status (100-599, a number of its own), and a number with its unit
that is a field of its own (after a number, a bracket, `-` or `|`; not after a word: `backoff
2s`): a `|` cell in any unit (`| 1.234567ms |`, `| 1.5s |`), Tornado's two decimals of
milliseconds ending the message (`22.00ms`), or morgan's `12.345 ms - ` (the size follows).
What was timed is the request (`subject.request`). Other spellings (morgan's `tiny`, `... 1234 -
12.345 ms` at the end; `GET /x 200 12ms`) are not read: a digit and `ms` is in one message in a
hundred (`held=3ms`, `code=10000 msg=`), more than the recognisers' screen should pass for them.
"""

from __future__ import annotations

import re

from parsers.timing.free import MAX_TIMING_NS
from parsers.units import duration_ns

# Every time this module reads holds one of these: a digit and `ms` (`22.00ms`, Tornado's
# `%.2fms`), morgan's ` ms - `, or a `|` (a Gin cell). Few words: the screen's one pass over each
# message stays a packed SIMD search (fewer than 128 words, the trace keys included).
TRIGGERS = (*(f"{d}ms" for d in "0123456789"), " ms - ", "|")
_REQUEST = re.compile(r"(?<![\w/])(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)[ \t]+\"?(?:https?://|/)")
_STATUS = re.compile(r"(?<![\w.:/\"'-])[1-5]\d\d(?![\w.:/\"'-])")
_DURATION = re.compile(
    r"(?<![\w.:/-])(?P<num>\d{1,9}(?:\.\d{1,9})?)"
    r"(?:(?P<cell>ms|µs|μs|s)(?=[ \t]*\|)"  # a `|` cell: `| 1.234567ms |`, `| 1.5s |` (Gin)
    r"|(?<=\.\d\d)(?P<unit>ms)(?=\s*\Z|[ \t]+-[ \t])"  # `22.00ms` (Tornado's `%.2fms`)
    r"|[ \t](?P<spaced>ms)(?=[ \t]+-[ \t]))")  # `12.345 ms - 1234` (morgan's dev)


def may_be_request_line(message: str) -> bool:
    """Cheap test: a path, a unit or a cell, and an HTTP verb."""
    return "/" in message and ("ms" in message or "|" in message) and (
        "GET " in message or "POST " in message or "PUT " in message or "DELETE " in message
        or "PATCH " in message or "HEAD " in message or "OPTIONS " in message)


def find_request_timing(message: str) -> tuple[int, int, int] | None:
    """(start, end, duration in ns) of a request's time in an access line, or None."""
    request = _REQUEST.search(message)
    if request is None:
        return None
    for m in _DURATION.finditer(message):
        if message[:m.start()].rstrip()[-1:].isalpha():
            continue  # after a word (`backoff 2s`, `retry in 5s`): no field of an access line
        if _STATUS.search(message[:m.start()]) is None and _STATUS.search(message, m.end()) is None:
            continue
        ns = duration_ns(m.group("num"), m.group("cell") or m.group("unit") or m.group("spaced"))
        if ns is not None and ns <= MAX_TIMING_NS:
            return m.start(), m.end(), ns
    return None
