"""Files deleted during an outage, handed from the tailer that held them to the next one.

While Kafka is away the old life's tailer keeps discovering and holds a descriptor for
every file it identified. A generation rotated and deleted meanwhile (a small
`backupCount`, logrotate's `rotate 1`) exists only through that descriptor: when shipping
resumes, the next life's tailer starts from the checkpoints and cannot find it by name
or inode. So before the old tailer stops, each deleted file it holds whose checkpoint
still owes bytes is handed over with its descriptor (not closed, not reopened) and read
to its end from the checkpoint, under its own identity (`tail_files_handed_over`). That
includes a file read to its end and let go before the outage was declared, whose last
events were still in flight: its descriptor is kept until they are acknowledged
(`pipeline.tail.released`)."""

from __future__ import annotations

import asyncio
import logging
import os

from pipeline.tail.followed import Followed
from pipeline.tail.tailer_state import TailerState

log = logging.getLogger(__name__)


def _deleted(fd: int) -> bool:
    return os.fstat(fd).st_nlink == 0


async def hand_over_deleted(old: TailerState, new: TailerState) -> int:
    """Moves `old`'s descriptors of deleted files that owe bytes to `new`; returns how many.
    Call after `new` started (its own scan and checkpoint search ran) and before `old` stops."""
    handed = 0
    async with old.io_lock:  # no read of the old tailer's is using a descriptor meanwhile
        for f in list(old.files.values()) + old.released_owing.files():
            if f.fd is None or f.identity is None or f.inode_key in new.files:
                continue
            entry = new.checkpoints.get(f.identity.key)
            if entry is None or entry.settled:
                continue
            try:
                if not await asyncio.to_thread(_deleted, f.fd):
                    continue  # it has a name: the new tailer finds it (scan, or by inode)
            except OSError as exc:
                old.io_error(f, "stat", exc)
                continue
            moved = Followed(f.path, f.input, f.device, f.inode, f.size_bytes, None, expect_key=f.identity.key,
                             outside_globs=True, last_data_s=new.clock())
            moved.fd, f.fd = f.fd, None
            old.descriptors.forget(f)
            old.released_owing.give_up(f)
            new.files[moved.inode_key] = moved
            new.mark_ready(moved)
            new.metrics.inc("tail_files_handed_over")
            log.info("file deleted while shipping waited, read from its descriptor: path=%s from=%d",
                     f.path, entry.offset)
            handed += 1
    return handed
