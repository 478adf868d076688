"""Flask's documented RequestFormatter writes each record over two lines, the level on the
second: `[%(asctime)s] %(remote_addr)s requested %(url)s` / `%(levelname)s in %(module)s: %(message)s`.
Both lines and the traceback logged with them are one record, with its level and module."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parsers.event import Event
from tests.unit.tiled_events import tiled_events

TRACEBACK = ('Traceback (most recent call last):\n  File "/srv/app/views.py", line 10, in pay\n'
             '    raise ValueError("bad amount")\nValueError: bad amount\n')


def run(text: str) -> list[Event]:
    return tiled_events(text.encode())


def record(second: int, level: str, message: str) -> str:
    return f"[2024-01-01 10:00:{second:02d},123] 10.0.0.7 requested http://pay.local/pay/{second}\n{level} in views: {message}\n"


def test_the_failure_keeps_its_request_line_and_its_traceback():
    exc, info = run(record(0, "ERROR", "Exception on /pay/0 [POST]") + TRACEBACK + record(1, "INFO", "paid"))
    assert (exc.kind, exc.level, exc.logger, exc.error_type) == ("exception", "ERROR", "views", "ValueError")
    assert exc.message.startswith("10.0.0.7 requested http://pay.local/pay/0")
    assert (info.kind, info.level, info.logger) == ("line", "INFO", "views")
    assert info.message == "10.0.0.7 requested http://pay.local/pay/1\nINFO in views: paid"


@given(st.lists(st.tuples(st.sampled_from(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]), st.booleans()),
                min_size=1, max_size=6))
def test_every_two_line_record_is_one_event_with_its_level(plan):
    text = "".join(record(i, level, "Exception on /pay [POST]" if trace else "ok") + (TRACEBACK if trace else "")
                   for i, (level, trace) in enumerate(plan))
    events = run(text)
    assert [(e.level, e.kind) for e in events] == [
        ("WARN" if level == "WARNING" else level, "exception" if trace else "line") for level, trace in plan]
