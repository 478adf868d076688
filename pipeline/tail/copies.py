"""The copy of a file truncated while followed (copytruncate), when no glob names it.

logrotate's `copytruncate` copies `app.log` to `app.log.1` and truncates `app.log`. The
lines written after the tailer's last read and before the truncation are in the copy
only; with the globs users write (`*.log`) nothing leads to it, and behind a backlog or
an outage that is everything not yet read. When a followed file is seen truncated, its
directory is looked at for the copy: a file named as a rotation of it
(`pipeline.tail.rotation_names`), on the same device, starting with the same first line,
the newest such file. If it was modified since the original's last bytes were read, is
longer than what was read of it, and is neither followed nor known to the checkpoints, it
is followed outside the globs (an older copy, of an earlier generation, never is; nor is a
copy looked for after the file was truncated again and its new content identified under the
same first line: the checkpoints hold the later generation then), and
identification (`_copy_found`) makes it carry on the original's identity from its
checkpoint, so those lines arrive once, under the ids they would have had.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Callable

from pipeline.tail.discovery import TailInput
from pipeline.tail.followed import Followed
from pipeline.tail.identity import FileIdentity
from pipeline.tail.rotated import find_rotations, newest_copies
from pipeline.tail.tailer_state import TailerState

log = logging.getLogger(__name__)

MTIME_SLACK_S = 1.0  # file times are coarser than our clock on some filesystems


@dataclass(frozen=True, slots=True)
class Truncated:
    path: str
    identity: FileIdentity
    input: TailInput
    read_to: int  # bytes of the original read before the truncation
    last_read_wall_s: float  # wall clock of its last bytes read (or growth seen)
    unread: int = 0  # bytes it was seen to hold past `read_to` before the truncation


async def follow_copies(tailer: TailerState, truncated: list[Truncated],
                        report_error: Callable[[str, int, str], None]) -> None:
    found, errors = await asyncio.to_thread(find_rotations, {t.path: 0.0 for t in truncated}, set(tailer.files))
    for path, err in errors.items():
        report_error(path, err, "tail_rotation_scan_errors")
    newest = newest_copies(found)
    for t in truncated:
        known = tailer.checkpoints.get(t.identity.key)
        if known is not None and known.identity.generation != t.identity.generation:
            # truncated again since, the new content under the same first line: the key is a later
            # generation's now, and so is the newest copy; that truncation looks for its own
            log.info("truncated again before its copy was looked for: path=%s generation=%d, now %d",
                     t.path, t.identity.generation, known.identity.generation)
            continue
        item = newest.get((t.path, t.identity.fingerprint))
        # an older copy never stands in for this truncation's: if the newest owes nothing, nothing is owed
        if (item is None or item.device != t.identity.device or item.size_bytes <= t.read_to
                or item.mtime_s < t.last_read_wall_s - MTIME_SLACK_S
                or tailer.checkpoints.get(item.identity.key) is not None  # type: ignore[union-attr]
                or (item.device, item.inode) in tailer.files):
            if item is None and t.unread > 0:
                lost_to_truncation(tailer, t)
            continue
        log.info("copy of a truncated file found beside it, reading it: path=%s copy_of=%s", item.path, t.path)
        tailer.metrics.inc("tail_copies_found")
        f = Followed(item.path, t.input, item.device, item.inode, item.size_bytes, None,
                     outside_globs=True, last_data_s=tailer.clock())
        tailer.files[f.inode_key] = f
        tailer.mark_ready(f)


def lost_to_truncation(tailer: TailerState, t: Truncated) -> None:
    """Truncated in place (a redeploy's `> app.log`, a copytruncate whose copy is gone) before what
    it held was read, with no copy beside it: those bytes are in no file any more."""
    tailer.metrics.inc("tail_files_lost", reason="truncated_unread")
    log.error("file truncated before it was read to its end, no copy of it found: path=%s read_to=%d "
              "unread_bytes=%d", t.path, t.read_to, t.unread)
