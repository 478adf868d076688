"""What to follow: inputs (globs + service + start_at + excludes) and one scan of them.

`scan_inputs` is blocking (glob + stat); the tailer runs it in a worker thread, at
least every `rescan_interval_ms` and on directory events. A path matched by several
inputs belongs to the first one. Only regular files are followed. An exclude glob
with a `/` is matched against the whole path, otherwise against the file name.
"""

from __future__ import annotations

import errno as errno_names
import fnmatch
import glob
import os
import stat as stat_modes
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.tail.rotation_names import live_names_of

START_AT_CHOICES = ("beginning", "end")


@dataclass(frozen=True, slots=True)
class TailInput:
    """One `[[inputs]]` entry. `start_at` applies to files never seen before that are
    present when the tailer starts; files appearing later are read from the start
    (they are new: skipping their head would lose the first lines after a rotation).
    "end" is the size seen by the first scan, which may fall inside a line being
    written; the consumer then sees that line's tail first."""

    paths: tuple[str, ...]
    service: str
    start_at: str = "beginning"
    exclude: tuple[str, ...] = ()
    service_from_path: bool = False  # no service configured: a Kubernetes container's file is its container's

    def __post_init__(self) -> None:
        object.__setattr__(self, "paths", tuple(self.paths))
        object.__setattr__(self, "exclude", tuple(self.exclude))
        if not self.paths:
            raise ValueError("TailInput.paths is empty")
        if self.start_at not in START_AT_CHOICES:
            raise ValueError(f"TailInput.start_at must be one of {START_AT_CHOICES}, not {self.start_at!r}")

    def excludes(self, path: str) -> bool:
        name = os.path.basename(path)
        return any(fnmatch.fnmatchcase(path if "/" in pattern else name, pattern) for pattern in self.exclude)


@dataclass(frozen=True, slots=True)
class PathStat:
    path: str
    input: TailInput
    device: int
    inode: int
    size_bytes: int


@dataclass(slots=True)
class ScanResult:
    found: dict[str, PathStat] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)  # path -> errno (other than vanished)
    watch_dirs: set[str] = field(default_factory=set)
    links: dict[str, str] = field(default_factory=dict)  # target -> path, for matched symbolic links

    def by_inode(self) -> dict[tuple[int, int], PathStat]:
        return {(item.device, item.inode): item for item in self.found.values()}


def static_base_dir(pattern: str) -> str:
    """The deepest directory of `pattern` without glob magic: watched so new matches
    (and new sub-directories) are noticed at once."""
    parts = pattern.split(os.sep)
    plain: list[str] = []
    for part in parts[:-1]:
        if glob.has_magic(part):
            break
        plain.append(part)
    return os.sep.join(plain) or (os.sep if pattern.startswith(os.sep) else ".")


def glob_inputs(inputs: tuple[TailInput, ...]) -> dict[str, TailInput]:
    """Blocking: every path the inputs match now (excludes applied), with its input."""
    matched: dict[str, TailInput] = {}
    for tail_input in inputs:
        for pattern in tail_input.paths:
            for path in glob.glob(pattern, recursive=True):
                path = os.path.abspath(path)
                if path not in matched and not tail_input.excludes(path):
                    matched[path] = tail_input
    return matched


def scan_inputs(inputs: tuple[TailInput, ...]) -> ScanResult:
    """Blocking: glob every input, stat every match."""
    result = ScanResult()
    for tail_input in inputs:
        for pattern in tail_input.paths:
            base = static_base_dir(pattern)
            if os.path.isdir(base):
                result.watch_dirs.add(os.path.abspath(base))
            if not glob.has_magic(pattern) and os.path.isdir(pattern):
                result.errors[os.path.abspath(pattern)] = errno_names.EISDIR  # a folder where a file or glob belongs
    for path, tail_input in glob_inputs(inputs).items():
        _stat_into(result, path, tail_input)
    return result


def _stat_into(result: ScanResult, path: str, tail_input: TailInput) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return  # vanished between glob and stat: the next scan settles it
    except OSError as exc:
        result.errors[path] = exc.errno or errno_names.EIO
        return
    if not stat_modes.S_ISREG(st.st_mode):
        return
    result.found[path] = PathStat(path, tail_input, st.st_dev, st.st_ino, st.st_size)
    result.watch_dirs.add(os.path.dirname(path))
    if os.path.islink(path):  # its target is written, renamed and made again in the target's folder
        target = os.path.realpath(path)
        result.links[target] = path
        result.watch_dirs.add(os.path.dirname(target))


