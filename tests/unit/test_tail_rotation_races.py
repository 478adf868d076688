"""Renames that land while the tailer is looking: each worker of a gunicorn (or any
multi-process server) with its own `RotatingFileHandler("app.log")` rotates when its own
descriptor passes maxBytes, so `app.log` is renamed several times within milliseconds. A
scan, or a stat of a renamed file's name, done in a worker thread can be older than the
rename events the loop reads meanwhile: neither may hide a generation. The races are made
certain here by renaming inside the thread, around the real scan or stat."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pipeline.tail.renames
import pipeline.tail.watch
from pipeline.tail.discovery import scan_inputs, stat_files
from pipeline.tail.inotify import DirWatcher
from tests.unit.tail_support import append, make_tailer
from tests.unit.test_tail_rotation import collect_all, lines, until_identified

EVENTS_READ_S = 0.2  # the loop reads the rename events while the thread still holds the old view


def rotate(logs: Path, new_lines: bytes) -> None:
    """What `RotatingFileHandler.doRollover` does with backupCount=3, then the worker's next record."""
    for n in (2, 1):
        if (logs / f"app.log.{n}").exists():
            os.replace(logs / f"app.log.{n}", logs / f"app.log.{n + 1}")
    os.rename(logs / "app.log", logs / "app.log.1")
    append(logs / "app.log", new_lines)


async def test_a_scan_older_than_a_rename_does_not_file_the_renamed_file_under_its_old_name(
        tmp_path, logs, monkeypatch) -> None:
    # The scan saw the first file at app.log; before its result was applied, that file was renamed
    # and a second one made there. Filed again under app.log, the first file took the second's
    # rename (app.log -> app.log.1 at the next rotation) for its own: the second was never read.
    scans: list[str] = []

    def scan_while_workers_rotate(inputs):
        scans.append("scan")
        if len(scans) == 2:  # the next worker rotates before this scan looks
            rotate(logs, lines(8, 3))
            time.sleep(EVENTS_READ_S)
        result = scan_inputs(inputs)
        if len(scans) == 1:  # a worker rotates right after this scan looked
            rotate(logs, lines(5, 3))
            time.sleep(EVENTS_READ_S)
        return result

    async with await make_tailer(tmp_path, use_inotify=True) as tailer:
        append(logs / "app.log", lines(0, 5))
        await until_identified(tailer, logs / "app.log")
        monkeypatch.setattr(pipeline.tail.watch, "scan_inputs", scan_while_workers_rotate)
        tailer.watch.request_rescan()
        await collect_all(tailer, lines(0, 11))
        assert len(scans) >= 2


async def test_a_stat_older_than_a_rename_does_not_lose_the_file_renamed_on(tmp_path, logs, monkeypatch) -> None:
    # A generation born and renamed to app.log.1 before any scan found it is looked for there. The
    # next worker rotated just before that name was stat'ed, and the loop had not read those events
    # when the stat came back: app.log.1 was the file followed at app.log by then, and the
    # generation (now app.log.2) was never read. The loop's reader is held to make that certain.
    held_until = [0.0]
    read_events = DirWatcher._readable

    def readable_unless_held(watcher: DirWatcher) -> None:
        if time.monotonic() >= held_until[0]:
            read_events(watcher)

    stats: list[list[str]] = []

    def stat_after_the_next_rotation(paths):
        stats.append(paths)
        if len(stats) == 1:
            held_until[0] = time.monotonic() + 0.5
            rotate(logs, lines(20, 3))
        return stat_files(paths)

    monkeypatch.setattr(DirWatcher, "_readable", readable_unless_held)
    async with await make_tailer(tmp_path, use_inotify=True) as tailer:
        append(logs / "other.log", lines(900, 2))
        await until_identified(tailer, logs / "other.log")
        monkeypatch.setattr(pipeline.tail.renames, "stat_files", stat_after_the_next_rotation)
        append(logs / "app.log", lines(0, 10))  # no await in between: no scan sees this generation
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log", lines(10, 5))  # followed at app.log by the scan the rename requests
        await collect_all(tailer, lines(900, 2) + lines(0, 15) + lines(20, 3))
        assert stats and stats[0] == [str(logs / "app.log.1")]
