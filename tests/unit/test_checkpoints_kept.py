"""Checkpoints of files that are still there are not forgotten, however long no input has
followed them: a pattern removed from the configuration and added back weeks later must not
ship its files again. Only entries whose file is gone (deleted, or another file at its path)
are forgotten after `forget_after_s`."""

from __future__ import annotations

import os

from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.identity import identify_fd

DAY_S = 24 * 3600.0


class Clock:
    def __init__(self) -> None:
        self.now_s = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now_s


def identity_of(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        return identify_fd(fd)[0]
    finally:
        os.close(fd)


async def test_a_file_no_input_follows_keeps_its_checkpoint_past_forget_after(tmp_path) -> None:
    clock = Clock()
    kept = tmp_path / "b" / "app.log"
    kept.parent.mkdir()
    kept.write_text("first line\nsecond line\n")
    deleted = tmp_path / "b" / "gone.log"
    deleted.write_text("gone first\n")
    replaced = tmp_path / "b" / "other.log"
    replaced.write_text("old first\n")
    store = CheckpointStore(tmp_path / "cp.json", forget_after_s=7 * DAY_S, wall_clock=clock)
    for path in (kept, deleted, replaced):
        ident = identity_of(path)
        store.register(ident, str(path), 0)
        await store.commit(ident.file_id, path.stat().st_size)
    await store.flush()
    deleted.unlink()
    replaced.unlink()
    replaced.write_text("a new file here\n")
    clock.now_s += 30 * DAY_S  # the pattern naming b/ was removed a month ago
    await store.flush()
    again = CheckpointStore(tmp_path / "cp.json", forget_after_s=7 * DAY_S, wall_clock=clock)
    await again.load()
    assert [entry.path for entry in again.entries()] == [str(kept)]
    assert again.entries()[0].offset == kept.stat().st_size
    clock.now_s += 30 * DAY_S  # still there a month later: still kept
    await again.flush()
    assert [entry.path for entry in again.entries()] == [str(kept)]
    kept.unlink()
    clock.now_s += 8 * DAY_S
    await again.flush()
    assert again.entries() == []
