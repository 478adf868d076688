"""What the tailer's helpers read and change of it, named in one place.

The watch (globs, inotify, renames), the identification of found files and the
search for what changed while away all work on the tailer's followed files. They
take the tailer as this protocol instead of importing its class, so the tailer may
build them without an import cycle, and what they share with it is written down here.
"""

from __future__ import annotations

import asyncio
from typing import Callable, Protocol

from pipeline.metrics.registry import Metrics
from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.descriptors import Descriptors
from pipeline.tail.discovery import TailInput
from pipeline.tail.followed import Chunk, Followed
from pipeline.tail.released import ReleasedOwing


class RescanRequests(Protocol):
    def request_rescan(self) -> None: ...

    def find_rotated(self, f: Followed) -> str | None: ...


class TailerState(Protocol):
    inputs: tuple[TailInput, ...]
    checkpoints: CheckpointStore
    metrics: Metrics
    max_open_files: int
    clock: Callable[[], float]
    run_state: str                                  # new, running, stopped
    files: dict[tuple[int, int], Followed]          # by (device, inode)
    by_path: dict[str, Followed]
    wakeup: asyncio.Event                           # set: the consumer looks for work again
    descriptors: Descriptors
    io_lock: asyncio.Lock                           # one file step at a time
    busy: Followed | None                           # the file a worker thread is reading now
    resume: dict[str, int]                          # file id -> offset to resume at
    copies_waiting: dict[str, set[Followed]]        # identity key of an original -> its copies
    drained_here: set[str]
    released_owing: ReleasedOwing                   # drained files whose last events are not acknowledged
    watch: RescanRequests

    def mark_ready(self, followed: Followed) -> None: ...

    async def identify_found(self) -> None: ...

    def release(self, f: Followed) -> Chunk | None: ...

    def io_error(self, f: Followed, operation: str, exc: OSError) -> None: ...
