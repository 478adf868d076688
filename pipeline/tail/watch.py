"""Noticing changes for the tailer: glob rescans, inotify events, polling.

With inotify: IN_MODIFY of a followed path marks it ready without any scan;
directory events (create, move, delete, attrib) request a full scan (glob + stat,
in a worker thread) at once; every `rescan_interval_ms` a glob alone checks for new
or vanished paths where events cannot tell (new sub-directories of a wildcard pattern,
a pattern's directory not watched yet), and a full scan runs every
`FULL_SCAN_INTERVAL_S` in case an event was lost. Without
inotify: a full scan every `poll_min_interval_ms`, doubling up to
`poll_max_interval_ms` while nothing changes. `_apply` reconciles a scan with the followed files: renamed files
keep following under their new path, files whose path is gone start draining, new
paths become PENDING files, identified at once (`Tailer.identify_found`), whether or
not the consumer pulls. Renames (inotify's IN_MOVED_FROM/IN_MOVED_TO pairs) are
`pipeline.tail.renames`'s.

The background task is supervised: if it dies, `raise_if_failed()` makes the
consumer's `next_chunk()` fail loudly instead of waiting forever.
"""

from __future__ import annotations

import asyncio
import errno as errno_names
import glob
import logging
import os

from pipeline.tail.away import follow_moved_while_away, follow_unknown_rotations
from pipeline.tail.compressed import resume_unpacked
from pipeline.tail.copies import Truncated, follow_copies
from pipeline.tail.discovery import ScanResult, glob_inputs, scan_inputs, static_base_dir
from pipeline.tail.followed import FileState, Followed
from pipeline.tail.inotify import (IN_CLOSE_WRITE, IN_MODIFY, IN_MOVED_FROM, IN_MOVED_TO, IN_Q_OVERFLOW, STRUCTURE_MASK,
                                   DirWatcher, InotifyEvent)
from pipeline.tail.renames import Renames, find_rotated
from pipeline.tail.tailer_state import TailerState
from pipeline.tail.unmatched import report_unmatched
from pipeline.tail.unseen import BornUnseen

log = logging.getLogger(__name__)

RESCAN_DEBOUNCE_S = 0.01  # coalesce a burst of directory events into one scan
FULL_SCAN_INTERVAL_S = 10.0  # with inotify: glob + stat everything this often, as a safety net


