"""The scan's aggregates: exact p95 below the sample cap, bounded memory above it,
slow counts per fingerprint threshold, and baselines in both accepted shapes."""

from __future__ import annotations

import random

import pytest

from parsers.event import Event
from pipeline.scan.stats import MAX_SAMPLES, Durations, ScanStats
from pipeline.scan.summary import baseline_hashes, build_report


def test_p95_is_exact_below_the_cap() -> None:
    d, rng = Durations(), random.Random(1)
    for ms in range(1, 101):
        d.add(ms * 1_000_000, rng)
    figures = d.figures()
    assert (figures["p95_ms"], figures["max_ms"], figures["avg_ms"], figures["p95_exact"]) == (95.0, 100.0, 50.5, True)  # nearest rank


def test_samples_stay_bounded_and_p95_stays_close_above_the_cap() -> None:
    d, rng = Durations(), random.Random(1)
    values = [random.Random(2).randrange(1, 1000) for _ in range(3 * MAX_SAMPLES)]
    for v in values:
        d.add(v, rng)
    assert len(d.samples) == MAX_SAMPLES and d.count == len(values) and d.max_ns == max(values)
    true_p95 = sorted(values)[len(values) * 95 // 100 - 1]
    assert abs(d.p95_ns() - true_p95) <= 25
    assert d.figures()["p95_exact"] is False


def sql_event(fp_id: str, ms: int) -> Event:
    ev = Event("SQL", kind="sql", duration_ns=ms * 1_000_000, sql_statement="select 1", sql_fingerprint="select ?",
               sql_fingerprint_id=fp_id, end_offset=10)
    return ev


def test_slow_sql_uses_the_threshold_of_its_fingerprint() -> None:
    stats = ScanStats(slow_ms=1000, slow_ms_by_fingerprint={"nightly": 3000})
    stats.add_file("f", "f", "pay")
    for fp, ms in (("nightly", 2000), ("nightly", 3000), ("web", 999), ("web", 1000)):
        stats.add(sql_event(fp, ms), "f")
    rows = {r["fingerprint_id"]: r for r in build_report(stats)["sql"]}
    assert (rows["nightly"]["slow_count"], rows["web"]["slow_count"]) == (1, 1)
    assert rows["nightly"]["max_ms"] == 3000.0


def test_statements_logged_without_a_duration_are_counted_apart_from_the_timings() -> None:
    stats = ScanStats(slow_ms=1000)
    stats.add_file("f", "f", "pay")
    stats.add(sql_event("q", 400), "f")
    untimed = sql_event("q", 0)
    untimed.duration_ns = None
    stats.add(untimed, "f")
    stats.add(untimed, "f")
    row = build_report(stats)["sql"][0]
    assert (row["count"], row["untimed"], row["avg_ms"], row["p95_ms"]) == (1, 2, 400.0, 400.0)


def test_a_baseline_is_a_report_or_a_list_of_hashes() -> None:
    assert baseline_hashes(["a", "b"]) == {"a", "b"}
    assert baseline_hashes({"signatures": [{"signature": "a"}]}) == {"a"}
    with pytest.raises(ValueError):
        baseline_hashes({"nope": 1})
