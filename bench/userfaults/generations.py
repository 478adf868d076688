"""Which generations of a folder's files still exist, told by content, not by inode.

A generation is named by the first record written to it (its first line's mark): renames
keep it, a copytruncate copy or a compressed file holds it too, and a new file on the
inode of a deleted one (ext4 hands freed inodes out again at once) is another generation.
The writer looks after every write; a generation no file starts with any more was
deleted then. A single writer writes each generation's records in one run of numbers, so
a record belongs to the generation with the greatest first record at or below it."""

from __future__ import annotations

import bisect
import gzip
import os
import time
import zlib
from pathlib import Path

from bench.userfaults.records import MARK


def first_record(path: str) -> int | None:
    """The record number of a file's first marked line; None if it has none (yet)."""
    try:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            head = f.read(4096)
    except (OSError, EOFError, zlib.error):
        return None
    m = MARK.search(head.split(b"\n", 1)[0])
    return int(m.group(1)) if m else None


def empty_archive(path: str) -> bool:
    """A whole compressed file holding nothing (an empty generation compressed): it never gets
    a first line, unlike one still being written."""
    if not path.endswith(".gz"):
        return False
    try:
        with gzip.open(path, "rb") as f:
            return f.read(1) == b"" and f.read() == b""
    except (OSError, EOFError, zlib.error):
        return False


class Generations:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.firsts: list[int] = []  # sorted first records of every generation seen
        self.alive: set[int] = set()
        self.deleted_at: dict[int, float] = {}

    def look(self) -> None:
        present: set[int] = set()
        for entry in os.scandir(self.folder):
            first = first_record(entry.path)
            if first is None:
                if entry.stat().st_size > 0 and not empty_archive(entry.path):
                    return  # a first line being written: look again after the next write
                continue
            present.add(first)
        now = time.monotonic()
        for first in present - self.alive:
            if first not in self.deleted_at:
                bisect.insort(self.firsts, first)
        for first in self.alive - present:
            self.deleted_at.setdefault(first, now)
        self.alive = present

    def deleted_when(self, record: int) -> float | None:
        """When the generation holding `record` was deleted (None: it still exists, or unknown)."""
        i = bisect.bisect_right(self.firsts, record) - 1
        return self.deleted_at.get(self.firsts[i]) if i >= 0 else None
