"""Renames seen by inotify. A rename's IN_MOVED_FROM/IN_MOVED_TO pair (same cookie) tells
where a followed file went, even out of the globs or while it is closed, and finds a
file born and renamed out of the globs between two scans (a fast writer's generation),
which is then read to its end; likewise the target of a followed symbolic link no scan
has found yet (a restarted container's new `1.log`, rotated beside itself before the scan
that finds its new link). `find_rotated` looks for a file rotated away while closed.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable

from pipeline.tail.discovery import TailInput, directories_of, find_inode, input_of, stat_files
from pipeline.tail.followed import Followed
from pipeline.tail.inotify import IN_MOVED_FROM
from pipeline.tail.tailer_state import TailerState

log = logging.getLogger(__name__)


class Renames:
    def __init__(self, tailer: TailerState) -> None:
        self._tailer = tailer
        self._moved_from: dict[int, str] = {}  # inotify cookie -> the path a rename started from
        # renamed from a followed name out of the globs before any scan found it (born and rotated
        # between two scans): where it is now -> the file, which moves on with its later renames
        self._moved_out: dict[str, MovedOut] = {}
        # renamed between two names no input matches: perhaps the target of a link the next scan
        # finds (new path -> the name it was renamed from first)
        self._unmatched: dict[str, str] = {}

    @property
    def moved_out(self) -> bool:
        """Files renamed out of the globs wait to be adopted after the next scan."""
        return bool(self._moved_out)

    def note(self, path: str, mask: int, cookie: int) -> bool:
        """Pairs a rename's two events; a followed file renamed (even out of the globs, or while
        closed beyond the descriptor budget) is looked for at its new name first. True when a
        scan should look at the new name (renamed out of the globs before any scan found it)."""
        if mask & IN_MOVED_FROM:
            if len(self._moved_from) > 1024:
                self._moved_from.clear()  # a rename's other half outside our directories never comes
            self._moved_from[cookie] = path
            return False
        old = self._moved_from.pop(cookie, None)
        if old is None:
            return False
        tailer = self._tailer
        moved = [f for f in tailer.files.values() if is_at(f, old, tailer.by_path)]
        for f in tailer.files.values():
            if f.moved_to == path and f not in moved:
                f.moved_to = None  # the rename replaced it there: deleted, or elsewhere (its inode tells)
        for f in moved:
            f.moved_to = path
            if tailer.by_path.get(old) is f:
                del tailer.by_path[old]  # not at `old` any more: a file made there next is another one
            tailer.metrics.inc("tail_renames_seen")
        claimed = bool(moved)
        if old in self._moved_out:  # renamed again before the scan that adopts it (a worker's cascade)
            self._moved_out[path] = self._moved_out.pop(old)
            return True
        inputs = tailer.inputs
        if not claimed and input_of(path, inputs) is None:
            tail_input = input_of(old, inputs)
            if tail_input is not None and not tail_input.excludes(old):
                self._moved_out[path] = MovedOut(tail_input)  # looked at after the next scan
                return True
            if tail_input is None:  # a link's target? `links_found` tells after the scan this rename requests
                if len(self._unmatched) > 1024:
                    self._unmatched.clear()
                self._unmatched[path] = self._unmatched.pop(old, old)
        return False

    def links_found(self, links: dict[str, str]) -> None:
        """After a scan (`links`: target -> followed link): a file renamed from the target of a
        link this scan followed, before any scan had found that link, was born and rotated
        behind it unseen; it is adopted like a file renamed out of the globs."""
        renamed, self._unmatched = self._unmatched, {}
        for path, old in renamed.items():
            link = links.get(old)
            if link is None or path in self._moved_out:
                continue
            tail_input = input_of(link, self._tailer.inputs)
            if tail_input is not None and not tail_input.excludes(link):
                self._moved_out[path] = MovedOut(tail_input)

    async def adopt_moved_out(self, catch_up: Callable[[], None]) -> None:
        """Files renamed out of the globs before a scan found them are read to their end;
        their identity (first line) makes sure a generation read before is not read twice.
        `catch_up` reads the events queued while the names were stat'ed: a file renamed again
        meanwhile (the next worker's rotation) was not the file stat'ed under its old name; it is
        looked for under its new name after the scan that rename requests."""
        wanted = dict(self._moved_out)
        found = await asyncio.to_thread(stat_files, list(wanted))
        catch_up()
        tailer, now = self._tailer, self._tailer.clock()
        for path, entry in wanted.items():
            if self._moved_out.get(path) is not entry:
                continue  # renamed again while its name was stat'ed: what was found there is another file
            del self._moved_out[path]
            if path not in found:
                continue  # deleted
            device, inode, size = found[path]
            if (device, inode) in tailer.files:
                continue  # found after all, or followed under another name
            log.info("file born and renamed out of the globs before a scan found it, reading it: path=%s", path)
            f = Followed(path, entry.input, device, inode, size, None, last_data_s=now, outside_globs=True)
            tailer.files[f.inode_key] = f
            tailer.mark_ready(f)
            tailer.metrics.inc("tail_files_renamed_unseen")


class MovedOut:
    """A file renamed out of the globs before any scan found it; the same object follows its
    next renames, so that a stat of a name it has left is told apart."""

    __slots__ = ("input",)

    def __init__(self, tail_input: TailInput) -> None:
        self.input = tail_input


def is_at(f: Followed, path: str, by_path: dict[str, Followed]) -> bool:
    """`f` is the file at `path` as far as renames tell: renamed there, or followed there and not
    renamed since. A drained file keeps the path it was followed under after it was renamed away;
    that path names another file by then (each worker of a gunicorn rotating `app.log` on its own
    renames a new `app.log` every time): a rename from it is not this file's."""
    return f.moved_to == path or (f.path == path and by_path.get(path) is f)


def find_rotated(f: Followed) -> str | None:
    """Blocking: where a file rotated away while closed lives now: where inotify saw it
    renamed to, else its path, else a search of its directory by inode, and for a followed
    symbolic link of its target's (the kubelet renames `0.log` beside itself, where no event
    told it when the rename came before the folder was watched: a shipper starting)."""
    if f.moved_to is not None:
        try:
            st = os.stat(f.moved_to)
            if (st.st_dev, st.st_ino) == f.inode_key:
                return f.moved_to
        except OSError:
            pass  # renamed again or deleted: look for the inode below
    try:
        st = os.stat(f.path)
        if (st.st_dev, st.st_ino) == f.inode_key:
            return f.path
    except OSError:
        pass  # gone or unreadable path: look for the inode under another name
    for directory in directories_of(f.path):
        found = find_inode(directory, f.device, f.inode)
        if found is not None:
            return found
    return None
