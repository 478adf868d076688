"""A bare Python traceback after a record that tells no failure and whose next lines were
other output (text, no trace) starts a record of its own: uWSGI logs a request's line after
its traceback, so the traceback below it is the next request's. A record that logged the
traceback (a blank line or a trace between) keeps it."""

from __future__ import annotations

from parsers.event import Event
from tests.unit.tiled_events import tiled_events

TRACEBACK = ('Traceback (most recent call last):\n  File "/srv/app/views.py", line 69, in add\n'
             "    raise TabError('inconsistent use of tabs')\nTabError: inconsistent use of tabs\n")
REQUEST = ("[pid: 27136|app: 0|req: 1/1] 172.16.5.43 () {38 vars in 539 bytes} [Mon Dec  4 08:35:48 2023] "
           "POST /final-dataset/add/ => generated 0 bytes in 6456 msecs (HTTP/1.1 500) 5 headers in 162 bytes "
           "(1 switches on core 0)\n")


def run(text: str) -> list[Event]:
    return tiled_events(text.encode())


def test_the_next_requests_traceback_is_not_the_request_lines():
    text = TRACEBACK + REQUEST + "announcing my loyalty to the Emperor...\n" + TRACEBACK + REQUEST
    first, request, second, last = run(text)
    assert (first.kind, second.kind) == ("exception", "exception")
    assert second.message.startswith("Traceback") and second.duration_ns is None
    assert request.kind == "method" and request.duration_ns == 6_456_000_000
    assert request.message.endswith("announcing my loyalty to the Emperor...")
    assert last.offset == text.rindex("[pid:")


def test_a_record_keeps_the_traceback_it_logged_after_a_blank_line():
    head = "[2018-10-22 14:47:39,862] [8157] [139765] [  base.py: 925] [DEBUG ] Exception while resolving variable\n"
    (ev,) = run(head + "\n" + TRACEBACK)
    assert (ev.kind, ev.level, ev.error_type) == ("exception", "DEBUG", "TabError")
