"""Following files: the pull-based `Tailer` behind `logpipe ship`.

The consumer calls `next_chunk()`; only then is a file read, at most
`max_chunk_bytes` at a time, so a consumer that stops pulling stops the reading
and memory stays bounded (one chunk in flight). Files with data wait in a
round-robin queue (rotated files being drained first), so one busy file cannot
starve the others.

Change detection: inotify on the watched directories when available (see
`pipeline.tail.inotify`), else polling with back-off from `poll_min_interval_ms` to
`poll_max_interval_ms` (250 ms by default, so an append is seen within 250 ms
even when polling). Globs are rescanned every `rescan_interval_ms` and on
directory events (`pipeline.tail.watch`).

Identification (`pipeline.tail.identification`) does not wait for the consumer: a file
is identified and its identity recorded as soon as the watch finds it.

File descriptors: a file is opened when it has unread data and stays open while
it does; idle live files beyond `max_open_files` are closed, least recently read
first. A rotated or deleted file that is not drained keeps its descriptor (its
path is gone) whatever the budget. A file rotated while it had no descriptor is
looked for by inode in its directory; a file deleted in that window is lost and
counted (`tail_files_lost`).
"""

from __future__ import annotations

import asyncio
import errno as errno_names
import logging
import time
from collections import deque
from collections.abc import Awaitable
from typing import Callable, TypeVar

from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.copies import Truncated
from pipeline.tail.descriptors import Descriptors
from pipeline.tail.discovery import TailInput
from pipeline.tail.identification import Identification
from pipeline.tail.followed import (TRUNCATED, Chunk, FileHandleInfo, FileState, Followed, TailerStopped,
                                    last_writes, read_at)
from pipeline.metrics.registry import Metrics
from pipeline.tail.metrics import TAIL
from pipeline.tail.released import ReleasedOwing
from pipeline.tail.watch import Watch

log = logging.getLogger(__name__)
_T = TypeVar("_T")

ERROR_RETRY_AFTER_S = 5.0  # a file that failed is tried again after this, or when it grows

__all__ = ["Chunk", "FileHandleInfo", "TailInput", "Tailer", "TailerStopped"]


