"""The message `logger.exception()` printed before its traceback with no prefix (Django's
`Internal Server Error: /pay/` under gunicorn or uWSGI, its `{message}` format, a thread's
`Exception in thread t:`) is the first line of the traceback's record: after a structured
record that is no failure, the raw line telling of a failure waits for the next line, and a
Python traceback there makes the two a record of their own; anything else leaves the line
the structured record's next line, as before."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from tests.unit.tiled_events import tiled_events

TRACE = ["Traceback (most recent call last):",
         '  File "/srv/pay/views.py", line 44, in notify',
         "    order = Order.objects.get(pk=pk)",
         "pay.models.Order.DoesNotExist: Order matching query does not exist."]
_BEFORE = st.sampled_from([
    "2013-08-13 13:42:25 [29805] [INFO] Booting worker with pid: 29805",
    "[pid: 5722|app: 0|req: 6/9] 10.0.0.7 () {30 vars in 379 bytes} [Thu Dec  6 10:15:30 2018] GET /pay/ => "
    "generated 2 bytes in 6 msecs (HTTP/1.1 200) 2 headers in 81 bytes (1 switches on core 0)",
    "2026-11-26 10:15:30,123 INFO celery.worker.strategy Received task: pay.tasks.notify[7f3a]",
])
_HEADER = st.sampled_from(["Internal Server Error: /pay/notify/7/", "Exception in thread Thread-1:",
                           "Task pay.tasks.notify[7f3a] raised unexpected: DoesNotExist()",
                           "Invalid HTTP_HOST header: 'pay.test'.", "订单回调处理异常"])


def _events(lines: list[str], chunk: int | None = None) -> list:
    return tiled_events("".join(x + "\n" for x in lines).encode(), chunk)


@settings(max_examples=60, deadline=None)
@given(_BEFORE, _HEADER, st.integers(1, 400))
def test_the_line_before_a_traceback_starts_its_record(before, header, chunk):
    evs = _events([before, header, *TRACE, before], chunk)
    assert [e.kind for e in evs] == [evs[0].kind, "exception", evs[2].kind]
    assert header not in evs[0].message and evs[1].message == header
    assert evs[1].error_type == "pay.models.Order.DoesNotExist" and evs[1].duration_ns is None


@settings(max_examples=30, deadline=None)
@given(_HEADER, st.integers(1, 400))
def test_in_a_file_without_prefixes_too(header, chunk):
    evs = _events(["Watching for file changes with StatReloader", header, *TRACE, "Not Found: /favicon.ico"], chunk)
    assert [(e.kind, e.message) for e in evs] == [
        ("line", "Watching for file changes with StatReloader"), ("exception", header),
        ("line", "Not Found: /favicon.ico")]


@settings(max_examples=30, deadline=None)
@given(_BEFORE, _HEADER, st.sampled_from([[], ["  detail: 3 retries"], ["2026-11-26 10:15:31,000 INFO next"]]),
       st.integers(1, 400))
def test_a_line_no_traceback_follows_stays_the_records_next_line(before, header, after, chunk):
    evs = _events([before, header, *after], chunk)
    assert evs[0].message.endswith("\n" + header + ("\n" + after[0] if after and after[0][0] == " " else ""))
    assert len(evs) == 1 + (after != [] and after[0][0] != " ")


def test_a_failure_records_next_line_stays_its_own():
    evs = _events(["2026-11-26 10:15:30,123 ERROR pay.views notify failed for order 7:", "Internal Server Error",
                   *TRACE])
    assert len(evs) == 1 and evs[0].kind == "exception"
    assert evs[0].message.endswith("notify failed for order 7:\nInternal Server Error")


def test_a_line_that_tells_no_failure_is_no_tracebacks_header():
    # an uncaught exception's traceback has no header: the line before it is another record's,
    # and the traceback, after that record's other output, is a record of its own
    booting, uncaught = _events(["2013-08-13 13:42:25 [29805] [INFO] Booting worker with pid: 29805", "worker ready",
                                 *TRACE])
    assert (booting.kind, booting.message) == ("line", "Booting worker with pid: 29805\nworker ready")
    assert uncaught.kind == "exception" and uncaught.message.startswith("Traceback")
