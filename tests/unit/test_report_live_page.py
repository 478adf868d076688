"""The live report's page and panels (no services): log text is escaped, the page
refreshes by fetching panels, alerts are kept newest first without duplicates."""

from __future__ import annotations

from parsers.prefix.time import parse_timezone
from pipeline.analyst.live_alerts import LatestAlerts
from pipeline.analyst.live_page import alerts_panel, events_panel, page, report_sections
from pipeline.config.schema import KafkaConfig
from tests.unit.test_analyst_render import SCRIPT, _report

ZONE = parse_timezone("Asia/Shanghai")


def test_the_page_is_a_shell_that_fetches_its_panels_on_a_timer():
    html = page("Live", 2.5, "Asia/Shanghai")
    assert 'fetch("api/panels"' in html and "const REFRESH_MS = 2500;" in html
    for area in ("alerts-area", "report-area", "latest-area"):
        assert f'id="{area}"' in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from elsewhere


def test_the_report_panels_are_the_daily_reports_sections_with_log_text_escaped():
    body = report_sections(_report(SCRIPT), ZONE, "Asia/Shanghai")
    assert '<section id="top">' in body and '<div class="cards">' in body
    assert "<main>" not in body and "<script>" not in body and "&lt;script&gt;" in body


def test_latest_events_are_escaped_and_exceptions_marked():
    events = [{"@timestamp": "2026-11-26T02:00:00Z", "service": {"name": "pay"}, "log": {"level": "ERROR"},
               "logpipe": {"kind": "exception"}, "message": SCRIPT, "error": {"type": "a.B", "message": SCRIPT}}]
    html = events_panel(events, ZONE)
    assert "<script>" not in html and 'class="exc"' in html and "11-26 10:00:00" in html
    assert "No events in the window." in events_panel([], ZONE)


def test_alerts_show_newest_first_once_each_with_the_reading_error_if_any():
    alerts = LatestAlerts(KafkaConfig(), {}, keep=2)
    for n in (1, 2, 1, 3):
        alerts.add({"id": f"a{n}", "title": f"t{n}", "severity": "high", "rule": "keyword"})
    assert [a["id"] for a in alerts.latest()] == ["a3", "a1"]
    html = alerts_panel([{"id": "x", "title": SCRIPT, "severity": "HIGH"}], ZONE, "no alerts topic x yet")
    assert "<script>" not in html and 'class="sev-high"' in html and "no alerts topic x yet" in html
