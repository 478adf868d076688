"""Access lines that write a request's time with no timing word, after or among its fields:

    200 POST /api/login (127.0.0.1) 22.00ms                                  Tornado
    GET /api/users 200 12.345 ms - 1234                                      morgan `dev`
    GET /api/users 200 1234 - 12.345 ms                                      morgan `tiny`, `short`
    [GIN] 2024/01/02 - 10:11:12 | 200 |   1.234567ms |  127.0.0.1 | GET      "/api/users"   Gin

A timing here needs three things in the message: a request (an HTTP verb, then a path or
URL, quoted or not), a status (100-599, a number of its own), and a number with its unit
(`ms`, `µs`, `s`) that is a field of its own: after a number, a bracket, `-` or `|` (not
after a word: `backoff 2s`), and ending the message, ending a `|` cell, or with ` - ` after it
(the size that follows). What was timed is the request (`subject.request`).
"""

from __future__ import annotations

import re

from parsers.timing.free import MAX_TIMING_NS
from parsers.units import duration_ns

VERBS = ("GET ", "POST ", "PUT ", "DELETE ", "PATCH ", "HEAD ", "OPTIONS ")
_REQUEST = re.compile(r"(?<![\w/])(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)[ \t]+\"?(?:https?://|/)")
_STATUS = re.compile(r"(?<![\w.:/\"'-])[1-5]\d\d(?![\w.:/\"'-])")
_DURATION = re.compile(r"(?<![\w.:/-])(?P<num>\d{1,9}(?:\.\d{1,9})?)[ \t]?(?P<unit>ms|µs|μs|us|s)"
                       r"(?=\s*\Z|[ \t]*\||[ \t]+-[ \t])")


def may_be_request_line(message: str) -> bool:
    """Cheap test: an HTTP verb and a space."""
    return any(verb in message for verb in VERBS)


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
        ns = duration_ns(m.group("num"), m.group("unit"))
        if ns is not None and ns <= MAX_TIMING_NS:
            return m.start(), m.end(), ns
    return None
