"""Writers as applications are deployed, not as their logging is designed: a shell redirect
truncated by every redeploy, several worker processes each rotating one file on its own,
dated names never renamed. Each keeps its own record of which content every record went
to and when that content went (`Fates`): one file is written in turns, or truncated in
place, which the content-based generations cannot follow."""

from __future__ import annotations

import logging
import logging.handlers
import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from bench.userfaults.fates import Fates
from bench.userfaults.records import Record, level_of
from bench.userfaults.scheme import Scheme, formatted
from bench.userfaults.schemes_python import FORMAT, own_logger, renaming_rotator


class _OwnFates(Scheme):
    def __init__(self, folder: Path, rng) -> None:
        super().__init__(folder, rng)
        self.fates = Fates(self.folders)

    def folders(self) -> list[Path]:
        return [self.folder]

    def tracker(self) -> Fates:
        return self.fates

    def wrote_to(self, record: Record, path: Path | str, out: IO) -> None:
        """`record` went through descriptor `out` (to the file at `path` when it was opened)."""
        st = os.fstat(out.fileno())
        self.wrote(record, Path(path))
        self.fates.wrote(record.number, st.st_ino)
        if st.st_nlink == 0:  # only a reader holding the file open can read it now
            record.expected = False
            record.tags.add("written to a deleted file")

    def write_counted(self, record: Record) -> bool:
        """Write `record` to `self.out` (the file at `self.live`); True when it was the last
        of the period (`self.left`): the period's file is closed and counted a rotation."""
        self.out.write(formatted(record))
        self.out.flush()
        self.wrote_to(record, self.live, self.out)
        self.left -= 1
        if self.left:
            return False
        self.rotations += 1
        self.out.close()
        return True

    def close(self) -> None:
        self.out.close()

    def create(self, path: Path, mode: str = "a") -> IO:
        """Open `path` as the application does; a file it creates (or truncates) is new content."""
        existed = path.exists()
        out = open(path, mode, encoding="utf-8")
        if not existed or "w" in mode:
            self.fates.created(os.fstat(out.fileno()).st_ino)
        return out


class ShellRedirectRedeploy(_OwnFates):
    """`nohup java -jar app.jar > app.log 2>&1 &` on every deploy: the application stops, the
    shell of the next deploy opens app.log with O_TRUNC and the new one writes from offset 0
    (no rotation at all); 150-400 records a deploy, 0.2-1 s between the old application's
    last line and the new one's start."""

    name = "redeploy_redirect"

    def __init__(self, folder: Path, rng) -> None:
        super().__init__(folder, rng)
        self.live = folder / "app.log"
        self._deploy()

    def _deploy(self) -> None:
        self.out = self.create(self.live, "w")
        self.left = self.rng.randint(150, 400)

    def write(self, record: Record) -> None:
        if self.write_counted(record):
            self.rotation_step("stopped the application")
            time.sleep(self.rng.uniform(0.2, 1.0))
            self._deploy()
            self.rotation_step("truncated app.log (the next deploy's redirect)")


class _WorkerHandler(logging.handlers.RotatingFileHandler):
    """A worker process's own RotatingFileHandler: it rotates when its own descriptor passes
    maxBytes, whichever file that descriptor is on by then."""

    def __init__(self, scheme: "WorkersRotating", *args, **kwargs) -> None:
        self.scheme = scheme
        super().__init__(*args, **kwargs)

    def _open(self):
        existed = os.path.exists(self.baseFilename)
        stream = super()._open()
        if not existed:
            self.scheme.fates.created(os.fstat(stream.fileno()).st_ino)
        return stream


class WorkersRotating(_OwnFates):
    """gunicorn / uwsgi workers, each configured with `RotatingFileHandler("app.log",
    maxBytes, backupCount=3)`: each rotates on its own (app.log.2 -> .3, .1 -> .2, app.log ->
    .1, a new app.log), the others write on to the renamed file until they pass maxBytes
    themselves and rename again (whatever app.log is then). Each record is one worker's."""

    name = "workers_rotating"

    def __init__(self, folder: Path, rng, workers: int = 4, backups: int = 3) -> None:
        super().__init__(folder, rng)
        self.handlers: list[_WorkerHandler] = []
        self.loggers: list[logging.Logger] = []
        for k in range(workers):
            handler = _WorkerHandler(self, folder / "app.log", maxBytes=self.rotate_bytes, backupCount=backups,
                                     encoding="utf-8")
            handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
            handler.rotator = renaming_rotator(self)  # type: ignore[attr-defined]
            self.handlers.append(handler)
            self.loggers.append(own_logger(f"userfaults.{self.name}.{id(self)}.{k}", handler))

    def write(self, record: Record) -> None:
        k = self.rng.randrange(len(self.handlers))
        self.loggers[k].log(logging.getLevelName(level_of(record)), record.message, extra={"exec": record.number % 7})
        self.wrote_to(record, f"worker-{k}", self.handlers[k].stream)

    def close(self) -> None:
        for logger, handler in zip(self.loggers, self.handlers):
            logger.removeHandler(handler)
            handler.close()


class DatedNames(_OwnFates):
    """A new name per period, the old file never renamed (Tomcat JULI's
    `catalina.2026-12-02.log`; logback's TimeBasedRollingPolicy without `<file>`,
    `app.%d.log`, is the same on disk): 100-250 records a period (a day here), files older
    than `maxDays`/`maxHistory` (3) deleted at the roll."""

    name = "dated_names"

    def __init__(self, folder: Path, rng, keep: int = 3) -> None:
        super().__init__(folder, rng)
        self.keep = keep
        self.day = date(2026, 12, 2)
        self._open()

    def _path(self, day: date) -> Path:
        return self.folder / f"catalina.{day.isoformat()}.log"

    def _open(self) -> None:
        self.live = self._path(self.day)
        self.out = self.create(self.live)
        self.left = self.rng.randint(100, 250)

    def write(self, record: Record) -> None:
        if self.write_counted(record):
            self.day += timedelta(days=1)
            self._open()
            self.rotation_step(f"opened {self.live.name}")
            old = self._path(self.day - timedelta(days=self.keep))
            if old.exists():
                old.unlink()
                self.rotation_step(f"deleted {old.name}")
