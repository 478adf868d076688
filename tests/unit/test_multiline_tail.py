"""A record cut at `max_event_lines` / `max_event_bytes` keeps its last lines: a Python
traceback names its exception on its last line (a RecursionError's traceback runs past
any bound), a Java trace its root cause near its end."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.multiline import TAIL_LINES, Multiline
from parsers.options import Bounds, ParseOptions
from parsers.prefix.layouts import Prefix

_EXCEPTIONS = st.sampled_from(["RecursionError: maximum recursion depth exceeded in comparison",
                               "django.db.utils.OperationalError: (2006, 'MySQL server has gone away')",
                               "ValueError: 金额格式错误"])


def _events(data: bytes) -> list:
    asm = Assembler(ParseOptions(), Source("h", "svc", "/var/log/app.log", "f"))
    return asm.feed(data, 0, 0) + asm.finish(0)


def _python_trace(frames: int, exc: str) -> str:
    body = "".join(f'  File "/app/views.py", line {i % 900 + 1}, in f{i % 3}\n    return f{(i + 1) % 3}(x)\n'
                   for i in range(frames))
    return "Traceback (most recent call last):\n" + body + exc + "\n"


@settings(max_examples=25, deadline=None)
@given(frames=st.integers(500, 1500), exc=_EXCEPTIONS)
def test_a_python_trace_longer_than_the_bound_keeps_its_exception_line(frames, exc):
    head = "ERROR 2019-04-01 09:52:51,153 log 228 Internal Server Error: /admin/add/\n"
    tail = "ERROR 2019-04-01 09:52:51,174 basehttp 154 \"POST /admin/add/ HTTP/1.1\" 500 3718398\n"
    data = (head + _python_trace(frames, exc) + tail).encode()
    first, second = _events(data)
    kind, _, message = exc.partition(": ")
    assert first.truncated == (2 + 2 * frames > Bounds().max_event_lines)
    assert (first.error_type, first.error_message) == (kind, message)
    assert first.end_offset == second.offset and second.end_offset == len(data)


def test_a_java_trace_longer_than_the_bound_keeps_its_last_cause():
    frames = "".join(f"\tat com.pay.Order.step{i}(Order.java:{i})\n" for i in range(1200))
    data = ("2026-11-26 10:15:30.000 [main] ERROR c.p.OrderService - settle failed\n"
            "java.lang.IllegalStateException: settle failed\n" + frames
            + "Caused by: java.sql.SQLTimeoutException: query timed out\n"
            "\tat com.mysql.cj.jdbc.StatementImpl.executeQuery(StatementImpl.java:1200)\n\t... 1201 more\n").encode()
    (ev,) = _events(data)
    assert ev.truncated and ev.error_type == "java.lang.IllegalStateException"
    assert ev.root_cause_type == "java.sql.SQLTimeoutException"


@settings(max_examples=100, deadline=None)
@given(n=st.integers(0, 200), max_lines=st.integers(TAIL_LINES + 2, TAIL_LINES + 40))
def test_the_cut_record_is_its_first_lines_then_its_last_ones(n, max_lines):
    ml = Multiline("python", Bounds(max_event_lines=max_lines, max_event_bytes=1 << 20))
    lines = [f"  line {i}" for i in range(n)]
    ml.push("Traceback (most recent call last):", Prefix("x", format="logback"), 0, 1, 0)
    for i, line in enumerate(lines):
        ml.push(line, None, i + 1, i + 2, 0)
    rec = ml.finish()
    if n + 1 <= max_lines:
        assert rec.continuation == lines and not rec.truncated
    else:
        kept = max_lines - 1
        assert rec.continuation == lines[:kept - TAIL_LINES] + lines[-TAIL_LINES:]
        assert rec.truncated and rec.dropped_lines == n - kept and rec.end_offset == n + 1


def test_a_tail_line_that_would_pass_the_byte_bound_by_more_than_an_eighth_is_dropped():
    bounds = Bounds(max_event_lines=30, max_event_bytes=1000)
    ml = Multiline("python", bounds)
    ml.push("Traceback (most recent call last):", Prefix("x", format="logback"), 0, 35, 0)
    offset = 35
    for i in range(25):
        ml.push(f"  f{i:02d}", None, offset, offset + 6, 0)
        offset += 6
    ml.push("x" * 2000, None, offset, offset + 2001, 0)
    rec = ml.finish()
    assert rec.truncated and rec.continuation[-1] == "  f24" and rec.end_offset == offset + 2001
