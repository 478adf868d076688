"""Error-rate spikes: errors per window per service far above the rolling baseline."""

from __future__ import annotations

from parsers.event import Event
from parsers.options import SqlOptions
from pipeline.alert.rules.alert import iso
from pipeline.alert.rules.engine import RuleEngine
from pipeline.config.schema import AlertsConfig

T0 = 1_767_225_600.0


def error(ts_s: float, service: str = "payments") -> dict:
    return Event(message="boom", timestamp=iso(ts_s), level="ERROR", service=service, host="h1").to_ecs()


def engine(factor: float = 3.0, min_count: int = 20) -> RuleEngine:
    return RuleEngine(AlertsConfig(keywords=(), error_rate_window_s=60, error_rate_factor=factor,
                                   error_rate_min_count=min_count), SqlOptions())


def feed_minute(e: RuleEngine, minute: int, n: int, service: str = "payments") -> list:
    out = []
    for i in range(n):
        ts = T0 + minute * 60 + i * (59 / max(n, 1))
        out += e.feed(error(ts, service), ts)
    return out


def test_a_spike_far_above_the_baseline_alerts_once_in_its_window():
    e = engine(factor=3.0, min_count=20)
    for minute in range(10):
        assert feed_minute(e, minute, 10) == []
    spike = feed_minute(e, 10, 40)
    assert [a.rule for a in spike] == ["error_rate"]
    body = spike[0].body
    assert body["rate"]["count"] == 31 and body["rate"]["baseline"] == 10.0  # alerts when > 3 x 10
    assert body["service"] == "payments" and body["severity"] == "critical"
    assert body["window"] == {"start": iso(T0 + 600), "end": iso(T0 + 660)}


def test_a_steady_rate_never_alerts_and_a_small_burst_stays_under_min_count():
    e = engine(factor=3.0, min_count=20)
    for minute in range(15):
        assert feed_minute(e, minute, 25) == []
    quiet = engine(factor=3.0, min_count=20)
    feed_minute(quiet, 0, 1)
    assert feed_minute(quiet, 5, 19) == []


def test_services_have_their_own_baselines():
    e = engine(factor=3.0, min_count=5)
    for minute in range(5):
        feed_minute(e, minute, 30, service="batch")
        feed_minute(e, minute, 2, service="payments")
    out = feed_minute(e, 5, 10, service="payments") + feed_minute(e, 5, 30, service="batch")
    assert [(a.rule, a.body["service"]) for a in out] == [("error_rate", "payments")]


def test_info_lines_are_not_errors():
    e = engine(min_count=1)
    doc = Event(message="ok", timestamp=iso(T0), level="INFO", service="payments").to_ecs()
    assert e.feed(doc, T0) == []


def test_a_service_without_history_needs_factor_times_min_count_in_its_first_window():
    e = engine(factor=3.0, min_count=20)
    assert feed_minute(e, 0, 59) == []
    new = engine(factor=3.0, min_count=20)
    assert [a.body["rate"]["count"] for a in feed_minute(new, 0, 70)] == [60]
