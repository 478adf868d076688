"""The shipper as users run it: `logpipe ship --config FILE` in a process of its own, the
README's configuration with only the input glob (and where Kafka is) set. Its metrics are
read every second so counters survive a kill -9 (summed over its lives)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNTER = re.compile(r"^(logpipe_tail_\w+_total)(\{[^}]*\})? ([0-9.e+]+)$", re.M)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(folder: Path, logs: Path, bootstrap: str, topic: str, paths_glob: str = "*.log") -> Path:
    cfg = folder / "logpipe.toml"
    cfg.write_text(f"""[[inputs]]
paths = ["{logs}/{paths_glob}"]
[metrics]
port = {free_port()}
[kafka]
bootstrap = "{bootstrap}"
topic_events = "{topic}"
[state]
dir = "{folder / 'state'}"
""")
    return cfg


class Shipper:
    def __init__(self, cfg: Path) -> None:
        self.cfg = cfg
        self.port = int(re.search(r"port = (\d+)", cfg.read_text()).group(1))
        self.proc: subprocess.Popen | None = None
        self.down_since: float | None = time.monotonic()
        self.down: list[tuple[float, float]] = []  # intervals without a running shipper
        self.lives: list[dict[str, float]] = []  # the last counters read in each life
        self.starting = False

    def start(self) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop("LOGPIPE_KAFKA", None)
        log = open(self.cfg.parent / "ship.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--log-level", "INFO", "ship",
                                      "--config", str(self.cfg)], cwd=self.cfg.parent, env=env, stdout=log,
                                     stderr=subprocess.STDOUT)
        self.lives.append({})
        self.starting = True  # down until its /metrics answers: it follows its files from then on

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig: int = signal.SIGKILL, timeout_s: float = 30) -> None:
        if self.proc is None:
            return
        signalled = time.monotonic()  # a stopping shipper reads nothing new: down from the signal on
        if self.proc.poll() is None:
            if sig != signal.SIGKILL:
                self.scrape()
            signalled = time.monotonic()
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if not self.starting:
            self.down_since = signalled
        self.starting = False

    def was_down_at(self, t: float) -> bool:
        if self.down_since is not None and t >= self.down_since:
            return True
        return any(a <= t <= b for a, b in self.down)

    def scrape(self) -> None:
        if not self.running():
            return
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=2) as r:
                text = r.read().decode()
        except OSError:
            return
        if self.starting:
            self.starting = False
            self.down.append((self.down_since, time.monotonic()))
            self.down_since = None
        self.lives[-1] = {m.group(1) + (m.group(2) or ""): float(m.group(3)) for m in COUNTER.finditer(text)}

    def counters(self) -> dict[str, float]:
        total: dict[str, float] = {}
        for life in self.lives:
            for k, v in life.items():
                total[k] = total.get(k, 0) + v
        return {k: v for k, v in total.items() if v}

    def log_mentions(self, text: str) -> int:
        return (self.cfg.parent / "ship.log").read_text(errors="replace").count(text)
