"""One `/metrics` for `logpipe run`: the families of its three stage processes, merged.

Each stage process serves its own registry on an ephemeral port of 127.0.0.1 (reported
to `run` on its report pipe). `StagesCollector`, registered in the registry `run`'s
endpoint serves, fetches the three at each scrape (in the server's thread, never on the
event loop) and merges them with `run`'s own families: one family per name, with its
HELP and type; a series two processes both hold (the endpoint's own error counters)
is summed, its `_created` time is the earliest. Metric names are those of `ship`,
`index` and `alert` run apart. A stage that cannot be read (starting, stopping) is left
out of that scrape and counted as `logpipe_run_errors_total{kind="stage_scrape"}`.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Callable, Iterable

from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from pipeline.metrics.registry import Metrics
from pipeline.supervise.metrics import RUN

log = logging.getLogger(__name__)

def merge_families(sources: Iterable[Iterable[Metric]]) -> list[Metric]:
    """The families of every source as one list: same name, one family; same series, summed."""
    merged: dict[str, Metric] = {}
    values: dict[str, dict[tuple, Sample]] = {}
    for families in sources:
        for family in families:
            into = merged.setdefault(family.name, Metric(family.name, family.documentation, family.type,
                                                         family.unit))
            series = values.setdefault(family.name, {})
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                had = series.get(key)
                if had is None:
                    series[key] = sample
                elif sample.name.endswith("_created"):
                    series[key] = had._replace(value=min(had.value, sample.value))
                else:
                    series[key] = had._replace(value=had.value + sample.value)
            into.samples = list(series.values())
    return list(merged.values())


def fetch_families(port: int, timeout_s: float = 5.0) -> list[Metric]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=timeout_s) as response:
        return list(text_string_to_metric_families(response.read().decode("utf-8")))


class StagesCollector:
    """A prometheus-client collector: `run`'s own families and its stage processes', merged."""

    def __init__(self, metrics: Metrics, stage_ports: Callable[[], dict[str, int | None]]) -> None:
        metrics.declare(RUN)
        self.metrics = metrics
        self.stage_ports = stage_ports

    def collect(self) -> list[Metric]:
        sources: list[list[Metric]] = []
        for stage, port in self.stage_ports().items():
            if port is None:
                continue
            try:
                sources.append(fetch_families(port))
            except (OSError, ValueError) as exc:  # stopping, or not answering: this scrape goes without it
                self.metrics.inc("run_stage_scrape_errors", stage=stage, error=type(exc).__name__)
                log.warning("metrics of stage %s (port %d) unreadable: %r", stage, port, exc)
        return merge_families([list(self.metrics.registry.collect()), *sources])
