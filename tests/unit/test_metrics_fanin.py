"""`logpipe run`'s one /metrics: its stage processes' registries merged with its own, one
family per name with its HELP and type; a series two processes hold is summed; a stage
that does not answer is left out of that scrape and counted."""

from __future__ import annotations

import asyncio
import urllib.request

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from pipeline.index.metrics import INDEX
from pipeline.metrics.registry import Metrics
from pipeline.metrics.server import MetricsEndpoint
from pipeline.ship.metrics import SHIP
from pipeline.supervise.metrics_fanin import StagesCollector, merge_families


def series(text: str) -> dict[tuple, float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_merged_families_keep_help_and_type_and_sum_a_series_two_processes_hold():
    ship, index = Metrics(), Metrics()
    ship.declare(SHIP)
    index.declare(INDEX)
    ship.inc("ship_events_acked", 7)
    index.inc("index_docs_indexed_total", 5)
    for m, n in ((ship, 1), (index, 2)):
        MetricsEndpoint(m, None)  # declares the endpoint's own error family in both
        m.inc("metrics_sampler_errors", n, error="TimeoutError")
    merged = merge_families([list(ship.registry.collect()), list(index.registry.collect())])
    names = [f.name for f in merged]
    assert len(names) == len(set(names))
    served = CollectorRegistry()
    served.register(type("Merged", (), {"collect": lambda self: merged})())
    got = series(generate_latest(served).decode())
    assert got[("logpipe_ship_events_acked_total", ())] == 7
    assert got[("logpipe_index_events_indexed_total", ())] == 5
    assert got[("logpipe_metrics_errors_total", (("error", "TimeoutError"), ("kind", "sampler")))] == 3
    created = [v for (name, labels), v in got.items() if name == "logpipe_metrics_errors_created"]
    assert len(created) == 1
    for family in text_string_to_metric_families(generate_latest(served).decode()):
        assert family.type in ("counter", "gauge") and family.documentation.strip(), family.name


async def test_one_endpoint_serves_the_stages_endpoints_and_counts_one_that_does_not_answer(private_port):
    ship = Metrics()
    ship.declare(SHIP)
    ship.inc("ship_events_sent", 11)
    own = Metrics()
    ports = {"ship": None, "index": private_port(), "alert": None}  # reserved, kept closed
    served = CollectorRegistry()
    served.register(StagesCollector(own, lambda: dict(ports)))
    async with MetricsEndpoint(ship, 0) as stage, MetricsEndpoint(own, 0, serves=served) as run:
        ports["ship"] = stage.bound_port
        body = await asyncio.to_thread(lambda: urllib.request.urlopen(
            f"http://127.0.0.1:{run.bound_port}/metrics", timeout=10).read().decode())
    got = series(body)
    assert got[("logpipe_ship_events_sent_total", ())] == 11
    assert got[("logpipe_run_errors_total", (("error", "URLError"), ("kind", "stage_scrape"), ("stage", "index")))] == 1
    assert own.get("run_stage_scrape_errors", stage="index", error="URLError") == 1
