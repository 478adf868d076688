"""A tiny counters object, injected into whoever counts (never a global).

`inc` for counters, `set` for gauges, `snapshot` for readers (the shipper's status
line, a later Prometheus export). Labels are keyword arguments; a series is the
metric name plus its sorted label pairs, as Prometheus would name it.
"""

from __future__ import annotations

import threading
from typing import Iterable, Mapping

LabelPairs = tuple[tuple[str, str], ...]


def _label_pairs(labels: Mapping[str, object]) -> LabelPairs:
    return tuple(sorted((key, str(value)) for key, value in labels.items()))


class Metrics:
    """Counters and gauges keyed by (name, labels).

    Thread-safe, because file IO runs in worker threads and may count from there.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._series: dict[str, dict[LabelPairs, float]] = {}

    def inc(self, name: str, n: float = 1, **labels: object) -> None:
        """Add `n` to counter `name{labels}`."""
        pairs = _label_pairs(labels)
        with self._lock:
            series = self._series.setdefault(name, {})
            series[pairs] = series.get(pairs, 0) + n

    def set(self, name: str, value: float, **labels: object) -> None:
        """Set gauge `name{labels}` to `value`."""
        pairs = _label_pairs(labels)
        with self._lock:
            self._series.setdefault(name, {})[pairs] = value

    def replace(self, name: str, rows: Iterable[tuple[Mapping[str, object], float]]) -> None:
        """Replace every series of gauge `name` with `rows` of (labels, value): series
        not in `rows` disappear (a file no longer followed, a partition no longer ours)."""
        series = {_label_pairs(labels): value for labels, value in rows}
        with self._lock:
            self._series[name] = series

    def get(self, name: str, **labels: object) -> float:
        """Current value of one series; 0 when it was never touched."""
        with self._lock:
            return self._series.get(name, {}).get(_label_pairs(labels), 0)

    def total(self, name: str) -> float:
        """Sum of a metric over all its label sets."""
        with self._lock:
            return sum(self._series.get(name, {}).values())

    def snapshot(self) -> dict[str, dict[LabelPairs, float]]:
        """A copy of every series: `{name: {((label, value), ...): number}}`."""
        with self._lock:
            return {name: dict(series) for name, series in self._series.items()}
