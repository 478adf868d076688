"""The figures logpipe computes and shows about durations: percentiles and milliseconds.

One definition of a percentile for the whole project (the alerter's `slow_sql_p95`
rule and the slow-SQL figures of its alerts, `logpipe scan`, the benchmarks):
**nearest rank**. The p-th percentile of n values is the value at rank
`ceil(p / 100 * n)` (1-based) of the sorted values: the smallest value that at least
p % of the values do not exceed. It is always a value that was observed, never an
interpolation between two (p95 of 1..100 is 95; of 1..20 is 19). No values: 0.

Durations travel in nanoseconds (`event.duration`, ECS); reports show milliseconds,
rounded to the microsecond (`ms_of_ns`), and write them as text with `ms_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

N = TypeVar("N", int, float)
NS_PER_MS = 1_000_000


def percentile(values: Sequence[N], q: float) -> N | float:
    """Nearest-rank `q`-th percentile (`q` in 0..100) of `values`, in any order; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    n = len(ordered)
    rank = int(-(-(q * n) // 100))  # ceil without float rounding for integer q
    return ordered[min(n, max(1, rank)) - 1]


def p95(values: Sequence[N]) -> N | float:
    """The nearest-rank 95th percentile (see the module doc)."""
    return percentile(values, 95)


def ms_of_ns(ns: float | None) -> float | None:
    """Nanoseconds as milliseconds rounded to 3 decimals (None stays None)."""
    return None if ns is None else round(ns / NS_PER_MS, 3)


def ms_text(ms: float | None, unit: str = "") -> str:
    """Milliseconds for a reader: whole from 100 up, one decimal below, thousands
    separated; `unit` (" ms") appended; "–" for no value."""
    if ms is None:
        return "–"
    return (f"{ms:,.0f}" if ms >= 100 else f"{ms:,.1f}") + unit
