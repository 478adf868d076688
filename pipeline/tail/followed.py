"""One followed file: its state, and the blocking IO steps the tailer runs in threads.

States: PENDING (no identity yet: first line incomplete), LIVE (its path still
names it), DRAINING (rotated away or deleted: read to EOF, then released),
RELEASED (done; a final chunk was handed out if anything was delivered).
"""

from __future__ import annotations

import enum
import os
import stat as stat_modes
from dataclasses import dataclass, field

from pipeline.tail.container_service import container_of
from pipeline.tail.discovery import TailInput
from pipeline.tail.identity import FINGERPRINT_MAX_BYTES, FileIdentity, fingerprint_of, identify_fd


class FileState(enum.Enum):
    PENDING = "pending"
    LIVE = "live"
    DRAINING = "draining"
    RELEASED = "released"


@dataclass(frozen=True, slots=True)
class FileHandleInfo:
    """Who a chunk came from. `path` is where the file was when the chunk was read."""

    file_id: str
    path: str
    service: str
    identity: FileIdentity
    input: TailInput | None = None  # the configured input that follows it (its parse options)


@dataclass(eq=False, slots=True)
class Followed:
    path: str
    input: TailInput
    device: int
    inode: int
    size_bytes: int  # last size seen (scan or fstat)
    start_at_end_offset: int | None  # found at start with start_at="end": skip what was there
    state: FileState = FileState.PENDING
    identity: FileIdentity | None = None
    fd: int | None = None
    offset: int = 0  # next byte to deliver
    truncated: bool = False  # PENDING again after copytruncate: next generation
    last_data_s: float = 0.0  # monotonic: bytes read or the file seen growing
    info: FileHandleInfo | None = None
    expect_key: str | None = None  # found by inode after a restart: must be this identity
    adopted: bool = False  # a copytruncate copy carrying on the identity of the file it copies
    copy_of: str | None = None  # a copy waiting while the file it copies is still followed (identity key)
    copy_source: str | None = None  # an unpacked compressed rotation: the identity key it carries on
    outside_globs: bool = False  # no glob names it (rotated away, or found as a rotation): read it to its end
    moved_to: str | None = None  # where inotify saw it renamed to (checked before searching its directory)
    retry_at_s: float | None = None  # after an IO error: try again then (monotonic)
    reported_errnos: set[int] = field(default_factory=set)

    @property
    def inode_key(self) -> tuple[int, int]:
        return (self.device, self.inode)

    @property
    def bytes_behind(self) -> int:
        return max(0, self.size_bytes - self.offset)

    def handle_info(self) -> FileHandleInfo:
        assert self.identity is not None
        if self.info is None or self.info.path != self.path:
            service = (self.input.service_from_path and container_of(self.path)) or self.input.service
            self.info = FileHandleInfo(self.identity.file_id, self.path, service, self.identity, self.input)
        return self.info


@dataclass(frozen=True, slots=True)
class Chunk:
    """Bytes of one file identity. `offset` is the file offset of `data[0]`; for one
    identity, `offset + len(data)` equals the next chunk's offset. `final` chunks
    carry no data: the file is drained and released, flush any partial line."""

    file: FileHandleInfo
    data: bytes
    offset: int
    final: bool = False


class TailerStopped(Exception):
    """next_chunk() on a stopped tailer."""


class NotThisFile(Exception):
    """The path names another inode (or nothing) now."""


TRUNCATED = object()


def open_verified(path: str, device: int, inode: int) -> int:
    """Blocking: open `path` read-only, checking it still is (device, inode) and a regular file."""
    try:  # O_NONBLOCK: a FIFO put at the path since the scan must not block the open (no effect on files)
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise NotThisFile(path) from exc
    st = os.fstat(fd)
    if (st.st_dev, st.st_ino) != (device, inode) or not stat_modes.S_ISREG(st.st_mode):  # inode reused by a FIFO
        os.close(fd)
        raise NotThisFile(path)
    return fd


def identify_open(path: str, device: int, inode: int, fd: int | None) -> tuple[int, FileIdentity | None, int]:
    """Blocking: (fd, identity with generation 0 or None, size) of a followed file,
    opening it if `fd` is None."""
    opened = fd is None
    if fd is None:
        fd = open_verified(path, device, inode)
    try:
        identity, st = identify_fd(fd)
    except OSError:
        if opened:
            os.close(fd)
        raise
    return fd, identity, st.st_size


def read_at(fd: int, offset: int, max_bytes: int, fingerprint: str | None = None) -> tuple[bytes, int] | object:
    """Blocking: (data, size) from `offset`, or TRUNCATED when the file is now shorter
    than `offset` (copytruncate), or when it no longer starts with the line of
    `fingerprint`: truncated and written again past `offset` since it was last read (a
    file identified while nothing was read, e.g. during a Kafka outage)."""
    size = os.fstat(fd).st_size
    if size < offset:
        return TRUNCATED
    if size == offset:
        return b"", size
    if fingerprint is not None and fingerprint_of(os.pread(fd, FINGERPRINT_MAX_BYTES, 0)) != fingerprint:
        return TRUNCATED
    data = os.pread(fd, max_bytes, offset)
    return data, max(size, offset + len(data))


# A modification time in whole seconds may be a file system's own rounding (ext3 keeps
# seconds, FAT two): the last write may have been that much later.
WHOLE_SECONDS_SLACK_MS = 2000


def last_writes(files: list[tuple[str, str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    """Blocking: per (file id, path, (device, inode)), the file's size and the latest its last
    write may have been (epoch milliseconds), for each path that still names that inode."""
    found: dict[str, tuple[int, int]] = {}
    for file_id, path, inode_key in files:
        try:
            st = os.stat(path)
        except OSError:  # gone or unreadable: the caller keeps to its own clock
            continue
        if (st.st_dev, st.st_ino) == inode_key:
            slack = WHOLE_SECONDS_SLACK_MS if st.st_mtime_ns % 1_000_000_000 == 0 else 0
            found[file_id] = (st.st_size, st.st_mtime_ns // 1_000_000 + slack)
    return found


def close_quietly(fd: int | None) -> OSError | None:
    """Close; returns the error instead of raising (the caller logs and counts it)."""
    if fd is None:
        return None
    try:
        os.close(fd)
    except OSError as exc:
        return exc
    return None
