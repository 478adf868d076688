"""copytruncate: the lines written after the last read and before the truncation live
only in the rotated copy. The copy carries on the truncated file's identity from its
checkpoint, so those lines arrive once, under the ids they would have had."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from pipeline.tail.checkpoints import CheckpointStore
from tests.unit.tail_support import append, make_tailer, pull

L1, L2, L3 = b"2026-11-26 10:00:01 first\n", b"2026-11-26 10:00:02 second\n", b"2026-11-26 10:00:03 third\n"


async def collect(tailer, until, timeout_s: float = 3.0) -> list:
    chunks = []
    async with asyncio.timeout(timeout_s):
        while not until(chunks):
            chunks.append(await pull(tailer, timeout_s))
    return chunks


def delivered(chunks, file_id: str) -> bytes:
    return b"".join(c.data for c in chunks if c.file.file_id == file_id)


async def test_lines_left_only_in_the_copy_arrive_under_the_original_identity(tmp_path, logs) -> None:
    log = logs / "app.log"
    log.write_bytes(L1 + L2 + L3)
    async with await make_tailer(tmp_path, "app.log*", max_chunk_bytes=len(L1 + L2)) as tailer:
        first = await pull(tailer)
        assert first.data == L1 + L2
        original = first.file.file_id
        await tailer.checkpoints.commit(original, len(L1))  # L2 read, not yet acknowledged
        shutil.copyfile(log, logs / "app.log.1")  # logrotate copytruncate
        log.write_bytes(b"")
        append(log, b"10:05 after\n")  # shorter than what was read: the truncation is seen
        chunks = await collect(tailer, lambda cs: b"after" in b"".join(c.data for c in cs)
                               and delivered(cs, original).endswith(L3))
    # the copy resumes at the checkpoint: L2 again (same offset, so the same event id), then L3
    assert delivered(chunks, original) == L2 + L3
    assert [c.offset for c in chunks if c.file.file_id == original and c.data][0] == len(L1)
    assert tailer.metrics.get("tail_copies_adopted") == 1
    new_ids = {c.file.file_id for c in chunks if c.data and c.file.file_id != original}
    assert len(new_ids) == 1 and delivered(chunks, new_ids.pop()) == b"10:05 after\n"


async def test_a_copy_of_a_file_still_followed_is_not_delivered_twice(tmp_path, logs) -> None:
    log = logs / "app.log"
    log.write_bytes(L1 + L2)
    async with await make_tailer(tmp_path, "app.log*") as tailer:
        chunk = await pull(tailer)
        assert chunk.data == L1 + L2
        shutil.copyfile(log, logs / "app.log.bak")  # a backup copy; the original is not truncated
        append(log, L3)
        later = await pull(tailer)
        assert later.file.file_id == chunk.file.file_id and later.data == L3
        with pytest.raises(TimeoutError):
            await pull(tailer, 0.5)
    assert tailer.metrics.get("tail_copies_waiting") >= 1


async def test_files_that_merely_start_alike_are_not_copies(tmp_path, logs) -> None:
    (logs / "a.log").write_bytes(b"service starting\nA\n")
    (logs / "b.log").write_bytes(b"service starting\nB\n")
    async with await make_tailer(tmp_path, "*.log") as tailer:
        chunks = await collect(tailer, lambda cs: len({c.file.file_id for c in cs if c.data}) == 2)
    assert sorted(c.data for c in chunks if c.data) == [b"service starting\nA\n", b"service starting\nB\n"]


async def test_after_a_restart_the_copy_still_resumes_from_the_checkpoint(tmp_path, logs) -> None:
    log = logs / "app.log"
    log.write_bytes(L1 + L2 + L3)
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    async with await make_tailer(tmp_path, "app.log*", store=store, max_chunk_bytes=len(L1)) as tailer:
        first = await pull(tailer)
        original = first.file.file_id
        await store.commit(original, len(L1))
        await store.flush()
    shutil.copyfile(log, logs / "app.log.1")  # rotated while the shipper was down
    log.write_bytes(b"2026-11-26 10:05:00 after rotation\n")
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    async with await make_tailer(tmp_path, "app.log*", store=store) as tailer:
        chunks = await collect(tailer, lambda cs: delivered(cs, original).endswith(L3)
                               and b"after rotation" in b"".join(c.data for c in cs))
    assert delivered(chunks, original) == L2 + L3


async def test_a_rotated_file_drained_but_not_acknowledged_before_a_crash_is_read_again(tmp_path, logs) -> None:
    log = logs / "app.log"
    log.write_bytes(L1 + L2)
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        chunk = await pull(tailer)
        file_id = chunk.file.file_id
        await store.commit(file_id, len(L1))  # L2 read but not acknowledged
        log.rename(logs / "app.log.1")  # rotated out of the glob
        final = await pull(tailer)
        assert final.final and final.file.file_id == file_id
        await store.flush()  # then the process dies before L2 is acknowledged
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        again = await pull(tailer)
    assert (again.file.file_id, again.offset, again.data) == (file_id, len(L1), L2)


async def test_an_adopted_copy_is_not_delivered_again_after_a_restart(tmp_path, logs) -> None:
    log = logs / "app.log"
    log.write_bytes(L1 + L2)
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    async with await make_tailer(tmp_path, "app.log*", store=store, max_chunk_bytes=len(L1)) as tailer:
        first = await pull(tailer)
        original = first.file.file_id
        await store.commit(original, len(L1))
        shutil.copyfile(log, logs / "app.log.1")
        log.write_bytes(b"x\n")
        chunks = await collect(tailer, lambda cs: delivered(cs, original).endswith(L2)
                               and any(c.data == b"x\n" for c in cs))
        for c in chunks:
            if c.data:
                await store.commit(c.file.file_id, c.offset + len(c.data))
        await store.flush()
    (logs / "app.log.1").rename(logs / "app.log.2")  # logrotate shifts the copy on
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    async with await make_tailer(tmp_path, "app.log*", store=store) as tailer:
        with pytest.raises(TimeoutError):
            extra = await pull(tailer, 1.0)
            pytest.fail(f"delivered again after the restart: {extra}")