class Watch:
    def __init__(self, tailer: TailerState, *, rescan_interval_ms: int, use_inotify: bool,
                 poll_min_interval_ms: int, poll_max_interval_ms: int) -> None:
        self._tailer = tailer
        self._rescan_interval_s = rescan_interval_ms / 1000
        self._poll_min_s = poll_min_interval_ms / 1000
        self._poll_max_s = poll_max_interval_ms / 1000
        self._use_inotify = use_inotify
        self._inotify: DirWatcher | None = None
        self._rescan = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._failure: BaseException | None = None
        self._reported: set[tuple[str, int]] = set()
        self._full_scan_interval_s = FULL_SCAN_INTERVAL_S
        self._next_full_scan_s = 0.0
        self._renames = Renames(tailer)
        self._born_unseen = BornUnseen(tailer.metrics)  # created and deleted between two scans
        self._truncated: list[Truncated] = []  # followed files seen truncated: their copies are looked for
        # a glob between full scans finds what no directory event reports: matches in new
        # sub-directories of a wildcard pattern, or under a directory not (yet) watched
        self._glob_between_scans = True
        self._links: dict[str, str] = {}  # target -> followed symbolic link, from the last full scan
        self._renamed_away: set[str] | None = None  # while a scan runs: the names renamed from meanwhile

    @property
    def using_inotify(self) -> bool:
        return self._inotify is not None

    async def start(self) -> None:
        if self._use_inotify:
            watcher = DirWatcher(self._on_events)
            if watcher.start(asyncio.get_running_loop()):
                self._inotify = watcher
        self._apply(await asyncio.to_thread(scan_inputs, self._tailer.inputs), initial=True)
        await follow_moved_while_away(self._tailer)
        await resume_unpacked(self._tailer)
        await follow_unknown_rotations(self._tailer, self._report_error)
        await self._tailer.identify_found()
        self._task = asyncio.create_task(self._run(), name="logpipe-tail-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            except Exception:  # already logged and kept in self._failure by _run
                log.debug("tail watch task had failed before stop")
            self._task = None
        if self._inotify is not None:
            self._inotify.close()
            self._inotify = None

    def raise_if_failed(self) -> None:
        if self._failure is not None:
            raise RuntimeError("file discovery failed; the tailer cannot go on") from self._failure

    def request_rescan(self) -> None:
        self._rescan.set()

    def look_for_copy(self, truncated: Truncated) -> None:
        """A followed file was truncated: its copytruncate copy is looked for beside it after the
        next scan (`pipeline.tail.copies`), whether or not a glob names it."""
        self._truncated.append(truncated)
        self._rescan.set()

    def find_rotated(self, f: Followed) -> str | None:
        """Blocking: where a file rotated away while closed lives now (`renames.find_rotated`)."""
        return find_rotated(f)

    async def _run(self) -> None:
        interval_s = self._rescan_interval_s if self._inotify else self._poll_min_s
        try:
            while True:
                try:  # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancel
                    async with asyncio.timeout(interval_s):
                        await self._rescan.wait()
                    await asyncio.sleep(RESCAN_DEBOUNCE_S)
                except TimeoutError:
                    pass
                self._tailer.released_owing.close_settled(self._tailer.checkpoints)
                if await self._nothing_new():
                    await self._tailer.identify_found()
                    continue
                self._rescan.clear()
                scan, renamed_away = await self._scan()
                changed = self._apply(scan, renamed_away=renamed_away)
                self._renames.links_found(self._links)
                if self._renames.moved_out:
                    await self._renames.adopt_moved_out(self._catch_up_events)
                if self._truncated:
                    truncated, self._truncated = self._truncated, []
                    await follow_copies(self._tailer, truncated, self._report_error)
                await self._tailer.identify_found()
                self._next_full_scan_s = self._tailer.clock() + self._full_scan_interval_s
                if self._inotify is None:
                    interval_s = self._poll_min_s if changed else min(interval_s * 2, self._poll_max_s)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("tail watch task failed")
            self._failure = exc
            self._tailer.wakeup.set()
            raise

    async def _scan(self) -> tuple[ScanResult, set[str]]:
        """A full scan, and the names renamed from while it ran: a rename event read meanwhile
        may be newer than what the scan saw there (each worker of a gunicorn renames `app.log`
        milliseconds after the last one). Events read after the scan are applied after it."""
        self._renamed_away = set()
        try:
            scan = await asyncio.to_thread(scan_inputs, self._tailer.inputs)
            return scan, self._renamed_away
        finally:
            self._renamed_away = None

    async def _nothing_new(self) -> bool:
        """With inotify and no event pending, a glob (no stat) tells whether a full scan
        is due: new or vanished paths. Sizes are checked by a full scan every
        `FULL_SCAN_INTERVAL_S` in case an event was missed."""
        if self._inotify is None or self._rescan.is_set() or self._tailer.clock() >= self._next_full_scan_s:
            return False
        if not self._glob_between_scans:
            return True  # every pattern's directory is watched: its events request the scans
        matched = await asyncio.to_thread(glob_inputs, self._tailer.inputs)
        return matched.keys() == self._tailer.by_path.keys()

    def _catch_up_events(self) -> None:
        if self._inotify is not None:
            self._inotify.catch_up()

    def _on_events(self, batch: list[InotifyEvent]) -> None:
        tailer = self._tailer
        for directory, name, mask, cookie in batch:
            path = os.path.join(directory, name)
            path = self._links.get(path, path)  # a followed link's target: the event is the link's
            if name:
                self._born_unseen.note(path, mask, path in tailer.by_path, tailer.inputs)
            if mask & IN_MOVED_FROM and self._renamed_away is not None:
                self._renamed_away.add(path)
            if mask & (IN_MOVED_FROM | IN_MOVED_TO) and cookie:
                if self._renames.note(path, mask, cookie):
                    self._rescan.set()
            if mask & IN_Q_OVERFLOW:
                tailer.metrics.inc("tail_inotify_overflows")
                self._rescan.set()
                for f in list(tailer.files.values()):
                    tailer.mark_ready(f)
                continue
            if mask & (IN_MODIFY | IN_CLOSE_WRITE):
                f = tailer.by_path.get(path)
                if f is not None:
                    tailer.mark_ready(f)
                    if f.state is FileState.PENDING:
                        self._rescan.set()  # its first line may be complete now: identify it
                else:
                    tailer.wakeup.set()  # may be a draining file under a new name
            if mask & STRUCTURE_MASK:
                self._rescan.set()

    def _apply(self, scan: ScanResult, initial: bool = False, renamed_away: set[str] | None = None) -> bool:
        """Reconcile a scan with the followed files; True if anything changed. What the scan saw
        at a name `renamed_away` from while it ran may have left: the renames tell where it went,
        the scan they requested what is there now."""
        tailer, now = self._tailer, self._tailer.clock()
        by_inode = scan.by_inode()
        renamed_away = renamed_away or set()
        changed = False
        for f in list(tailer.files.values()):
            found = by_inode.get(f.inode_key)
            if found is None:
                changed |= self._path_gone(f)
                continue
            if found.path in renamed_away:
                continue  # it may have left: the renames tell where it went, the scan they request the rest
            if found.path != f.path:
                log.info("file renamed, still followed: %s -> %s", f.path, found.path)
                if tailer.by_path.get(f.path) is f:
                    del tailer.by_path[f.path]
                f.path = found.path
            tailer.by_path[f.path] = f
            f.outside_globs = False  # a glob names it (again)
            if f.state is FileState.DRAINING:
                f.state = FileState.LIVE
            if found.size_bytes < f.size_bytes and f.identity is not None:
                tailer.mark_ready(f)  # shrunk: truncated; the read tells, and counts what it had not read
            elif found.size_bytes != f.size_bytes:
                if found.size_bytes > f.size_bytes:
                    f.last_data_s = now
                f.size_bytes, changed = found.size_bytes, True
                if f.state is FileState.PENDING:
                    tailer.mark_ready(f)
            if f.identity is not None:
                tailer.checkpoints.touch(f.identity.key, f.path)
            elif not f.outside_globs:  # no complete first line yet: a rotation of it is new from now on
                tailer.checkpoints.touch_path(f.path)
            if f.state is FileState.LIVE and f.size_bytes != f.offset:
                tailer.mark_ready(f)
            if f.retry_at_s is not None and now >= f.retry_at_s:
                f.retry_at_s = None
                tailer.mark_ready(f)
        for path, found in scan.found.items():
            if (found.device, found.inode) in tailer.files or path in renamed_away:
                continue
            skip_to = found.size_bytes if initial and found.input.start_at == "end" else None
            f = Followed(path, found.input, found.device, found.inode, found.size_bytes, skip_to, last_data_s=now)
            tailer.files[f.inode_key] = f
            tailer.by_path[path] = f
            tailer.mark_ready(f)
            tailer.metrics.inc("tail_files_discovered")
            if not any(e.path == path for e in tailer.checkpoints.entries()):
                tailer.checkpoints.note_path(path)  # seen from now on, even if stopped before a full line
            changed = True
        self._born_unseen.seen(path for path in scan.found if path not in renamed_away)
        self._links = scan.links
        self._report_errors(scan)
        report_unmatched(tailer.inputs, scan, tailer.metrics, initial=initial)
        self._update_watches(scan)
        tailer.metrics.set("tail_files_followed", len(tailer.files))
        return changed

    def _path_gone(self, f: Followed) -> bool:
        tailer = self._tailer
        if tailer.by_path.get(f.path) is f:
            del tailer.by_path[f.path]
        if f.state is FileState.PENDING and f.copy_of is not None:
            tailer.release(f)  # a copytruncate copy waiting on its original: it repeats what is read there
            return True
        if f.state is FileState.PENDING and not f.outside_globs and f.expect_key is None:
            # not identified yet (no complete first line, or not reached): renamed out of the globs,
            # it is still read to its end; deleted, it is released when it cannot be found
            log.info("file left the globs before it was identified, still following it: path=%s", f.path)
            f.outside_globs = True
            tailer.mark_ready(f)
            return True
        if f.state is FileState.LIVE:
            log.info("file rotated away or deleted, draining it: path=%s offset=%d", f.path, f.offset)
            tailer.metrics.inc("tail_files_rotated")
            f.state = FileState.DRAINING
            tailer.mark_ready(f)
            return True
        return False

    def _report_errors(self, scan: ScanResult) -> None:
        for path, err in scan.errors.items():
            self._report_error(path, err, "tail_stat_errors")

    def _report_error(self, path: str, err: int, metric: str) -> None:
        code = errno_names.errorcode.get(err, str(err))
        self._tailer.metrics.inc(metric, errno=code)
        if (path, err) not in self._reported:
            self._reported.add((path, err))
            if err == errno_names.EISDIR:
                log.error("%s is a directory, not followed: an input's paths are files or globs, e.g. %s",
                          path, os.path.join(path, "*.log"))
            else:
                log.error("cannot stat %s: errno=%s", path, code)

    def _update_watches(self, scan: ScanResult) -> None:
        if self._inotify is None:
            return
        failed = False
        for directory, err in self._inotify.set_dirs(scan.watch_dirs):
            failed = True
            code = errno_names.errorcode.get(err, str(err))
            self._tailer.metrics.inc("tail_watch_errors", errno=code)
            if (directory, err) not in self._reported:
                self._reported.add((directory, err))
                log.warning("cannot watch %s (errno=%s); it is rescanned every second instead", directory, code)
        patterns = [pattern for tail_input in self._tailer.inputs for pattern in tail_input.paths]
        self._glob_between_scans = failed or any(
            os.path.abspath(static_base_dir(p)) not in scan.watch_dirs or glob.has_magic(os.path.dirname(p))
            for p in patterns)
