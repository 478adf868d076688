"""Running logpipe stages as real processes in tests: started like an operator would
(`python -m pipeline.cli ...` with a config file), stopped with SIGTERM, killed if stuck."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def start_stage(cfg: Path, command: str, *args: str, log_name: str | None = None,
                prefix: list[str] | None = None, log_level: str = "INFO") -> subprocess.Popen:
    """`logpipe COMMAND --config CFG ARGS...` in the config's folder, output appended to LOG_NAME there.
    The config's own Kafka address counts (LOGPIPE_KAFKA from the test environment is dropped)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LOGPIPE_KAFKA", None)
    log = open(cfg.parent / (log_name or f"{command}.log"), "ab")
    return subprocess.Popen([*(prefix or []), sys.executable, "-m", "pipeline.cli", "--log-level", log_level, command,
                             "--config", str(cfg), *args], cwd=cfg.parent, env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def stop_stage(proc: subprocess.Popen, timeout_s: float = 30) -> int:
    """SIGTERM (the stage flushes and checkpoints), SIGKILL if it does not exit in time; the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def status_kib(pid: int, field: str) -> int:
    """A memory figure of a process from /proc/PID/status (VmRSS, VmHWM), in KiB."""
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith(field + ":"):
            return int(row.split()[1])
    raise KeyError(field)
