"""Compressed rotations that hold lines never read: unpacked and read from the checkpoint.

Spring Boot's default rolling policy (`app.log.2026-12-01.0.gz`), logback patterns ending
in `.gz` and logrotate's `compress` without `delaycompress` compress a generation as it
rotates. Were the shipper down (or its file closed) then, the lines after the checkpoint
of `app.log` are in the `.gz` only. On start and resume, a compressed rotation beside a
followed path whose decompressed first line is that of a checkpointed file that is not
settled and no longer followed is unpacked into the state directory
(`unpacked/<file id>/`): its first line, then everything from the checkpoint's offset
on, at the same offsets (a sparse file). That file is read under the original identity
from its checkpoint (identification's copy rule, with the source named), so the owed
lines arrive once, under the event ids they would have had. A compressed rotation modified
since the followed path was last seen, whose first line no checkpoint knows (a generation
born and compressed while the shipper was down), is unpacked whole and read the same way
under an identity of its own. An unpacked file is removed once its entry is settled (at
the next start or resume).

Blocking parts (`_unpack`, `_first_bytes`, `remove_settled`) run in a worker thread.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import os
import shutil
import zlib
from pathlib import Path

from pipeline.tail.checkpoints import Checkpoint
from pipeline.tail.discovery import input_of_rotated, link_targets
from pipeline.tail.followed import Followed
from pipeline.tail.identity import FINGERPRINT_MAX_BYTES, FileIdentity, fingerprint_of
from pipeline.tail.rotated import RotatedFile
from pipeline.tail.tailer_state import TailerState

log = logging.getLogger(__name__)

UNPACKED_DIR = "unpacked"
SOURCE_NOTE = "live-path"  # beside an unpacked file: the followed path it was a rotation of
COPY_BYTES = 1024 * 1024


def _owed_entries(tailer: TailerState) -> list[Checkpoint]:
    # identities read already: followed, found by inode after a restart, or unpacked before (the
    # inode alone says nothing: the new live file often reuses the old file's inode)
    reading = {key for f in tailer.files.values()
               for key in (f.identity.key if f.identity else None, f.expect_key, f.copy_source) if key}
    return [entry for entry in tailer.checkpoints.entries()
            if not entry.settled and entry.identity.key not in reading]


async def resume_unpacked(tailer: TailerState) -> None:
    """On start: the unpacked files still owed (a stop in the middle of one) are followed
    again; those whose identity owes nothing any more are removed."""
    root = Path(tailer.checkpoints.path).parent / UNPACKED_DIR
    unsettled = {entry.identity.file_id for entry in tailer.checkpoints.entries() if not entry.settled}
    on_disk = await asyncio.to_thread(unpacked_on_disk, root, unsettled)
    for entry in _owed_entries(tailer):
        if entry.identity.file_id in on_disk:
            dest, live_path = on_disk[entry.identity.file_id]
            await _follow(tailer, dest, live_path, entry)


async def unpack_owed(tailer: TailerState, items: list[RotatedFile],
                      since: dict[str, float] | None = None) -> list[RotatedFile]:
    """Unpacks the compressed rotations that owe lines to a checkpoint and follows them;
    returns the items that owe nothing known (left to the caller to report). With `since`
    (live path -> when a checkpoint last saw it), a compressed rotation modified after that
    whose first line no checkpoint knows is a generation born, rotated and compressed while
    we were away (log4j2's `%i.log.gz`, logrotate's `compress`): it is read whole under an
    identity of its own (its inode and first line), as an uncompressed one would be."""
    root = Path(tailer.checkpoints.path).parent / UNPACKED_DIR
    owed = _owed_entries(tailer)
    left: list[RotatedFile] = []
    targets = await asyncio.to_thread(link_targets, {entry.path for entry in owed})
    owed_dirs = {os.path.dirname(p) for entry in owed for p in (entry.path, targets.get(entry.path, entry.path))}
    since = since or {}
    for item in items:
        new = item.mtime_s > since.get(item.live_path, float("inf"))
        if os.path.dirname(item.path) not in owed_dirs and not new:
            left.append(item)  # nothing owed there: an archive is not opened
            continue
        try:
            head = await asyncio.to_thread(_first_bytes, item.path)
        except (OSError, EOFError, zlib.error) as exc:
            log.warning("compressed rotation cannot be read, left unread: path=%s (%s)", item.path, exc)
            left.append(item)
            continue
        fingerprint = fingerprint_of(head)
        entry = None
        if fingerprint is not None:
            own = FileIdentity(item.device, item.inode, 0, fingerprint)
            entry = tailer.checkpoints.get(own.key)  # read before as a generation of its own
            if entry is None:  # the file it is a rotation of (same device, first line and rotation name)
                entry = tailer.checkpoints.find_copy_source(own, item.path, targets=targets)
            if entry is None and new:
                if _first_line_known(tailer, own):
                    continue  # a generation read (or being read) before it was compressed
                tailer.checkpoints.register(own, item.path, 0)
                entry = tailer.checkpoints.get(own.key)
                owed.append(entry)
                log.info("reading a compressed rotation written while we were away: %s (rotation of %s)",
                         item.path, item.live_path)
            elif entry is not None and entry.identity.inode == item.inode and entry not in owed:
                continue  # its own generation, read or being read
        if entry is None or entry not in owed:
            left.append(item)
            continue
        dest = root / entry.identity.file_id / os.path.basename(entry.path)
        try:
            size = await asyncio.to_thread(_unpack, item.path, dest, head, entry.offset, item.live_path)
        except (OSError, EOFError, zlib.error) as exc:
            tailer.metrics.inc("tail_rotations_unread", reason="unpack_failed")
            log.error("compressed rotation owed lines but could not be unpacked: path=%s into=%s (%s)",
                      item.path, dest, exc)
            continue
        owed.remove(entry)
        if size <= entry.offset:
            await asyncio.to_thread(shutil.rmtree, dest.parent, True)
            continue  # read to its end before it was compressed
        log.info("reading lines owed by a compressed rotation: path=%s copy_of=%s from=%d unpacked=%s",
                 item.path, entry.path, entry.offset, dest)
        tailer.metrics.inc("tail_compressed_unpacked")
        await _follow(tailer, str(dest), item.live_path, entry)
    return left


def _first_line_known(tailer: TailerState, identity: FileIdentity) -> bool:
    """A checkpointed file on the device started with this line: the compressed file holds a
    generation read before (or being read), not a new one."""
    return any(entry.identity.fingerprint == identity.fingerprint and entry.identity.device == identity.device
               for entry in tailer.checkpoints.entries())


async def _follow(tailer: TailerState, dest: str, live_path: str, entry: Checkpoint) -> None:
    tail_input = input_of_rotated(live_path, tailer.inputs)
    if tail_input is None:
        log.warning("unpacked rotation of a path no input follows any more, left unread: %s", dest)
        return
    st = await asyncio.to_thread(os.stat, dest)
    f = Followed(dest, tail_input, st.st_dev, st.st_ino, st.st_size, None, outside_globs=True,
                 copy_source=entry.identity.key, last_data_s=tailer.clock())
    tailer.files[f.inode_key] = f
    tailer.mark_ready(f)


def _first_bytes(path: str) -> bytes:
    with gzip.open(path, "rb") as gz:
        return gz.read(FINGERPRINT_MAX_BYTES)


def _unpack(path: str, dest: Path, head: bytes, offset: int, live_path: str) -> int:
    """Writes the first line of `head` at 0 and the decompressed bytes from `offset` on at
    their offsets (what lies between is a hole); returns the decompressed size."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    (dest.parent / SOURCE_NOTE).write_text(live_path, encoding="utf-8", errors="surrogateescape")
    newline = head.find(b"\n")
    first = head[: newline + 1] if newline >= 0 else head
    size = 0
    with gzip.open(path, "rb") as gz, open(dest, "wb") as out:
        out.write(first)
        while block := gz.read(COPY_BYTES):
            end = size + len(block)
            if end > offset:
                start = max(offset, size)
                out.seek(start)
                out.write(block[start - size:])
            size = end
        out.truncate(size)
        out.flush()
        os.fsync(out.fileno())
    return size


def unpacked_on_disk(root: Path, unsettled_file_ids: set[str]) -> dict[str, tuple[str, str]]:
    """Blocking: per unsettled file id, its unpacked file and the live path it was a rotation
    of; the unpacked files of identities that owe nothing any more are removed."""
    found: dict[str, tuple[str, str]] = {}
    try:
        dirs = list(root.iterdir())
    except FileNotFoundError:
        return found
    for d in dirs:
        files = [p for p in d.iterdir() if p.name != SOURCE_NOTE] if d.is_dir() else []
        note = d / SOURCE_NOTE
        if d.name in unsettled_file_ids and len(files) == 1 and note.is_file():
            found[d.name] = (str(files[0]), note.read_text(encoding="utf-8", errors="surrogateescape"))
        else:
            shutil.rmtree(d, ignore_errors=True)
    return found
