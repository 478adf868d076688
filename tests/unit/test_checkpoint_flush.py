"""The periodic checkpoint flush writes only what changed: following many idle files
costs no write a second, yet times seen are refreshed and every change is persisted."""

from __future__ import annotations

import asyncio
import json

from pipeline.metrics.registry import Metrics
from pipeline.tail.checkpoints import REFRESH_S, CheckpointStore
from pipeline.tail.identity import FileIdentity


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def store_with_one_file(tmp_path) -> tuple[CheckpointStore, Metrics, Clock, FileIdentity]:
    metrics, clock = Metrics(), Clock()
    store = CheckpointStore(tmp_path / "cp.json", metrics=metrics, wall_clock=clock)
    await store.load()
    ident = FileIdentity(device=1, inode=2, generation=0, fingerprint="ab" * 16)
    store.register(ident, "/var/log/pay/app.log", 0)
    await store.flush()
    return store, metrics, clock, ident


def on_disk(tmp_path) -> dict:
    return json.loads((tmp_path / "cp.json").read_bytes())


async def test_an_unchanged_store_is_not_written_again(tmp_path) -> None:
    store, metrics, clock, _ = await store_with_one_file(tmp_path)
    clock.now += 1
    await store.flush(if_changed=True)
    assert metrics.get("checkpoint_flushes") == 1
    assert on_disk(tmp_path)["written_at_s"] == clock.now - 1


async def test_a_commit_is_written_by_the_next_periodic_flush(tmp_path) -> None:
    store, metrics, clock, ident = await store_with_one_file(tmp_path)
    await store.commit(ident.file_id, 4096)
    clock.now += 1
    await store.flush(if_changed=True)
    assert metrics.get("checkpoint_flushes") == 2
    assert on_disk(tmp_path)["files"][0]["offset"] == 4096


async def test_times_seen_are_refreshed_even_when_nothing_else_changed(tmp_path) -> None:
    store, metrics, clock, ident = await store_with_one_file(tmp_path)
    clock.now += REFRESH_S + 1
    store.touch(ident.key, "/var/log/pay/app.log")
    await store.flush(if_changed=True)
    assert metrics.get("checkpoint_flushes") == 2
    assert on_disk(tmp_path)["files"][0]["last_seen_s"] == clock.now


async def test_a_plain_flush_always_writes(tmp_path) -> None:
    store, metrics, _, _ = await store_with_one_file(tmp_path)
    (tmp_path / "cp.json").unlink()
    await store.flush()
    assert on_disk(tmp_path)["files"][0]["path"] == "/var/log/pay/app.log"


async def test_an_identity_registered_while_a_flush_is_writing_is_saved_by_persist_identity(tmp_path) -> None:
    # a new file identified while the periodic flush's write is under way is not in that write:
    # the flush before its first event must still happen
    store, _, _, _ = await store_with_one_file(tmp_path)
    writing = asyncio.create_task(store.flush())
    await asyncio.sleep(0)  # the flush has encoded its payload and waits for the write in a thread
    new = FileIdentity(device=1, inode=3, generation=0, fingerprint="cd" * 16)
    store.register(new, "/var/log/pay/app.log", 0)
    await writing
    await store.persist_identity(new.file_id)
    assert [f["inode"] for f in on_disk(tmp_path)["files"]] == [2, 3]
