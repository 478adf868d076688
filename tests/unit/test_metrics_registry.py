"""The metrics of a process: typed families with HELP in a registry of its own, names and
labels in the exposition text, errors in one family per stage, the endpoint serving it."""

from __future__ import annotations

import asyncio
import urllib.request
from types import SimpleNamespace

import pytest
from aiokafka import TopicPartition
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from pipeline.alert.metrics import ALERT
from pipeline.alert.stage import Alerter
from pipeline.config.load import parse_config
from pipeline.index.metrics import INDEX
from pipeline.index.stage import Indexer, IndexerOptions
from pipeline.metrics.registry import Metrics, UndeclaredMetric
from pipeline.metrics.server import ENDPOINT, MetricsEndpoint, bytes_behind_sampler, consumer_lag_sampler
from pipeline.ship.metrics import SHIP
from pipeline.ship.shipper import Shipper
from pipeline.tail.metrics import TAIL

STAGES = (SHIP, TAIL, INDEX, ALERT, ENDPOINT)


def process_metrics() -> Metrics:
    m = Metrics()
    for stage in STAGES:
        m.declare(stage)
    return m


def samples(m: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(m.registry).decode()
    return {(s.name, tuple(sorted((k, v) for k, v in s.labels.items() if v))): s.value
            for fam in text_string_to_metric_families(text) for s in fam.samples}


def test_every_family_of_every_stage_is_typed_with_help_and_named_by_the_conventions():
    m = process_metrics()
    for stage in STAGES:  # labelled families show only once counted
        types = {spec.name: spec.type for spec in stage.families}
        for name, binding in stage.bindings.items():
            labels = {label: "x" for label in binding.free}
            (m.set if types[binding.family] == "gauge" else m.inc)(name, 1, **labels)
    text = generate_latest(m.registry).decode()
    families = [f for f in text_string_to_metric_families(text) if not f.name.endswith("_created")]
    assert {f.type for f in families} <= {"counter", "gauge"}
    assert all(f.documentation.strip() for f in families)
    for f in families:
        stage = f.name.split("_")[1]
        assert stage in {"ship", "tail", "index", "alert", "metrics"}, f.name
        assert not f.name.endswith("_total"), f.name  # the family; its sample carries the suffix
        if f.type == "counter":
            assert all(s.name in (f.name + "_total", f.name + "_created") for s in f.samples), f.name
    errors = {f.name for f in families if "errors" in f.name}
    assert errors == {f"logpipe_{s}_errors" for s in ("ship", "tail", "index", "alert", "metrics")}


def test_counters_move_by_what_is_counted_and_read_back():
    m = process_metrics()
    m.inc("ship_lines_read", 120)
    m.inc("ship_bytes_read", 4096)
    m.inc("ship_events_acked", 6)
    m.inc("tail_chunks")
    got = samples(m)
    assert got[("logpipe_ship_lines_read_total", ())] == 120
    assert got[("logpipe_ship_read_bytes_total", ())] == 4096
    assert got[("logpipe_ship_events_acked_total", ())] == 6
    assert got[("logpipe_tail_chunks_read_total", ())] == 1
    assert m.get("ship_lines_read") == 120 and m.total("ship_events_acked") == 6


def test_errors_of_several_counted_names_share_one_family_told_apart_by_kind():
    m = process_metrics()
    m.inc("ship_delivery_failures", error="KafkaTimeoutError")
    m.inc("ship_connect_failures")
    m.inc("tail_io_errors", op="read", errno="EACCES")
    m.inc("tail_stat_errors", errno="ENOENT")
    m.inc("index_deadletters_total", 2, reason="mapper_parsing_exception")
    got = samples(m)
    assert got[("logpipe_ship_errors_total", (("error", "KafkaTimeoutError"), ("kind", "delivery")))] == 1
    assert got[("logpipe_ship_errors_total", (("kind", "connect"),))] == 1
    assert got[("logpipe_tail_errors_total", (("errno", "EACCES"), ("kind", "file_io"), ("op", "read")))] == 1
    assert got[("logpipe_tail_errors_total", (("errno", "ENOENT"), ("kind", "stat")))] == 1
    assert got[("logpipe_index_dead_letters_total", (("reason", "mapper_parsing_exception"),))] == 2
    assert m.get("tail_io_errors", op="read", errno="EACCES") == 1
    assert m.total("tail_stat_errors") == 1 and m.total("tail_io_errors") == 1  # one family, each its kind


def test_a_replaced_gauge_drops_the_series_not_given_again():
    m = process_metrics()
    m.replace("ship_behind_bytes", [({"path": "/var/log/a.log"}, 10), ({"path": "/var/log/b.log"}, 0)])
    m.replace("ship_behind_bytes", [({"path": "/var/log/b.log"}, 5)])
    m.set("index_consumer_lag", 42, partition=3)
    got = samples(m)
    assert got[("logpipe_ship_behind_bytes", (("path", "/var/log/b.log"),))] == 5
    assert ("logpipe_ship_behind_bytes", (("path", "/var/log/a.log"),)) not in got
    assert got[("logpipe_index_consumer_lag_records", (("partition", "3"),))] == 42
    m.set("ship_behind_bytes", 7, path="/var/log/a.log")  # set again after it was dropped: it is back
    assert samples(m)[("logpipe_ship_behind_bytes", (("path", "/var/log/a.log"),))] == 7


def test_a_name_or_label_no_table_declares_raises_rather_than_vanishing():
    m = Metrics()
    m.declare(SHIP)
    with pytest.raises(UndeclaredMetric):
        m.inc("tail_chunks")  # the tail's table is not declared in this process
    with pytest.raises(UndeclaredMetric):
        m.inc("ship_lines_readd")
    with pytest.raises(ValueError):
        m.inc("ship_outages", reason="broker")


def test_each_process_has_its_own_registry_and_a_stage_registers_once():
    first, second = Metrics(), Metrics()
    for m in (first, second):
        m.declare(SHIP)
        m.declare(SHIP)  # a second stage object in the same process: no duplicate registration
    first.inc("ship_outages")
    assert first.get("ship_outages") == 1 and second.get("ship_outages") == 0
    assert REGISTRY.get_sample_value("logpipe_ship_outages_total") is None  # not the global registry
    assert first.declared("ship") and not first.declared("index")
    assert not any(f.name.startswith("logpipe_index") for f in first.registry.collect())


def test_the_stages_of_one_process_share_its_registry_each_registering_its_families_once(tmp_path):
    cfg = parse_config(f'[host]\nname = "h"\n[[inputs]]\npaths = ["{tmp_path}/*.log"]\n'
                       f'[state]\ndir = "{tmp_path}/state"\n', base_dir=str(tmp_path))
    m = Metrics()  # as `logpipe run` builds them
    Shipper(cfg, {}, m)
    Indexer(cfg, {}, metrics=m, options=IndexerOptions())
    Alerter(cfg, {}, metrics=m)
    MetricsEndpoint(m, None)
    Shipper(cfg, {}, m)  # a second shipper object: its families are already there
    names = {f.name for f in m.registry.collect()}
    assert {"logpipe_ship_events_sent", "logpipe_tail_files_followed", "logpipe_index_events_indexed",
            "logpipe_alert_events_read"} <= names


async def test_the_endpoint_serves_the_process_registry_over_http_and_samples_gauges(private_port):
    m = process_metrics()
    m.inc("ship_events_acked", 9)
    tailer = SimpleNamespace(bytes_behind=lambda: {"/logs/app.log": 123})
    tp = TopicPartition("logpipe.events", 0)
    consumer = SimpleNamespace(assignment=lambda: {tp}, end_offsets=_async({tp: 50}), position=_async(45))
    port = private_port()
    endpoint = MetricsEndpoint(m, port, "127.0.0.1", sample_every_s=0.05, samplers=[
        bytes_behind_sampler(m, lambda: tailer), consumer_lag_sampler(m, "alert_consumer_lag", lambda: consumer)])
    async with endpoint:
        await asyncio.sleep(0.2)
        body = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/metrics")
    got = {(s.name, tuple(sorted(s.labels.items()))): s.value
           for fam in text_string_to_metric_families(body) for s in fam.samples}
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
    assert samples(m)[("logpipe_metrics_errors_total", (("error", "RuntimeError"), ("kind", "sampler")))] == 1


def _async(value):
    async def call(*args):
        return value
    return call


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.read().decode()
