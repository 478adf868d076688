"""`logpipe stack up | down | status`: the project's own local Kafka and Elasticsearch.

State (classpath, data, logs, pid files) lives under one directory: `<home>/stack`, where
home is `--home`, else `$LOGPIPE_HOME`, else `.logpipe` in the working directory. The
service files (`services/`: Maven poms, configuration templates) ship with the package.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.stack.elasticsearch import ElasticsearchService
from pipeline.stack.kafka import KafkaService
from pipeline.stack.procs import ServiceStatus, StackError

log = logging.getLogger(__name__)


def services_dir() -> Path:
    """The service files (Maven poms, configuration templates), shipped as package data."""
    here = Path(__file__).resolve().parent / "services"
    if not (here / "kafka" / "pom.xml").is_file():
        raise StackError(f"service files not found in {here}: the package was installed without its data "
                         "(pipeline/stack/services)")
    return here


@dataclass
class Stack:
    kafka: KafkaService
    elasticsearch: ElasticsearchService

    @classmethod
    def at(cls, home: Path, kafka_port: int = 9092, es_port: int = 9200) -> "Stack":
        svc = services_dir()
        stack_home = home.resolve() / "stack"
        return cls(
            KafkaService(svc, stack_home / "kafka", port=kafka_port, controller_port=kafka_port + 1,
                         secure_port=kafka_port + 2, secure=True),
            ElasticsearchService(svc, stack_home / "elasticsearch", port=es_port, transport_port=es_port + 100),
        )

    async def up(self, timeout_s: float = 180) -> dict[str, float]:
        """Idempotent: prepares what is missing, starts what is down, waits until both answer.
        Returns seconds spent per phase."""
        t0 = time.monotonic()
        await asyncio.gather(self.kafka.prepare(), self.elasticsearch.prepare())
        t1 = time.monotonic()
        await self.kafka.start()
        await self.elasticsearch.start()
        await asyncio.gather(self.kafka.wait_ready(timeout_s), self.elasticsearch.wait_ready(timeout_s))
        t2 = time.monotonic()
        await self.kafka.set_up_secure_listener()
        t3 = time.monotonic()
        return {"prepare_s": t1 - t0, "start_s": t2 - t1, "secure_s": t3 - t2, "total_s": t3 - t0}

    async def down(self) -> None:
        await asyncio.gather(self.elasticsearch.stop(), self.kafka.stop())

    async def status(self) -> list[ServiceStatus]:
        rows = await asyncio.gather(self.kafka.status(), self.kafka.secure_status(), self.elasticsearch.status())
        return [r for r in rows if r is not None]


def format_status(rows: list[ServiceStatus]) -> str:
    lines = [f"{'service':<14} {'version':<9} {'pid':<8} {'address':<24} health"]
    for r in rows:
        lines.append(f"{r.name:<14} {r.version or '-':<9} {str(r.pid or '-'):<8} {r.address:<24} {r.health}")
    return "\n".join(lines)
