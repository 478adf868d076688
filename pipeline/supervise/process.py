"""One stage process seen from `logpipe run`: started with its hand-off, stopped by
cutting its lifeline, awaited for how it ended.

    stage = StageProcess("index", handoff_fields)
    await stage.start()
    ...
    stage.stop()                    # idempotent; the stage finishes and commits what it did
    outcome = await stage.wait()    # Outcome("index", returncode=0)

A stage process is a fresh interpreter (`python -P -m pipeline.supervise.child STAGE`, its
stage in its command line for `ps`), not a fork of `run`: `run` holds threads (the
metrics server's, the child watcher's) and an event loop, which a fork would copy
half-way. Its stdout and stderr are `run`'s own (alerts, the status line, the logs).
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from pipeline.supervise.handoff import Handoff, Outcome, decode_report
from pipeline.supervise.lifeline import Lifeline

log = logging.getLogger(__name__)


def child_environment() -> dict[str, str]:
    """`run`'s environment, with the folder `run`'s own packages came from first on the
    path (and `-P`: not the working directory), so that a stage process runs `run`'s code."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=root + (os.pathsep + path if path else ""))


class StageProcess:
    def __init__(self, handoff: Handoff) -> None:
        self.name = handoff.stage
        self._handoff = handoff
        self._lifeline: Lifeline | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._reports: asyncio.Task[None] | None = None
        self.metrics_port: int | None = None  # once the stage's endpoint listens
        self.outcome = Outcome(self.name)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    async def start(self) -> None:
        lifeline = self._lifeline = Lifeline()
        report_r, report_w = os.pipe()
        handoff = replace(self._handoff, lifeline_fd=lifeline.child_fd, report_fd=report_w)
        try:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable, "-P", "-m", "pipeline.supervise.child", self.name, stdin=subprocess.PIPE,
                pass_fds=(lifeline.child_fd, report_w), env=child_environment())
        except BaseException:
            os.close(report_r)
            lifeline.close()
            raise
        finally:
            os.close(report_w)  # the child's copy is the only writer: end of file when it exits
            lifeline.passed()
        self._reports = asyncio.create_task(self._read_reports(report_r), name=f"{self.name}-reports")
        assert self._proc.stdin is not None
        self._proc.stdin.write(pickle.dumps(handoff))
        try:
            await self._proc.stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as exc:  # it died at once: wait() tells how
            log.error("stage %s exited before it read its hand-off: %r", self.name, exc)
        self._proc.stdin.close()

    def stop(self) -> None:
        """Idempotent; safe from a signal handler: the stage reads end of file on its lifeline."""
        if self._lifeline is not None:
            self._lifeline.cut()

    async def wait(self) -> Outcome:
        """Until the process exited and its reports are read; how it ended (returncode None:
        it never started)."""
        if self._proc is not None:
            self.outcome.returncode = await self._proc.wait()
        if self._reports is not None:
            await self._reports
        if self._lifeline is not None:
            self._lifeline.close()
        return self.outcome

    async def _read_reports(self, fd: int) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(loop=loop)
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader, loop=loop),
                                                    os.fdopen(fd, "rb", 0))
        try:
            while line := await reader.readline():
                self._take(line)
        finally:
            transport.close()

    def _take(self, line: bytes) -> None:
        try:
            report = decode_report(line)
        except ValueError as exc:
            log.error("stage %s: unreadable report %r: %s", self.name, line[:200], exc)
            return
        if "metrics_port" in report:
            self.metrics_port = int(report["metrics_port"])
        if "fault" in report:
            self.outcome.fault = str(report["fault"])
        if "failed" in report:
            self.outcome.failed = str(report["failed"])
