"""The file descriptors the tailer holds, within a budget.

Every live file with a descriptor is in an LRU; when more than `max_open_files`
are open, idle live files (nothing unread, not queued) are closed, least recently
used first, and opened again on activity (checking the inode still holds the same
file). Files with unread bytes keep theirs: their path may vanish at any moment
(rotation, deletion), and a descriptor is the only sure way to drain them. Draining
files are never in the LRU. So the budget is soft: it bounds idle descriptors, not
those of files the consumer has not caught up with.
"""

from __future__ import annotations

import asyncio
import errno as errno_names
import logging
from collections import OrderedDict
from typing import Callable, Iterable

from pipeline.metrics.registry import Metrics
from pipeline.tail.followed import FileState, Followed, close_quietly, identify_open
from pipeline.tail.identity import FileIdentity

log = logging.getLogger(__name__)


class Descriptors:
    def __init__(self, max_open_files: int, metrics: Metrics,
                 on_error: Callable[[Followed, str, OSError], None]) -> None:
        self.max_open_files = max_open_files
        self._metrics = metrics
        self._on_error = on_error
        self._lru: OrderedDict[Followed, None] = OrderedDict()

    def touch(self, f: Followed) -> None:
        """`f` was just opened or read: most recently used."""
        self._lru.pop(f, None)
        if f.state is FileState.LIVE and f.fd is not None:
            self._lru[f] = None

    def forget(self, f: Followed) -> None:
        """`f`'s descriptor is no longer this tailer's to close (handed over)."""
        self._lru.pop(f, None)

    def close(self, f: Followed) -> None:
        self._lru.pop(f, None)
        fd, f.fd = f.fd, None
        err = close_quietly(fd)
        if err is not None:
            self._on_error(f, "close", err)

    def trim(self, files: Iterable[Followed], queued: set[Followed]) -> None:
        """Close idle live files beyond the budget."""
        if len(self._lru) <= self.max_open_files:
            return
        open_count = sum(1 for f in files if f.fd is not None)
        for f in list(self._lru):
            if open_count <= self.max_open_files:
                break
            if f.state is FileState.LIVE and f.bytes_behind == 0 and f not in queued:
                self.close(f)
                open_count -= 1
        self._metrics.set("tail_open_files", open_count)
        if open_count > self.max_open_files:
            self._metrics.inc("tail_open_files_over_budget")

    async def identify_open(self, path: str, f: Followed, fd: int | None) -> tuple[int, FileIdentity | None, int]:
        """`identify_open` in a worker thread. If the consumer is cancelled meanwhile, a
        descriptor the thread opened is closed once it is done instead of leaking."""
        work = asyncio.ensure_future(asyncio.to_thread(identify_open, path, f.device, f.inode, fd))
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            if fd is None:
                work.add_done_callback(self._close_abandoned)
            raise

    def _close_abandoned(self, work: asyncio.Future) -> None:
        if work.cancelled() or work.exception() is not None:
            return
        err = close_quietly(work.result()[0])
        if err is not None:
            code = errno_names.errorcode.get(err.errno or 0, str(err.errno))
            log.warning("cannot close an abandoned descriptor: errno=%s", code)
            self._metrics.inc("tail_io_errors", op="close", errno=code)
