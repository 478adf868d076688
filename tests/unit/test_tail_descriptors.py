"""The tailer's descriptor budget: idle files beyond it are closed and opened again on
activity, found by inode when rotated while closed, and the budget holds for files
resumed at their end too."""

from __future__ import annotations

import asyncio
import os

import pytest

from pipeline.tail.checkpoints import CheckpointStore
from tests.unit.tail_support import Collector, append, make_tailer, pull


async def test_idle_files_are_closed_beyond_the_descriptor_budget(tmp_path, logs) -> None:
    for n in range(60):
        (logs / f"f{n:02d}.log").write_bytes(b"line\n")
    collector = Collector()
    async with await make_tailer(tmp_path, max_open_files=10) as tailer:
        await collector.until(tailer, lambda: len(collector.data) == 60)
        await asyncio.sleep(0.05)
        with pytest.raises(TimeoutError):
            await pull(tailer, 0.2)  # every file is at EOF now: the idle ones get trimmed
        assert tailer.metrics.get("tail_open_files") <= 10
        append(logs / "f00.log", b"again\n")  # a closed file is opened again on activity
        chunk = await pull(tailer)
        assert (chunk.data, chunk.offset) == (b"again\n", 5)


async def test_a_file_rotated_while_its_descriptor_was_closed_is_found_by_inode(tmp_path, logs) -> None:
    (logs / "app.log").write_bytes(b"one\n")
    (logs / "other.log").write_bytes(b"other\n")
    collector = Collector()
    async with await make_tailer(tmp_path, max_open_files=1, use_inotify=False, poll_min_interval_ms=2000,
                                 poll_max_interval_ms=2000) as tailer:
        await collector.until(tailer, lambda: len(collector.data) == 2)
        with pytest.raises(TimeoutError):
            await pull(tailer, 0.1)  # both idle now: the budget closes one of them
        closed = [name for name in ("app.log", "other.log") if tailer.by_path[str(logs / name)].fd is None]
        assert closed
        name = closed[0]
        append(logs / name, b"written just before rotation\n")
        os.rename(logs / name, logs / f"{name}.1")  # unmatched name; no descriptor held
        tailer.watch.request_rescan()
        await collector.until(tailer, lambda: collector.finals)
    (file_id,) = collector.finals
    assert collector.data[file_id].endswith(b"written just before rotation\n")
    assert collector.starts[file_id] == 0


async def test_files_resumed_at_their_end_also_respect_the_descriptor_budget(tmp_path, logs) -> None:
    for n in range(30):
        (logs / f"f{n:02d}.log").write_bytes(b"line\n")
    store = CheckpointStore(tmp_path / "cp.json")
    collector = Collector()
    async with await make_tailer(tmp_path, store=store) as tailer:
        await collector.until(tailer, lambda: len(collector.data) == 30)
    for file_id in collector.data:
        await store.commit(file_id, 5)
    async with await make_tailer(tmp_path, store=store, max_open_files=5) as tailer:
        with pytest.raises(TimeoutError):
            await pull(tailer, 0.3)
        assert sum(f.fd is not None for f in tailer.files.values()) <= 5
