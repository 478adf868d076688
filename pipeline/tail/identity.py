"""Who a file is: device, inode, generation and a fingerprint of its first line.

A path is only where a file lives today. Rename-rotation moves the file to another
path and puts another file at the old one; copytruncate keeps the inode but starts
the content again; a deleted file's inode may be reused by a new one. The identity
below tells these apart, and `file_id` (the input of `parsers.event.event_id`)
stays the same for a file's whole life, renames included:

- device + inode: survive a rename within one filesystem;
- fingerprint: a hash of the first line (with its newline), capped at
  `FINGERPRINT_MAX_BYTES`; an inode reused by a new file has another first line;
- generation: bumped when the same inode is truncated and written again
  (copytruncate), so offsets starting again at 0 give new event ids even when the
  first line is identical. `identify()` cannot know it (it is history, not
  content): it returns generation 0 and the tailer takes the generation from the
  checkpoint store.

A file has no identity until its first line is complete or it holds at least
`FINGERPRINT_MAX_BYTES` bytes; nothing of it is read as events before that, so an
event id never changes once given.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass, replace

FINGERPRINT_MAX_BYTES = 1024
FINGERPRINT_DIGEST_BYTES = 16


@dataclass(frozen=True, slots=True)
class FileIdentity:
    device: int
    inode: int
    generation: int
    fingerprint: str  # hex blake2b of the first line, see module docstring

    @property
    def key(self) -> str:
        """The file across generations: what the checkpoint store is keyed by."""
        return f"{self.device:x}-{self.inode:x}-{self.fingerprint}"

    @property
    def file_id(self) -> str:
        """Stable id of this file and generation, for `event_id(host, file_id, offset)`."""
        return f"{self.key}-g{self.generation}"

    def with_generation(self, generation: int) -> FileIdentity:
        return replace(self, generation=generation)

    @classmethod
    def from_file_id(cls, file_id: str) -> FileIdentity:
        """Inverse of `file_id`; raises ValueError on anything else."""
        parts = file_id.split("-")
        if len(parts) != 4 or not parts[3].startswith("g"):
            raise ValueError(f"not a file id: {file_id!r}")
        device, inode, fingerprint, generation = parts
        if len(fingerprint) != 2 * FINGERPRINT_DIGEST_BYTES:
            raise ValueError(f"not a file id (fingerprint length): {file_id!r}")
        return cls(int(device, 16), int(inode, 16), int(generation[1:]), fingerprint)


def fingerprint_of(head: bytes) -> str | None:
    """Fingerprint of a file whose first bytes are `head`; None while the first
    line is incomplete and shorter than `FINGERPRINT_MAX_BYTES`."""
    newline = head.find(b"\n", 0, FINGERPRINT_MAX_BYTES)
    if newline >= 0:
        first_line = head[: newline + 1]
    elif len(head) >= FINGERPRINT_MAX_BYTES:
        first_line = head[:FINGERPRINT_MAX_BYTES]
    else:
        return None
    return hashlib.blake2b(first_line, digest_size=FINGERPRINT_DIGEST_BYTES).hexdigest()


def identify_fd(fd: int) -> tuple[FileIdentity | None, os.stat_result]:
    """Blocking: identity (generation 0) of an open file, or None if it has none yet,
    with the `fstat` it was taken from. Call from a worker thread."""
    stat = os.fstat(fd)
    head = os.pread(fd, FINGERPRINT_MAX_BYTES, 0)
    fingerprint = fingerprint_of(head)
    if fingerprint is None:
        return None, stat
    return FileIdentity(stat.st_dev, stat.st_ino, 0, fingerprint), stat


def _identify_path(path: str | os.PathLike[str]) -> FileIdentity | None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return identify_fd(fd)[0]
    finally:
        os.close(fd)


async def identify(path: str | os.PathLike[str]) -> FileIdentity | None:
    """Identity (generation 0) of the file at `path` now, or None if its first line
    is not complete yet. OSError (missing, permission) propagates to the caller."""
    return await asyncio.to_thread(_identify_path, path)
