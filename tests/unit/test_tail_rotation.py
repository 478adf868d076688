"""Generations born and rotated out of the globs (`*.log` -> `app.log.1`) while nothing is
read: while the consumer does not pull (back-pressure, a Kafka outage) and while the
tailer is not running at all. Every line is delivered once, under one identity."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import pytest

from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.tailer import Tailer
from tests.unit.tail_support import WAIT_S, Collector, append, make_tailer

LINE = b"2026-11-26 10:00:00.000 [main] INFO  c.f.pay.OrderService - seq=%09d paid\n"


def lines(first: int, count: int) -> bytes:
    return b"".join(LINE % seq for seq in range(first, first + count))


async def until_identified(tailer: Tailer, path: Path, timeout_s: float = WAIT_S) -> None:
    inode = os.stat(path).st_ino
    deadline = time.monotonic() + timeout_s
    while not any(e.identity.inode == inode for e in tailer.checkpoints.entries()):
        assert time.monotonic() < deadline, f"{path.name} was never identified"
        await asyncio.sleep(0.02)


async def collect_all(tailer: Tailer, expected: bytes, finals: int = 0) -> Collector:
    got = Collector()
    await got.until(tailer, lambda: (sorted(b"".join(got.data.values()).splitlines()) == sorted(expected.splitlines())
                                     and len(got.finals) >= finals))
    return got


@pytest.mark.parametrize("use_inotify", [True, False])
async def test_a_file_born_and_renamed_out_of_the_globs_while_nobody_pulls_is_read_once(
        tmp_path, logs, use_inotify) -> None:
    async with await make_tailer(tmp_path, use_inotify=use_inotify) as tailer:
        append(logs / "app.log", lines(0, 10))
        await until_identified(tailer, logs / "app.log")  # no next_chunk() was called: discovery alone
        append(logs / "app.log", lines(10, 10))
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log", lines(20, 5))
        got = await collect_all(tailer, lines(0, 25), finals=1)
        assert len(got.data) == 2, "two identities: the rotated generation and the new one"
        await asyncio.sleep(0.3)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(tailer.next_chunk(), 0.3)  # nothing read twice


async def test_beyond_the_descriptor_budget_files_are_remembered_closed_and_found_after_a_rename(
        tmp_path, logs) -> None:
    async with await make_tailer(tmp_path, max_open_files=2) as tailer:
        names = [f"svc{i}.log" for i in range(6)]
        for i, name in enumerate(names):
            append(logs / name, lines(i * 100, 3))
        for name in names:
            await until_identified(tailer, logs / name)
        assert sum(1 for f in tailer.files.values() if f.fd is not None) <= 2
        for name in names:
            os.rename(logs / name, logs / f"{name}.1")
        expected = b"".join(lines(i * 100, 3) for i in range(len(names)))
        got = await collect_all(tailer, expected, finals=len(names))
        assert len(got.data) == len(names)


async def test_a_file_renamed_before_its_first_line_was_complete_is_still_read(tmp_path, logs) -> None:
    async with await make_tailer(tmp_path) as tailer:
        append(logs / "app.log", b"2026-11-26 10:00:00.000 [main] INFO  start of a li")
        await asyncio.sleep(0.3)
        os.rename(logs / "app.log", logs / "app.log.1")
        await asyncio.sleep(0.3)
        append(logs / "app.log.1", b"ne\n" + lines(1, 3))
        got = await collect_all(tailer, b"2026-11-26 10:00:00.000 [main] INFO  start of a line\n" + lines(1, 3))
        assert len(got.data) == 1


async def restart(tmp_path: Path, tailer: Tailer, pattern: str = "*.log") -> Tailer:
    await tailer.checkpoints.flush()
    await tailer.stop()
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    return await make_tailer(tmp_path, pattern, store=store)


async def commit_all(tailer: Tailer, got: Collector) -> None:
    for file_id, data in got.data.items():
        await tailer.checkpoints.commit(file_id, got.starts[file_id] + len(data))
    await tailer.checkpoints.flush()


async def test_a_generation_born_and_rotated_while_the_tailer_was_down_is_read_once_on_start(tmp_path, logs) -> None:
    tailer = await make_tailer(tmp_path)
    append(logs / "app.log", lines(0, 5))
    got = await collect_all(tailer, lines(0, 5))
    await commit_all(tailer, got)
    await tailer.stop()
    time.sleep(0.05)  # mtimes after the checkpoint's last sight of app.log
    os.rename(logs / "app.log", logs / "app.log.1")  # known: drained from its checkpoint
    append(logs / "app.log", lines(5, 5))
    os.rename(logs / "app.log", logs / "app.log.2")  # born and rotated away while down: unknown
    append(logs / "app.log", lines(10, 5))
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    tailer = await make_tailer(tmp_path, store=store)
    got = await collect_all(tailer, lines(5, 10), finals=2)  # app.log.1 and app.log.2 drained
    assert tailer.metrics.get("tail_rotations_found") == 1
    await commit_all(tailer, got)
    tailer = await restart(tmp_path, tailer)
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(tailer.next_chunk(), 0.5)  # its identity is known now: not read again
    finally:
        await tailer.stop()


async def test_rotations_older_than_the_checkpoint_or_on_a_first_start_are_not_read(tmp_path, logs) -> None:
    append(logs / "app.log.7", lines(0, 3))  # an archive from before the shipper ever ran
    append(logs / "app.log", lines(3, 3))
    tailer = await make_tailer(tmp_path)
    await commit_all(tailer, await collect_all(tailer, lines(3, 3)))
    tailer = await restart(tmp_path, tailer)
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(tailer.next_chunk(), 0.5)
        assert tailer.metrics.get("tail_rotations_found") == 0
    finally:
        await tailer.stop()


async def test_a_file_truncated_and_written_past_its_offset_while_nobody_pulls_keeps_each_content_under_its_own_id(
        tmp_path, logs) -> None:
    async with await make_tailer(tmp_path, "app.log*") as tailer:
        append(logs / "app.log", lines(0, 10))
        await until_identified(tailer, logs / "app.log")  # identified at offset 0, nothing read
        first_id = next(e.identity.file_id for e in tailer.checkpoints.entries())
        shutil.copyfile(logs / "app.log", logs / "app.log.1")  # copytruncate, then more than before
        os.truncate(logs / "app.log", 0)
        append(logs / "app.log", lines(10, 30))
        by_id: dict[str, bytearray] = {}
        deadline = time.monotonic() + WAIT_S
        while sorted(b"".join(by_id.values()).splitlines()) != sorted(lines(0, 40).splitlines()):
            chunk = await asyncio.wait_for(tailer.next_chunk(), deadline - time.monotonic())
            data = by_id.setdefault(chunk.file.file_id, bytearray())
            del data[chunk.offset:]  # the copy carries on its original from the checkpoint (as the shipper does)
            data += chunk.data
        assert bytes(by_id[first_id]) == lines(0, 10), "the old identity holds the old content only"
        assert len(by_id) == 2


async def test_a_copy_is_recognised_after_its_original_was_renamed_along_the_rotation_chain(tmp_path, logs) -> None:
    tailer = await make_tailer(tmp_path, "app.log*")
    append(logs / "app.log", lines(0, 10))
    await until_identified(tailer, logs / "app.log")  # nothing read: shipping waits
    first_id = next(e.identity.file_id for e in tailer.checkpoints.entries())
    shutil.copyfile(logs / "app.log", logs / "app.log.1")  # copytruncate
    os.truncate(logs / "app.log", 0)
    append(logs / "app.log", lines(10, 5))
    os.rename(logs / "app.log", logs / "app.log.2")  # the next rotation renames the original
    await asyncio.sleep(0.5)  # seen there by the waiting tailer, under the identity it knew
    tailer = await restart(tmp_path, tailer, "app.log*")
    try:
        by_id: dict[str, bytearray] = {}
        deadline = time.monotonic() + WAIT_S
        while sorted(b"".join(by_id.values()).splitlines()) != sorted(lines(0, 15).splitlines()):
            chunk = await asyncio.wait_for(tailer.next_chunk(), deadline - time.monotonic())
            by_id.setdefault(chunk.file.file_id, bytearray())[chunk.offset:] = chunk.data
        assert bytes(by_id[first_id]) == lines(0, 10), "the copy carries on its original's identity"
        assert len(by_id) == 2
    finally:
        await tailer.stop()


async def test_a_generation_born_and_renamed_out_of_the_globs_between_two_scans_is_read_once(tmp_path, logs) -> None:
    """A fast writer's generation: created, written and renamed to `app.log.1` before any scan
    ran (the events arrive in one batch); only the rename event names where it went."""
    async with await make_tailer(tmp_path, use_inotify=True) as tailer:
        append(logs / "other.log", lines(900, 2))
        await until_identified(tailer, logs / "other.log")
        append(logs / "app.log", lines(0, 10))  # no await in between: no scan sees app.log
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log", lines(10, 5))
        got = await collect_all(tailer, lines(900, 2) + lines(0, 15), finals=1)  # the generation drained
        assert len(got.data) == 3, "other.log, the renamed generation and the new app.log"
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(tailer.next_chunk(), 0.5)  # nothing read twice