def stat_files(paths: list[str]) -> dict[str, tuple[int, int, int]]:
    """Blocking: (device, inode, size) of each path that is a regular file now."""
    out = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue  # renamed again or deleted: a later event or scan tells
        if stat_modes.S_ISREG(st.st_mode):
            out[path] = (st.st_dev, st.st_ino, st.st_size)
    return out


def find_inode(directory: str, device: int, inode: int) -> str | None:
    """Blocking: a path in `directory` naming (device, inode), e.g. where a file was
    rotated to while we held no descriptor on it; None if there is none."""
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.inode() != inode:
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if st.st_dev == device and stat_modes.S_ISREG(st.st_mode):
                    return entry.path
    except OSError:
        return None
    return None


def matches(path: str, pattern: str) -> bool:
    """`path` is one `glob.glob(pattern, recursive=True)` could return: `**/` may also stand
    for no folder at all (`logs/**/*.log` matches `logs/app.log`)."""
    pattern = os.path.abspath(pattern)
    if not glob.has_magic(pattern):
        return path == pattern
    variants = {pattern, pattern.replace("/**/", "/")}
    return any(fnmatch.fnmatchcase(path, p) for p in variants)


def input_of(path: str, inputs: tuple[TailInput, ...]) -> TailInput | None:
    """The input whose globs match `path` (first wins), ignoring excludes."""
    for tail_input in inputs:
        if any(matches(path, pattern) for pattern in tail_input.paths):
            return tail_input
    return None


def input_of_rotated(path: str, inputs: tuple[TailInput, ...]) -> TailInput | None:
    """The input of `path`, or of the live file it is a rotation of (`app.log.1` -> `app.log`):
    a file read to its end outside the globs still belongs to the input that followed it."""
    found = input_of(path, inputs)
    directory = os.path.dirname(path)
    for live in live_names_of(os.path.basename(path)):
        if found is not None:
            break
        found = input_of(os.path.join(directory, live), inputs)
    return found


def directories_of(path: str) -> list[str]:
    """Blocking: where rotations of `path` are made: its directory, and for a symbolic link
    (Kubernetes' `/var/log/containers/*.log`) also its target's, where the kubelet renames
    the target (`0.log` -> `0.log.20261202-070000`)."""
    here = os.path.dirname(path)
    if not os.path.islink(path):
        return [here]
    there = os.path.dirname(os.path.realpath(path))
    return [here] if there == here else [here, there]


def link_targets(paths: Iterable[str]) -> dict[str, str]:
    """Blocking: the target of each of `paths` that is a symbolic link now."""
    return {path: os.path.realpath(path) for path in paths if os.path.islink(path)}


def find_moved_while_away(wanted: list[tuple[str, int, int]],
                          followed: Iterable[str] = ()) -> dict[tuple[int, int], str]:
    """Blocking: for (last path, device, inode) of checkpointed files not found by the
    globs, where each lives now in its last directory, or its link target's (rotated
    while we were down). A file whose last path is gone (a link removed: the kubelet's
    link of a restarted container's old `0.log`) is also looked for in the folders the
    `followed` links point into now (the new container's link, beside the old `0.log`)."""
    targets = {os.path.dirname(os.path.realpath(p)) for p in followed if os.path.islink(p)}
    by_dir: dict[str, set[tuple[int, int]]] = {}
    for path, device, inode in wanted:
        for directory in directories_of(path) + ([] if os.path.lexists(path) else sorted(targets)):
            by_dir.setdefault(directory, set()).add((device, inode))
    found: dict[tuple[int, int], str] = {}
    for directory, keys in by_dir.items():
        inodes = {inode for _, inode in keys}
        try:
            with os.scandir(directory) as entries:
                candidates = [entry for entry in entries if entry.inode() in inodes]
        except OSError:
            continue  # the directory is gone: so are the files (counted by the caller)
        for entry in candidates:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) in keys and stat_modes.S_ISREG(st.st_mode):
                found[(st.st_dev, st.st_ino)] = entry.path
    return found
