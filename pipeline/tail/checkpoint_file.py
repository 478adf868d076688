"""The checkpoint file: its entries (`Checkpoint`), read back and written atomically.

Format (JSON, `"version": 1`): written to a temp file in the same directory, fsynced,
renamed over the old one, then the directory is fsynced; callers run the write in a
worker thread. A corrupt or unreadable file is an error for the caller to decide on: an
empty start would re-ship everything.

Upgrades and downgrades: every file a shipper ever wrote is format 1 (the keys added since
its first release, `drained_at`, `copy_inode`, `paths_followed`, are optional and read as
absent), and `tests/unit/data/checkpoints/` keeps files written by earlier versions that
must stay readable. A file of a newer format, or with a key this version does not know, is
`CheckpointFormatError`: it was written by a newer logpipe, and reading it in part (a
downgrade) could re-send or skip lines. A change of the format adds its key *and* raises
`CHECKPOINT_FORMAT_VERSION`, keeping the reading of every earlier version.
"""

from __future__ import annotations

import errno as errno_names
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import orjson

from pipeline.metrics.registry import Metrics
from pipeline.tail.identity import FileIdentity

log = logging.getLogger(__name__)

CHECKPOINT_FORMAT_VERSION = 1
FILE_KEYS = frozenset({"version", "written_at_s", "files", "paths_followed"})
ENTRY_KEYS = frozenset({"device", "inode", "fingerprint", "generation", "offset", "path", "last_seen_s", "released",
                        "drained_at", "copy_inode"})


class CheckpointError(Exception):
    """The checkpoint file cannot be used; `path` and `errno` (None if not an OS error)."""

    def __init__(self, message: str, path: Path, errno: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = errno


class CheckpointCorruptError(CheckpointError):
    """The file exists but is not a checkpoint file this version can read."""


class CheckpointFormatError(CheckpointCorruptError):
    """The file is of a newer format, or holds keys this version does not know."""


class CheckpointReadError(CheckpointError):
    """The file exists but cannot be read (permission, IO error)."""


class CheckpointWriteError(CheckpointError):
    """flush() failed (disk full, read-only); the previous file is untouched."""


@dataclass(slots=True)
class Checkpoint:
    identity: FileIdentity  # carries the current generation
    offset: int
    path: str
    last_seen_s: float  # wall clock
    released: bool = False  # its bytes are gone (truncated): the same key again is a new life
    drained_at: int | None = None  # read to its end here after rotation/deletion
    copy_inode: int | None = None  # a copytruncate copy that carries on this identity (adopted)

    @property
    def settled(self) -> bool:
        """Nothing more is owed: released, or drained and acknowledged up to where it was drained.
        A drained file whose last bytes were not yet acknowledged (a crash in between) is still
        owed them: a restart finds it by inode and reads them again."""
        return self.released or (self.drained_at is not None and self.offset >= self.drained_at)

    def state(self) -> tuple[object, ...]:
        """What a flush must persist when it changes (the time seen aside)."""
        return (self.identity, self.offset, self.path, self.released, self.drained_at, self.copy_inode)

    def to_json(self) -> dict[str, object]:
        ident = self.identity
        return {"device": ident.device, "inode": ident.inode, "fingerprint": ident.fingerprint,
                "generation": ident.generation, "offset": self.offset, "path": self.path,
                "last_seen_s": self.last_seen_s, "released": self.released, "drained_at": self.drained_at,
                "copy_inode": self.copy_inode}

    @classmethod
    def from_json(cls, item: dict[str, object]) -> Checkpoint:
        ident = FileIdentity(int(item["device"]), int(item["inode"]), int(item["generation"]),
                             str(item["fingerprint"]))
        offset = int(item["offset"])
        if offset < 0 or ident.generation < 0:
            raise ValueError("negative offset or generation")
        released = item.get("released", False)
        if not isinstance(released, bool):
            raise ValueError("released is not a boolean")
        drained_at = item.get("drained_at")
        if drained_at is not None and (not isinstance(drained_at, int) or drained_at < 0):
            raise ValueError("drained_at is not a non-negative integer")
        copy_inode = item.get("copy_inode")
        if copy_inode is not None and not isinstance(copy_inode, int):
            raise ValueError("copy_inode is not an integer")
        return cls(ident, offset, str(item["path"]), float(item["last_seen_s"]), released, drained_at, copy_inode)


def read_checkpoints(path: Path) -> dict[str, Checkpoint]:
    """Blocking: the entries of the file at `path` by `FileIdentity.key`; none if it is missing."""
    return read_checkpoint_file(path)[0]


def read_checkpoint_file(path: Path) -> tuple[dict[str, Checkpoint], dict[str, float]]:
    """Blocking: the entries by key, and the followed paths no entry names yet (a file without
    a complete first line) with when they were last seen; both empty if the file is missing."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, {}
    except OSError as exc:
        raise CheckpointReadError(f"cannot read checkpoints {path}: {exc.strerror}",
                                  path, exc.errno) from exc
    try:
        doc = json.loads(raw)
        _check_format(doc, path)
        entries = [Checkpoint.from_json(item) for item in doc["files"]]
        paths = {str(p): float(t) for p, t in doc.get("paths_followed", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointCorruptError(f"corrupt checkpoint file {path}: {exc}", path) from exc
    return {entry.identity.key: entry for entry in entries}, paths


def _check_format(doc: object, path: Path) -> None:
    """Raises ValueError (not a checkpoint file) or CheckpointFormatError (a newer one)."""
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"unsupported version {version!r}")
    unknown = set(doc) - FILE_KEYS
    for item in doc.get("files", []) if isinstance(doc.get("files"), list) else []:
        unknown |= set(item) - ENTRY_KEYS if isinstance(item, dict) else set()
    if version > CHECKPOINT_FORMAT_VERSION or unknown:
        what = (f"checkpoint format {version}" if version > CHECKPOINT_FORMAT_VERSION
                else f"keys this version does not know: {', '.join(sorted(unknown))}")
        raise CheckpointFormatError(
            f"checkpoint file {path} was written by a newer logpipe ({what}; this version reads checkpoint format "
            f"{CHECKPOINT_FORMAT_VERSION}): run that version or a later one; reading it in part could send lines "
            "twice or skip them", path)


def encode_checkpoints(entries: Iterable[Checkpoint], written_at_s: float,
                       paths_followed: dict[str, float] | None = None) -> bytes:
    doc = {"version": CHECKPOINT_FORMAT_VERSION, "written_at_s": written_at_s,
           "files": [entry.to_json() for entry in entries]}
    if paths_followed:
        doc["paths_followed"] = paths_followed
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)


def write_checkpoints(path: Path, payload: bytes, metrics: Metrics) -> None:
    """Blocking: replaces the file at `path` with `payload`, or raises CheckpointWriteError
    and leaves it untouched."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        metrics.inc("checkpoint_flush_errors", errno=errno_names.errorcode.get(exc.errno, exc.errno))
        log.error("checkpoint flush failed: path=%s errno=%s %s", path, exc.errno, exc.strerror)
        _remove_temp(tmp, metrics)
        raise CheckpointWriteError(f"cannot write checkpoints {path}: {exc.strerror}",
                                   path, exc.errno) from exc


def _remove_temp(tmp: Path, metrics: Metrics) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot remove checkpoint temp file %s: errno=%s", tmp, exc.errno)
        metrics.inc("checkpoint_temp_cleanup_errors")
