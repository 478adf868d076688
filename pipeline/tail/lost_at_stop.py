"""Deleted files a stopping shipper still owes lines of: counted as lost, never silent.

A generation deleted while the shipper held it open (rotated out of a small window during
a Kafka outage, or while the shipper was starting and not yet shipping) is readable only
through that descriptor. A stop closes it: what its checkpoint still owed after the last
acknowledgements is gone, and the next start cannot find it. Before the tailer stops, the
deleted files it holds are noted (`deleted_held`); once the last checkpoint is taken, those
whose checkpoint still owes bytes are logged at ERROR and counted as
`tail_files_lost{reason="deleted_at_stop"}` (`count_lost`). A kill -9 leaves no such trace.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

from pipeline.tail.tailer_state import TailerState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeletedHeld:
    key: str  # identity key
    path: str
    size_bytes: int


def _deleted_size(fd: int) -> int | None:
    st = os.fstat(fd)
    return st.st_size if st.st_nlink == 0 else None


async def deleted_held(tailer: TailerState) -> list[DeletedHeld]:
    """The files `tailer` holds open whose names are all gone. Call before it stops."""
    held: list[DeletedHeld] = []
    async with tailer.io_lock:
        for f in list(tailer.files.values()) + tailer.released_owing.files():
            if f.fd is None or f.identity is None:
                continue
            try:
                size = await asyncio.to_thread(_deleted_size, f.fd)
            except OSError as exc:
                tailer.io_error(f, "stat", exc)
                continue
            if size is not None:
                held.append(DeletedHeld(f.identity.key, f.path, size))
    return held


def count_lost(tailer: TailerState, held: list[DeletedHeld]) -> int:
    """Counts the files of `held` whose checkpoint still owes bytes; call after the last checkpoint."""
    lost = 0
    for item in held:
        entry = tailer.checkpoints.get(item.key)
        if entry is None or entry.settled or entry.offset >= item.size_bytes:
            continue
        tailer.metrics.inc("tail_files_lost", reason="deleted_at_stop")
        log.error("file deleted before it was read to its end, its rest lost with the stop: path=%s "
                  "unread_bytes=%d", item.path, item.size_bytes - entry.offset)
        lost += 1
    return lost
