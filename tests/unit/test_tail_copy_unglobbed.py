"""copytruncate with the globs users write (`*.log`): the copy `app.log.1` is named by no
glob, yet the lines written after the last read and before the truncation (everything
unread, behind a backlog) are in it only. The tailer looks for the copy beside a file it
sees truncated and reads it from the checkpoint under the original identity, once; older
rotations that start with the same line are not copies of this truncation."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.copies import Truncated, follow_copies
from pipeline.tail.identity import FileIdentity
from tests.unit.tail_support import append, make_tailer, pull
from tests.unit.test_tail_copytruncate import L1, L2, L3, collect, delivered


def copytruncate(log: Path, copy: str, then: bytes = b"") -> None:
    """What logrotate's copytruncate does, then the application's next write."""
    shutil.copyfile(log, log.with_name(copy))
    log.write_bytes(b"")
    append(log, then)


async def quiet_after(tailer, chunks: list, quiet_s: float = 1.5) -> list:
    """Goes on pulling until nothing comes for `quiet_s`: what must not arrive has had its chance."""
    while True:
        try:
            chunks.append(await pull(tailer, quiet_s))
        except TimeoutError:
            return chunks


async def loaded_store(tmp_path: Path) -> CheckpointStore:
    """The checkpoint store as a shipper (re)started over `tmp_path` loads it."""
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    return store


def an_hour_old(path: Path) -> None:
    hour_ago = time.time() - 3600
    os.utime(path, (hour_ago, hour_ago))


def arrived(original: str):
    return lambda cs: b"after" in b"".join(c.data for c in cs) and delivered(cs, original).endswith(L3)


async def test_the_unread_lines_of_a_copy_no_glob_names_arrive_once(tmp_path, logs) -> None:
    log = logs / "app.log"
    log.write_bytes(L1 + L2 + L3)
    async with await make_tailer(tmp_path, "*.log", max_chunk_bytes=len(L1 + L2)) as tailer:
        first = await pull(tailer)
        original = first.file.file_id
        await tailer.checkpoints.commit(original, len(L1))  # L2 read, not acknowledged; L3 not read (backlog)
        copytruncate(log, "app.log.1", then=b"10:05 after\n")
        chunks = await collect(tailer, arrived(original), timeout_s=5)
    assert delivered(chunks, original) == L2 + L3
    assert [c.offset for c in chunks if c.file.file_id == original and c.data][0] == len(L1)
    assert tailer.metrics.get("tail_copies_found") == 1
    new_ids = {c.file.file_id for c in chunks if c.data and c.file.file_id != original}
    assert len(new_ids) == 1 and delivered(chunks, new_ids.pop()) == b"10:05 after\n"


async def test_an_older_rotation_with_the_same_first_line_is_not_taken_for_the_copy(tmp_path, logs) -> None:
    old = logs / "app.log.2"
    old.write_bytes(L1 + b"2026-11-25 an older generation, read long ago\n" * 3)
    an_hour_old(old)
    log = logs / "app.log"
    log.write_bytes(L1 + L2 + L3)
    async with await make_tailer(tmp_path, "*.log", max_chunk_bytes=len(L1 + L2)) as tailer:
        original = (await pull(tailer)).file.file_id
        await tailer.checkpoints.commit(original, len(L1))
        copytruncate(log, "app.log.1", then=b"10:05 after\n")
        chunks = await quiet_after(tailer, await collect(tailer, arrived(original), timeout_s=5))
    assert delivered(chunks, original) == L2 + L3
    assert b"older generation" not in b"".join(c.data for c in chunks)


async def test_a_truncation_without_a_copy_reads_no_old_rotation(tmp_path, logs) -> None:
    old = logs / "app.log.1"
    old.write_bytes(L1 + b"2026-11-25 an older generation, read long ago\n" * 3)
    an_hour_old(old)
    log = logs / "app.log"
    log.write_bytes(L1 + L2 + L3)
    async with await make_tailer(tmp_path, "*.log") as tailer:
        original = (await pull(tailer)).file.file_id
        log.write_bytes(b"")  # truncated in place (`: > app.log`), no copy
        append(log, b"10:05 after\n")
        chunks = await quiet_after(tailer, await collect(tailer, lambda cs: b"after" in b"".join(c.data for c in cs),
                                                         timeout_s=5))
    assert b"older generation" not in b"".join(c.data for c in chunks)
    assert tailer.metrics.get("tail_copies_found") == 0
    assert original not in {c.file.file_id for c in chunks if c.data}


async def test_an_earlier_copy_never_stands_in_when_the_latest_owes_nothing(tmp_path, logs) -> None:
    """Two copytruncates of a file that starts with the same line each time: the second copy
    holds nothing unread; the first, longer, is a copy of the earlier generation."""
    log = logs / "app.log"
    log.write_bytes(L1 + b"2026-11-26 10:00:09 only in the first generation\n")
    async with await make_tailer(tmp_path, "*.log") as tailer:
        first_id = (await collect(tailer, lambda cs: b"first generation" in b"".join(c.data for c in cs)))[0].file.file_id
        copytruncate(log, "app.log.1", then=L1)  # the next generation, read whole before its own copytruncate
        await collect(tailer, lambda cs: any(c.data == L1 and c.file.file_id != first_id for c in cs))
        copytruncate(log, "app.log.2", then=b"10:05 after\n")
        chunks = await quiet_after(tailer, await collect(tailer, lambda cs: b"after" in b"".join(c.data for c in cs)))
    assert b"first generation" not in b"".join(c.data for c in chunks)
    assert tailer.metrics.get("tail_copies_found") == 0


async def test_a_copy_made_during_an_outage_owes_its_lines_though_scans_saw_the_path_since(tmp_path, logs) -> None:
    """copytruncate while nothing was read (Kafka away) and discovery kept seeing the path: on
    resume the copy is older than the path's last checkpoint, yet it still owes the lines."""
    log = logs / "app.log"
    log.write_bytes(L1 + L2 + L3)
    store = await loaded_store(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store, max_chunk_bytes=len(L1)) as tailer:
        original = (await pull(tailer)).file.file_id
        await store.commit(original, len(L1))
        await store.flush()
    copytruncate(log, "app.log.1", then=b"2026-11-26 10:05:00 the next generation\n")
    an_hour_old(logs / "app.log.1")  # older than the last time a scan saw app.log
    store = await loaded_store(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        chunks = await collect(tailer, lambda cs: delivered(cs, original).endswith(L3)
                               and b"next generation" in b"".join(c.data for c in cs))
    assert delivered(chunks, original) == L2 + L3


async def test_a_copy_of_a_file_seen_truncated_just_before_a_stop_is_read_after_it(tmp_path, logs) -> None:
    """The truncation was seen (its checkpoint released: its bytes are gone from the file),
    then the shipper stopped before the copy was read: the copy still owes them."""
    log = logs / "app.log"
    log.write_bytes(L1 + L2 + L3)
    store = await loaded_store(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store, max_chunk_bytes=len(L1)) as tailer:
        original = (await pull(tailer)).file.file_id
        await store.commit(original, len(L1))
        copytruncate(log, "app.log.1", then=b"10:05 after\n")
        await collect(tailer, lambda cs: any(c.final and c.file.file_id == original for c in cs))
        tailer.watch.look_for_copy = lambda truncated: None  # stopped before it looked for the copy
        await store.flush()
    an_hour_old(logs / "app.log.1")
    store = await loaded_store(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        chunks = await collect(tailer, lambda cs: delivered(cs, original).endswith(L3))
    assert delivered(chunks, original) == L2 + L3


async def test_on_start_an_earlier_copy_never_stands_in_for_the_latest(tmp_path, logs) -> None:
    """Two copytruncates of a file that starts with the same line each time, then a restart:
    the earlier copy (of the earlier generation, longer) owes nothing to the checkpoint."""
    log = logs / "app.log"
    log.write_bytes(L1 + b"2026-11-26 10:00:09 only in the first generation\n")
    store = await loaded_store(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        first = await collect(tailer, lambda cs: b"first generation" in b"".join(c.data for c in cs))
        await store.commit(first[0].file.file_id, len(first[0].data))
        copytruncate(log, "app.log.1", then=L1)
        chunks = await collect(tailer, lambda cs: any(c.data == L1 and c.file.file_id != first[0].file.file_id
                                                      for c in cs))
        second = next(c for c in chunks if c.data == L1)
        await store.commit(second.file.file_id, len(L1))
        copytruncate(log, "app.log.2")
        await store.flush()
    for name, age in (("app.log.1", 7200), ("app.log.2", 3600)):
        os.utime(logs / name, (time.time() - age, time.time() - age))
    append(log, b"10:05 after\n")
    store = await loaded_store(tmp_path)
    async with await make_tailer(tmp_path, "*.log", store=store) as tailer:
        chunks = await quiet_after(tailer, await collect(tailer, lambda cs: b"after" in b"".join(c.data for c in cs)))
    assert b"first generation" not in b"".join(c.data for c in chunks)


async def test_a_truncation_looked_at_after_the_next_generation_took_its_key_takes_no_copy(tmp_path, logs) -> None:
    """Truncated twice before the copies were looked for, the new content under the same
    first line both times: the first truncation's search would find the second's copy (same
    name, same first line, longer than the first read) and deliver it again under the later
    generation's id, after that generation's final chunk. Only the truncation whose generation
    still holds the key looks for a copy."""
    log = logs / "app.log"
    log.write_bytes(L1)
    async with await make_tailer(tmp_path, "*.log") as tailer:
        f = next(iter(tailer.files.values()))
        stat = os.stat(log)
        first_line = (await pull(tailer)).file.file_id.split("-")[2]
        g0 = FileIdentity(stat.st_dev, stat.st_ino, 0, first_line)
        g1 = g0.with_generation(1)
        tailer.checkpoints.register(g1, str(log), 0)  # the second generation, identified since
        shutil.copyfile(log, log.with_name("app.log.1"))
        append(log.with_name("app.log.1"), L2)  # the second generation's copy: longer than g0's read
        followed = set(tailer.files)
        stale = Truncated(str(log), g0, f.input, len(L1), time.time() - 5)
        await follow_copies(tailer, [stale], lambda *a: None)
        assert set(tailer.files) == followed
        assert tailer.metrics.get("tail_copies_found") == 0
        current = Truncated(str(log), g1, f.input, len(L1), time.time() - 5)
        await follow_copies(tailer, [current], lambda *a: None)  # its own generation: the copy owes L2
        assert tailer.metrics.get("tail_copies_found") == 1
