"""Whether the pid in a service's pid file still names the process the stack started.

A pid file outlives its process (a crash, a reboot, a `kill -9`) and the kernel hands the
pid to another process sooner or later: `logpipe stack down` must never signal that one.
The process a pid file names is the service's when it is the very process recorded:
`<pid file>.started` holds the pid, its create time and the boot time that create time was
counted from (so a step of the wall clock since does not hide it), written when the stack starts the
service (Kafka) or first recognises it (Elasticsearch writes its own pid file); just
forked, such a process may not show its command line yet. A pid file without that record
(written by an earlier version, or Elasticsearch's before it is recognised) needs a
process whose command line carries the service's marks (Kafka: `kafka.Kafka` and its
properties file; Elasticsearch: its main class and its `es.path.home`), created no later
than the file was written.

Anything else makes the pid file stale: it is reported (a warning naming the process that
holds the pid now), removed with its record, and nothing is signalled.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import psutil

from pipeline.stack.procs import gone

log = logging.getLogger(__name__)

# psutil's create time is the boot time (whole seconds, wall clock) plus clock ticks since boot:
# a second or so of give. A step of the wall clock (NTP, a virtual machine resumed) moves the
# boot time and every create time by as much: the record keeps the boot time it was made
# with, so a process recorded before a step is still recognised. Without it (a record of an
# earlier version) the check errs on the safe side (a stale report, nothing signalled).
CLOCK_SLACK_S = 2.0
SAME_START_S = 1.0
BOOT_TIME_ROUNDING_S = 1.0  # the kernel gives the boot time in whole seconds


def started_file(pid_file: Path) -> Path:
    return pid_file.with_name(pid_file.name + ".started")


def read_pid(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else None


def record_start(pid_file: Path, proc: psutil.Process) -> None:
    """Writes the pid file's record: this pid, started at this time."""
    started_file(pid_file).write_text(json.dumps({"pid": proc.pid, "create_time": proc.create_time(),
                                                  "boot_time": psutil.boot_time()}))


def _recorded_start(pid_file: Path, pid: int) -> float | None:
    try:
        record = json.loads(started_file(pid_file).read_text())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        log.warning("unreadable record %s (%s): the pid file is checked without it", started_file(pid_file), exc)
        return None
    if not (isinstance(record, dict) and isinstance(record.get("create_time"), (int, float))):
        log.warning("record %s holds no create time: the pid file is checked without it", started_file(pid_file))
        return None
    if record.get("pid") != pid:
        return None
    boot = record.get("boot_time")
    step = psutil.boot_time() - boot if isinstance(boot, (int, float)) else 0.0  # the wall clock's steps since
    return float(record["create_time"]) + step


def _describe(proc: psutil.Process) -> str:
    try:
        return f"{proc.name()} ({' '.join(proc.cmdline())[:160]})"
    except psutil.Error:
        return "another process"


def _mismatch(pid_file: Path, pid: int, marks: Sequence[str]) -> tuple[str | None, psutil.Process | None]:
    """(why the pid is not the service's, None) or (None, its process)."""
    try:
        proc = psutil.Process(pid)
        if gone(proc):
            return "a process that has exited", None
        created = proc.create_time()
        command = " ".join(proc.cmdline())
    except psutil.NoSuchProcess:
        return "no running process", None
    except psutil.AccessDenied:
        return "a process this user may not inspect", None
    recorded = _recorded_start(pid_file, pid)
    if recorded is not None and abs(recorded - created) <= SAME_START_S + BOOT_TIME_ROUNDING_S:
        return None, proc  # the very process recorded (just forked, it may not show its command line yet)
    if not all(mark in command for mark in marks):
        return f"{_describe(proc)}, which is not it", None
    if recorded is not None:
        return f"a process started at {created:.2f}, not the one recorded at {recorded:.2f}", None
    if recorded is None and created > pid_file.stat().st_mtime + CLOCK_SLACK_S:
        return f"{_describe(proc)}, started after the pid file was written", None
    if recorded is None:
        record_start(pid_file, proc)
    return None, proc


def forget(pid_file: Path) -> None:
    pid_file.unlink(missing_ok=True)
    started_file(pid_file).unlink(missing_ok=True)


def owned_process(pid_file: Path, marks: Sequence[str], service: str) -> psutil.Process | None:
    """The running process of `service` the pid file names, or None. A stale pid file is
    reported and removed; the process that holds its pid now is left alone."""
    pid = read_pid(pid_file)
    if pid is None:
        return None
    why, proc = _mismatch(pid_file, pid, marks)
    if proc is not None:
        return proc
    # the service in the template: the log's repeat filter must not take one service's report for the other's
    log.warning(f"{service}: stale pid file %s names pid %d, now %s; removed, nothing signalled", pid_file, pid, why)
    forget(pid_file)
    return None
