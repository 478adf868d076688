"""The copy of a file truncated while followed (copytruncate), when no glob names it.

logrotate's `copytruncate` copies `app.log` to `app.log.1` and truncates `app.log`. The
lines written after the tailer's last read and before the truncation are in the copy
only; with the globs users write (`*.log`) nothing leads to it, and behind a backlog or
an outage that is everything not yet read. When a followed file is seen truncated, its
directory is looked at for the copy: a file named as a rotation of it
(`pipeline.tail.rotation_names`), on the same device, starting with the same first line,
the newest such file. If it was modified since the original's last bytes were read, is
longer than what was read of it, and is neither followed nor known to the checkpoints, it
is followed outside the globs (an older copy, of an earlier generation, never is), and
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
from pipeline.tail.rotated import RotatedFile, find_rotations
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


async def follow_copies(tailer: TailerState, truncated: list[Truncated],
                        report_error: Callable[[str, int, str], None]) -> None:
    by_path = {t.path: t for t in truncated}
    found, errors = await asyncio.to_thread(find_rotations, {t.path: 0.0 for t in truncated}, set(tailer.files))
    for path, err in errors.items():
        report_error(path, err, "tail_rotation_scan_errors")
    newest: dict[str, RotatedFile] = {}  # per truncated path, its newest rotation starting with its first line
    for item in found:
        t = by_path[item.live_path]
        if item.identity is None or item.identity.fingerprint != t.identity.fingerprint or item.device != t.identity.device:
            continue
        current = newest.get(item.live_path)
        if current is None or item.mtime_s > current.mtime_s:
            newest[item.live_path] = item
    best: dict[str, RotatedFile] = {}
    for live_path, item in newest.items():
        t = by_path[live_path]
        # an older copy never stands in for this truncation's: if the newest owes nothing, nothing is owed
        if (item.size_bytes > t.read_to and item.mtime_s >= t.last_read_wall_s - MTIME_SLACK_S
                and tailer.checkpoints.get(item.identity.key) is None  # type: ignore[union-attr]
                and (item.device, item.inode) not in tailer.files):
            best[live_path] = item
    for live_path, item in best.items():
        t = by_path[live_path]
        log.info("copy of a truncated file found beside it, reading it: path=%s copy_of=%s", item.path, live_path)
        tailer.metrics.inc("tail_copies_found")
        f = Followed(item.path, t.input, item.device, item.inode, item.size_bytes, None,
                     outside_globs=True, last_data_s=tailer.clock())
        tailer.files[f.inode_key] = f
        tailer.mark_ready(f)
