"""`logpipe stack down` and `status` trust a pid file only while it names the process the
stack started: a recycled pid (another live process) is never signalled, the stale file is
reported and removed. No service is started here: the processes are `sleep` and a Python
stand-in whose command line carries Kafka's marks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from pipeline.stack.kafka import KafkaService
from pipeline.stack.local import Stack, services_dir
from pipeline.stack.pid_owner import record_start, started_file
from tests.conftest import REPO

# far from the shared stack's 9092-9094 and 9200, below the ephemeral range
KAFKA_PORT, ES_PORT = 19392, 19500


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen]:
    """An unrelated live process whose pid a stale pid file will name."""
    proc = subprocess.Popen(["sleep", "60"])
    yield proc
    proc.kill()
    proc.wait()


def _cli(home: Path, action: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "stack", action, "--home", str(home),
                           "--kafka-port", str(KAFKA_PORT), "--es-port", str(ES_PORT)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)


def _name_in_pid_files(home: Path, pid: int) -> Stack:
    stack = Stack.at(home, kafka_port=KAFKA_PORT, es_port=ES_PORT)
    for pid_file in (stack.kafka.pid_file, stack.elasticsearch.pid_file):
        pid_file.parent.mkdir(parents=True, exist_ok=True)
        pid_file.write_text(str(pid))
    return stack


def test_stack_down_leaves_an_unrelated_process_alive_and_reports_the_pid_files_stale(tmp_path, bystander):
    stack = _name_in_pid_files(tmp_path, bystander.pid)
    out = _cli(tmp_path, "down")
    assert out.returncode == 0, out.stderr
    time.sleep(0.3)
    assert bystander.poll() is None, "stack down signalled a process it did not start"
    assert out.stderr.count("stale pid file") == 2, out.stderr
    assert f"names pid {bystander.pid}, now sleep" in out.stderr
    assert not stack.kafka.pid_file.exists() and not stack.elasticsearch.pid_file.exists()


def test_stack_status_reports_a_stale_pid_file_removes_it_and_shows_the_service_down(tmp_path, bystander):
    stack = _name_in_pid_files(tmp_path, bystander.pid)
    out = _cli(tmp_path, "status")
    assert out.returncode != 0
    kafka = next(line for line in out.stdout.splitlines() if line.startswith("kafka "))
    assert kafka.split()[2] == "-" and kafka.endswith("down"), out.stdout
    assert "Kafka: stale pid file" in out.stderr and "Elasticsearch: stale pid file" in out.stderr
    assert not stack.kafka.pid_file.exists()
    assert bystander.poll() is None


@pytest.fixture
def stand_in(tmp_path) -> Iterator[tuple[KafkaService, subprocess.Popen]]:
    """A KafkaService in a temp home, and a live process whose command line looks like its broker's
    (`... kafka.Kafka <properties>`), not yet named in the pid file."""
    kafka = KafkaService(services_dir(), tmp_path, port=KAFKA_PORT, controller_port=KAFKA_PORT + 1)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "kafka.Kafka", str(kafka.properties)])
    yield kafka, proc
    proc.kill()
    proc.wait()


async def test_stop_terminates_the_process_the_stack_recorded(stand_in, caplog):
    kafka, proc = stand_in
    kafka.pid_file.write_text(str(proc.pid))
    record_start(kafka.pid_file, psutil.Process(proc.pid))
    assert kafka.pid() == proc.pid
    started = time.monotonic()
    await kafka.stop()
    assert time.monotonic() - started < 30 and "was killed" not in caplog.text, "stopped by SIGTERM"
    assert not psutil.pid_exists(proc.pid)
    assert not kafka.pid_file.exists() and not started_file(kafka.pid_file).exists()


async def test_same_pid_with_another_start_time_is_a_recycled_pid_and_is_not_signalled(stand_in, caplog):
    kafka, proc = stand_in
    kafka.pid_file.write_text(str(proc.pid))
    started_file(kafka.pid_file).write_text(f'{{"pid": {proc.pid}, "create_time": 1000.0}}')
    await kafka.stop()
    assert proc.poll() is None
    assert "not the one recorded" in caplog.text
    assert not kafka.pid_file.exists()


@pytest.mark.parametrize("step_s", [-24.0, 3600.0])
def test_the_recorded_process_is_still_recognised_after_the_wall_clock_stepped(stand_in, step_s):
    kafka, proc = stand_in
    kafka.pid_file.write_text(str(proc.pid))
    created = psutil.Process(proc.pid).create_time()
    # recorded before a step of `step_s`: the create time and the boot time of then, both moved since
    started_file(kafka.pid_file).write_text(
        f'{{"pid": {proc.pid}, "create_time": {created - step_s}, "boot_time": {psutil.boot_time() - step_s}}}')
    assert kafka.pid() == proc.pid


def test_a_recorded_create_time_that_no_clock_step_explains_is_a_recycled_pid(stand_in):
    kafka, proc = stand_in
    kafka.pid_file.write_text(str(proc.pid))
    created = psutil.Process(proc.pid).create_time()
    started_file(kafka.pid_file).write_text(
        f'{{"pid": {proc.pid}, "create_time": {created - 24.0}, "boot_time": {psutil.boot_time()}}}')
    assert kafka.pid() is None and proc.poll() is None


def test_a_pid_file_older_than_its_process_without_a_record_is_stale(stand_in):
    kafka, proc = stand_in
    kafka.pid_file.write_text(str(proc.pid))
    past = time.time() - 3600
    os.utime(kafka.pid_file, (past, past))
    assert kafka.pid() is None
    assert proc.poll() is None


def test_a_pid_file_of_an_earlier_version_is_trusted_and_gets_its_record(stand_in):
    kafka, proc = stand_in
    kafka.pid_file.write_text(str(proc.pid))
    assert kafka.pid() == proc.pid
    assert f'"pid": {proc.pid}' in started_file(kafka.pid_file).read_text()


def test_a_process_that_exited_leaves_a_stale_pid_file_which_is_removed(stand_in):
    kafka, proc = stand_in
    kafka.pid_file.write_text(str(proc.pid))
    proc.kill()
    proc.wait()
    assert kafka.pid() is None
    assert not kafka.pid_file.exists()


def test_the_recorded_process_is_the_service_before_its_command_line_shows(tmp_path):
    """Just forked, a service's process may show another command line than its own (exec not
    done yet): the record (pid and create time) written at its start is enough."""
    stack = Stack.at(tmp_path, kafka_port=KAFKA_PORT, es_port=ES_PORT)
    kafka = stack.kafka
    kafka.pid_file.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(["sleep", "60"])  # no Kafka marks in its command line
    try:
        kafka.pid_file.write_text(str(proc.pid))
        record_start(kafka.pid_file, psutil.Process(proc.pid))
        assert kafka.pid() == proc.pid
        assert kafka.pid_file.exists()
    finally:
        proc.kill()
        proc.wait()
