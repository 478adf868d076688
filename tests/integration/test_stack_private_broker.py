"""A broker the stack starts is recorded beside its pid file (pid and create time) and is
stopped through it; a pid file that names another process afterwards stops nothing.
A private broker in a temp home, on ports reserved for this run."""

from __future__ import annotations

import json
import subprocess

import psutil
import pytest

from pipeline.stack.pid_owner import started_file
from tests.integration.private_kafka import private_kafka

pytestmark = pytest.mark.integration

@pytest.fixture
async def broker(tmp_path):
    async with private_kafka(tmp_path / "kafka") as broker:
        yield broker


async def test_a_started_broker_is_recorded_stopped_by_its_pid_file_and_a_recycled_pid_is_left_alone(broker):
    pid = await broker.start()
    try:
        await broker.wait_ready(180)
        record = json.loads(started_file(broker.pid_file).read_text())
        assert record["pid"] == pid
        assert abs(record["create_time"] - psutil.Process(pid).create_time()) < 0.5
        assert broker.pid() == pid and (await broker.status()).health == "up"
        await broker.stop()
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        assert not broker.pid_file.exists() and not started_file(broker.pid_file).exists()
    finally:
        if psutil.pid_exists(pid):
            psutil.Process(pid).kill()

    bystander = subprocess.Popen(["sleep", "60"])
    try:
        broker.pid_file.write_text(str(bystander.pid))
        await broker.stop()
        assert bystander.poll() is None
        assert (await broker.status()).health == "down"
    finally:
        bystander.kill()
        bystander.wait()
