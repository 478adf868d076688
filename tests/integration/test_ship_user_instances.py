"""Two shippers on one state folder: a `logpipe ship` started by hand while the service
runs with the same config. The second must refuse to start (naming the folder and the PID
holding it) and the first ship every line once; the lock dies with its holder (kill -9).
Real Kafka; `paths = ["logs/*.log"]` and a metrics port, as a service's config has."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from tests.integration.logwriter import line
from tests.integration.test_ship import assert_exactly_once_by_id, start_shipper, stop, wait_until_following, \
    write_config
from tests.integration.topic_reader import has_all, read_events

pytestmark = pytest.mark.integration


async def write_lines(path, first: int, count: int, rotate_at: int | None = None) -> None:
    """Appends lines `first`..`first + count`, a few ms apart; renames the file to `.1` at `rotate_at`."""
    for seq in range(first, first + count):
        if seq == rotate_at:
            os.replace(path, f"{path}.1")
        with open(path, "a") as f:
            f.write(line(seq))
        await asyncio.sleep(0.005)


async def exit_code_within(proc, timeout_s: float) -> int | None:
    deadline = time.monotonic() + timeout_s
    while proc.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return proc.poll()


async def test_a_second_shipper_on_the_same_state_refuses_to_start_and_the_first_ships_once(
        tmp_path, kafka_bootstrap, unique_name, private_port):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    with open(cfg, "a") as f:  # as the README's service config: the second one's port is taken too
        f.write(f"[metrics]\nport = {private_port()}\n")
    app = tmp_path / "logs" / "app.log"
    first = start_shipper(cfg)
    second = None
    try:
        await wait_until_following(cfg, first)
        second = start_shipper(cfg)
        await write_lines(app, 0, 600, rotate_at=300)
        docs = await read_events(kafka_bootstrap, unique_name, has_all(600), 30)
        await asyncio.sleep(2)  # what a second shipper would send too has had its time
        docs = await read_events(kafka_bootstrap, unique_name, has_all(600), 30)
        assert_exactly_once_by_id(docs, 600)
        assert len(docs) == 600, f"{len(docs) - 600} events sent twice"
        code = await exit_code_within(second, 20)
        out = (tmp_path / "ship.log").read_text(errors="replace")
        assert code == 2, out
        assert f"{tmp_path / 'state'}" in out and f"pid {first.pid}" in out and "Traceback" not in out, out
        assert first.poll() is None, out
    finally:
        if second is not None:
            stop(second)
        first.send_signal(signal.SIGKILL)  # a lock that outlives its holder would stop the next one
        first.wait()
    third = start_shipper(cfg)
    try:
        await write_lines(app, 600, 100)
        docs = await read_events(kafka_bootstrap, unique_name, has_all(700), 30)
        assert third.poll() is None, (tmp_path / "ship.log").read_text(errors="replace")
    finally:
        stop(third)
    assert_exactly_once_by_id(docs, 700)
