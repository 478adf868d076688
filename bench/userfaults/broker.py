"""The run's own broker, on reserved free ports and a home under bench/out/ (its data wiped
at every start): stopped and started by the `broker` fault. The shared broker is never
touched."""

from __future__ import annotations

import shutil
from contextlib import asynccontextmanager
from pathlib import Path

from pipeline.stack.kafka import KafkaService
from pipeline.stack.local import services_dir
from pipeline.stack.ports import hold, reserve_free


@asynccontextmanager
async def own_broker(out: Path):
    home = (out / "kafka").resolve()
    home.mkdir(parents=True, exist_ok=True)
    lock = hold(home / "in-use.lock")
    if lock is None:
        raise SystemExit(f"{home} is in use by another userfaults run")
    with reserve_free((0, 1)) as ports:
        broker = KafkaService(services_dir(), home, port=ports.ports[0], controller_port=ports.ports[1])
        await broker.stop()  # a leftover of an earlier run in this home
        shutil.rmtree(broker.data_dir, ignore_errors=True)
        try:
            await broker.prepare()
            await broker.start()
            await broker.wait_ready(240)
            yield broker
        finally:
            await broker.stop()
