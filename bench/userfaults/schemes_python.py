"""Python's own rotating handlers, as an application configures them: the standard library
renames, deletes and reopens; the scheme only watches (its `rotator`) and records."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from bench.userfaults.records import Record, level_of
from bench.userfaults.scheme import Scheme

FORMAT = "%(asctime)s.%(msecs)03d [pay-exec-%(exec)s] %(levelname)-5s c.f.pay.SettleService - %(message)s"


def renaming_rotator(scheme: Scheme):
    """A logging handler's `rotator` that renames as the default one does, counted as the
    scheme's rotation step."""
    def rotate(source: str, dest: str) -> None:
        if os.path.exists(source):
            os.rename(source, dest)
            scheme.rotations += 1
            scheme.rotation_step(f"renamed {os.path.basename(source)} -> {os.path.basename(dest)}")
    return rotate


def own_logger(name: str, handler: logging.Handler) -> logging.Logger:
    """A logger of its own that writes through `handler` only, at INFO and above."""
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger


class _LoggingScheme(Scheme):
    def _attach(self, handler: logging.Handler) -> None:
        handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
        handler.rotator = renaming_rotator(self)  # type: ignore[attr-defined]
        self.handler = handler
        self.live = self.folder / "app.log"
        self.logger = own_logger(f"userfaults.{self.name}.{id(self)}", handler)
        self.new_generation(self.live)

    def write(self, record: Record) -> None:
        self.logger.log(logging.getLevelName(level_of(record)), record.message,
                        extra={"exec": record.number % 7})
        if self.gen_in(self.live) == -1:  # the handler reopened a new live file
            self.new_generation(self.live)
            self.sweep()
        self.wrote(record, self.live)

    def close(self) -> None:
        self.logger.removeHandler(self.handler)
        self.handler.close()


class PythonRotating(_LoggingScheme):
    """RotatingFileHandler: app.log -> app.log.1 -> app.log.2, the oldest deleted."""

    name = "py_rotating"

    def __init__(self, folder: Path, rng, backups: int = 2) -> None:
        super().__init__(folder, rng)
        self._attach(logging.handlers.RotatingFileHandler(folder / "app.log", maxBytes=self.rotate_bytes,
                                                          backupCount=backups, encoding="utf-8"))


class PythonTimed(_LoggingScheme):
    """TimedRotatingFileHandler every second: app.log.2026-12-02_04-20-01, three kept."""

    name = "py_timed"

    def __init__(self, folder: Path, rng, backups: int = 3) -> None:
        super().__init__(folder, rng)
        self._attach(logging.handlers.TimedRotatingFileHandler(folder / "app.log", when="S", interval=1,
                                                               backupCount=backups, encoding="utf-8"))
