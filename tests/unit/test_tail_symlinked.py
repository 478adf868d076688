"""Followed paths that are symbolic links to the files (Kubernetes' `/var/log/containers/*.log`
-> `/var/log/pods/NS_POD_UID/CONTAINER/0.log`): the kubelet rotates the target beside
itself (`0.log` -> `0.log.20261202-070000`, a new `0.log`), where no glob and no link
names it. Every line is still delivered once, while the tailer runs and across a stop."""

from __future__ import annotations

import asyncio
import gzip
import shutil
import os
import time
from pathlib import Path

import pytest

from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.tailer import Tailer
from tests.unit.tail_support import Collector, append, make_tailer
from tests.unit.test_tail_rotation import collect_all, commit_all, lines


def pod_log(tmp_path: Path, logs: Path) -> Path:
    """`logs/pay_default_pay-7d9f.log` -> `pods/default_pay_uid/pay/0.log`, as the kubelet lays them out."""
    target = tmp_path / "pods" / "default_pay_uid" / "pay" / "0.log"
    target.parent.mkdir(parents=True)
    target.touch()
    os.symlink(target, logs / "pay_default_pay-7d9f.log")
    return target


def kubelet_rotates(target: Path, stamp: str) -> None:
    os.rename(target, target.with_name(f"0.log.{stamp}"))
    target.touch()


async def test_a_link_target_rotated_while_the_tailer_runs_is_drained_and_the_new_one_read(tmp_path, logs) -> None:
    target = pod_log(tmp_path, logs)
    tailer = await make_tailer(tmp_path)
    try:
        append(target, lines(0, 5))
        got = await collect_all(tailer, lines(0, 5))
        append(target, lines(5, 5))
        kubelet_rotates(target, "20261202-070000")
        append(target, lines(10, 5))
        await got.until(tailer, lambda: sorted(b"".join(got.data.values()).splitlines()) == sorted(
            lines(0, 15).splitlines()))
    finally:
        await tailer.stop()


async def five_lines_shipped_then_stopped(tmp_path: Path, logs: Path) -> Path:
    """The link's target with five lines read and acknowledged by a tailer stopped since."""
    target = pod_log(tmp_path, logs)
    tailer = await make_tailer(tmp_path)
    append(target, lines(0, 5))
    await commit_all(tailer, await collect_all(tailer, lines(0, 5)))
    await tailer.stop()
    time.sleep(0.05)  # mtimes after the checkpoint's last sight of the link
    return target


async def restarted(tmp_path: Path) -> Tailer:
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    return await make_tailer(tmp_path, store=store)


async def read_exactly(tailer: Tailer, expected: bytes) -> Collector:
    got = Collector()
    await got.until(tailer, lambda: len(b"".join(got.data.values()).splitlines()) >= len(expected.splitlines()))
    assert sorted(b"".join(got.data.values()).splitlines()) == sorted(expected.splitlines())
    return got


async def read_once_across_restarts(tmp_path: Path, expected: bytes) -> None:
    """A restarted tailer reads exactly `expected` and commits it; the next restart reads nothing."""
    tailer = await restarted(tmp_path)
    try:
        await commit_all(tailer, await read_exactly(tailer, expected))
    finally:
        await tailer.stop()
    tailer = await restarted(tmp_path)
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(tailer.next_chunk(), 0.5)  # known now: not read again
    finally:
        await tailer.stop()


async def test_link_targets_rotated_while_the_tailer_was_down_are_read_once(tmp_path, logs) -> None:
    target = await five_lines_shipped_then_stopped(tmp_path, logs)
    append(target, lines(5, 5))  # owed by the checkpointed generation, then rotated: found by its inode
    kubelet_rotates(target, "20261202-070000")
    append(target, lines(10, 5))  # a generation born and rotated while down: found by its name
    kubelet_rotates(target, "20261202-070100")
    append(target, lines(15, 5))
    await read_once_across_restarts(tmp_path, lines(5, 15))


def compress(path: Path) -> None:
    with open(path, "rb") as src, gzip.open(path.with_name(path.name + ".gz"), "wb") as dst:
        shutil.copyfileobj(src, dst)
    path.unlink()


async def test_link_targets_rotated_and_compressed_while_the_tailer_was_down_are_read_once(tmp_path, logs) -> None:
    target = await five_lines_shipped_then_stopped(tmp_path, logs)
    append(target, lines(5, 5))  # owed by the checkpointed generation, which is then rotated and compressed
    kubelet_rotates(target, "20261202-070000")
    append(target, lines(10, 5))
    kubelet_rotates(target, "20261202-070100")
    compress(target.with_name("0.log.20261202-070000"))
    append(target, lines(15, 5))
    tailer = await restarted(tmp_path)
    try:
        await read_exactly(tailer, lines(5, 15))
    finally:
        await tailer.stop()


async def test_writes_and_rotations_behind_a_link_are_noticed_at_once_not_at_the_full_scan(tmp_path, logs) -> None:
    target = pod_log(tmp_path, logs)
    append(target, lines(0, 1))
    tailer = await make_tailer(tmp_path)
    try:
        assert tailer.using_inotify
        got = await collect_all(tailer, lines(0, 1))
        await asyncio.sleep(0.5)  # settled: the next full scan is 10 s away
        for batch in range(1, 4):
            append(target, lines(batch * 10, 5))
            kubelet_rotates(target, f"20261202-07000{batch}")
            append(target, lines(batch * 10 + 5, 5))
            await got.until(tailer, lambda: len(b"".join(got.data.values()).splitlines()) == 1 + batch * 10,
                            timeout_s=2.0)
    finally:
        await tailer.stop()
