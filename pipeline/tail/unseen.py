"""Files born, written and deleted between two scans: inotify saw them, no scan ever did.

Their lines cannot be shipped (nothing holds the file any more), but they must not vanish
silently: a name an input's globs match that was created, written to (IN_MODIFY; `touch`
reports IN_CLOSE_WRITE only) and deleted before any scan followed it is logged at ERROR and
counted as `tail_files_lost{reason="deleted_unseen"}`. A file renamed in that window is not lost
(`pipeline.tail.renames` reads it); a file created and deleted empty held nothing."""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Iterable

from pipeline.metrics.registry import Metrics
from pipeline.tail.discovery import TailInput
from pipeline.tail.inotify import IN_CREATE, IN_DELETE, IN_MODIFY, IN_MOVED_FROM

log = logging.getLogger(__name__)

MAX_TRACKED = 10_000  # names created and not yet seen by a scan; beyond, the oldest are forgotten


def matched(path: str, inputs: Iterable[TailInput]) -> bool:
    """An input's glob names `path` and no exclude of it does (the scans' own rule)."""
    for tail_input in inputs:
        if any(fnmatch.fnmatchcase(path, pattern) for pattern in tail_input.paths):
            return not tail_input.excludes(path)
    return False


class BornUnseen:
    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._born: dict[str, bool] = {}  # path -> written to since it was created

    def note(self, path: str, mask: int, followed: bool, inputs: Iterable[TailInput]) -> None:
        """One inotify event of `path`; `followed`: a scan follows that path now."""
        if mask & IN_CREATE:
            if not followed and matched(path, inputs):
                self._born[path] = False
                if len(self._born) > MAX_TRACKED:
                    del self._born[next(iter(self._born))]
            return
        if path not in self._born:
            return
        if mask & IN_MODIFY:
            self._born[path] = True
        elif mask & IN_MOVED_FROM:
            del self._born[path]
        elif mask & IN_DELETE:
            written = self._born.pop(path)
            if written and not followed:
                self._metrics.inc("tail_files_lost", reason="deleted_unseen")
                log.error("file created, written and deleted before it could be read, its lines are lost: path=%s",
                          path)

    def seen(self, paths: Iterable[str]) -> None:
        """A scan follows these paths: their fate is the tailer's from now on."""
        for path in paths:
            self._born.pop(path, None)
