"""Processes seen from /proc, for the tests of `logpipe run`'s stage processes."""

from __future__ import annotations

import os
import time
from pathlib import Path


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the command may hold spaces and parentheses


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its parent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stage_processes(run_pid: int) -> dict[str, int]:
    """The stage processes of a `logpipe run`: stage name -> pid."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and parent_of(int(entry)) == run_pid:
            words = command_of(int(entry)).split()
            if "pipeline.supervise.child" in words:
                found[words[-1]] = int(entry)
    return found


def wait_for_stages(run_pid: int, names: set[str], timeout_s: float = 60) -> dict[str, int]:
    deadline = time.monotonic() + timeout_s
    while True:
        found = stage_processes(run_pid)
        if set(found) >= names or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def wait_gone(pids: list[int], timeout_s: float) -> list[int]:
    """The pids still alive after `timeout_s` (empty: all gone)."""
    deadline = time.monotonic() + timeout_s
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if alive(p)]
