"""The pipe that ties a stage process to `logpipe run`.

The parent holds the write end and never writes; the stage process watches the read end.
End of file there means "stop cleanly": the parent closed its end to stop the stage, or
the parent is gone (the kernel closes a dead process's descriptors, after SIGKILL too).
Both are the same path in the child, so a stage process never outlives `run` and always
stops as on SIGTERM: the shipper checkpoints, the indexer and the alerter commit.
Only the parent holds the write end: the pipe is created non-inheritable, and a stage
process receives only its own read end (`pass_fds`).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable

log = logging.getLogger(__name__)


class Lifeline:
    """The parent's side: `child_fd` goes to the child, `cut()` asks it to stop."""

    def __init__(self) -> None:
        self.child_fd, self._write_fd = os.pipe()

    def passed(self) -> None:
        """The child holds its copy of the read end: close the parent's."""
        if self.child_fd >= 0:
            os.close(self.child_fd)
            self.child_fd = -1

    def cut(self) -> None:
        """Idempotent: the child reads end of file and stops cleanly."""
        if self._write_fd >= 0:
            os.close(self._write_fd)
            self._write_fd = -1

    def close(self) -> None:
        self.passed()
        self.cut()


def watch_lifeline(fd: int, on_cut: Callable[[], None]) -> Callable[[], None]:
    """The child's side: call `on_cut` once when the parent closes its end or dies;
    returns the function that stops watching. Never blocks: the loop reads only when readable."""
    loop = asyncio.get_running_loop()

    def readable() -> None:
        try:
            data = os.read(fd, 64)
        except OSError as exc:
            log.error("lifeline to logpipe run unreadable (%r): stopping as if it were cut", exc)
            data = b""
        if data:
            log.warning("lifeline to logpipe run carried %d unexpected bytes; ignored", len(data))
            return
        loop.remove_reader(fd)
        on_cut()

    loop.add_reader(fd, readable)

    def unwatch() -> None:
        loop.remove_reader(fd)

    return unwatch
