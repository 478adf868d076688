"""The ship bench measures the shipper as deployed and its floor as the shipper parses:
the shipper's bytecode is compiled once before the runs, even where the environment
forbids writing bytecode, and the `parse@gc` floor runs at the shipper's
young-generation threshold without leaving it set in the bench process."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from bench.ship_bench import compile_shipper, parse_encode, shipper_env, write_config
from tests.conftest import REPO

LINES = (b"2026-11-26 10:00:00.001 [main] INFO  com.fpay.pay.Order - order 1 paid\n"
         b"2026-11-26 10:00:00.002 [main] ERROR com.fpay.pay.Order - order 2 failed\n"
         b"java.lang.IllegalStateException: card declined\n"
         b"\tat com.fpay.pay.Order.pay(Order.java:42)\n"
         b"2026-11-26 10:00:00.003 [main] INFO  com.fpay.pay.Order - order 3 paid\n")


def test_the_shipper_environment_caches_bytecode_and_leaves_the_broker_to_the_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("LOGPIPE_KAFKA", "127.0.0.1:1")
    env = shipper_env(REPO, tmp_path / "pycache")
    assert "PYTHONDONTWRITEBYTECODE" not in env and "LOGPIPE_KAFKA" not in env
    assert env["PYTHONPATH"] == str(REPO) and env["PYTHONPYCACHEPREFIX"] == str(tmp_path / "pycache")


def test_the_shipper_is_compiled_before_the_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    compile_shipper(REPO, tmp_path / "pycache")
    compiled = {p.name.split(".")[0] for p in (tmp_path / "pycache").rglob("*.pyc")}
    assert {"shipper", "send", "kafka", "assemble", "app"} <= compiled


def test_the_floor_at_the_shippers_threshold_restores_the_interpreters(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    log = tmp_path / "logs" / "app.log"
    log.write_bytes(LINES)
    cfg = write_config(tmp_path, "unused", "127.0.0.1:1", None)
    before = gc.get_threshold()
    _, _, default_events = parse_encode(log, cfg)
    _, _, paced_events = parse_encode(log, cfg, 100_000)
    assert gc.get_threshold() == before
    assert default_events == paced_events == 3  # the stack trace belongs to the second event
