"""A generation compressed as it rotated while the shipper was down (Spring Boot's default
`app.log.2026-12-01.0.gz`, logrotate `compress`): the lines after the checkpoint are in
the `.gz` only. They arrive once, from the checkpoint, under the original identity; the
unpacked copy is read again after a restart only as far as it is still owed, and removed
once nothing is owed."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

from pipeline.tail.checkpoints import CheckpointStore
from tests.unit.tail_support import make_tailer, pull
from tests.unit.test_tail_copytruncate import L1, L2, L3, collect, delivered

NEW = b"2026-12-01 00:00:01 the next generation\n"


async def store_at(tmp_path: Path) -> CheckpointStore:
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    return store


async def read_first_line_then_stop(tmp_path: Path, logs: Path) -> str:
    (logs / "app.log").write_bytes(L1 + L2 + L3)
    store = await store_at(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store, max_chunk_bytes=len(L1)) as tailer:
        original = (await pull(tailer)).file.file_id
        await store.commit(original, len(L1))
        await store.flush()
    return original


def rotate_compressed(logs: Path, name: str = "app.log.2026-12-01.0.gz") -> None:
    """What logback's compressing rollover leaves: the old file gone, its gzip beside the new one."""
    live = logs / "app.log"
    with gzip.open(logs / name, "wb") as gz:
        gz.write(live.read_bytes())
    live.unlink()
    (logs / "app.log").write_bytes(NEW)


async def test_lines_owed_by_a_compressed_rotation_arrive_once_from_the_checkpoint(tmp_path, logs) -> None:
    original = await read_first_line_then_stop(tmp_path, logs)
    rotate_compressed(logs)
    store = await store_at(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        chunks = await collect(tailer, lambda cs: delivered(cs, original).endswith(L3)
                               and b"next generation" in b"".join(c.data for c in cs))
    assert delivered(chunks, original) == L2 + L3
    assert [c.offset for c in chunks if c.file.file_id == original and c.data][0] == len(L1)
    assert tailer.metrics.get("tail_compressed_unpacked") == 1


async def test_after_a_restart_the_unpacked_rest_is_read_and_then_removed(tmp_path, logs) -> None:
    original = await read_first_line_then_stop(tmp_path, logs)
    rotate_compressed(logs)
    store = await store_at(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store, max_chunk_bytes=len(L2)) as tailer:
        chunks = await collect(tailer, lambda cs: delivered(cs, original) == L2)
        await store.commit(original, len(L1 + L2))  # L2 acknowledged, then a crash
        await store.flush()
    unpacked = tmp_path / "state" / "unpacked"
    assert any(unpacked.iterdir())
    store = await store_at(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        chunks = await collect(tailer, lambda cs: any(c.final and c.file.file_id == original for c in cs))
        assert delivered(chunks, original) == L3  # drained: read to its end, from where it was acknowledged
        await store.commit(original, len(L1 + L2 + L3))
        await store.flush()
    store = await store_at(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        chunk = await pull(tailer)
        assert chunk.data == NEW  # only the live file: the rotation owes nothing any more
    assert not any(unpacked.iterdir())


async def test_a_compressed_rotation_read_before_it_was_compressed_is_not_read_again(tmp_path, logs) -> None:
    (logs / "app.log").write_bytes(L1 + L2 + L3)
    store = await store_at(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        original = (await pull(tailer)).file.file_id
        await store.commit(original, len(L1 + L2 + L3))
        await store.flush()
    time.sleep(0.01)
    rotate_compressed(logs)
    store = await store_at(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        chunk = await pull(tailer)
        assert chunk.data == NEW
    assert tailer.metrics.get("tail_compressed_unpacked") == 0
    assert not os.path.exists(tmp_path / "state" / "unpacked") or not any((tmp_path / "state" / "unpacked").iterdir())


async def test_a_compressed_rotation_older_than_the_last_checkpoint_still_gives_what_it_owes(tmp_path, logs) -> None:
    """Compressed while the shipper was still running, which was killed before it read the
    renamed file to its end: the `.gz` is older than the live path's last checkpoint."""
    original = await read_first_line_then_stop(tmp_path, logs)
    rotate_compressed(logs)
    hour_ago = time.time() - 3600
    os.utime(logs / "app.log.2026-12-01.0.gz", (hour_ago, hour_ago))
    store = await store_at(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        chunks = await collect(tailer, lambda cs: delivered(cs, original).endswith(L3))
    assert delivered(chunks, original) == L2 + L3
