"""A Kubernetes container's log file is filed under its container's name when its input
names no service: the kubelet's link name, the pod folder's file and its rotations."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from pipeline.config.load import parse_config, to_tail_inputs
from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.container_service import container_of
from pipeline.tail.tailer import Tailer

CID = "0123456789abcdef" * 4
LINK = f"/var/log/containers/pay-gateway-7d9f8c6b5-x2k4q_default_pay-gateway-{CID}.log"
POD_DIR = "/var/log/pods/default_pay-gateway-7d9f8c6b5-x2k4q_5f3c9b1e-2a4d-4c1e-9b7a-0e6f1d2c3b4a/pay-gateway"


@pytest.mark.parametrize("path", [LINK, f"{POD_DIR}/0.log", f"{POD_DIR}/3.log.20261202-070000",
                                  f"{POD_DIR}/0.log.20261202-070000.gz",
                                  f"/var/lib/logpipe/state/unpacked/fe00-1-2-g0/{os.path.basename(LINK)}"])
def test_the_kubelets_files_name_their_container(path: str) -> None:
    assert container_of(path) == "pay-gateway"


@pytest.mark.parametrize("path", ["/var/log/pay/app.log", "/var/log/containers/app.log",
                                  f"/var/log/containers/pay_default_pay-{CID[:12]}.log", f"{POD_DIR}/app.log"])
def test_other_files_name_none(path: str) -> None:
    assert container_of(path) is None


async def follow(tmp_path: Path, config: str) -> str:
    logs = tmp_path / "containers"
    logs.mkdir()
    name = os.path.basename(LINK)
    (logs / name).write_text("2026-12-02 07:00:00.000 INFO started\n")
    cfg = parse_config(config.replace("DIR", str(logs)))
    store = CheckpointStore(tmp_path / "cp.json")
    await store.load()
    tailer = Tailer(list(to_tail_inputs(cfg)), store)
    await tailer.start()
    try:
        chunk = await asyncio.wait_for(tailer.next_chunk(), 3)
        return chunk.file.service
    finally:
        await tailer.stop()


async def test_an_input_without_a_service_files_each_container_under_its_name(tmp_path) -> None:
    assert await follow(tmp_path, '[[inputs]]\npaths = ["DIR/*.log"]\n') == "pay-gateway"


async def test_a_configured_service_wins(tmp_path) -> None:
    assert await follow(tmp_path, '[[inputs]]\npaths = ["DIR/*.log"]\nservice = "node-logs"\n') == "node-logs"
