"""What changed while the tailer was away (stopped, or not reading during an outage).

- Checkpointed files rotated out of the globs: found by inode in their last directory and
  drained from their checkpoint (`follow_moved_while_away`).
- Rotated generations no glob names and no checkpoint knows: read to their end, once
  (`follow_unknown_rotations`, the rule in `pipeline.tail.rotated`).

Both run when the tailer starts, after its first scan.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from pipeline.tail.checkpoint_file import Checkpoint
from pipeline.tail.compressed import unpack_owed
from pipeline.tail.discovery import find_moved_while_away, input_of_rotated
from pipeline.tail.followed import Followed
from pipeline.tail.identity import identify
from pipeline.tail.rotated import RotatedFile, find_rotations, newest_copies, reference_times
from pipeline.tail.rotation_names import is_compressed
from pipeline.tail.tailer_state import TailerState

log = logging.getLogger(__name__)


async def follow_moved_while_away(tailer: TailerState) -> None:
    """Checkpointed files rotated (renamed out of the globs) while we were down still
    owe the bytes after their checkpoint: find them by inode in their directory and
    drain them (the first scan after start sees them outside the globs). A file found at
    such an inode is claimed only if its first line is the checkpoint's: rotation that
    deletes old generations (Python's handlers, logrotate, logback's caps) hands their
    inodes to newer ones, and a newer generation claimed for an older checkpoint would be
    released at identification, unread (it is read by `follow_unknown_rotations` instead)."""
    wanted: dict[tuple[int, int], list[Checkpoint]] = {}
    for entry in tailer.checkpoints.entries():
        inode_key = (entry.identity.device, entry.identity.inode)
        if not entry.settled and inode_key not in tailer.files:
            wanted.setdefault(inode_key, []).append(entry)
    if not wanted:
        return
    found = await asyncio.to_thread(
        find_moved_while_away, [(e.path, e.identity.device, e.identity.inode) for es in wanted.values() for e in es],
        list(tailer.by_path))
    for inode_key, path in found.items():
        try:
            identity = await identify(path)
        except OSError:
            continue  # gone since the listing (its lines are lost and counted when its checkpoint is settled)
        entry = next((e for e in wanted[inode_key] if identity is not None and e.identity.key == identity.key), None)
        if entry is None:
            log.info("inode of a checkpointed file reused by another file, not its continuation: %s", path)
            continue
        tail_input = input_of_rotated(entry.path, tailer.inputs)
        if tail_input is None:
            continue  # its input is no longer configured
        log.info("following a file rotated while we were away: %s (was %s)", path, entry.path)
        tailer.metrics.inc("tail_files_moved_while_away")
        f = Followed(path, tail_input, inode_key[0], inode_key[1], 0, None, expect_key=entry.identity.key,
                     last_data_s=tailer.clock())
        tailer.files[inode_key] = f
        tailer.mark_ready(f)


def _owing_copy(tailer: TailerState, item: RotatedFile) -> bool:
    """A rotation older than the path's last checkpoint that still owes lines: a copytruncate
    copy of a file whose reading stopped before its end (an outage: scans went on seeing
    the path while nothing was read). Only the newest copy starting with a given line is
    asked (an earlier one is a copy of an earlier generation)."""
    if item.identity is None or is_compressed(item.path):
        return False
    source = tailer.checkpoints.find_copy_source(item.identity, item.path, item.size_bytes)
    return source is not None and source.offset < item.size_bytes  # released (seen truncated): the copy holds the rest


async def follow_unknown_rotations(tailer: TailerState, report_error: Callable[[str, int, str], None]) -> None:
    """Rotations of followed paths (`app.log.1` beside `app.log`) modified since a checkpoint
    last saw that path, whose identity no checkpoint knows: generations born and rotated out
    of the globs while we were away (`pipeline.tail.rotated`). Each is read to its end, once.
    Beside a path no checkpoint saw, rotations modified after the checkpoint file was last
    written are new too, unless this is a first start (old archives are not shipped)."""
    seen = reference_times([(entry.path, entry.last_seen_s) for entry in tailer.checkpoints.entries()]
                           + tailer.checkpoints.paths_followed())
    since = {path: seen[path] for path in tailer.by_path if path in seen}
    stopped_s = tailer.checkpoints.last_written_s
    if stopped_s is not None:  # a restart: a path no checkpoint saw before it (noted by this start's first
        for path in tailer.by_path:  # scan) was made while we were away (a new container's folder), and
            since[path] = min(since.get(path, stopped_s), stopped_s)  # what was rotated beside it since is new
    if not since:
        return
    found, errors = await asyncio.to_thread(find_rotations, since, set(tailer.files))
    for path, err in errors.items():
        report_error(path, err, "tail_rotation_scan_errors")
    compressed = [item for item in found if item.identity is None and is_compressed(item.path)]
    if compressed:  # read for what they owe a checkpoint, however old; the rest is reported if new
        unread = await unpack_owed(tailer, compressed, since)
        found = [item for item in found if item not in compressed
                 or (item in unread and item.mtime_s > since[item.live_path])]
    newest = newest_copies(found)
    found = [item for item in found if item.mtime_s > since[item.live_path]
             or (item.identity is not None and newest[(item.live_path, item.identity.fingerprint)] is item
                 and _owing_copy(tailer, item))]
    for item in found:
        if item.identity is None and item.size_bytes == 0:
            continue  # an empty rotation (a copy of an empty file): nothing to read
        if item.identity is None:
            reason = "compressed" if item.path.endswith(".gz") else "no_complete_line"
            tailer.metrics.inc("tail_rotations_unread", reason=reason)
            log.warning("rotated file written while we were away left unread (%s): %s", reason, item.path)
            continue
        if tailer.checkpoints.get(item.identity.key) is not None or (item.device, item.inode) in tailer.files:
            continue  # known: its checkpoint says what is owed
        live = tailer.by_path[item.live_path]
        log.info("reading a rotated generation written while we were away: %s (rotation of %s)",
                 item.path, item.live_path)
        tailer.metrics.inc("tail_rotations_found")
        f = Followed(item.path, live.input, item.device, item.inode, item.size_bytes, None,
                     outside_globs=True, last_data_s=tailer.clock())
        tailer.files[f.inode_key] = f
        tailer.mark_ready(f)
