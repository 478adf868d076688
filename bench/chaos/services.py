"""A private Kafka and Elasticsearch for one chaos run, on their own ports and homes.

The homes persist under `bench/out/chaos-services-<kafka port>-<es port>/` so the
Maven classpath and the unpacked Elasticsearch distribution are reused; their data is
wiped at every start, so each run begins with empty topics and indices. The shared
stack on 9092/9200 is never touched.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

from pipeline.stack.elasticsearch import ElasticsearchService
from pipeline.stack.kafka import KafkaService
from pipeline.stack.local import services_dir
from pipeline.stack.procs import port_open

SHARED_PORTS = {9092, 9093, 9200, 9300}


@dataclass
class PrivateStack:
    kafka: KafkaService
    es: ElasticsearchService

    @classmethod
    def at(cls, out_dir: Path, kafka_port: int, es_port: int) -> "PrivateStack":
        if {kafka_port, kafka_port + 1, es_port, es_port + 100} & SHARED_PORTS:
            raise ValueError(f"ports {kafka_port}/{es_port} collide with the shared stack")
        home = (out_dir / f"chaos-services-{kafka_port}-{es_port}").resolve()
        svc = services_dir()
        return cls(KafkaService(svc, home / "kafka", port=kafka_port, controller_port=kafka_port + 1),
                   ElasticsearchService(svc, home / "elasticsearch", port=es_port, transport_port=es_port + 100))

    @property
    def bootstrap(self) -> str:
        return self.kafka.address

    @property
    def es_url(self) -> str:
        return self.es.url

    async def up(self, timeout_s: float = 240) -> None:
        """Stops leftovers of an earlier run on these ports, wipes data, starts both, waits."""
        await self.down()
        for port in (self.kafka.port, self.es.port):
            if await port_open("127.0.0.1", port):
                raise RuntimeError(f"port {port} is taken by a process that is not this run's")
        shutil.rmtree(self.kafka.data_dir, ignore_errors=True)
        es_data = self.es.home / "data"
        if es_data.exists():
            for child in es_data.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()
        await asyncio.gather(self.kafka.prepare(), self.es.prepare())
        await self.kafka.start()
        await self._start_es(timeout_s)
        await asyncio.gather(self.kafka.wait_ready(timeout_s), self.es.wait_ready(timeout_s))

    async def _start_es(self, timeout_s: float) -> None:
        """Start Elasticsearch and wait for its pid file: on a busy machine the daemon may take
        longer than `wait_ready`'s 15 s to write it, and `down()` cannot stop it before it has."""
        await self.es.start()
        deadline = time.monotonic() + timeout_s
        while self.es.pid() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.5)

    async def down(self) -> None:
        await asyncio.gather(self.es.stop(), self.kafka.stop())

    async def restart_kafka(self, while_down: Callable[[], Awaitable[None]] | None = None) -> float:
        """Stop (SIGTERM, controlled shutdown), run `while_down`, then start; returns seconds
        without a broker."""
        t0 = time.monotonic()
        await self.kafka.stop()
        if while_down is not None:
            await while_down()
        await self.kafka.start()
        await self.kafka.wait_ready(180)
        return time.monotonic() - t0

    async def es_outage(self, down_s: float) -> float:
        """Stop Elasticsearch, keep it down `down_s`, start it; returns seconds without it."""
        t0 = time.monotonic()
        await self.es.stop()
        await asyncio.sleep(down_s)
        await self._start_es(240)
        await self.es.wait_ready(240)
        return time.monotonic() - t0
