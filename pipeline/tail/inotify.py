"""A small ctypes binding to Linux inotify, read from the event loop without blocking.

Why not a PyPI package: `inotify_simple` would fit (tiny, pure ctypes) but it is
not in our dependency set, and what we need is three libc calls plus a struct
parser; `watchdog` brings its own threads and observer model, which fights the
pull-based tailer. Only directories are watched: one watch per directory covers
every file in it (IN_MODIFY is reported for the entries of a watched directory),
so thousands of files cost a handful of watches.

`DirWatcher.available()` is False off Linux or when inotify cannot be initialised
(e.g. `max_user_instances` exhausted); the tailer then polls.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import errno as errno_names
import logging
import os
import struct
import sys
from typing import Callable

log = logging.getLogger(__name__)

IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC

DIR_MASK = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
            | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
# events after which the set of paths (or what they name) may have changed
STRUCTURE_MASK = IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB
_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len
READ_BUFFER_BYTES = 64 * 1024

# (directory, name or "", mask, cookie); IN_Q_OVERFLOW arrives as ("", "", IN_Q_OVERFLOW, 0). The cookie
# pairs an IN_MOVED_FROM with its IN_MOVED_TO (a rename); it is 0 for other events.
InotifyEvent = tuple[str, str, int, int]


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    for name in ("inotify_init1", "inotify_add_watch", "inotify_rm_watch"):
        if not hasattr(libc, name):
            return None
    libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    return libc


class DirWatcher:
    """Watches directories; calls `on_events(batch)` on the loop for every read batch."""

    def __init__(self, on_events: Callable[[list[InotifyEvent]], None]) -> None:
        self._on_events = on_events
        self._libc = _libc()
        self._fd = -1
        self._dir_by_wd: dict[int, str] = {}
        self._wd_by_dir: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Initialise inotify; False (and the caller polls) when it is not available."""
        if self._libc is None:
            return False
        fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            err = ctypes.get_errno()
            log.warning("inotify unavailable, polling instead: errno=%s", errno_names.errorcode.get(err, err))
            return False
        self._fd, self._loop = fd, loop
        loop.add_reader(fd, self._readable)
        return True

    def set_dirs(self, dirs: set[str]) -> list[tuple[str, int]]:
        """Watch exactly `dirs`; returns (dir, errno) for those that could not be added."""
        failures: list[tuple[str, int]] = []
        for gone in set(self._wd_by_dir) - dirs:
            wd = self._wd_by_dir.pop(gone)
            self._dir_by_wd.pop(wd, None)
            self._libc.inotify_rm_watch(self._fd, wd)  # fails harmlessly if the dir is gone
        for new in dirs - set(self._wd_by_dir):
            wd = self._libc.inotify_add_watch(self._fd, os.fsencode(new), DIR_MASK)
            if wd < 0:
                failures.append((new, ctypes.get_errno()))
                continue
            self._wd_by_dir[new] = wd
            self._dir_by_wd[wd] = new
        return failures

    def _readable(self) -> None:
        try:
            buf = os.read(self._fd, READ_BUFFER_BYTES)
        except BlockingIOError:
            return
        self._on_events(self._parse(buf))

    def catch_up(self) -> None:
        """Hands over every event queued now, before the loop's reader would: whatever was done
        to the watched directories before this call is known after it."""
        while self._fd >= 0:
            try:
                buf = os.read(self._fd, READ_BUFFER_BYTES)
            except BlockingIOError:
                return
            self._on_events(self._parse(buf))

    def _parse(self, buf: bytes) -> list[InotifyEvent]:
        events: list[InotifyEvent] = []
        pos = 0
        while pos + _HEADER.size <= len(buf):
            wd, mask, cookie, name_len = _HEADER.unpack_from(buf, pos)
            raw_name = buf[pos + _HEADER.size: pos + _HEADER.size + name_len].rstrip(b"\0")
            pos += _HEADER.size + name_len
            if mask & IN_Q_OVERFLOW:
                events.append(("", "", IN_Q_OVERFLOW, 0))
                continue
            directory = self._dir_by_wd.get(wd)
            if mask & (IN_IGNORED | IN_MOVE_SELF) and directory is not None:
                # the directory was removed, unmounted or renamed: forget the watch, so that the
                # scan these events request watches whatever that path names now
                self._dir_by_wd.pop(wd, None)
                self._wd_by_dir.pop(directory, None)
                if mask & IN_MOVE_SELF:
                    self._libc.inotify_rm_watch(self._fd, wd)
            if directory is not None:
                events.append((directory, os.fsdecode(raw_name), mask, cookie))
        return events

    def close(self) -> None:
        if self._fd < 0:
            return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._fd)
        os.close(self._fd)
        self._fd = -1
        self._dir_by_wd.clear()
        self._wd_by_dir.clear()
