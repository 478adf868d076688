"""The pipeline's stages as subprocesses (`python -m pipeline.cli ship|index|alert`), as
they run in production: one config per shipper host, one shared by the indexers and the
alerters; each process can be killed with SIGKILL and started again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INDEX_PREFIX = "chaos-events"


def _stage_config(host: str, state_dir: str, bootstrap: str, es_url: str, *, host_keys: str = "",
                  inputs: str = "") -> str:
    """One stage's config: its host and state folder (a shipper's also its host keys and
    inputs), then the parse, Kafka, Elasticsearch and alert settings every stage shares."""
    return f"""
[host]
name = "{host}"
{host_keys}
{inputs}
[state]
dir = "{state_dir}"
[parse]
in_app = ["com.fpay"]
[kafka]
bootstrap = "{bootstrap}"
[elasticsearch]
hosts = ["{es_url}"]
index_prefix = "{INDEX_PREFIX}"
[alerts]
outputs = ["kafka"]
keywords = []
"""


def write_configs(run_dir: Path, hosts: tuple[str, ...], bootstrap: str, es_url: str,
                  narrow_hosts: tuple[str, ...] = ()) -> dict[str, Path]:
    """`ship-<host>.toml` per host (its own files and state) and `consume.toml` for index and alert.
    The input globs match rotated files too (`app-*.log*`), as the docs advise for copytruncate,
    except on `narrow_hosts` (`app-*.log`: live files only, their rotations go unmatched)."""
    out: dict[str, Path] = {}
    for h in hosts:
        glob = "app-*.log" if h in narrow_hosts else "app-*.log*"
        out[f"ship-{h}"] = run_dir / f"ship-{h}.toml"
        out[f"ship-{h}"].write_text(_stage_config(
            f"chaos-{h}", f"state/ship-{h}", bootstrap, es_url, host_keys='service = "payments"\ntimezone = "UTC"',
            inputs=f'[[inputs]]\npaths = ["logs/{h}/{glob}"]\nformat = "logback"\nmultiline = "java"'))
    out["consume"] = run_dir / "consume.toml"
    out["consume"].write_text(_stage_config("chaos-consumer", "state/consume", bootstrap, es_url))
    return out


@dataclass
class Stage:
    """One stage process, restartable; its output is appended to `<name>.log` in the run dir."""

    name: str  # e.g. ship-a, index-1
    command: str  # ship | index | alert
    config: Path
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    starts: int = 0
    kills: int = 0
    exits: list[int] = field(default_factory=list)  # unexpected exit codes seen
    held: bool = False  # being killed and restarted on purpose: not revived by the supervisor

    def start(self) -> None:
        extra = ["--quiet"] if self.command == "ship" else []
        log = open(self.config.parent / f"{self.name}.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "--log-level", "WARNING", self.command,
             "--config", str(self.config), *extra],
            cwd=self.config.parent, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.starts += 1

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1

    def revive_if_dead(self) -> None:
        """A stage that exited on its own (not by our kill) is noted and started again."""
        if not self.held and self.proc is not None and self.proc.poll() is not None:
            self.exits.append(self.proc.returncode)
            self.start()

    def stop(self, timeout_s: float = 30) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def stage_env(bootstrap: str, es_url: str) -> dict[str, str]:
    """The environment of every stage: the private services, whatever the caller's variables say."""
    env = dict(os.environ, PYTHONPATH=str(REPO), LOGPIPE_KAFKA=bootstrap, LOGPIPE_ES=es_url)
    return env


def make_stages(configs: dict[str, Path], hosts: tuple[str, ...], env: dict[str, str],
                indexers: int, alerters: int) -> dict[str, list[Stage]]:
    return {
        "shipper": [Stage(f"ship-{h}", "ship", configs[f"ship-{h}"], env) for h in hosts],
        "indexer": [Stage(f"index-{i + 1}", "index", configs["consume"], env) for i in range(indexers)],
        "alerter": [Stage(f"alert-{i + 1}", "alert", configs["consume"], env) for i in range(alerters)],
    }


def stop_all(stages: dict[str, list[Stage]]) -> None:
    for group in stages.values():
        for s in group:
            if s.alive():
                s.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for group in stages.values():
        for s in group:
            s.stop(max(1.0, deadline - time.monotonic()))
