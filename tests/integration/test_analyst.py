"""The analyst commands against samples/ loaded once through the real Kafka into the real
Elasticsearch (own topics, groups and index prefix), checked against `logpipe scan`."""

from __future__ import annotations

import json
import math
import os
import shutil
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.order_trail import cli, json_lines, run_until_indexed
from tests.integration.png_pixels import distinct_colours, png_size

pytestmark = pytest.mark.integration
SAMPLES = REPO / "samples"
WINDOW = ["--from", "2026-11-26T00:00:00+08:00", "--to", "2026-11-27T00:00:00+08:00"]
ORDER = "ord_20261126_000123"


@pytest.fixture(scope="module")
def scanned() -> dict:
    report = json.loads(cli("scan", "samples/", "--config", "samples/logpipe.toml", "--json").stdout)
    events = json_lines(cli("scan", "samples/", "--config", "samples/logpipe.toml", "--events").stdout)
    return {"report": report, "events": events}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, scanned, es_url, kafka_bootstrap) -> Path:
    """A config like samples/logpipe.toml with its own names, and samples/ shipped through it."""
    tmp = tmp_path_factory.mktemp("analyst")
    name = f"t-analyst-{os.urandom(5).hex()}"
    text = (SAMPLES / "logpipe.toml").read_text()
    text = text.replace('paths = ["logs/', f'paths = ["{SAMPLES}/logs/')
    for key in ("topic_events", "topic_alerts", "topic_signatures", "topic_deadletter"):
        text = re.sub(rf'^{key} = ".*?"', f'{key} = "{name}.{key.removeprefix("topic_")}"', text, flags=re.M)
    text = text.replace("[kafka]\n", f'[kafka]\ngroup_index = "{name}-index"\ngroup_alert = "{name}-alert"\n')
    text = re.sub(r'^bootstrap = ".*?"', f'bootstrap = "{kafka_bootstrap}"', text, flags=re.M)
    text = re.sub(r'^hosts = \[.*?\]', f'hosts = ["{es_url}"]', text, flags=re.M)
    text = re.sub(r'^index_prefix = ".*?"', f'index_prefix = "{name}"', text, flags=re.M)
    text = re.sub(r'^outputs = \[.*?\]', 'outputs = ["kafka"]', text, flags=re.M)
    text = re.sub(r'^dir = ".*?"', f'dir = "{tmp / "state"}"', text, flags=re.M)
    cfg = tmp / "logpipe.toml"
    cfg.write_text(text)
    expected = scanned["report"]["totals"]["events"]
    run_until_indexed(cfg, es_url, name, expected)
    return cfg


def test_trace_lists_the_orders_events_in_time_order_across_services(loaded, scanned, tmp_path):
    html = tmp_path / "trail.html"
    events = json_lines(cli("trace", ORDER, "--config", str(loaded), "--json", "--html", str(html)).stdout)
    keys = [(e["@timestamp"], e["log"]["offset"]) for e in events]
    assert keys == sorted(keys)
    assert len({e["service"]["name"] for e in events}) >= 2
    carrying = {e["event"]["id"] for e in scanned["events"] if ORDER in e["logpipe"].get("trace_ids", [])}
    assert carrying <= {e["event"]["id"] for e in events}
    assert any(e["logpipe"]["kind"] == "sql" for e in events) and any(e["logpipe"]["kind"] == "method" for e in events)
    text = cli("trace", ORDER, "--config", str(loaded)).stdout
    assert f"trail of {ORDER}" in text and "SQL 4.0 ms" in text
    assert html.read_text().count('class="lane-head"') == len({e["service"]["name"] for e in events})


def test_search_highlights_matches_newest_first(loaded):
    hits = json_lines(cli("search", "超时", "--config", str(loaded), "--json", *WINDOW).stdout)
    assert hits and all("<em>" in "".join(sum(h["highlight"].values(), [])) for h in hits)
    times = [h["_source"]["@timestamp"] for h in hits]
    assert times == sorted(times, reverse=True)
    assert cli("search", "nosuchwordanywhere", "--config", str(loaded), check=False).returncode == 1


def test_top_sql_matches_the_offline_scan(loaded, scanned):
    rows = {r["fingerprint_id"]: r for r in json_lines(
        cli("top", "sql", "--config", str(loaded), "--json", "--size", "100", *WINDOW).stdout)}
    durations = defaultdict(list)
    for e in scanned["events"]:
        if e["logpipe"]["kind"] == "sql" and "duration" in e["event"]:
            durations[e["logpipe"]["sql"]["fingerprint_id"]].append(e["event"]["duration"] / 1e6)
    assert set(rows) == set(durations)
    for fid, values in durations.items():
        values.sort()
        row, rank = rows[fid], 0.95 * (len(values) - 1)
        assert row["count"] == len(values) and row["max_ms"] == values[-1]
        # Elasticsearch interpolates between the two values around the rank (t-digest)
        assert values[math.floor(rank)] <= row["p95_ms"] <= values[math.ceil(rank)]
        assert values[math.floor(0.5 * (len(values) - 1))] <= row["p50_ms"] <= values[math.ceil(0.5 * (len(values) - 1))]
    for s in scanned["report"]["sql"]:
        assert rows[s["fingerprint_id"]]["slow_count"] == s["slow_count"]


def test_top_exceptions_counts_every_signature(loaded, scanned):
    rows = json_lines(cli("top", "exceptions", "--config", str(loaded), "--json", "--size", "50", *WINDOW).stdout)
    assert {r["signature"]: r["count"] for r in rows} == {s["signature"]: s["count"]
                                                         for s in scanned["report"]["signatures"]}


def test_report_has_every_section_with_the_scans_figures_and_renders_in_chromium(loaded, scanned, tmp_path):
    out = tmp_path / "report.html"
    data = json.loads(cli("report", "--config", str(loaded), "--out", str(out), "--json", *WINDOW).stdout)
    sigs = scanned["report"]["signatures"]
    assert data["signature_count"] == len(sigs) == len(data["new_signatures"])  # a fresh index: all new
    slow = {s["fingerprint_id"]: s["slow_count"] for s in scanned["report"]["sql"] if s["slow_count"]}
    assert {r["fingerprint_id"]: r["slow_count"] for r in data["slow_sql"]} == slow
    assert data["masked"] == scanned["report"]["masked"]
    assert data["totals"]["events"] == scanned["report"]["totals"]["events"]
    assert data["health"]["error"] is None and data["health"]["deadletters"] == 0
    page = out.read_text()
    for anchor in ("new", "top", "sql", "methods", "errors", "masked", "health"):
        assert f'<section id="{anchor}">' in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert shutil.which("chromium"), "chromium is missing: make system-deps"
    png = Path(os.environ.get("LOGPIPE_REPORT_PNG", tmp_path / "report.png"))
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}", f"--screenshot={png}",
                    "--window-size=1280,2400", f"file://{out}"], capture_output=True, timeout=60)
    assert png.exists() and png.stat().st_size > 50_000
    assert png_size(png) == (1280, 2400)
    assert len(distinct_colours(png)) > 20
