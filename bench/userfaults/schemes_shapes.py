"""Writers of odd shapes: files deleted before anyone could read them, a folder of many
small files, and an application whose records reach the file in several writes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.userfaults.records import Record
from bench.userfaults.scheme import Scheme, formatted
from bench.userfaults.schemes_files import _AppendFile


class DeletedUnread(Scheme):
    """app.log written on; every few records a `batch-N.log` is created, given a record or two
    and deleted at once: a file deleted before it was ever read cannot be shipped (its
    records are written `expected=False`; the check counts what arrived of them anyway)."""

    name = "deleted_unread"

    def __init__(self, folder: Path, rng) -> None:
        super().__init__(folder, rng)
        self.live = folder / "app.log"
        self.out = open(self.live, "a", encoding="utf-8")
        self.new_generation(self.live)
        self.batches = 0

    def write(self, record: Record) -> None:
        if record.number % 9 == 4:
            self.batches += 1
            path = self.folder / f"batch-{self.batches}.log"
            with open(path, "w", encoding="utf-8") as out:
                out.write(formatted(record))
            keep_gen = self.gen
            self.new_generation(path)
            record.expected = False
            self.wrote(record, path)
            self.rotations += 1
            self.rotation_step(f"deleting {path.name}")
            path.unlink()
            self.sweep()
            self.gen = keep_gen
            return
        self.out.write(formatted(record))
        self.out.flush()
        self.wrote(record, self.live)

    def close(self) -> None:
        self.out.close()


class ManySmallFiles(Scheme):
    """300 services' logs in one folder (beyond the shipper's 256 descriptors), each record to
    one of them; no rotation."""

    name = "many_small"
    tracks_generations = False  # nothing is deleted, and 300 files are too many to open after every write

    def __init__(self, folder: Path, rng, files: int = 300) -> None:
        super().__init__(folder, rng)
        self.paths = [folder / f"svc-{i:03d}.log" for i in range(files)]
        for p in self.paths:
            p.touch()
        self.new_generation(self.paths[0])

    def write(self, record: Record) -> None:
        path = self.paths[self.rng.randrange(len(self.paths))]
        with open(path, "a", encoding="utf-8") as out:
            out.write(formatted(record))
        self.wrote(record, path)


class ChunkedWrites(_AppendFile):
    """A writer whose records reach app.log in two to four writes cut at any byte (a stack
    trace stopped mid-line at a buffer boundary), flushed and a pause apart; rename rotation
    app.log -> app.log.1 (a fixed window of 3, the oldest deleted)."""

    name = "chunked"

    def __init__(self, folder: Path, rng) -> None:
        super().__init__(folder, rng)
        self.rotate_bytes = 8_000  # the pauses make it a slow writer: rotate as often as the others

    def write(self, record: Record) -> None:
        data = formatted(record).encode()
        pieces = self.rng.randint(2, 4) if len(record.lines) > 1 else 1
        cuts = sorted(self.rng.sample(range(1, len(data)), pieces - 1)) if pieces > 1 else []
        start = 0
        for cut in cuts + [len(data)]:
            self.out.buffer.write(data[start:cut])
            self.out.buffer.flush()
            start = cut
            if cut < len(data):
                time.sleep(self.rng.uniform(0.001, 0.25))
        self.wrote(record, self.live)
        if self.out.buffer.tell() >= self.rotate_bytes:
            self.rotations += 1
            self.rotate()
            self.sweep()

    def rotate(self) -> None:
        self.out.close()
        for i in range(self.keep, 0, -1):
            src = self.folder / f"app.log.{i}"
            if src.exists():
                src.unlink() if i == self.keep else os.rename(src, self.folder / f"app.log.{i + 1}")
        self._rename(self.live, self.folder / "app.log.1")
        self._open()
