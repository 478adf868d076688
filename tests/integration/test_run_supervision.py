"""`logpipe run`'s three stage processes, supervised as one (real processes, the shared
Kafka and Elasticsearch): SIGTERM stops all three cleanly; a stage that fails stops the
others and `run` names it; a stage process never outlives `run`, even a killed one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.order_trail import delete_indices, es_count
from tests.integration.process_tree import stage_processes, wait_for_stages, wait_gone
from tests.integration.ship_config import write_run_config
from tests.integration.stages import start_stage, stop_stage

pytestmark = pytest.mark.integration

STAGES = {"ship", "index", "alert"}
LINE = "2026-01-05 10:00:{s:02d}.000 [main] INFO  com.pay.Order - order {n} accepted\n"


@pytest.fixture
def run_dir(tmp_path: Path, kafka_bootstrap: str, es_url: str, unique_name: str):
    write_run_config(tmp_path, host="supervision-test", bootstrap=kafka_bootstrap, es_url=es_url, name=unique_name)
    yield tmp_path
    delete_indices(es_url, unique_name)


def write_lines(path: Path, n: int) -> int:
    text = "".join(LINE.format(s=i % 60, n=i) for i in range(n))
    path.write_text(text)
    return len(text.encode())


def checkpointed(run_dir: Path) -> list[int]:
    doc = json.loads((run_dir / "state" / "checkpoints.json").read_text())
    return [entry["offset"] for entry in doc["files"]]


def wait_indexed(es_url: str, prefix: str, n: int, proc: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while es_count(es_url, prefix) < n and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert es_count(es_url, prefix) >= n, f"not indexed in {timeout_s} s (run exited: {proc.poll()})"


def run_log(run_dir: Path) -> str:
    return (run_dir / "run.log").read_text(errors="replace")


def test_sigterm_stops_the_three_stage_processes_cleanly_and_run_waits_for_them(run_dir, es_url, unique_name):
    size = write_lines(run_dir / "logs" / "app.log", 30)
    proc = start_stage(run_dir / "logpipe.toml", "run", "--quiet", log_name="run.log")
    try:
        stages = wait_for_stages(proc.pid, STAGES)
        assert set(stages) == STAGES, run_log(run_dir)
        wait_indexed(es_url, unique_name, 30, proc)
    finally:
        rc = stop_stage(proc, timeout_s=60)
    assert rc == 0, run_log(run_dir)
    assert wait_gone(list(stages.values()), 1) == [], "a stage process outlived run"
    assert checkpointed(run_dir) == [size]  # the shipper checkpointed what Kafka acknowledged
    log = run_log(run_dir)
    for name in STAGES:
        assert f"stage {name}: asked by logpipe run" in log, log
    assert "Traceback" not in log, log


def test_ctrl_c_reaching_the_whole_process_group_stops_each_stage_once_and_cleanly(run_dir, es_url, unique_name):
    """A terminal's Ctrl-C is SIGINT to `run` and its stage processes at once: they leave the
    stop to `run` (no KeyboardInterrupt, no second stop request that would abandon work)."""
    size = write_lines(run_dir / "logs" / "app.log", 30)
    proc = start_stage(run_dir / "logpipe.toml", "run", "--quiet", log_name="run.log", prefix=["setsid"])
    try:
        stages = wait_for_stages(proc.pid, STAGES)
        assert set(stages) == STAGES, run_log(run_dir)
        wait_indexed(es_url, unique_name, 30, proc)
        os.killpg(proc.pid, signal.SIGINT)  # setsid: run leads its own process group
        rc = proc.wait(60)
    finally:
        stop_stage(proc)
    log = run_log(run_dir)
    assert rc == 0, log
    assert wait_gone(list(stages.values()), 1) == []
    assert checkpointed(run_dir) == [size]
    for name in STAGES:
        assert log.count(f"stage {name}: asked by logpipe run") == 1, log
    assert "Traceback" not in log and "KeyboardInterrupt" not in log and "not committed" not in log, log


def test_a_stage_that_dies_stops_the_others_and_run_names_it(run_dir, es_url, unique_name):
    write_lines(run_dir / "logs" / "app.log", 20)
    proc = start_stage(run_dir / "logpipe.toml", "run", "--quiet", log_name="run.log")
    try:
        stages = wait_for_stages(proc.pid, STAGES)
        wait_indexed(es_url, unique_name, 20, proc)
        os.kill(stages["index"], signal.SIGKILL)
        rc = proc.wait(60)
    finally:
        stop_stage(proc)
    log = run_log(run_dir)
    assert rc == 1, log
    assert "logpipe run: stage index failed: killed by signal 9; the other stages were stopped" in log, log
    assert wait_gone([stages["ship"], stages["alert"]], 1) == []
    for name in ("ship", "alert"):
        assert f"stage {name}: asked by logpipe run" in log, log  # stopped, not killed


def test_a_stage_fault_that_names_its_cause_is_one_line_and_exit_2(run_dir):
    write_lines(run_dir / "logs" / "app.log", 5)
    (run_dir / "state").mkdir()
    (run_dir / "state" / "checkpoints.json").write_text("{not json")
    proc = start_stage(run_dir / "logpipe.toml", "run", "--quiet", log_name="run.log", log_level="WARNING")
    try:
        rc = proc.wait(90)
    finally:
        stop_stage(proc)
    log = run_log(run_dir)
    faults = [line for line in log.splitlines() if line.startswith("logpipe: ")]
    assert rc == 2, log
    assert len(faults) == 1 and "corrupt checkpoint file" in faults[0], log
    assert "Traceback" not in log, log
    assert stage_processes(proc.pid) == {}


def test_a_killed_run_leaves_no_stage_process_behind_and_each_stops_cleanly(run_dir, es_url, unique_name):
    size = write_lines(run_dir / "logs" / "app.log", 25)
    proc = start_stage(run_dir / "logpipe.toml", "run", "--quiet", log_name="run.log")
    stages: dict[str, int] = {}
    left: list[int] = []
    try:
        stages = wait_for_stages(proc.pid, STAGES)
        assert set(stages) == STAGES, run_log(run_dir)
        wait_indexed(es_url, unique_name, 25, proc)
        proc.kill()
        proc.wait(10)
        left = wait_gone(list(stages.values()), 60)
    finally:
        stop_stage(proc)
        for pid in wait_gone(list(stages.values()), 0):  # this test's own orphans, if the behaviour broke
            os.kill(pid, signal.SIGKILL)
    assert left == [], f"stage processes left running after run was killed: {left}"
    log = run_log(run_dir)
    for name in STAGES:
        assert f"stage {name}: asked by logpipe run, or logpipe run is gone" in log, log
    assert checkpointed(run_dir) == [size]
