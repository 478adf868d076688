"""Rotated generations that no glob names and no checkpoint knows: found on start.

While the shipper is down (or before its discovery saw them), a file can be born at a
followed path, written and renamed to a name the input globs do not match (`app.log`
-> `app.log.1` with `paths = ["*.log"]`). Its identity was never recorded, so neither
the globs nor the checkpoints lead to it. On start (and on resume after an outage) the
tailer looks beside every followed path for files whose names are rotations of it
(`pipeline.tail.rotation_names`) and that were modified after that path was last seen by a
checkpoint; those whose identity the checkpoints do not know are read to their end,
once. Their identity is recorded as soon as they are opened, so a restart does not read
them again.

`find_rotations` is blocking (scandir, stat, open, pread); run it in a worker thread.
"""

from __future__ import annotations

import os
import stat as stat_modes
from dataclasses import dataclass

from pipeline.tail.discovery import directories_of
from pipeline.tail.identity import FileIdentity, identify_fd
from pipeline.tail.rotation_names import is_compressed, is_rotation_of


@dataclass(frozen=True, slots=True)
class RotatedFile:
    path: str
    live_path: str  # the followed path it is a rotation of
    device: int
    inode: int
    size_bytes: int
    mtime_s: float
    identity: FileIdentity | None  # None: compressed, or no complete first line


def newest_copies(found: list[RotatedFile]) -> dict[tuple[str, str], RotatedFile]:
    """Per live path and first line (fingerprint), the rotation modified last: the only one
    that can be the copy of that path's latest generation; older ones that start alike are
    copies of earlier generations."""
    newest: dict[tuple[str, str], RotatedFile] = {}
    for item in found:
        if item.identity is not None:
            key = (item.live_path, item.identity.fingerprint)
            if key not in newest or item.mtime_s > newest[key].mtime_s:
                newest[key] = item
    return newest


def reference_times(entries: list[tuple[str, float]]) -> dict[str, float]:
    """Per path, the last time (wall clock s) a checkpoint saw a file there: (path, last_seen_s)."""
    times: dict[str, float] = {}
    for path, seen_s in entries:
        times[path] = max(seen_s, times.get(path, seen_s))
    return times


def find_rotations(since_by_live_path: dict[str, float],
                   skip: set[tuple[int, int]]) -> tuple[list[RotatedFile], dict[str, int]]:
    """Blocking: beside each live path, regular files named as its rotations (the caller tells
    the new ones, modified after its reference time, from older copies that still owe lines); (device, inode) pairs in `skip` (followed already) are left out. Also
    returns the paths that could not be examined, with their errno (for the caller to report)."""
    by_dir: dict[str, list[tuple[str, str]]] = {}  # directory -> (name rotations are named after, live path)
    for live in since_by_live_path:
        for directory in directories_of(live):
            named = live if directory == os.path.dirname(live) else os.path.realpath(live)
            by_dir.setdefault(directory, []).append((os.path.basename(named), live))
    found: list[RotatedFile] = []
    errors: dict[str, int] = {}
    for directory, lives in by_dir.items():
        try:
            with os.scandir(directory) as entries:
                names = [entry.name for entry in entries]
        except FileNotFoundError:
            continue  # the directory is gone: nothing beside the live files either
        except OSError as exc:
            errors[directory] = exc.errno or 0
            continue
        for name in names:
            live = next((p for base, p in lives if is_rotation_of(name, base)), None)
            if live is None:
                continue
            path = os.path.join(directory, name)
            try:
                item = _rotated_file(path, live, skip)
            except FileNotFoundError:
                continue  # deleted since the listing
            except OSError as exc:
                errors[path] = exc.errno or 0
                continue
            if item is not None:
                found.append(item)
    return found, errors


def _rotated_file(path: str, live: str, skip: set[tuple[int, int]]) -> RotatedFile | None:
    st = os.stat(path, follow_symlinks=False)
    if not stat_modes.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) in skip:
        return None
    # an older one may still be a copy owing lines (copytruncate while nothing was read): the
    # caller decides by what the checkpoints are owed; `since_s` marks what is new
    identity = None
    if not is_compressed(path):
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        try:
            identity, st = identify_fd(fd)
        finally:
            os.close(fd)
    return RotatedFile(path, live, st.st_dev, st.st_ino, st.st_size, st.st_mtime, identity)
