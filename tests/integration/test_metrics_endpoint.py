"""The /metrics endpoint of running stages (real processes, the real broker): every family is
typed and has HELP, the shipper's counters move by what was appended to the log, a file the
tailer cannot stat moves the tail's error counter, and the index and alert stages count the
connect failures of a Kafka that does not answer."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import assert_served_by
from tests.integration.ship_config import write_run_config, write_ship_config
from tests.integration.stages import start_stage, stop_stage


pytestmark = pytest.mark.integration

LINE = "2026-01-05 10:00:{s:02d}.000 [main] INFO  com.pay.Order - order {n} accepted\n"


def scrape_families(port: int) -> list:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        return list(text_string_to_metric_families(resp.read().decode()))


def scrape(port: int) -> dict[str, float]:
    """Samples of /metrics by sample name (labelled ones summed), plus `name{kind=...}` for
    each kind of an error family."""
    out: dict[str, float] = {}
    for family in scrape_families(port):
        for sample in family.samples:
            out[sample.name] = out.get(sample.name, 0.0) + sample.value
            if "kind" in sample.labels:
                key = f"{sample.name}{{kind={sample.labels['kind']}}}"
                out[key] = out.get(key, 0.0) + sample.value
    return out


def assert_typed_with_help(port: int, stage: str) -> None:
    families = scrape_families(port)
    assert any(f.name.startswith(f"logpipe_{stage}_") for f in families), [f.name for f in families]
    for family in families:
        assert family.type != "unknown", family.name
        assert family.documentation.strip(), family.name


def wait_for(port: int, predicate, timeout_s: float = 60.0) -> dict[str, float]:
    deadline = time.monotonic() + timeout_s
    last: dict[str, float] = {}
    while time.monotonic() < deadline:
        try:
            last = scrape(port)
            if predicate(last):
                return last
        except (urllib.error.URLError, ConnectionError):
            pass  # not listening yet
        time.sleep(0.3)
    raise AssertionError(f"metrics never satisfied the condition; last scrape: {last}")


def write_lines(path: Path, start: int, count: int) -> int:
    data = "".join(LINE.format(s=n % 60, n=n) for n in range(start, start + count))
    with open(path, "a", encoding="utf-8") as f:
        f.write(data)
    return len(data.encode())


def test_shipped_and_read_counters_move_by_the_lines_appended(tmp_path, kafka_bootstrap, unique_name, private_port):
    (tmp_path / "logs").mkdir()
    log = tmp_path / "logs" / "app.log"
    first_bytes = write_lines(log, 0, 50)
    (tmp_path / "logs" / "loop.log").symlink_to("loop.log")  # matches the glob; stat fails (ELOOP)
    cfg = write_ship_config(tmp_path, host="metrics-test", bootstrap=kafka_bootstrap, topic=unique_name,
                            inputs='multiline = "none"')
    port = private_port()
    proc = start_stage(cfg, "ship", "--metrics-port", str(port), "--quiet", log_name="ship.log", log_level="WARNING")
    try:
        before = wait_for(port, lambda m: m.get("logpipe_ship_events_acked_total", 0) >= 50)
        assert_served_by(proc.pid, port)
        assert before["logpipe_ship_lines_read_total"] == 50
        assert before["logpipe_ship_read_bytes_total"] == first_bytes
        assert before["logpipe_ship_events_sent_total"] == 50
        assert before["logpipe_tail_files_followed"] == 1
        assert before["logpipe_tail_files_discovered_total"] == 1
        assert_typed_with_help(port, "tail")
        stat_errors = wait_for(port, lambda m: m.get("logpipe_tail_errors_total{kind=stat}", 0) >= 1)
        wait_for(port, lambda m: m["logpipe_tail_errors_total{kind=stat}"] > stat_errors[
            "logpipe_tail_errors_total{kind=stat}"])  # every scan that fails counts

        more_bytes = write_lines(log, 50, 30)
        after = wait_for(port, lambda m: m.get("logpipe_ship_events_acked_total", 0) >= 80)
        assert after["logpipe_ship_lines_read_total"] - before["logpipe_ship_lines_read_total"] == 30
        assert after["logpipe_ship_read_bytes_total"] - before["logpipe_ship_read_bytes_total"] == more_bytes
        assert after["logpipe_ship_events_sent_total"] - before["logpipe_ship_events_sent_total"] == 30
        assert after["logpipe_ship_events_acked_total"] == 80
        caught_up = wait_for(port, lambda m: "logpipe_ship_behind_bytes" in m, timeout_s=15)
        assert caught_up["logpipe_ship_behind_bytes"] == 0
        assert_typed_with_help(port, "ship")
    finally:
        stop_stage(proc)
    assert proc.returncode == 0, (tmp_path / "ship.log").read_text()


@pytest.mark.parametrize("stage", ["index", "alert"])
def test_a_kafka_that_does_not_answer_moves_the_connect_error_counter(stage, tmp_path, es_url, unique_name,
                                                                      private_port):
    cfg = tmp_path / "logpipe.toml"
    cfg.write_text(f"""
[host]
name = "metrics-test"
[kafka]
bootstrap = "127.0.0.1:{private_port()}"
topic_events = "{unique_name}"
[elasticsearch]
hosts = ["{es_url}"]
index_prefix = "{unique_name}"
[state]
dir = "state"
""")
    port = private_port()
    proc = start_stage(cfg, stage, "--metrics-port", str(port), log_name=f"{stage}.log", log_level="WARNING")
    name = f"logpipe_{stage}_errors_total{{kind=connect}}"
    try:
        first = wait_for(port, lambda m: m.get(name, 0) >= 1)
        assert_served_by(proc.pid, port)
        assert_typed_with_help(port, stage)
        wait_for(port, lambda m: m[name] > first[name], timeout_s=30)  # each retry counts
    finally:
        stop_stage(proc)


def test_logpipe_run_serves_the_families_of_its_stages_from_one_registry(tmp_path, kafka_bootstrap, es_url,
                                                                        unique_name, private_port):
    cfg = write_run_config(tmp_path, host="metrics-test", bootstrap=kafka_bootstrap, es_url=es_url, name=unique_name)
    write_lines(tmp_path / "logs" / "app.log", 0, 40)
    port = private_port()
    proc = start_stage(cfg, "run", "--metrics-port", str(port), "--quiet", log_name="run.log", log_level="WARNING")
    try:
        done = wait_for(port, lambda m: m.get("logpipe_index_events_indexed_total", 0) >= 40
                        and m.get("logpipe_alert_events_read_total", 0) >= 40, timeout_s=120)
        assert_served_by(proc.pid, port)
        assert done["logpipe_ship_events_acked_total"] == 40
        assert done["logpipe_tail_files_followed"] == 1
        for stage in ("ship", "tail", "index", "alert", "metrics"):
            assert_typed_with_help(port, stage)
    finally:
        stop_stage(proc)
