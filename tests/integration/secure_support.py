"""The local Kafka's SASL_SSL listener in tests: where it is, configs for each stage's user,
and running the stages as an operator would (`python -m pipeline.cli ...`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.logwriter import line

PASSWORD_ENV = {"shipper": "LP_SHIPPER_PW", "indexer": "LP_INDEXER_PW", "alerter": "LP_ALERTER_PW"}
EXCEPTION = ("2026-11-26 10:16:00.000 [http-nio-8080-exec-1] ERROR c.f.pay.OrderService - seq=99999999 payment "
             "failed\njava.lang.IllegalStateException: ledger closed\n\tat c.f.pay.Ledger.post(Ledger.java:88)\n"
             "\tat c.f.pay.OrderService.pay(OrderService.java:42)\n")
EXCEPTION_CLOSER = "2026-11-26 10:16:01.000 [main] INFO  c.f.pay.OrderService - done\n"


@dataclass(frozen=True)
class SecureKafka:
    bootstrap: str  # SASL_SSL
    plaintext_bootstrap: str  # the same broker's open listener, to check what arrived
    ssl_cafile: str
    users: dict[str, str]

    def env(self, **overrides: str) -> dict[str, str]:
        """The environment of a stage: every user's password in its variable, no LOGPIPE_KAFKA."""
        env = dict(os.environ, PYTHONPATH=str(REPO))
        env.pop("LOGPIPE_KAFKA", None)
        env.update({PASSWORD_ENV[u]: pw for u, pw in self.users.items()})
        env.update(overrides)
        return env


def find_secure_kafka() -> SecureKafka:
    """The SASL_SSL listener described by `logpipe stack up` under $LOGPIPE_HOME (default .logpipe)."""
    home = Path(os.environ.get("LOGPIPE_HOME") or REPO / ".logpipe")
    path = home / "stack" / "kafka" / "secure" / "client.json"
    if not path.is_file():
        reason = (f"no SASL_SSL listener described at {path}; set LOGPIPE_HOME to the home of a stack started "
                  "by `logpipe stack up`")
        if os.environ.get("LOGPIPE_KAFKA"):
            pytest.skip(reason + " (LOGPIPE_KAFKA names a stack started elsewhere)")
        pytest.fail(reason)
    info = json.loads(path.read_text())
    return SecureKafka(info["bootstrap"], info["plaintext_bootstrap"], info["ssl_cafile"], info["users"])


def write_log(path: Path, n: int) -> int:
    """`n` numbered lines, then one exception with its stack trace; returns the file's size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        f.writelines(line(i) for i in range(n))
        f.write(EXCEPTION + EXCEPTION_CLOSER)
    return path.stat().st_size


def write_config(folder: Path, name: str, kafka: SecureKafka, es_url: str, unique: str, *, user: str,
                 ca: str | None = None, **kafka_keys: str) -> Path:
    """A config for `user` on the SASL_SSL listener; topic and group names under the ACLs' prefixes."""
    keys = {"bootstrap": kafka.bootstrap, "topic_events": f"logpipe.events.{unique}",
            "topic_alerts": f"logpipe.alerts.{unique}", "topic_signatures": f"logpipe.signatures.{unique}",
            "topic_deadletter": f"logpipe.deadletter.{unique}", "group_index": f"logpipe-index.{unique}",
            "group_alert": f"logpipe-alert.{unique}", "security_protocol": "SASL_SSL",
            "sasl_mechanism": "SCRAM-SHA-512", "sasl_username": user, "sasl_password_env": PASSWORD_ENV[user],
            "ssl_cafile": ca or kafka.ssl_cafile, **kafka_keys}
    kafka_toml = "\n".join(f'{k} = "{v}"' for k, v in keys.items())
    path = folder / f"{name}.toml"
    path.write_text(f'[host]\nname = "pay-01"\n\n[[inputs]]\npaths = ["{folder}/logs/*.log"]\nservice = "payments"\n\n'
                    f'[kafka]\n{kafka_toml}\n\n[elasticsearch]\nhosts = ["{es_url}"]\nindex_prefix = "{unique}"\n\n'
                    f'[alerts]\noutputs = ["kafka"]\n\n[state]\ndir = "{folder}/state-{name}"\n')
    return path


def run_stage(cfg: Path, command: str, env: dict[str, str], *args: str, timeout_s: float = 120):
    """`logpipe COMMAND --config CFG ARGS...` to its end; the CompletedProcess (stdout, stderr)."""
    return subprocess.run([sys.executable, "-m", "pipeline.cli", command, "--config", str(cfg), *args],
                          cwd=cfg.parent, env=env, capture_output=True, text=True, timeout=timeout_s)


def checkpointed_offset(cfg: Path, log: Path) -> int:
    """The shipper's checkpoint of `log` (0 when it has none)."""
    path = cfg.parent / f"state-{cfg.stem}" / "checkpoints.json"
    try:
        files = json.loads(path.read_text())["files"]
    except (FileNotFoundError, ValueError):
        return 0
    return max((f["offset"] for f in files if f["path"] == str(log)), default=0)


def ship_until_checkpointed(cfg: Path, env: dict[str, str], log: Path, size: int, timeout_s: float = 60) -> None:
    """Runs the shipper until its checkpoint of `log` reaches `size`, then stops it with SIGTERM."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ship", "--quiet", "--config", str(cfg)],
                            cwd=cfg.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + timeout_s
        while checkpointed_offset(cfg, log) < size:
            assert proc.poll() is None, f"the shipper exited {proc.returncode}: {proc.communicate()[1]}"
            assert time.monotonic() < deadline, f"not checkpointed to {size} within {timeout_s:.0f}s"
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err


def one_line(stderr: str) -> str:
    """The single `logpipe:` line a configuration error prints; no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [ln for ln in stderr.splitlines() if ln.startswith("logpipe: ")]
    assert len(lines) == 1, stderr
    return lines[0]
