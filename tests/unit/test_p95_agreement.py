"""One p95 for the whole project: the alerter's slow-SQL figures and `logpipe scan`
give the same nearest-rank value for the same statement durations."""

from __future__ import annotations

import random

from hypothesis import given, settings, strategies as st

from parsers.event import Event
from parsers.options import SqlOptions
from pipeline.alert.rules.alert import iso
from pipeline.alert.rules.engine import RuleEngine
from pipeline.config.schema import AlertsConfig
from pipeline.figures import percentile, p95
from pipeline.scan.stats import ScanStats
from pipeline.scan.summary import build_report

T0 = 1_767_225_600.0  # a window boundary for 300 s windows
FID = "fp-orders"


def statement(i: int, ms: float) -> Event:
    return Event(message=f"==> {ms} ms", kind="sql", timestamp=iso(T0 + i), host="db", service="orders",
                 duration_ns=round(ms * 1_000_000), sql_statement="SELECT 1", sql_fingerprint="select ?",
                 sql_fingerprint_id=FID, end_offset=10)


def alerter_p95(durations_ms: list[float]) -> float:
    """The p95 the slow-SQL alert carries: the statements arrive slowest last, and only the
    slowest reaches the threshold, so the alert sees the whole window."""
    ordered = sorted(durations_ms)
    engine = RuleEngine(AlertsConfig(keywords=(), dedup_window_s=300), SqlOptions(slow_ms=ordered[-1]))
    alerts = [a for i, ms in enumerate(ordered) for a in engine.feed(statement(i, ms).to_ecs(), T0 + i)]
    slow = [a for a in alerts if a.rule == "slow_sql"]
    assert len(slow) == 1 and slow[0].body["sql"]["count"] == 1
    return slow[0].body["sql"]["p95_ms"]


def scan_p95(durations_ms: list[float]) -> float:
    stats = ScanStats(slow_ms=1e9)
    stats.add_file("f", "f", "orders")
    for i, ms in enumerate(durations_ms):
        stats.add(statement(i, ms), "f")
    return build_report(stats)["sql"][0]["p95_ms"]


def test_alerter_and_scan_agree_where_the_old_definitions_differed():
    durations = [float(ms) for ms in range(1, 21)]  # 0.95 * 20 is a whole rank: 19, not 20
    assert scan_p95(durations) == 19.0
    assert alerter_p95(durations) == 19.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=200, unique=True))
def test_alerter_and_scan_give_the_same_p95_for_the_same_durations(micros: list[int]):
    durations = [us / 1000 for us in micros]  # whole microseconds: exact in ns and in ms
    want = p95(durations)
    assert scan_p95(durations) == want
    assert alerter_p95(durations) == want


def test_percentile_is_nearest_rank_and_always_an_observed_value():
    values = random.Random(7).sample(range(1000), 37)
    for q in (1, 50, 90, 95, 99, 100):
        got = percentile(values, q)
        assert got in values
        assert sum(v <= got for v in values) >= q * len(values) / 100
        assert sum(v < got for v in values) < q * len(values) / 100
    assert percentile([], 95) == 0.0 and percentile([3, 1, 2], 0) == 1
