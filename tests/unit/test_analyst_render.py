"""Rendering of fixed results: terminal output, SVG geometry, HTML escaping (no services)."""

from __future__ import annotations

import re

from rich.console import Console

from parsers.prefix.time import parse_timezone
from pipeline.analyst.charts import nice_top, scale_points, sparkline, stacked_bars
from pipeline.analyst.html import render_report
from pipeline.analyst.queries import TERMINAL_TAGS
from pipeline.analyst.render import marked, render_search, render_top, render_trace
from pipeline.analyst.trace_html import render_trace_html

ZONE = parse_timezone("Asia/Shanghai")
SCRIPT = "<script>alert('x')</script>"


def _console() -> Console:
    return Console(width=160, record=True, force_terminal=False, color_system=None)


def _event(ts: str, service: str, **extra) -> dict:
    return {"@timestamp": ts, "service": {"name": service}, "log": {"level": "INFO", "offset": 1},
            "host": {"name": "h"}, "logpipe": {"kind": "line"}, "message": "m", **extra}


def test_scale_points_maps_zero_to_the_bottom_and_the_peak_to_the_top():
    assert scale_points([0, 5, 10], 100, 50, pad=0) == [(0, 50), (50, 25), (100, 0)]
    assert scale_points([3], 100, 50, pad=5) == [(50, 5)]
    assert scale_points([0, 0], 10, 10, pad=0) == [(0, 10), (10, 10)]
    assert scale_points([], 10, 10) == []


def test_sparkline_draws_its_points_and_marks_the_peak():
    svg = sparkline([0, 4, 2], width=100, height=20)
    assert "polyline" in svg and 'points="3,17 50,3 97,10"' in svg
    assert '<circle cx="50" cy="3"' in svg


def test_stacked_bars_have_a_nice_axis_and_escape_their_labels():
    svg = stacked_bars(["10:00", "11:00"], {SCRIPT: [3, 0], "b": [4, 1]}, tick_every=1)
    assert nice_top(7) == 10 and nice_top(11) == 20 and nice_top(0.5) == 1
    assert ">10<" in svg and SCRIPT not in svg and "&lt;script&gt;" in svg
    assert svg.count("<rect") >= 3 + 2  # three bars, two legend swatches


def test_terminal_highlight_marks_become_bold_spans():
    text = marked(f"call {TERMINAL_TAGS[0]}timeout{TERMINAL_TAGS[1]} after 5s")
    assert text.plain == "call timeout after 5s"
    assert [(s.start, s.end, str(s.style)) for s in text.spans] == [(5, 12, "bold")]


def test_search_prints_time_service_level_and_the_highlighted_message():
    hit = {"_source": _event("2026-11-26T10:16:15.001+08:00", "pay-gateway", message="支付渠道超时 timeout"),
           "highlight": {"message": [f"支付渠道超时 {TERMINAL_TAGS[0]}timeout{TERMINAL_TAGS[1]}"]}}
    console = _console()
    render_search(7, [hit], console, ZONE)
    out = console.export_text()
    assert "11-26 10:16:15.001 pay-gateway INFO  line      支付渠道超时 timeout" in out
    assert "1 of 7 matching event(s)" in out


def test_trace_shows_timings_with_ms_and_fingerprint_and_exceptions_with_root_cause():
    events = [
        _event("2026-11-26T10:15:30.134+08:00", "order-service", logpipe={"kind": "sql", "sql": {
            "fingerprint_id": "a19728da3a6fe3c9", "fingerprint": "insert into t_order values(?+)", "rows": 1}},
            event={"duration": 4_000_000}),
        _event("2026-11-26T10:16:15.000+08:00", "pay-gateway", message="支付失败",
               logpipe={"kind": "exception", "root_cause": {"type": "java.net.SocketTimeoutException",
                                                            "message": "Read timed out"}},
               error={"type": "ChannelTimeoutException", "message": "支付渠道超时"}),
    ]
    console = _console()
    render_trace("ord_1", events, console, ZONE)
    out = console.export_text()
    assert "2 event(s) across 2 service(s)" in out
    assert "SQL 4.0 ms, 1 row(s) [a19728da3a6fe3c9] insert into t_order values(?+)" in out
    assert "ChannelTimeoutException: 支付渠道超时  ← root cause java.net.SocketTimeoutException: Read timed out" in out


def test_top_sql_table_shows_count_percentiles_and_slow_count():
    rows = [{"fingerprint_id": "f1", "count": 40, "p50_ms": 7.0, "p95_ms": 10.0, "max_ms": 3120.0, "slow_count": 1,
             "fingerprint": "select ?"}]
    console = _console()
    render_top("sql", rows, console, ZONE)
    line = next(ln for ln in console.export_text().splitlines() if ln.strip().startswith("f1"))
    assert re.search(r"f1\s+40\s+7\.0 ms\s+10\.0 ms\s+3,120 ms\s+1\s+select \?", line)


def _report(message: str) -> dict:
    sig = {"signature": "s1", "count": 2, "first_seen": "2026-11-26T02:00:00.000Z", "last_seen": None,
           "error_type": "E", "error_message": message, "root_cause_type": "E", "root_cause_message": message,
           "service": "svc", "trend": [0, 2, 0]}
    return {"window": {"from": "2026-11-26T00:00:00.000+08:00", "to": "2026-11-27T00:00:00.000+08:00"},
            "generated": "2026-11-26T12:00:00.000+08:00",
            "totals": {"events": 10, "errors": 2, "levels": {}, "services": {"svc": 10}},
            "signature_count": 1, "new_signatures": [sig], "signatures": [sig], "trend_interval_s": 3600,
            "slow_sql": [], "slow_ms": 1000, "methods": [], "errors_interval_s": 3600,
            "errors_by_service": {"times": ["2026-11-26T10:00:00.000+08:00"], "series": {"svc": [2]}},
            "masked": {"card": 3}, "health": {"error": "Kafka at x did not answer"}}


def test_log_text_in_the_report_is_escaped_never_markup():
    page = render_report(_report(SCRIPT), ZONE, "Asia/Shanghai")
    assert SCRIPT not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    for anchor in ("new", "top", "sql", "methods", "errors", "masked", "health"):
        assert f'<section id="{anchor}">' in page
    assert "11-26 10:00:00" in page  # first seen, in the config's zone


def test_trace_timeline_has_a_lane_per_service_and_escapes_messages():
    events = [_event("2026-11-26T10:15:30.112+08:00", "pay-gateway", message=SCRIPT),
              _event("2026-11-26T10:15:30.128+08:00", "order-service")]
    page = render_trace_html("ord_<1>", events, ZONE, "Asia/Shanghai")
    assert SCRIPT not in page and "<script" not in page.lower() and "ord_&lt;1&gt;" in page
    assert page.count('class="lane-head"') == 2
