"""`logpipe ship --metrics-port P` against the real broker: /metrics is served over HTTP and
its counters move by what was appended to the log."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.stages import start_stage, stop_stage
from prometheus_client.parser import text_string_to_metric_families


pytestmark = pytest.mark.integration

LINE = "2026-01-05 10:00:{s:02d}.000 [main] INFO  com.pay.Order - order {n} accepted\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port: int) -> dict[str, float]:
    """Unlabelled samples of /metrics (labelled ones summed), by sample name."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[sample.name] = out.get(sample.name, 0.0) + sample.value
    return out


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


def test_shipped_and_read_counters_move_by_the_lines_appended(tmp_path, kafka_bootstrap, unique_name):
    (tmp_path / "logs").mkdir()
    log = tmp_path / "logs" / "app.log"
    first_bytes = write_lines(log, 0, 50)
    cfg = tmp_path / "logpipe.toml"
    cfg.write_text(f"""
[host]
name = "metrics-test"
[[inputs]]
paths = ["logs/*.log"]
multiline = "none"
[kafka]
bootstrap = "{kafka_bootstrap}"
topic_events = "{unique_name}"
[state]
dir = "state"
""")
    port = free_port()
    proc = start_stage(cfg, "ship", "--metrics-port", str(port), "--quiet", log_name="ship.log", log_level="WARNING")
    try:
        before = wait_for(port, lambda m: m.get("logpipe_ship_events_acked_total", 0) >= 50)
        assert before["logpipe_ship_lines_read_total"] == 50
        assert before["logpipe_ship_read_bytes_total"] == first_bytes
        assert before["logpipe_ship_events_sent_total"] == 50

        more_bytes = write_lines(log, 50, 30)
        after = wait_for(port, lambda m: m.get("logpipe_ship_events_acked_total", 0) >= 80)
        assert after["logpipe_ship_lines_read_total"] - before["logpipe_ship_lines_read_total"] == 30
        assert after["logpipe_ship_read_bytes_total"] - before["logpipe_ship_read_bytes_total"] == more_bytes
        assert after["logpipe_ship_events_sent_total"] - before["logpipe_ship_events_sent_total"] == 30
        assert after["logpipe_ship_events_acked_total"] == 80
        caught_up = wait_for(port, lambda m: "logpipe_ship_behind_bytes" in m, timeout_s=15)
        assert caught_up["logpipe_ship_behind_bytes"] == 0
    finally:
        stop_stage(proc)
    assert proc.returncode == 0, (tmp_path / "ship.log").read_text()
