"""Slow SQL: threshold and per-fingerprint override, one alert per fingerprint and window, p95 figures."""

from __future__ import annotations

from parsers.event import Event
from parsers.options import SqlOptions
from pipeline.alert.rules.alert import iso
from pipeline.alert.rules.engine import RuleEngine
from pipeline.config.schema import AlertsConfig
from pipeline.figures import p95

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z, a window boundary for 300 s windows


def stmt(ts_s: float, ms: float, fid: str = "fp-orders") -> dict:
    return Event(message=f"==> {ms} ms", kind="sql", timestamp=iso(ts_s), host="db-app", service="orders",
                 duration_ns=int(ms * 1_000_000), sql_statement="SELECT * FROM orders WHERE id = 42",
                 sql_fingerprint="select * from orders where id = ?", sql_fingerprint_id=fid).to_ecs()


def engine(slow_ms: float = 1000, by_fp: tuple = (), window_s: int = 300) -> RuleEngine:
    return RuleEngine(AlertsConfig(keywords=(), dedup_window_s=window_s),
                      SqlOptions(slow_ms=slow_ms, slow_ms_by_fingerprint=by_fp))


def rules(alerts) -> list[str]:
    return [a.rule for a in alerts]


def test_a_statement_at_the_threshold_alerts_at_once_and_one_below_does_not():
    e = engine(slow_ms=1000)
    assert e.feed(stmt(T0, 999.9), T0) == []
    alerts = e.feed(stmt(T0 + 1, 1000), T0 + 1)
    assert rules(alerts) == ["slow_sql"]
    sql = alerts[0].body["sql"]
    assert sql["fingerprint_id"] == "fp-orders" and sql["threshold_ms"] == 1000
    assert sql["sample"] == "SELECT * FROM orders WHERE id = 42"
    assert sql["count"] == 1 and sql["max_ms"] == 1000


def test_a_per_fingerprint_threshold_overrides_the_default():
    e = engine(slow_ms=1000, by_fp=(("fp-batch", 5000.0), ("fp-hot", 50.0)))
    assert e.feed(stmt(T0, 3000, fid="fp-batch"), T0) == []
    assert rules(e.feed(stmt(T0, 60, fid="fp-hot"), T0)) == ["slow_sql"]
    assert rules(e.feed(stmt(T0, 5000, fid="fp-batch"), T0)) == ["slow_sql"]


def test_slow_statements_alert_once_per_fingerprint_and_window():
    e = engine(window_s=300)
    assert rules(e.feed(stmt(T0 + 10, 2000), T0 + 10)) == ["slow_sql"]
    for i in range(3):
        assert e.feed(stmt(T0 + 20 + i, 1500), T0 + 20 + i) == []
    assert rules(e.feed(stmt(T0 + 10, 2000, fid="fp-other"), T0 + 10)) == ["slow_sql"]
    nxt = e.feed(stmt(T0 + 300, 1200), T0 + 300)
    assert rules(nxt) == ["slow_sql", "slow_sql_p95"]  # the 5th slow statement in 300 s: sustained
    assert nxt[0].body["window"] == {"start": iso(T0 + 300), "end": iso(T0 + 600)}


def test_the_alert_carries_count_max_and_p95_of_the_window_so_far():
    e = engine(slow_ms=1000)
    for i, ms in enumerate([10, 20, 30, 40, 900]):
        assert e.feed(stmt(T0 + i, ms), T0 + i) == []
    alert = e.feed(stmt(T0 + 10, 1800), T0 + 10)[0]
    assert alert.body["sql"]["max_ms"] == 1800
    assert alert.body["sql"]["p95_ms"] == 1800  # nearest rank of 6 values
    assert alert.body["sql"]["count"] == 1


def test_p95_is_nearest_rank():
    assert p95([]) == 0.0
    assert p95([5]) == 5
    assert p95(list(range(1, 101))) == 95
    assert p95(list(range(1, 21))) == 19


def test_a_fingerprint_whose_sliding_p95_exceeds_its_threshold_alerts_once_per_window():
    e = engine(slow_ms=100, window_s=300)
    seen = []
    for i in range(10):
        seen += e.feed(stmt(T0 + i, 150), T0 + i)
    assert rules(seen) == ["slow_sql", "slow_sql_p95"]
    p95_alert = seen[1].body
    assert p95_alert["sql"]["count"] == 5 and p95_alert["sql"]["p95_ms"] == 150
    assert p95_alert["severity"] == "high"


def test_the_p95_window_slides_so_old_statements_stop_counting():
    e = engine(slow_ms=100, window_s=60)
    for i in range(4):
        e.feed(stmt(T0 + i, 500), T0 + i)
    later = []
    for i in range(5):
        later += e.feed(stmt(T0 + 200 + i, 10), T0 + 200 + i)
    assert later == []


def test_slow_sql_false_turns_sql_rules_off():
    e = RuleEngine(AlertsConfig(keywords=(), slow_sql=False), SqlOptions(slow_ms=1))
    assert e.feed(stmt(T0, 5000), T0) == []
