"""Which file content each record went to, and when that content went, told by the writer
itself: for writers the content-based `Generations` cannot follow (several processes
writing one file in turns, a file truncated in place by the next deploy, folders of
several containers).

A content is what one file holds from its creation (or truncation) on. It goes when its
file is deleted (no path in the watched folders names its inode any more) or truncated
(O_TRUNC by the next process). An inode handed out again by the filesystem is new
content: the writer says so when it creates a file (`created`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path


class Fates:
    def __init__(self, folders: Callable[[], list[Path]]) -> None:
        self.folders = folders
        self.content_on: dict[int, int] = {}  # inode -> content it holds now
        self.deleted_at: dict[int, float] = {}  # content -> when it went
        self.record_content: dict[int, int] = {}  # record number -> content it was written to
        self.contents = 0

    def created(self, inode: int) -> int:
        """A file was created (or truncated) on `inode`: what the inode held before went now."""
        old = self.content_on.get(inode)
        if old is not None:
            self.deleted_at.setdefault(old, time.monotonic())
        self.contents += 1
        self.content_on[inode] = self.contents
        return self.contents

    def wrote(self, record: int, inode: int) -> None:
        if inode not in self.content_on:
            self.created(inode)
        self.record_content[record] = self.content_on[inode]

    def look(self) -> None:
        """Contents whose inode no file in the folders names any more were deleted now."""
        present: set[int] = set()
        for folder in self.folders():
            try:
                present |= {e.inode() for e in os.scandir(folder)}
            except FileNotFoundError:
                continue  # a container's folder removed
        now = time.monotonic()
        for inode in [i for i in self.content_on if i not in present]:
            self.deleted_at.setdefault(self.content_on.pop(inode), now)

    def deleted_when(self, record: int) -> float | None:
        content = self.record_content.get(record)
        return None if content is None else self.deleted_at.get(content)
