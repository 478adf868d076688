"""The metrics of one process: a `CollectorRegistry` of its own and the typed families of
the stages that run in it, injected into whoever counts (never a global).

    metrics = Metrics()             # one per process; `logpipe run` shares it by three stages
    metrics.declare(SHIP)           # a stage registers its families once (again: no-op)
    metrics.inc("ship_events_sent", 500)
    metrics.inc("tail_io_errors", op="read", errno="EACCES")
    generate_latest(metrics.registry)

Code counts under the names of its stage's table (`pipeline/<stage>/metrics.py`); each
name lands on a prometheus-client Counter or Gauge, with the labels its row fixes (the
`kind` of an error) and the ones the caller gives. A name no declared table knows, or a
label its row does not name, raises: a count is never dropped silently. prometheus-client
objects are thread-safe, so file IO in worker threads may count too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from prometheus_client import CollectorRegistry
from prometheus_client.metrics import MetricWrapperBase

from pipeline.metrics.families import Binding, StageFamilies, build


class UndeclaredMetric(KeyError):
    """Counted under a name that no declared stage table holds (a programming error)."""


class Metrics:
    """One process's counters and gauges: `registry` for the endpoint, `inc`/`set`/`replace`
    for the code, `get`/`total` for readers (the status line, tests)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self._lock = threading.Lock()
        self._stages: set[str] = set()
        self._bindings: dict[str, Binding] = {}
        self._families: dict[str, MetricWrapperBase] = {}
        self._labelnames: dict[str, tuple[str, ...]] = {}
        self._cache: dict[tuple[object, ...], MetricWrapperBase] = {}  # (name, *labels) -> its series

    def declare(self, stage: StageFamilies) -> None:
        """Register the families of `stage` in this process's registry, once."""
        with self._lock:
            if stage.stage in self._stages:
                return
            for spec in stage.families:
                self._families[spec.name] = build(spec, self.registry)
                self._labelnames[spec.name] = spec.labels
            self._bindings.update(stage.bindings)
            self._stages.add(stage.stage)

    def declared(self, stage: str) -> bool:
        return stage in self._stages

    def inc(self, name: str, n: float = 1, **labels: object) -> None:
        """Add `n` to counter `name{labels}`."""
        self._series(name, labels).inc(n)

    def set(self, name: str, value: float, **labels: object) -> None:
        """Set gauge `name{labels}` to `value`."""
        self._series(name, labels).set(value)

    def replace(self, name: str, rows: Iterable[tuple[Mapping[str, object], float]]) -> None:
        """Set gauge `name` to `rows` of (labels, value); its series not in `rows` disappear
        (a file no longer followed, a partition no longer ours)."""
        binding, family = self._lookup(name)
        labelnames = self._labelnames[binding.family]
        now: set[tuple[str, ...]] = set()
        for labels, value in rows:
            full = self._full_labels(name, binding, labels)
            family.labels(**full).set(value)
            now.add(tuple(full[k] for k in labelnames))
        gone = {tuple(labels[k] for k in labelnames) for labels, _ in self._samples(binding, family)} - now
        for values in gone:
            family.remove(*values)
        if gone:  # a removed series must not be set again through a stale entry
            for key in [key for key in list(self._cache) if key[0] == name]:
                self._cache.pop(key, None)

    def get(self, name: str, **labels: object) -> float:
        """Current value of one series; 0 when it was never touched."""
        binding, family = self._lookup(name)
        wanted = self._full_labels(name, binding, labels)
        return sum(value for sample_labels, value in self._samples(binding, family) if sample_labels == wanted)

    def total(self, name: str) -> float:
        """Sum of a counted name over all its label sets."""
        binding, family = self._lookup(name)
        return sum(value for _, value in self._samples(binding, family))

    # -- lookups -----------------------------------------------------------------------
    def _lookup(self, name: str) -> tuple[Binding, MetricWrapperBase]:
        binding = self._bindings.get(name)
        if binding is None:
            raise UndeclaredMetric(f"metric {name!r} is in no declared stage table "
                                   f"(declared: {sorted(self._stages)})")
        return binding, self._families[binding.family]

    def _series(self, name: str, labels: Mapping[str, object]) -> MetricWrapperBase:
        key = (name, *labels.items())  # a call site passes its labels in one order: one entry
        series = self._cache.get(key)
        if series is None:
            binding, family = self._lookup(name)
            full = self._full_labels(name, binding, labels)
            series = self._cache[key] = family.labels(**full) if full else family
        return series

    def _full_labels(self, name: str, binding: Binding, labels: Mapping[str, object]) -> dict[str, str]:
        """Every label of the family: the caller's, the row's fixed ones, the rest empty."""
        unknown = set(labels) - set(binding.free)
        if unknown:
            raise ValueError(f"metric {name!r} has no label {sorted(unknown)} (its labels: {binding.free})")
        empty = dict.fromkeys(self._labelnames[binding.family], "")
        return empty | {k: str(v) for k, v in labels.items()} | dict(binding.fixed)

    @staticmethod
    def _samples(binding: Binding, family: MetricWrapperBase) -> Iterable[tuple[dict[str, str], float]]:
        for metric in family.collect():
            for sample in metric.samples:
                if sample.name.endswith("_created"):
                    continue
                if all(sample.labels.get(k) == v for k, v in binding.fixed.items()):
                    yield sample.labels, sample.value
