"""What the local Kafka and Elasticsearch share: their service files, their state folder, and
a pid file that is trusted only while it names the process the stack started."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import psutil

from pipeline.stack.pid_owner import forget, owned_process
from pipeline.stack.procs import terminate

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 60.0


class LocalService:
    name: str   # also the folder of its service files
    title: str  # as the messages name it
    pid_file: Path

    def __init__(self, services_dir: Path, home: Path, port: int, heap_mb: int) -> None:
        self.pom = services_dir / self.name / "pom.xml"
        self.templates = services_dir / self.name
        self.home = home
        self.port = port
        self.heap_mb = heap_mb

    def command_marks(self) -> Sequence[str]:
        """Text the service's own command line holds and another process's would not."""
        raise NotImplementedError

    def process(self) -> psutil.Process | None:
        return owned_process(self.pid_file, self.command_marks(), self.title)

    def pid(self) -> int | None:
        proc = self.process()
        return proc.pid if proc else None

    async def stop(self) -> None:
        """Stops the process the pid file names, if it still is the service; a stale pid file is
        reported and removed without signalling anything."""
        proc = self.process()
        if proc is not None and await terminate(proc, timeout_s=STOP_TIMEOUT_S):
            log.warning("%s (pid %d) did not stop within %.0fs and was killed", self.title, proc.pid, STOP_TIMEOUT_S)
        forget(self.pid_file)
