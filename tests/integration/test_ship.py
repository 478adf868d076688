"""The shipper against the real broker: rotation while writing, kill -9 and restart.

Every line carries a sequence number; the topic must hold every number, and a number
seen twice must carry the same event id both times (so Elasticsearch stores it once).
"""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.logwriter import LogWriter
from tests.integration.ship_config import write_ship_config
from tests.integration.stages import start_stage, stop_stage
from tests.integration.topic_reader import has_all, read_events, seqs_by_id

pytestmark = pytest.mark.integration


def write_config(tmp: Path, topic: str, bootstrap: str, pattern: str = "*.log") -> Path:
    return write_ship_config(tmp, host="ship-test", bootstrap=bootstrap, topic=topic, paths=f"logs/{pattern}",
                             inputs='service = "payments"')


def start_shipper(cfg: Path) -> subprocess.Popen:
    return start_stage(cfg, "ship", "--quiet", log_name="ship.log")


async def wait_until_following(cfg: Path, proc: subprocess.Popen, timeout_s: float = 30) -> None:
    """The shipper writes its checkpoints once it follows the globs: the writer may start."""
    deadline = time.monotonic() + timeout_s
    while not (cfg.parent / "state" / "checkpoints.json").exists():
        assert proc.poll() is None, (cfg.parent / "ship.log").read_text()
        assert time.monotonic() < deadline, "the shipper did not start"
        await asyncio.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    stop_stage(proc)


def assert_exactly_once_by_id(docs: list[dict], total: int) -> None:
    by_seq = seqs_by_id(docs)
    missing = [s for s in range(total) if s not in by_seq]
    assert not missing, f"{len(missing)} lines never reached Kafka, first {missing[:10]}"
    doubled = {s: ids for s, ids in by_seq.items() if len(ids) > 1}
    assert not doubled, f"lines shipped under two event ids (Elasticsearch would double them): {list(doubled)[:5]}"
    assert len(by_seq) == total


async def exactly_once_across_a_restart(cfg: Path, shipper: subprocess.Popen, bootstrap: str, topic: str,
                                       total: int, settle_s: float = 4.0, timeout_s: float = 30) -> list[dict]:
    """Every one of `total` lines reaches `topic`; then `shipper` is stopped (SIGTERM: checkpoints
    flushed) and a restarted one reads nothing again: each line once, under one id, one record
    each. Returns the events."""
    await read_events(bootstrap, topic, has_all(total), timeout_s=timeout_s)
    await asyncio.sleep(2.5)
    stop(shipper)
    restarted = start_shipper(cfg)
    try:
        await asyncio.sleep(settle_s)
        docs = await read_events(bootstrap, topic, has_all(total), timeout_s=timeout_s)
    finally:
        stop(restarted)
    assert_exactly_once_by_id(docs, total)
    assert len(docs) == total, f"{len(docs) - total} events sent twice"
    return docs


@pytest.mark.parametrize("rotation", ["rename", "copytruncate"])
async def test_every_line_arrives_while_the_file_rotates_under_a_10k_lines_per_second_writer(
        tmp_path, kafka_bootstrap, unique_name, rotation):
    total = 40_000
    # copytruncate leaves the last lines before the truncation only in the copy: follow the copies too
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap, pattern="app.log*" if rotation == "copytruncate" else "*.log")
    shipper = start_shipper(cfg)
    try:
        await wait_until_following(cfg, shipper)
        writer = LogWriter(tmp_path / "logs" / "app.log", total, rate_per_s=10_000, rotate_every=8_000,
                           rotation=rotation)
        writer.start()
        await asyncio.to_thread(writer.join, 60)
        assert writer.error is None and writer.written == total and writer.rotations == 4
        docs = await read_events(kafka_bootstrap, unique_name, has_all(total), timeout_s=60)
    finally:
        stop(shipper)
    assert_exactly_once_by_id(docs, total)


async def test_kill_9_at_random_moments_loses_nothing_and_repeats_only_under_the_same_id(
        tmp_path, kafka_bootstrap, unique_name):
    total = 30_000
    # while the shipper is down, a file may be rotated before it was ever checkpointed:
    # following the rotated names too (as the docs advise) keeps such a file in view
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap, pattern="app.log*")
    writer = LogWriter(tmp_path / "logs" / "app.log", total, rate_per_s=5_000, rotate_every=10_000)
    rng = random.Random(7)
    shipper = start_shipper(cfg)
    await wait_until_following(cfg, shipper)
    writer.start()
    kills = 0
    try:
        while writer.is_alive() or kills < 3:
            await asyncio.sleep(rng.uniform(0.7, 2.0))
            shipper.send_signal(signal.SIGKILL)
            shipper.wait()
            kills += 1
            shipper = start_shipper(cfg)
        await asyncio.to_thread(writer.join, 60)
        docs = await read_events(kafka_bootstrap, unique_name, has_all(total), timeout_s=90)
    finally:
        stop(shipper)
    assert kills >= 3
    assert_exactly_once_by_id(docs, total)
