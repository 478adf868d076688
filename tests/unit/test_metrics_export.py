"""The Prometheus view of a `Metrics` object: names, types, labels and values in the
exposition text; the endpoint serves its own registry; gauges sampled from the loop."""

from __future__ import annotations

import asyncio
import socket
import urllib.request
from types import SimpleNamespace

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from pipeline.metrics.export import EXPORTS, MetricsCollector
from pipeline.metrics.registry import Metrics
from pipeline.metrics.server import MetricsEndpoint, bytes_behind_sampler, consumer_lag_sampler


def exposition(metrics: Metrics) -> str:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MetricsCollector(metrics))
    return generate_latest(registry).decode()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(text) for s in fam.samples}


def test_shipper_counters_appear_with_total_suffix_and_values():
    m = Metrics()
    m.inc("ship_lines_read", 120)
    m.inc("ship_bytes_read", 4096)
    m.inc("ship_events_sent", 7)
    m.inc("ship_events_acked", 6)
    text = exposition(m)
    assert "# TYPE logpipe_ship_lines_read_total counter" in text
    got = samples(text)
    assert got[("logpipe_ship_lines_read_total", ())] == 120
    assert got[("logpipe_ship_read_bytes_total", ())] == 4096
    assert got[("logpipe_ship_events_sent_total", ())] == 7
    assert got[("logpipe_ship_events_acked_total", ())] == 6


def test_labels_are_kept_and_errors_of_several_counters_share_one_family_by_kind():
    m = Metrics()
    m.inc("index_deadletters_total", 2, reason="mapper_parsing_exception")
    m.inc("ship_delivery_failures", error="KafkaTimeoutError")
    m.inc("tail_io_errors", op="read", errno="EACCES")
    m.inc("alert_alerts", 3, rule="new_signature")
    got = samples(exposition(m))
    assert got[("logpipe_index_dead_letters_total", (("reason", "mapper_parsing_exception"),))] == 2
    assert got[("logpipe_ship_errors_total", (("error", "KafkaTimeoutError"), ("kind", "delivery")))] == 1
    assert got[("logpipe_ship_errors_total", (("errno", "EACCES"), ("kind", "file_io"), ("op", "read")))] == 1
    assert got[("logpipe_alert_alerts_total", (("rule", "new_signature"),))] == 3


def test_gauges_are_gauges_and_replaced_series_disappear():
    m = Metrics()
    m.replace("ship_behind_bytes", [({"path": "/var/log/a.log"}, 10), ({"path": "/var/log/b.log"}, 0)])
    m.replace("ship_behind_bytes", [({"path": "/var/log/b.log"}, 5)])
    m.set("index_consumer_lag", 42, partition=3)
    text = exposition(m)
    assert "# TYPE logpipe_ship_behind_bytes gauge" in text
    got = samples(text)
    assert got[("logpipe_ship_behind_bytes", (("path", "/var/log/b.log"),))] == 5
    assert ("logpipe_ship_behind_bytes", (("path", "/var/log/a.log"),)) not in got
    assert got[("logpipe_index_consumer_lag_records", (("partition", "3"),))] == 42


def test_a_series_without_an_entry_is_exported_untyped_under_the_prefix():
    m = Metrics()
    m.inc("tail_chunks", 4)
    text = exposition(m)
    assert "# TYPE logpipe_tail_chunks untyped" in text and samples(text)[("logpipe_tail_chunks", ())] == 4


def test_every_named_family_follows_the_naming_rules():
    for name, export in EXPORTS.items():
        assert export.family.startswith("logpipe_"), name
        assert not export.family.endswith("_total"), name  # the client adds it to counters
        assert export.type in ("counter", "gauge"), name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_the_endpoint_serves_metrics_over_http_and_samples_gauges():
    m = Metrics()
    m.inc("ship_events_acked", 9)
    tailer = SimpleNamespace(bytes_behind=lambda: {"/logs/app.log": 123})
    tp = TopicPartition("logpipe.events", 0)
    consumer = SimpleNamespace(assignment=lambda: {tp}, end_offsets=_async({tp: 50}), position=_async(45))
    port = free_port()
    endpoint = MetricsEndpoint(m, port, "127.0.0.1", sample_every_s=0.05, samplers=[
        bytes_behind_sampler(m, lambda: tailer), consumer_lag_sampler(m, "alert_consumer_lag", lambda: consumer)])
    async with endpoint:
        await asyncio.sleep(0.2)
        body = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/metrics")
    got = samples(body)
    assert got[("logpipe_ship_events_acked_total", ())] == 9
    assert got[("logpipe_ship_behind_bytes", (("path", "/logs/app.log"),))] == 123
    assert got[("logpipe_alert_consumer_lag_records", (("partition", "0"),))] == 5


async def test_no_port_means_no_endpoint_and_a_failing_sampler_is_counted():
    m = Metrics()
    async with MetricsEndpoint(m, None) as endpoint:
        assert endpoint._server is None

    async def broken() -> None:
        raise RuntimeError("no metadata")

    await MetricsEndpoint(m, None, samplers=[broken]).sample_once()
    assert m.get("metrics_sampler_errors", error="RuntimeError") == 1


def _async(value):
    async def call(*args):
        return value
    return call


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.read().decode()
