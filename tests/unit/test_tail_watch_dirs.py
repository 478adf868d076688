"""Discovery with inotify when events cannot tell: a pattern's directory made after the
start, a wildcard directory, a watched directory renamed and made again. New files
there are found within seconds (not only by the full scan every 10 s); while every
pattern's directory is watched, nothing globs between the full scans."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pipeline.tail.watch as watch_module
from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.tailer import Tailer, TailInput

FOUND_WITHIN_S = 4.0  # well before the full scan (10 s); the glob between scans runs every second
SETTLED_S = 1.5  # past the first full scan after the start

async def started(tmp_path: Path, pattern: str) -> Tailer:
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    tailer = Tailer([TailInput((str(tmp_path / pattern),), "payments", "beginning")], store, use_inotify=True)
    await tailer.start()
    assert tailer.using_inotify
    return tailer


async def first_chunk_path(tailer: Tailer) -> str:
    chunk = await asyncio.wait_for(tailer.next_chunk(), FOUND_WITHIN_S)
    return chunk.file.path


async def test_a_file_in_a_directory_made_after_the_start_is_found(tmp_path) -> None:
    tailer = await started(tmp_path, "later/*.log")
    try:
        await asyncio.sleep(SETTLED_S)
        (tmp_path / "later").mkdir()
        (tmp_path / "later" / "app.log").write_text("first line\n")
        assert await first_chunk_path(tailer) == str(tmp_path / "later" / "app.log")
    finally:
        await tailer.stop()


async def test_a_file_in_a_new_directory_of_a_wildcard_pattern_is_found(tmp_path) -> None:
    (tmp_path / "svc").mkdir()
    tailer = await started(tmp_path, "svc/*/app.log")
    try:
        await asyncio.sleep(SETTLED_S)
        (tmp_path / "svc" / "pay").mkdir()
        await asyncio.sleep(0.5)  # the directory's event is scanned; the file comes after, with no event
        (tmp_path / "svc" / "pay" / "app.log").write_text("first line\n")
        assert await first_chunk_path(tailer) == str(tmp_path / "svc" / "pay" / "app.log")
    finally:
        await tailer.stop()


async def test_a_directory_renamed_and_made_again_is_watched_again(tmp_path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    tailer = await started(tmp_path, "logs/*.log")
    try:
        await asyncio.sleep(SETTLED_S)
        os.rename(logs, tmp_path / "logs.old")
        logs.mkdir()
        await asyncio.sleep(0.3)  # the rename's events are seen, the new directory scanned
        (logs / "app.log").write_text("first line\n")
        assert await first_chunk_path(tailer) == str(logs / "app.log")
    finally:
        await tailer.stop()


async def test_no_glob_between_full_scans_while_every_directory_is_watched(tmp_path, monkeypatch) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    for n in range(20):
        (logs / f"app-{n}.log").write_text("a line\n")
    calls: list[int] = []
    real = watch_module.glob_inputs

    def counting(inputs):
        calls.append(1)
        return real(inputs)

    monkeypatch.setattr(watch_module, "glob_inputs", counting)
    tailer = await started(tmp_path, "logs/*.log")
    try:
        await asyncio.sleep(3.5)  # three rescan intervals, no full scan due yet
        assert calls == []
        (logs / "new.log").write_text("born now\n")  # the directory's event still finds it
        seen = set()
        while str(logs / "new.log") not in seen:
            seen.add(await first_chunk_path(tailer))
    finally:
        await tailer.stop()



async def test_a_directory_named_as_a_path_is_reported_not_followed(tmp_path, caplog) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "catalina.out").write_text("a line\n")
    tailer = await started(tmp_path, "logs")
    try:
        await asyncio.sleep(SETTLED_S)
        assert tailer.metrics.total("tail_stat_errors") >= 1
        said = [r.getMessage() for r in caplog.records if "is a directory" in r.getMessage()]
        assert said == [f"{tmp_path / 'logs'} is a directory, not followed: an input's paths are files or globs, "
                        f"e.g. {tmp_path / 'logs' / '*.log'}"]
    finally:
        await tailer.stop()
