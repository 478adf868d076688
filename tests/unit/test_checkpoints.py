"""Checkpoint store: acked offsets per file identity, persisted atomically."""

from __future__ import annotations

import errno
import json
import os

import pytest

from pipeline.tail import checkpoints as checkpoints_module
from pipeline.tail.checkpoint_file import CheckpointCorruptError, CheckpointReadError, CheckpointWriteError
from pipeline.tail.checkpoints import CheckpointStore, UnknownFileIdError
from pipeline.metrics.registry import Metrics
from pipeline.tail.identity import FileIdentity

IDENT = FileIdentity(0xFE00, 42, 0, "ab" * 16)


class FakeWallClock:
    def __init__(self) -> None:
        self.now_s = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now_s


async def test_committed_offsets_survive_a_restart(tmp_path) -> None:
    store = CheckpointStore(tmp_path / "cp.json")
    await store.load()
    store.register(IDENT, "/var/log/app.log", 0)
    await store.commit(IDENT.file_id, 1234)
    await store.flush()
    again = CheckpointStore(tmp_path / "cp.json")
    await again.load()
    assert again.offset(IDENT.file_id) == 1234
    assert again.get(IDENT.key).path == "/var/log/app.log"
    assert json.loads((tmp_path / "cp.json").read_bytes())["version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["cp.json"]  # no temp file left


async def test_a_missing_file_is_a_first_start(tmp_path) -> None:
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    assert store.entries() == []
    await store.flush()  # creates the directory
    assert (tmp_path / "state" / "cp.json").exists()


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"version": 2, "files": []}',
                                     b'{"version": 1, "files": [{"device": 1}]}',
                                     b'{"version": 1, "files": [{"device": 1, "inode": 2, "fingerprint": "x",'
                                     b' "generation": 0, "offset": -5, "path": "p", "last_seen_s": 0}]}'])
async def test_a_corrupt_file_is_an_error_not_a_silent_start_from_zero(tmp_path, content: bytes) -> None:
    path = tmp_path / "cp.json"
    path.write_bytes(content)
    with pytest.raises(CheckpointCorruptError) as info:
        await CheckpointStore(path).load()
    assert info.value.path == path


async def test_an_unreadable_file_is_an_error(tmp_path) -> None:
    path = tmp_path / "cp.json"
    path.mkdir()  # reading a directory fails even as root
    with pytest.raises(CheckpointReadError) as info:
        await CheckpointStore(path).load()
    assert info.value.errno == errno.EISDIR


async def test_a_checkpoint_never_goes_backwards(tmp_path) -> None:
    metrics = Metrics()
    store = CheckpointStore(tmp_path / "cp.json", metrics=metrics)
    store.register(IDENT, "a.log", 0)
    await store.commit(IDENT.file_id, 500)
    await store.commit(IDENT.file_id, 100)
    assert store.offset(IDENT.file_id) == 500
    assert metrics.get("checkpoint_commits_ignored", reason="backwards") == 1


async def test_acks_of_an_old_generation_are_ignored_after_copytruncate(tmp_path) -> None:
    store = CheckpointStore(tmp_path / "cp.json")
    store.register(IDENT, "a.log", 0)
    await store.commit(IDENT.file_id, 900)
    next_generation = IDENT.with_generation(1)
    store.register(next_generation, "a.log", 0)
    assert store.offset(next_generation.file_id) == 0
    await store.commit(IDENT.file_id, 950)  # a late ack of generation 0
    assert store.offset(next_generation.file_id) == 0
    assert store.offset(IDENT.file_id) is None
    await store.commit(next_generation.file_id, 10)
    assert store.offset(next_generation.file_id) == 10


async def test_register_does_not_move_an_existing_checkpoint(tmp_path) -> None:
    store = CheckpointStore(tmp_path / "cp.json")
    store.register(IDENT, "a.log", 0)
    await store.commit(IDENT.file_id, 300)
    store.register(IDENT, "a.log.1", 0)
    assert store.offset(IDENT.file_id) == 300
    assert store.get(IDENT.key).path == "a.log.1"


async def test_commit_of_an_unknown_file_is_an_error(tmp_path) -> None:
    store = CheckpointStore(tmp_path / "cp.json")
    with pytest.raises(UnknownFileIdError):
        await store.commit(IDENT.file_id, 1)
    with pytest.raises(ValueError):
        await store.commit("garbage", 1)


async def test_files_gone_longer_than_forget_after_are_forgotten(tmp_path) -> None:
    clock = FakeWallClock()
    store = CheckpointStore(tmp_path / "cp.json", forget_after_s=3600, wall_clock=clock)
    other = FileIdentity(0xFE00, 43, 0, "cd" * 16)
    store.register(IDENT, "a.log", 0)
    store.register(other, "b.log", 0)
    clock.now_s += 3000
    store.touch(other.key, "b.log")
    clock.now_s += 1000
    await store.flush()
    assert [entry.identity for entry in store.entries()] == [other]


async def test_a_released_file_is_remembered_across_a_restart(tmp_path) -> None:
    store = CheckpointStore(tmp_path / "cp.json")
    store.register(IDENT, "a.log", 0)
    store.release(IDENT)
    await store.flush()
    again = CheckpointStore(tmp_path / "cp.json")
    await again.load()
    assert again.get(IDENT.key).released


async def test_a_failed_flush_raises_and_keeps_the_previous_file(tmp_path, monkeypatch) -> None:
    metrics = Metrics()
    path = tmp_path / "cp.json"
    store = CheckpointStore(path, metrics=metrics)
    store.register(IDENT, "a.log", 0)
    await store.commit(IDENT.file_id, 10)
    await store.flush()
    before = path.read_bytes()
    await store.commit(IDENT.file_id, 20)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(checkpoints_module.os, "fsync", disk_full)
    with pytest.raises(CheckpointWriteError) as info:
        await store.flush()
    assert info.value.errno == errno.ENOSPC
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["cp.json"]
    assert metrics.get("checkpoint_flush_errors", errno="ENOSPC") == 1


async def test_flush_into_a_path_that_cannot_be_a_directory_raises(tmp_path) -> None:
    (tmp_path / "not-a-dir").write_bytes(b"")
    store = CheckpointStore(tmp_path / "not-a-dir" / "cp.json")
    store.register(IDENT, "a.log", 0)
    with pytest.raises(CheckpointWriteError):
        await store.flush()


async def test_a_drained_file_is_settled_only_once_acknowledged_to_where_it_was_drained(tmp_path) -> None:
    store = CheckpointStore(tmp_path / "cp.json")
    store.register(IDENT, "a.log", 0)
    await store.commit(IDENT.file_id, 100)
    store.release(IDENT, drained_at=250)  # read to its end, the last 150 bytes not acknowledged yet
    await store.flush()
    again = CheckpointStore(tmp_path / "cp.json")
    await again.load()
    entry = again.get(IDENT.key)
    assert not entry.settled and entry.offset == 100, "a crash now still owes bytes 100..250"
    await again.commit(IDENT.file_id, 250)
    assert again.get(IDENT.key).settled