class Tailer:
    def __init__(self, inputs: list[TailInput] | tuple[TailInput, ...], checkpoints: CheckpointStore, *,
                 max_chunk_bytes: int = 256 * 1024, max_open_files: int = 256,
                 release_after_idle_ms: int = 1000, rescan_interval_ms: int = 1000,
                 poll_min_interval_ms: int = 50, poll_max_interval_ms: int = 250,
                 use_inotify: bool = True, metrics: Metrics | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inputs = tuple(inputs)
        self.checkpoints = checkpoints
        self.max_chunk_bytes = max_chunk_bytes
        self.max_open_files = max_open_files
        self.release_after_idle_ms = release_after_idle_ms
        self.metrics = metrics or Metrics()
        self.metrics.declare(TAIL)
        self.clock = clock
        self.files: dict[tuple[int, int], Followed] = {}
        self.by_path: dict[str, Followed] = {}
        self._ready: deque[Followed] = deque()
        self._ready_draining: deque[Followed] = deque()
        self._queued: set[Followed] = set()
        self._waiting_release: set[Followed] = set()
        self.resume: dict[str, int] = {}
        self.copies_waiting: dict[str, set[Followed]] = {}  # identity key of an original -> its copies
        # Keys drained and released by this tailer: the file was deleted or left the globs, so the same
        # key again is a new life. A drained key from an earlier run that was not fully acknowledged
        # is still owed its last bytes (a crash between the drain and the acks).
        self.drained_here: set[str] = set()
        self.wakeup = asyncio.Event()
        self.descriptors = Descriptors(max_open_files, self.metrics, self.io_error)
        self.released_owing = ReleasedOwing(self.descriptors)  # drained, their last events not acknowledged
        self._pull_lock = asyncio.Lock()
        self.io_lock = asyncio.Lock()  # one file step at a time: the consumer's reads, the watch's identifications
        self.run_state = "new"
        self.chunks_handed_out = 0
        self.busy: Followed | None = None  # the file a worker thread is reading now
        self.identification = Identification(self)
        self.watch = Watch(self, rescan_interval_ms=rescan_interval_ms, use_inotify=use_inotify,
                            poll_min_interval_ms=poll_min_interval_ms,
                            poll_max_interval_ms=poll_max_interval_ms)

    # -- lifecycle ---------------------------------------------------------------
    async def start(self) -> None:
        if self.run_state != "new":
            return
        self.run_state = "running"
        await self.watch.start()

    async def stop(self) -> None:
        if self.run_state == "stopped":
            return
        self.run_state = "stopped"
        self.wakeup.set()
        await self.watch.stop()
        async with self._pull_lock:  # let a read in a worker thread finish with its fd
            for followed in list(self.files.values()):
                self.descriptors.close(followed)
            self.released_owing.close_all()

    async def __aenter__(self) -> Tailer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def using_inotify(self) -> bool:
        return self.watch.using_inotify

    # -- the consumer's side -----------------------------------------------------
    async def next_chunk(self) -> Chunk:
        """The next chunk of any file; waits until one is available."""
        async with self._pull_lock:
            while True:
                if self.run_state != "running":
                    raise TailerStopped("tailer is not running")
                self.watch.raise_if_failed()
                followed = self._pop_ready()
                if followed is None:
                    await self._wait_for_work()
                    continue
                async with self.io_lock:
                    chunk = await self._service(followed)
                if chunk is not None:
                    self.chunks_handed_out += 1
                    return chunk

    def bytes_behind(self) -> dict[str, int]:
        """Per path: last seen size minus read offset."""
        return {f.path: f.bytes_behind for f in self.files.values() if f.state is not FileState.RELEASED}

    def unread_file_ids(self) -> set[str]:
        """Identities with bytes on disk not read yet (by the last size seen)."""
        return {f.identity.file_id for f in self.files.values()
                if f.identity is not None and f.state is not FileState.RELEASED and f.bytes_behind > 0}

    async def last_writes(self, file_ids: set[str]) -> dict[str, tuple[int, int]]:
        """Per identity of `file_ids` still at its path: its size and when it was last written
        (epoch ms), from a stat made now (by path: no descriptor is touched)."""
        files = [(f.identity.file_id, f.path, f.inode_key) for f in self.files.values()
                 if f.identity is not None and f.identity.file_id in file_ids and f.state is not FileState.RELEASED]
        return await asyncio.to_thread(last_writes, files) if files else {}

    def resume_offset(self, file_id: str) -> int | None:
        """Offset where this tailer began delivering `file_id` (its checkpoint, 0, or
        the end for start_at="end"); None for an identity it has not delivered."""
        return self.resume.get(file_id)

    # -- queueing ----------------------------------------------------------------
    def mark_ready(self, followed: Followed) -> None:
        if followed in self._queued or followed.state is FileState.RELEASED:
            return
        self._queued.add(followed)
        self._waiting_release.discard(followed)
        queue = self._ready_draining if followed.state is FileState.DRAINING else self._ready
        queue.append(followed)
        self.wakeup.set()

    def _pop_ready(self) -> Followed | None:
        for queue in (self._ready_draining, self._ready):
            while queue:
                followed = queue.popleft()
                self._queued.discard(followed)
                if followed.state is not FileState.RELEASED:
                    return followed
        return None

    async def _wait_for_work(self) -> None:
        self.wakeup.clear()
        timeout_s = None
        if self._waiting_release:
            due_s = min(f.last_data_s for f in self._waiting_release) + self.release_after_idle_ms / 1000
            timeout_s = max(0.0, due_s - self.clock())
        try:
            async with asyncio.timeout(timeout_s):
                await self.wakeup.wait()
        except TimeoutError:
            pass
        for followed in list(self._waiting_release):
            self.mark_ready(followed)

    async def identify_found(self) -> None:
        """Identify the files found and not identified yet, whether or not the consumer pulls."""
        await self.identification.identify_found()

    # -- reading one file ----------------------------------------------------------
    async def _service(self, f: Followed) -> Chunk | None:
        try:
            return await self.io_step(f, "read", self._read_step, None)
        except asyncio.CancelledError:
            self.mark_ready(f)  # the consumer gave up waiting: nothing was consumed
            raise

    async def io_step(self, f: Followed, operation: str, step: Callable[[Followed], Awaitable[_T]],
                      failed: _T) -> _T:
        """`await step(f)` with `f` as the busy file: an OSError is reported (`io_error`,
        retried later) and gives `failed`; a file a scan released meanwhile is closed after."""
        self.busy = f
        try:
            result = await step(f)
        except OSError as exc:
            self.io_error(f, operation, exc)
            result = failed
        finally:
            self.busy = None
        if f.state is FileState.RELEASED and f.fd is not None and f not in self.released_owing:
            self.descriptors.close(f)  # released by a scan while we were working on it
        return result

    async def _read_step(self, f: Followed) -> Chunk | None:
        if f.state is FileState.PENDING and not await self.identification.identify(f):
            return None
        if f.fd is None and not await self.identification.reopen(f):
            return self.release(f) if f.state is FileState.DRAINING else None
        if f.state is FileState.RELEASED:
            return None
        result = await asyncio.to_thread(read_at, f.fd, f.offset, self.max_chunk_bytes, f.identity.fingerprint)
        if result is TRUNCATED:
            return self._truncated(f)
        data, f.size_bytes = result
        if data:
            return self._deliver(f, data)
        if f.state is FileState.DRAINING:
            if self.clock() - f.last_data_s >= self.release_after_idle_ms / 1000:
                return self.release(f)
            self._waiting_release.add(f)
        elif f.state is FileState.LIVE:
            self.descriptors.trim(self.files.values(), self._queued)
        return None

    def _deliver(self, f: Followed, data: bytes) -> Chunk:
        chunk = Chunk(f.handle_info(), data, f.offset)
        f.offset += len(data)
        f.last_data_s = self.clock()
        self.descriptors.touch(f)
        self.metrics.inc("tail_bytes_read", len(data))
        self.metrics.inc("tail_chunks")
        self.mark_ready(f)  # more may follow; round robin puts it behind the others
        return chunk

    def _truncated(self, f: Followed) -> Chunk:
        self.metrics.inc("tail_truncations")
        log.info("file truncated, reading it again from 0: path=%s offset=%d", f.path, f.offset)
        final = Chunk(f.handle_info(), b"", f.offset, final=True)
        self.checkpoints.release(f.identity)  # its bytes are gone: a restart must not resume it
        last_read_wall_s = time.time() - (self.clock() - f.last_data_s)
        self.watch.look_for_copy(Truncated(f.path, f.identity, f.input, f.offset, last_read_wall_s,
                                           unread=max(0, f.size_bytes - f.offset)))
        self.identification.wake_copies(f.identity.key)
        f.identity, f.info, f.offset, f.truncated, f.state = None, None, 0, True, FileState.PENDING
        self.mark_ready(f)
        return final

    def release(self, f: Followed) -> Chunk | None:
        """The file is drained (or cannot be): close it and tell the consumer. A file read to its end
        keeps its descriptor until its last events are acknowledged (`ReleasedOwing`)."""
        if f.identity is not None and f.fd is not None and self._owes_acks(f):
            self.released_owing.keep(f)
        elif f is not self.busy:
            self.descriptors.close(f)  # else _service closes it once its thread is done
        f.state = FileState.RELEASED
        self._waiting_release.discard(f)
        if self.files.get(f.inode_key) is f:
            del self.files[f.inode_key]
        if self.by_path.get(f.path) is f:
            del self.by_path[f.path]
        self.metrics.inc("tail_files_released")
        if f.identity is None:
            return None
        self.resume.pop(f.identity.file_id, None)
        self.checkpoints.release(f.identity, drained_at=f.offset)
        self.drained_here.add(f.identity.key)  # seen again in this run, it is a new file (inode reuse)
        self.identification.wake_copies(f.identity.key)
        return Chunk(f.handle_info(), b"", f.offset, final=True)

    def _owes_acks(self, f: Followed) -> bool:
        entry = self.checkpoints.get(f.identity.key)  # type: ignore[union-attr]
        return (entry is not None and entry.identity.generation == f.identity.generation  # type: ignore[union-attr]
                and entry.offset < f.offset)

    # -- errors ------------------------------------------------------------------
    def io_error(self, f: Followed, operation: str, exc: OSError) -> None:
        code = errno_names.errorcode.get(exc.errno or 0, str(exc.errno))
        self.metrics.inc("tail_io_errors", op=operation, errno=code)
        f.retry_at_s = self.clock() + ERROR_RETRY_AFTER_S
        if exc.errno not in f.reported_errnos:
            f.reported_errnos.add(exc.errno or 0)
            log.error("cannot %s %s: errno=%s %s", operation, f.path, code, exc.strerror)
