"""What every rotation scheme shares: the record log (which record went to which content
generation), the generations' fate (a rotated file deleted, with its content), and the
hook a fault uses to act in the middle of a rotation.

A generation is one run of content: the live file between two rotations. Renames and
compression move it to another path; a copytruncate copies it away and starts a new one.
Its content is gone when the last file holding it is deleted: a line not read by then is
lost in principle if the shipper was not running at that moment."""

from __future__ import annotations

import os
import random
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from bench.userfaults.records import Record, level_of


def prefix(record: Record, now: datetime | None = None) -> str:
    """A logback line prefix ("%d [%t] %-5level %logger - ")."""
    now = now or datetime.now()
    return (f"{now:%Y-%m-%d %H:%M:%S}.{now.microsecond // 1000:03d} [pay-exec-{record.number % 7}] "
            f"{level_of(record):<5} c.f.pay.SettleService - ")


def formatted(record: Record) -> str:
    return prefix(record) + record.message + "\n"


class Scheme:
    """A writer of records under one rotation scheme, in `folder`; subclasses write and rotate."""

    name = "base"
    tracks_generations = True  # the run looks which generations still exist after every write
    paths_glob = "*.log"  # the shipper's input glob, under the logs folder

    def __init__(self, folder: Path, rng: random.Random, rotate_bytes: int = 48_000) -> None:
        self.folder, self.rng, self.rotate_bytes = folder, rng, rotate_bytes
        self.records: list[Record] = []
        self.gen_of: dict[int, int] = {}  # record number -> generation
        self.gen = 0
        self.inodes: dict[int, int] = {}  # inode of a file in the folder -> generation it holds
        self.deleted_at: dict[int, float] = {}  # generation -> when its last file went
        self.rotations = 0
        self.on_rotation: Callable[[str], None] = lambda step: None  # faults act here
        self.lock = threading.Lock()

    # --- what subclasses call ---------------------------------------------------------
    def wrote(self, record: Record, path: Path) -> None:
        record.file = path.name
        self.records.append(record)
        self.gen_of[record.number] = self.gen

    def new_generation(self, live: Path) -> None:
        """`live` (created, or truncated) holds a new generation from now on."""
        self.gen += 1
        self.inodes[os.stat(live).st_ino] = self.gen

    def holds_same(self, copy: Path, original_gen: int) -> None:
        """`copy` (a copy or a compressed file) holds the content of `original_gen`."""
        self.inodes[os.stat(copy).st_ino] = original_gen

    def gen_in(self, path: Path) -> int:
        return self.inodes.get(os.stat(path).st_ino, -1)

    def rotation_step(self, step: str) -> None:
        self.on_rotation(step)

    def sweep(self) -> None:
        """Generations no file in the folder holds any more were deleted now."""
        present = {e.inode() for e in os.scandir(self.folder)}
        alive = {gen for ino, gen in self.inodes.items() if ino in present}
        for ino in [ino for ino in self.inodes if ino not in present]:
            del self.inodes[ino]
        now = time.monotonic()
        for gen in set(self.gen_of.values()):
            if gen not in alive and gen not in self.deleted_at:
                self.deleted_at[gen] = now

    # --- what the driver calls --------------------------------------------------------
    def write(self, record: Record) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def tracker(self):
        """What tells, after every write, which records' files are gone (and when): the
        content-based `Generations` of the folder, unless a scheme keeps its own (`Fates`)."""
        from bench.userfaults.generations import Generations
        return Generations(self.folder) if self.tracks_generations else None
