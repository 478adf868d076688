"""Identifying followed files: who a file is, where its delivery starts, copies.

A file found by the watch is identified at once (`identify_found`), whether or not the
consumer pulls: while shipping waits (back-pressure, a Kafka outage) new files are
still opened and their identity recorded in the checkpoints, so a rename out of the
globs cannot hide them and a restart finds them by inode. Files stay open within the
tailer's descriptor budget; beyond it they are closed and found again by inode (or where
inotify saw them renamed to) when read, and used only if they still are the same file
(`reopen`). The consumer identifies a file the same way when it reaches it first. Every
step runs under the tailer's IO lock.

A file that starts with the same line as a known file and is named as its rotation is a
copytruncate copy (`_copy_found`).
"""

from __future__ import annotations

import asyncio
import logging
import os

from pipeline.tail.checkpoint_file import Checkpoint
from pipeline.tail.followed import FileState, Followed, NotThisFile
from pipeline.tail.identity import FileIdentity
from pipeline.tail.tailer_state import TailerState

log = logging.getLogger(__name__)


class Identification:
    def __init__(self, tailer: TailerState) -> None:
        self._tailer = tailer

    async def identify_found(self) -> None:
        """Identify the files found and not identified yet, even while the consumer does not
        pull (back-pressure, a Kafka outage): their identity goes into the checkpoints, so a
        rename out of the globs cannot hide them and a restart finds them by inode. Within
        `max_open_files` they stay open; beyond it they are closed and found again by inode
        (or through inotify's move events) when they are read."""
        t = self._tailer
        waiting = [f for f in t.files.values()
                   if f.state is FileState.PENDING and f.copy_of is None]
        if not waiting:
            return
        open_count = sum(1 for f in t.files.values() if f.fd is not None)
        for f in waiting:
            if f.retry_at_s is not None and t.clock() < f.retry_at_s:
                continue
            async with t.io_lock:
                if f.state is not FileState.PENDING or t.run_state != "running":
                    continue
                had_fd = f.fd is not None
                identified = await t.io_step(f, "open", self.identify, False)
                if not identified:
                    continue
                t.metrics.inc("tail_files_identified_unread")
                open_count += 0 if had_fd else 1
                if open_count > t.max_open_files and f.fd is not None:
                    t.descriptors.close(f)  # remembered by path and identity; reopened when read
                    open_count -= 1
                t.mark_ready(f)

    async def identify(self, f: Followed) -> bool:
        """Identity and starting offset of a PENDING file; False while it has none (or waits)."""
        t = self._tailer
        if f.fd is None and f.outside_globs and not await self._locate(f):
            return False
        try:
            f.fd, identity, size = await t.descriptors.identify_open(f.path, f, f.fd)
        except NotThisFile:
            t.watch.request_rescan()
            return False
        if f.state is FileState.RELEASED:
            return False
        if identity is None:
            if f.start_at_end_offset is not None:
                f.start_at_end_offset = 0  # no complete line yet: when one comes, it is new
            await self._keep_unidentified(f)
            return False
        if f.expect_key is not None and identity.key != f.expect_key:
            t.release(f)  # the inode was reused by a file that is none of ours
            return False
        entry = t.checkpoints.get(identity.key)
        if entry is None and f.expect_key is None:
            source = (t.checkpoints.get(f.copy_source) if f.copy_source is not None  # unpacked for it
                      else t.checkpoints.find_copy_source(identity, f.path, size if f.outside_globs else None))
            if source is not None:
                return self._copy_found(f, identity, source, size)
        generation, offset = 0, 0
        if f.truncated or (entry is not None and (entry.settled or entry.identity.key in t.drained_here)):
            generation = entry.identity.generation + 1 if entry else 0
        elif entry is not None and size >= entry.offset:
            generation, offset = entry.identity.generation, entry.offset
        elif entry is not None:
            generation = entry.identity.generation + 1
            t.metrics.inc("tail_truncated_while_away")
            log.warning("file shorter than its checkpoint, reading it again from 0: path=%s size=%d checkpoint=%d",
                        f.path, size, entry.offset)
        elif f.start_at_end_offset is not None:
            offset = min(f.start_at_end_offset, size)
        f.identity = identity.with_generation(generation)
        f.offset = offset
        f.size_bytes, f.truncated = size, False
        f.state = FileState.DRAINING if f.expect_key is not None or f.outside_globs else FileState.LIVE
        f.last_data_s = t.clock()
        t.descriptors.touch(f)
        t.checkpoints.register(f.identity, f.path, offset)
        t.resume[f.identity.file_id] = offset
        t.metrics.inc("tail_files_identified")
        return True

    async def reopen(self, f: Followed) -> bool:
        """Open a known file again, checking it still is the same file (inode reuse)."""
        t = self._tailer
        path = f.path
        if f.state is FileState.DRAINING:
            path = await asyncio.to_thread(t.watch.find_rotated, f)
            if path is None:
                if f.bytes_behind:
                    t.metrics.inc("tail_files_lost", reason="gone_while_closed")
                    log.error("file gone before it was drained: path=%s unread_bytes=%d", f.path, f.bytes_behind)
                return False
        try:
            fd, identity, size = await t.descriptors.identify_open(path, f, None)
        except NotThisFile:
            t.watch.request_rescan()
            return False
        f.fd = fd
        if f.state is FileState.RELEASED:
            return False
        same = identity is not None and (identity.key == f.identity.key or (
            f.adopted and identity.fingerprint == f.identity.fingerprint and identity.device == f.identity.device))
        if not same:
            t.metrics.inc("tail_inode_reused")
            log.warning("inode reused by another file: path=%s inode=%d", path, f.inode)
            t.descriptors.close(f)
            f.state = FileState.DRAINING
            t.watch.request_rescan()  # the new file at this inode is found and followed
            return False
        t.descriptors.touch(f)
        return True

    def _copy_found(self, f: Followed, identity: FileIdentity, source: Checkpoint, size: int) -> bool:
        """`f` starts with the same line as a known file: a copytruncate copy. While the
        original is still followed with that content, the copy waits (it repeats what is
        read there); once the original was truncated or is gone, the copy carries on the
        original's identity from its checkpoint, so the lines written between the last
        read and the truncation are delivered, under the event ids they would have had."""
        t = self._tailer
        if f.outside_globs and size <= source.offset:
            t.release(f)  # a copy found beside its file holding nothing past the checkpoint: nothing owed
            return False
        original = t.files.get((source.identity.device, source.identity.inode))
        still_followed = (original is not None and original is not f and original.identity is not None
                          and original.identity.key == source.identity.key)
        if still_followed or size < source.offset:
            f.copy_of = source.identity.key
            t.copies_waiting.setdefault(source.identity.key, set()).add(f)
            t.descriptors.close(f)
            t.metrics.inc("tail_copies_waiting")
            return False
        t.copies_waiting.get(source.identity.key, set()).discard(f)
        f.identity, f.adopted, f.copy_of = source.identity, True, None
        f.offset = source.offset
        f.size_bytes, f.truncated = size, False
        f.state = FileState.DRAINING if f.outside_globs else FileState.LIVE
        f.last_data_s = t.clock()
        t.descriptors.touch(f)
        t.checkpoints.adopt(source.identity.key, f.path, f.inode)
        t.resume[f.identity.file_id] = source.offset
        t.metrics.inc("tail_copies_adopted")
        log.info("copy of a truncated file, delivering it from the checkpoint: path=%s copy_of=%s offset=%d",
                 f.path, source.path, source.offset)
        return True

    def wake_copies(self, key: str) -> None:
        t = self._tailer
        for copy in t.copies_waiting.pop(key, set()):
            if copy.state is FileState.PENDING:
                t.mark_ready(copy)

    async def _keep_unidentified(self, f: Followed) -> None:
        """A file without a complete first line keeps its descriptor within the budget: renamed
        or deleted, it is still the same file (its inode cannot be reused while we hold it).
        Deleted outside the globs, it is released: its partial line will never be complete."""
        t = self._tailer
        if f.outside_globs and (await asyncio.to_thread(os.fstat, f.fd)).st_nlink == 0:
            t.metrics.inc("tail_files_gone_unidentified")
            log.info("file deleted before its first line was complete: path=%s", f.path)
            t.release(f)
            if f.fd is not None:
                t.descriptors.close(f)
        elif sum(1 for other in t.files.values() if other.fd is not None) > t.max_open_files:
            t.descriptors.close(f)

    async def _locate(self, f: Followed) -> bool:
        """Where a file no glob names lives now (it may have been renamed again); False, and the
        file is released, if it is gone."""
        t = self._tailer
        path = await asyncio.to_thread(t.watch.find_rotated, f)
        if path is None:  # identification was tried as soon as it was found: no complete first line
            t.metrics.inc("tail_files_gone_unidentified")
            log.info("file gone before its first line was complete: path=%s size=%d", f.path, f.size_bytes)
            t.release(f)
            return False
        f.path = path
        return True
