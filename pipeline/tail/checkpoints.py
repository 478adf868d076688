"""Acknowledged offsets per file identity, persisted atomically.

The consumer (the shipper) calls `commit(file_id, offset)` once everything before
`offset` is acknowledged downstream, and `flush()` to persist. The tailer
`register`s every identity it starts delivering and `touch`es the ones it still
sees, so entries of files gone for longer than `forget_after_s` are dropped. An entry no
input touched for that long whose file is still at its path (the same device, inode and
first line: a pattern removed from the configuration, a rotation kept outside the globs)
is kept, and looked at again `forget_after_s` later: the pattern added back, its files are
not shipped again.

One entry per file (`FileIdentity.key`), holding its current generation. For one
identity and generation the offset never goes backwards; a commit for an older
generation (acks arriving after a copytruncate) is ignored and counted.

The file itself (format, atomic writes, errors) is `pipeline.tail.checkpoint_file`'s.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Callable, Mapping

from pipeline.metrics.registry import Metrics
from pipeline.tail.checkpoint_file import Checkpoint, encode_checkpoints, read_checkpoint_file, write_checkpoints
from pipeline.tail.identity import FileIdentity, identify_fd
from pipeline.tail.metrics import TAIL
from pipeline.tail.rotation_names import same_live_file

REFRESH_S = 60.0  # an unchanged store is written again this often, for its times seen
DEFAULT_FORGET_AFTER_S = 7 * 24 * 3600.0


class UnknownFileIdError(KeyError):
    """commit() for a file id the store has never been told about."""


def _rotated_name_of(name: str, original: str) -> bool:
    return len(name) > len(original) + 1 and name.startswith(original) and name[len(original)] in ".-_"


class CheckpointStore:
    def __init__(self, path: str | os.PathLike[str], *, forget_after_s: float = DEFAULT_FORGET_AFTER_S,
                 metrics: Metrics | None = None, wall_clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.forget_after_s = forget_after_s
        self._metrics = metrics or Metrics()
        self._metrics.declare(TAIL)
        self._clock = wall_clock
        self._entries: dict[str, Checkpoint] = {}
        # followed paths whose file has no identity yet (no complete first line) -> when last seen:
        # a rotation of one found after a restart was born while we were away
        self._paths: dict[str, float] = {}
        self._flush_lock = asyncio.Lock()
        self._written: list[tuple[object, ...]] | None = None  # what the file holds, but for times seen
        self._written_at_s = 0.0
        self._written_keys: set[str] = set()  # identities the file on disk knows
        self.last_written_s: float | None = None  # when the file loaded was written (None: a first start)

    # -- reading ---------------------------------------------------------------
    async def load(self) -> None:
        """Read the file back; a missing file is a first start (empty store)."""
        self._entries, self._paths = await asyncio.to_thread(read_checkpoint_file, self.path)
        self.last_written_s = await asyncio.to_thread(_written_s, self.path)

    def get(self, key: str) -> Checkpoint | None:
        """Entry for a file (`FileIdentity.key`), whatever its generation."""
        return self._entries.get(key)

    def offset(self, file_id: str) -> int | None:
        """Committed offset of exactly this identity and generation, else None."""
        ident = FileIdentity.from_file_id(file_id)
        entry = self._entries.get(ident.key)
        if entry is None or entry.identity.generation != ident.generation:
            return None
        return entry.offset

    def entries(self) -> list[Checkpoint]:
        return list(self._entries.values())

    # -- changing --------------------------------------------------------------
    def register(self, identity: FileIdentity, path: str, offset: int) -> None:
        """The tailer starts delivering `identity` at `offset` (nothing before it is owed)."""
        entry = self._entries.get(identity.key)
        if entry is not None and entry.identity.generation >= identity.generation:
            entry.path, entry.last_seen_s = path, self._clock()
            return
        self._entries[identity.key] = Checkpoint(identity, offset, path, self._clock())

    def release(self, identity: FileIdentity, drained_at: int | None = None) -> None:
        """The file was drained to `drained_at` after rotation or deletion: settled once the
        consumer has committed that far. Without `drained_at` (truncated: its bytes are
        gone) it is settled now. Should the same key be seen again once settled (inode
        reused with an identical first line), it is a new generation."""
        entry = self._entries.get(identity.key)
        if entry is not None and entry.identity.generation == identity.generation:
            if drained_at is None:
                entry.released = True
            else:
                entry.drained_at = drained_at

    def find_copy_source(self, identity: FileIdentity, path: str, size_bytes: int | None = None,
                         targets: Mapping[str, str] | None = None) -> Checkpoint | None:
        """The file that the file at `path` is a rotated copy of (copytruncate), if any: an
        entry of another inode on the same device with the same first line, whose name the
        copy's name extends the way rotation names copies (`app.log` -> `app.log.1`,
        `app.log-20261126`), or a rotation of the same live file (the original renamed
        along the rotation chain since: copy `app.log.2`, original now `app.log.3`). Two unrelated files that merely start alike are not copies, and a file
        drained to its end (renamed or deleted, not truncated) is nobody's copy source.

        Should several files have started with the same line under that name, the one adopted
        before wins, else, with `size_bytes` (a copy found after the fact), one that was read
        at least that far (the copy owes nothing), else the one seen last. `targets` (a
        checkpointed path that is a symbolic link -> its target) names rotations after the
        target too: the kubelet rotates `0.log` behind `/var/log/containers/*.log`."""
        name = os.path.basename(path)
        candidates: list[Checkpoint] = []
        for entry in self._entries.values():
            known = entry.identity
            if known.fingerprint != identity.fingerprint or known.device != identity.device or known.inode == identity.inode:
                continue
            if entry.drained_at is not None and entry.offset >= entry.drained_at:
                continue  # read to its end after a rename or deletion: a copy of it owes nothing
            if entry.copy_inode == identity.inode:
                return entry  # adopted before (a restart, or the copy renamed since)
            known = [entry.path] if targets is None or entry.path not in targets else [entry.path, targets[entry.path]]
            if any(_rotated_name_of(name, os.path.basename(k)) or same_live_file(name, os.path.basename(k))
                   for k in known):
                candidates.append(entry)
        if size_bytes is not None:
            covered = [entry for entry in candidates if entry.offset >= size_bytes]
            candidates = covered or candidates
        return max(candidates, key=lambda entry: entry.last_seen_s, default=None)

    def adopt(self, key: str, path: str, copy_inode: int) -> None:
        """A copy of the file `key` (inode `copy_inode`, at `path`) carries on its delivery
        from its checkpoint."""
        entry = self._entries[key]
        entry.path, entry.last_seen_s, entry.released, entry.drained_at = path, self._clock(), False, None
        entry.copy_inode = copy_inode

    def touch_path(self, path: str) -> None:
        """A followed path whose file has no identity yet (no complete first line) is there."""
        self._paths[path] = self._clock()

    def note_path(self, path: str) -> None:
        """A path found now: seen from now on, unless the file says when it was seen before."""
        self._paths.setdefault(path, self._clock())

    def paths_followed(self) -> list[tuple[str, float]]:
        """(path, last seen) of followed paths no entry may name (see `touch_path`)."""
        return list(self._paths.items())

    def touch(self, key: str, path: str) -> None:
        """The file is still there (at `path`): keep its entry alive."""
        entry = self._entries.get(key)
        if entry is not None:
            entry.path, entry.last_seen_s = path, self._clock()

    async def commit(self, file_id: str, offset: int) -> None:
        """Everything of `file_id` before `offset` is acknowledged (in memory until flush)."""
        if offset < 0:
            raise ValueError(f"negative offset {offset} for {file_id}")
        ident = FileIdentity.from_file_id(file_id)
        entry = self._entries.get(ident.key)
        if entry is None:
            raise UnknownFileIdError(file_id)
        current = entry.identity.generation
        if ident.generation < current:
            self._metrics.inc("checkpoint_commits_ignored", reason="old_generation")
            return
        if ident.generation > current:
            entry.identity, entry.offset = ident, offset
        elif offset < entry.offset:
            self._metrics.inc("checkpoint_commits_ignored", reason="backwards")
            return
        entry.offset = offset
        self._metrics.inc("checkpoint_commits")

    def forget_gone(self) -> list[Checkpoint]:
        """Drop entries not seen for `forget_after_s`; returns them."""
        cutoff = self._clock() - self.forget_after_s
        gone = [entry for entry in self._entries.values() if entry.last_seen_s < cutoff]
        for entry in gone:
            del self._entries[entry.identity.key]
        if gone:
            self._metrics.inc("checkpoints_forgotten", len(gone))
        for path in [p for p, seen_s in self._paths.items() if seen_s < cutoff]:
            del self._paths[path]
        return gone

    async def _keep_still_there(self) -> None:
        """Entries due to be forgotten whose file is still at their path are seen now."""
        now = self._clock()
        due = [entry for entry in self._entries.values() if entry.last_seen_s < now - self.forget_after_s]
        if not due:
            return
        there = await asyncio.to_thread(_still_there, [(entry.path, entry.identity) for entry in due])
        for entry in due:
            if entry.identity.key in there:
                entry.last_seen_s = now

    # -- persisting ------------------------------------------------------------
    async def persist_identity(self, file_id: str) -> None:
        """Flush now if the file on disk does not know `file_id`'s identity yet: the shipper
        calls this before the first event of a file leaves, so that after a crash every file
        with lines in Kafka is known by its first line, even once it is gone or compressed
        (a compressed generation whose first line no checkpoint knows is read whole, under
        another identity: the lines sent before would arrive twice, under two ids)."""
        if FileIdentity.from_file_id(file_id).key not in self._written_keys:
            await self.flush()

    async def flush(self, *, if_changed: bool = False) -> None:
        """Persist atomically; raises CheckpointWriteError, leaving the old file intact.

        With `if_changed` (the periodic flush), a store whose offsets, identities and paths
        are what the file already holds is not written again, but for a refresh of the
        times seen every `REFRESH_S`: following many idle files costs no write a second."""
        async with self._flush_lock:
            await self._keep_still_there()
            self.forget_gone()
            now = self._clock()
            state = [entry.state() for entry in self._entries.values()] + sorted(self._paths)
            if if_changed and state == self._written and now - self._written_at_s < REFRESH_S:
                return
            payload = encode_checkpoints(self._entries.values(), now, self._paths)
            # the identities in this payload: one registered while it is written is not on disk
            keys = {entry.identity.key for entry in self._entries.values()}
            await asyncio.to_thread(write_checkpoints, self.path, payload, self._metrics)
            self._written, self._written_at_s = state, now
            self._written_keys = keys
            self._metrics.inc("checkpoint_flushes")


def _still_there(files: list[tuple[str, FileIdentity]]) -> set[str]:
    """Blocking: the keys of the identities whose file is at the path given (same device, inode
    and first line)."""
    there = set()
    for path, identity in files:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError:
            continue  # gone, or not ours to read any more: forgotten
        try:
            found = identify_fd(fd)[0]
        except OSError:
            found = None
        finally:
            os.close(fd)
        if found is not None and found.key == identity.key:
            there.add(identity.key)
    return there


def _written_s(path) -> float | None:
    """Blocking: when the checkpoint file was last written (it is replaced whole); None if there is none."""
    try:
        return os.stat(path).st_mtime
    except FileNotFoundError:
        return None
