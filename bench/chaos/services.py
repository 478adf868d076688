"""A private Kafka and Elasticsearch for one chaos run, on their own ports and homes.

The homes persist under `bench/out/chaos-services-<kafka port>-<es port>/` (or a name
given) so the Maven classpath and the unpacked Elasticsearch distribution are reused;
their data is wiped at every start, so each run begins with empty topics and indices.
The shared stack on 9092/9200 is never touched.

The run reserves its ports (`pipeline.stack.ports`) and its home for as long as it runs:
a second run on the same ports or home stops at once with a message, instead of taking
the first one's services for its own (or stopping them as leftovers). Ports given as 0
are free ones chosen for the run. A service listening on the ports that this run did not
start is refused, never used.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

from pipeline.stack.elasticsearch import ElasticsearchService
from pipeline.stack.kafka import KafkaService
from pipeline.stack.local import services_dir
from pipeline.stack.ports import PortsUnavailable, Reservation, bindable, hold, listener, reserve_exact, reserve_free

SHARED_PORTS = {9092, 9093, 9094, 9200, 9300}
KAFKA_OFFSETS, ES_OFFSETS = (0, 1), (0, 100)  # client and controller; HTTP and transport


class ServicesUnavailable(RuntimeError):
    """The run's ports or home are another's: the message says whose and what to do."""


def _reserve(port: int, offsets: tuple[int, ...], option: str) -> Reservation:
    if port == 0:
        return reserve_free(offsets)
    ports = [port + off for off in offsets]
    if set(ports) & SHARED_PORTS:
        raise ServicesUnavailable(f"ports {ports} collide with the shared stack's; pass another {option}")
    try:
        return reserve_exact(ports)
    except PortsUnavailable as exc:
        raise ServicesUnavailable(f"{exc}: another chaos run (or test) uses ports {ports}; wait for it to end "
                                  f"or pass another {option}") from None


@dataclass
class PrivateStack:
    kafka: KafkaService
    es: ElasticsearchService
    held: list[Reservation]
    home_fd: int

    @classmethod
    def at(cls, out_dir: Path, kafka_port: int, es_port: int, home_name: str | None = None) -> "PrivateStack":
        """Reserves the ports (0: free ones) and the home for this run; `release()` gives them back."""
        held = [_reserve(kafka_port, KAFKA_OFFSETS, "--kafka-port")]
        try:
            held.append(_reserve(es_port, ES_OFFSETS, "--es-port"))
            home = (out_dir / (home_name or f"chaos-services-{kafka_port}-{es_port}")).resolve()
            home.mkdir(parents=True, exist_ok=True)
            home_fd = hold(home / "in-use.lock")
            if home_fd is None:
                raise ServicesUnavailable(f"{home} is in use by another chaos run "
                                          f"({(home / 'in-use.lock').read_text().strip()}); wait for it to end")
        except BaseException:
            for r in held:
                r.release()
            raise
        (kp, kcp), (ep, etp) = held[0].ports, held[1].ports
        svc = services_dir()
        return cls(KafkaService(svc, home / "kafka", port=kp, controller_port=kcp),
                   ElasticsearchService(svc, home / "elasticsearch", port=ep, transport_port=etp), held, home_fd)

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.kafka.port, self.kafka.controller_port, self.es.port, self.es.transport_port)

    def release(self) -> None:
        """Gives the ports and the home back (after `down()`)."""
        for r in self.held:
            r.release()
        if self.home_fd >= 0:
            os.close(self.home_fd)
            self.home_fd = -1

    async def claim(self) -> None:
        """Stops this home's leftovers of an earlier run (it has ended: it held the home), then
        refuses any service on the ports that this run did not start."""
        await self.down()
        for port in self.ports:
            if not bindable(port, reuse_addr=True):
                raise ServicesUnavailable(
                    f"port {port} is taken by {listener(port)}, which this chaos run did not start; it never uses a "
                    "service it did not start: stop that one or pass another --kafka-port/--es-port")

    @property
    def bootstrap(self) -> str:
        return self.kafka.address

    @property
    def es_url(self) -> str:
        return self.es.url

    async def up(self, timeout_s: float = 240) -> None:
        """Stops leftovers of an earlier run in this home, refuses a foreign service on the ports,
        wipes data, starts both, waits until each answers as itself."""
        await self.claim()
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
