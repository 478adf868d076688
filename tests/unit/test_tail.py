"""Tailer behaviour on real temp directories: discovery, latency, rotation,
truncation, deletion, checkpoints, start_at, back-pressure, fairness."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import tracemalloc
from collections import defaultdict

import pytest

from pipeline.metrics.registry import Metrics
from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.identity import FileIdentity
from pipeline.tail.tailer import Tailer, TailerStopped, TailInput
from tests.unit.tail_support import Collector, append, make_tailer, pull, read_first_and_commit

@pytest.mark.parametrize("use_inotify", [True, False])
async def test_a_new_file_is_picked_up_within_about_a_second(tmp_path, logs, use_inotify) -> None:
    async with await make_tailer(tmp_path, use_inotify=use_inotify) as tailer:
        assert tailer.using_inotify is use_inotify
        await asyncio.sleep(0.3)  # let polling back off a little
        started = time.monotonic()
        (logs / "new.log").write_bytes(b"first line\n")
        chunk = await pull(tailer)
        # The pick-up time is the behaviour, so it keeps a bound, twice the one second the
        # discovery promises: a loaded 2-core CI machine delays single wake-ups.
        assert time.monotonic() - started < 2.0
        assert (chunk.data, chunk.offset, chunk.file.service) == (b"first line\n", 0, "payments")


@pytest.mark.parametrize("use_inotify", [True, False])
async def test_an_appended_line_arrives_within_about_the_poll_cap(tmp_path, logs, use_inotify) -> None:
    (logs / "app.log").write_bytes(b"header\n")
    async with await make_tailer(tmp_path, use_inotify=use_inotify, poll_max_interval_ms=200) as tailer:
        await pull(tailer)
        latencies = []
        for n in range(5):
            await asyncio.sleep(0.3)
            started = time.monotonic()
            append(logs / "app.log", b"line %d\n" % n)
            chunk = await pull(tailer)
            latencies.append(time.monotonic() - started)
            assert chunk.data == b"line %d\n" % n
        # The latency is the behaviour (polling backs off to `poll_max_interval_ms`, 200 ms
        # here), so it keeps a bound: on the median, not the max (one delayed wake-up on a
        # loaded 2-core machine is not a lost cap), and at twice the cap.
        assert sorted(latencies)[len(latencies) // 2] < 0.4, latencies


async def test_a_partial_first_line_is_not_delivered_until_complete(tmp_path, logs) -> None:
    (logs / "app.log").write_bytes(b"no newline yet")
    async with await make_tailer(tmp_path) as tailer:
        with pytest.raises(TimeoutError):
            await pull(tailer, 0.3)
        append(logs / "app.log", b"\nsecond")
        chunk = await pull(tailer)
        assert (chunk.data, chunk.offset) == (b"no newline yet\nsecond", 0)


async def test_rename_rotation_while_writing_delivers_every_byte_once_in_order(tmp_path, logs) -> None:
    path = logs / "app.log"
    written: dict[tuple[int, int], bytearray] = defaultdict(bytearray)
    collector = Collector()

    async def writer() -> None:
        line_no = 0
        for rotation in range(5):
            with path.open("ab") as out:
                inode = os.fstat(out.fileno()).st_ino
                for _ in range(200):
                    line = b"rotation %d line %06d payment ok\n" % (rotation, line_no)
                    out.write(line)
                    out.flush()
                    written[inode] += line
                    line_no += 1
                    if line_no % 50 == 0:
                        await asyncio.sleep(0.02)  # a file lives ~80 ms: long enough to be discovered
                os.rename(path, logs / f"app.log.{rotation}")  # not matched by *.log
                out.write(b"late write after rename\n")  # the app has not reopened yet
                out.flush()
                written[inode] += b"late write after rename\n"

    async with await make_tailer(tmp_path, max_chunk_bytes=4096) as tailer:
        write_task = asyncio.create_task(writer())
        await collector.until(tailer, lambda: write_task.done() and len(collector.finals) == 5, 10)
        await write_task
    by_inode = {FileIdentity.from_file_id(fid).inode: bytes(data) for fid, data in collector.data.items()}
    assert by_inode == {inode: bytes(data) for inode, data in written.items()}
    assert all(collector.starts[fid] == 0 for fid in collector.data)


async def test_copytruncate_starts_again_at_zero_with_a_new_generation(tmp_path, logs) -> None:
    path = logs / "app.log"
    path.write_bytes(b"same first line\nbefore truncation\n")
    async with await make_tailer(tmp_path) as tailer:
        first = await pull(tailer)
        shutil.copyfile(path, logs / "app.log.1")
        os.truncate(path, 0)
        final = await pull(tailer)
        assert final.final and final.file.file_id == first.file.file_id
        assert final.offset == len(first.data)
        append(path, b"same first line\nafter\n")
        again = await pull(tailer)
    assert (again.offset, again.data) == (0, b"same first line\nafter\n")
    assert again.file.identity.generation == first.file.identity.generation + 1
    assert again.file.identity.key == first.file.identity.key
    assert again.file.file_id != first.file.file_id


async def test_a_file_deleted_mid_read_is_drained_then_released(tmp_path, logs) -> None:
    path = logs / "app.log"
    content = b"".join(b"line %05d\n" % n for n in range(2000))
    path.write_bytes(content)
    collector = Collector()
    async with await make_tailer(tmp_path, max_chunk_bytes=1000) as tailer:
        collector.add(await pull(tailer))
        path.unlink()
        await collector.until(tailer, lambda: collector.finals)
    assert [bytes(data) for data in collector.data.values()] == [content]
    assert tailer.metrics.get("tail_files_released") == 1


async def test_a_restart_resumes_exactly_at_the_checkpoint(tmp_path, logs) -> None:
    path = logs / "app.log"
    path.write_bytes(b"one\ntwo\nthree\n")
    store = CheckpointStore(tmp_path / "cp.json")
    await store.load()
    async with await make_tailer(tmp_path, store=store) as tailer:
        chunk = await pull(tailer)
        await store.commit(chunk.file.file_id, 8)  # "one\ntwo\n" acknowledged
        await store.flush()
    append(path, b"four\n")
    reloaded = CheckpointStore(tmp_path / "cp.json")
    await reloaded.load()
    async with await make_tailer(tmp_path, store=reloaded) as tailer:
        again = await pull(tailer)
        assert tailer.resume_offset(again.file.file_id) == 8
    assert (again.file.file_id, again.offset, again.data) == (chunk.file.file_id, 8, b"three\nfour\n")


async def test_a_reused_inode_with_another_first_line_is_read_from_zero(tmp_path, logs) -> None:
    path = logs / "app.log"
    path.write_bytes(b"new file, inode reused\nmore\n")
    st = os.stat(path)
    store = CheckpointStore(tmp_path / "cp.json")
    old = FileIdentity(st.st_dev, st.st_ino, 3, "00" * 16)  # the previous file at this inode
    store.register(old, str(path), 20)
    async with await make_tailer(tmp_path, store=store) as tailer:
        chunk = await pull(tailer)
    assert (chunk.offset, chunk.file.identity.generation) == (0, 0)
    assert chunk.file.identity.key != old.key


async def test_a_file_shorter_than_its_checkpoint_is_read_again_as_a_new_generation(tmp_path, logs) -> None:
    path = logs / "app.log"
    path.write_bytes(b"first\n")
    store, chunk = await read_first_and_commit(tmp_path, 6)
    os.truncate(path, 0)
    path.write_bytes(b"first\n")  # truncated and rewritten while we were down
    store.get(chunk.file.identity.key).offset = 100  # as if far more had been read
    async with await make_tailer(tmp_path, store=store) as tailer:
        again = await pull(tailer)
    assert (again.offset, again.file.identity.generation) == (0, 1)


async def test_start_at_end_skips_existing_content_but_not_new_files(tmp_path, logs) -> None:
    (logs / "old.log").write_bytes(b"history\n")
    async with await make_tailer(tmp_path, start_at="end") as tailer:
        append(logs / "old.log", b"fresh\n")
        chunk = await pull(tailer)
        assert (chunk.data, chunk.offset) == (b"fresh\n", 8)
        (logs / "rotated-in.log").write_bytes(b"first line of a new file\n")
        chunk = await pull(tailer)
        assert (chunk.data, chunk.offset) == (b"first line of a new file\n", 0)


async def test_nothing_is_read_while_the_consumer_does_not_pull(tmp_path, logs) -> None:
    block = b"x" * 1023 + b"\n"
    for n in range(20):
        (logs / f"big{n}.log").write_bytes(block * 1024)  # 20 MiB in all
    tracemalloc.start()
    try:
        async with await make_tailer(tmp_path, max_chunk_bytes=64 * 1024) as tailer:
            await asyncio.sleep(0.5)
            assert sum(tailer.bytes_behind().values()) == 20 * 1024 * 1024
            chunk = await pull(tailer)
            assert len(chunk.data) == 64 * 1024
            _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak_bytes < 2 * 1024 * 1024


async def test_one_busy_file_does_not_starve_the_others(tmp_path, logs) -> None:
    (logs / "busy.log").write_bytes(b"busy line\n" * 100_000)
    async with await make_tailer(tmp_path, max_chunk_bytes=4096) as tailer:
        await pull(tailer)
        append(logs / "quiet.log", b"quiet line\n")
        await asyncio.sleep(0.2)  # discovered meanwhile; the busy file has far more to give
        for _ in range(3):
            if (await pull(tailer)).file.path.endswith("quiet.log"):
                return
    pytest.fail("the quiet file waited behind the busy one")


async def test_an_unreadable_file_is_counted_and_the_others_go_on(tmp_path, logs, monkeypatch) -> None:
    from pipeline.tail import followed
    real_open = os.open

    def deny(path, flags, *args):
        if str(path).endswith("secret.log"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(followed.os, "open", deny)
    (logs / "secret.log").write_bytes(b"secret\n")
    (logs / "public.log").write_bytes(b"public\n")
    metrics = Metrics()
    async with await make_tailer(tmp_path, metrics=metrics) as tailer:
        chunk = await pull(tailer)
        assert chunk.data == b"public\n"
        with pytest.raises(TimeoutError):
            await pull(tailer, 0.3)
        assert metrics.get("tail_io_errors", op="read", errno="EACCES") == 1


async def test_stop_is_idempotent_and_next_chunk_then_fails(tmp_path, logs) -> None:
    tailer = await make_tailer(tmp_path)
    waiter = asyncio.create_task(tailer.next_chunk())
    await asyncio.sleep(0.05)
    await tailer.stop()
    await tailer.stop()
    with pytest.raises(TailerStopped):
        await waiter
    with pytest.raises(TailerStopped):
        await tailer.next_chunk()


async def test_a_file_renamed_to_a_matched_name_keeps_its_identity_and_offset(tmp_path, logs) -> None:
    (logs / "app.log").write_bytes(b"one\n")
    async with await make_tailer(tmp_path) as tailer:
        first = await pull(tailer)
        os.rename(logs / "app.log", logs / "app-renamed.log")
        await asyncio.sleep(0.1)
        append(logs / "app-renamed.log", b"two\n")
        chunk = await pull(tailer)
    assert (chunk.file.file_id, chunk.offset, chunk.data) == (first.file.file_id, 4, b"two\n")
    assert chunk.file.path.endswith("app-renamed.log") and not chunk.final


async def test_a_file_rotated_while_stopped_is_drained_from_its_checkpoint(tmp_path, logs) -> None:
    path = logs / "app.log"
    path.write_bytes(b"one\ntwo\n")
    store, first = await read_first_and_commit(tmp_path, 4)
    append(path, b"three\n")
    os.rename(path, logs / "app.log.1")  # logrotate ran while the shipper was down
    path.write_bytes(b"fresh file\n")
    collector = Collector()
    async with await make_tailer(tmp_path, store=store) as tailer:
        await collector.until(tailer, lambda: first.file.file_id in collector.finals and len(collector.data) == 2)
    assert collector.starts[first.file.file_id] == 4
    assert collector.data[first.file.file_id] == b"two\nthree\n"
    assert b"fresh file\n" in collector.data.values()


def test_tail_input_rejects_an_unknown_start_at_and_empty_paths() -> None:
    with pytest.raises(ValueError, match="start_at"):
        TailInput(("*.log",), "payments", "middle")
    with pytest.raises(ValueError, match="paths"):
        TailInput((), "payments")
    assert TailInput(["a.log"], "payments").paths == ("a.log",)  # lists from TOML become tuples


async def test_excluded_files_are_not_followed(tmp_path, logs) -> None:
    (logs / "app.log").write_bytes(b"kept\n")
    (logs / "debug.log").write_bytes(b"excluded\n")
    store = CheckpointStore(tmp_path / "cp.json")
    inputs = [TailInput((str(logs / "*.log"),), "payments", exclude=("debug*",))]
    async with Tailer(inputs, store) as tailer:
        assert (await pull(tailer)).data == b"kept\n"
        with pytest.raises(TimeoutError):
            await pull(tailer, 0.2)
