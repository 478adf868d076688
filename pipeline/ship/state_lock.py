"""One shipper per state folder: an exclusive `flock` on `ship.lock` in it, held for the
shipper's life.

Two shippers on one folder (a `logpipe ship` started by hand beside the service, with the
same config) would each read every file and overwrite each other's checkpoints: every
event sent twice, and offsets a restart trusts moved by a process that did not send them.
The second one therefore refuses to start, naming the folder and the PID holding it. The
lock is the kernel's, on an open file description: it goes with its holder's last
descriptor, whatever ends the process (kill -9, a crash, the OOM killer), so no stale lock
outlives it; the PID written in the file only names the holder. `flock` needs a local file
system (the state folder must be on one anyway: docs/operations.md).
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from pipeline.tail.checkpoint_file import CheckpointError

log = logging.getLogger(__name__)

LOCK_NAME = "ship.lock"


class StateInUseError(CheckpointError):
    """Another live process holds the state folder's lock; `holder` is what its lock file says."""

    def __init__(self, message: str, path: Path, holder: str) -> None:
        super().__init__(message, path)
        self.holder = holder


class StateLock:
    """`acquire()` (blocking: run it in a worker thread) or raise; `release()` is idempotent."""

    def __init__(self, state_dir: str | os.PathLike[str]) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        try:
            fd = self._open()
        except OSError as exc:
            raise CheckpointError(f"cannot use the state folder {self.state_dir} for checkpoints: {exc.strerror} "
                                  f"({self.path})", self.path, exc.errno) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise StateInUseError(
                f"the state folder {self.state_dir} is in use by another shipper ({holder}, holding {self.path}): "
                "two shippers on one state would send every line twice and overwrite each other's checkpoints; "
                "stop that one first, or give this one a [state] dir of its own", self.path, holder) from None
        except OSError as exc:
            os.close(fd)
            raise CheckpointError(f"cannot lock the state folder {self.state_dir}: {exc.strerror} ({self.path})",
                                  self.path, exc.errno) from exc
        try:  # through a descriptor of its own: the one holding the lock stays read-only
            out = os.open(self.path, os.O_WRONLY | os.O_TRUNC | os.O_CLOEXEC)
            try:
                os.write(out, f"pid {os.getpid()}\n".encode())
            finally:
                os.close(out)  # a flock belongs to the other descriptor: closing this one keeps it
        except OSError as exc:  # the lock holds all the same; only its holder goes unnamed
            log.warning("state lock %s: cannot write this pid into it: %s", self.path, exc.strerror)
        self._fd = fd

    def _open(self) -> int:
        # read-only: a file open for writing would keep the state's file system from being
        # remounted read-only (the shipper carries on then, counting failed checkpoint writes)
        flags = os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC
        try:
            return os.open(self.path, flags, 0o644)
        except FileNotFoundError:  # a first start: the folder is made here (not when it is a file)
            self.state_dir.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, flags, 0o644)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # the only descriptor of the lock: closing it drops the lock; the file stays


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 64, 0).decode(errors="replace").strip()
    except OSError:
        text = ""
    return text or "a process that has not written its pid yet"
