"""One segment: a scheme's writer, the shipper as a process of its own, one kind of fault
at random moments, then the drain and the check against the whole events topic."""

from __future__ import annotations

import asyncio
import random
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.userfaults.check import Verdict, judge, read_topic
from bench.userfaults.records import make_record
from bench.userfaults.scheme import Scheme
from bench.userfaults.shipper import Shipper, write_config

FAULTS = ("none", "kill9", "kill9_rotating", "term", "broker", "late")


@dataclass
class Segment:
    scheme: str
    fault: str
    seed: int
    verdict: Verdict
    rotations: int
    counters: dict[str, float]
    notes: str = ""


class Writer(threading.Thread):
    def __init__(self, scheme: Scheme, rng: random.Random, seconds: float, rate: int) -> None:
        super().__init__(daemon=True)
        self.scheme, self.rng, self.seconds, self.rate = scheme, rng, seconds, rate
        self.error: BaseException | None = None
        # which generations exist, after every write (a folder of hundreds of files never rotates)
        self.generations = scheme.tracker()

    def run(self) -> None:
        try:
            t0, n = time.monotonic(), 0
            while time.monotonic() - t0 < self.seconds:
                self.scheme.write(make_record(n, self.rng))
                if self.generations is not None:
                    self.generations.look()
                n += 1
                ahead = t0 + n / self.rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            self.scheme.close()
        except BaseException as exc:  # surfaced by the segment
            self.error = exc


async def wait_following(shipper: Shipper, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not (shipper.cfg.parent / "state" / "checkpoints.json").exists():
        if not shipper.running() or time.monotonic() > deadline:
            raise RuntimeError(f"the shipper did not start: see {shipper.cfg.parent / 'ship.log'}")
        await asyncio.sleep(0.1)
    while shipper.starting and time.monotonic() < deadline:
        shipper.scrape()
        await asyncio.sleep(0.1)


class Faults:
    """Acts on the shipper (and the broker) while the writer writes."""

    def __init__(self, kind: str, shipper: Shipper, broker, rng: random.Random, seconds: float) -> None:
        self.kind, self.shipper, self.broker, self.rng, self.seconds = kind, shipper, broker, rng, seconds
        self.lock = threading.Lock()
        self.restart_at: float | None = None
        self.kills_left = 2
        self.done: list[str] = []

    def at_rotation(self, step: str) -> None:
        """Called by the writer's thread between the steps of a rotation."""
        if self.kind != "kill9_rotating" or self.kills_left <= 0 or self.rng.random() > 0.15:
            return
        with self.lock:
            if self.shipper.running() and self.restart_at is None:
                self.shipper.kill(signal.SIGKILL)
                self.kills_left -= 1
                self.restart_at = time.monotonic() + self.rng.uniform(0.2, 2.0)
                self.done.append(f"kill -9 while {step}")

    async def drive(self, writer: Writer) -> None:
        t0 = time.monotonic()
        moments = sorted(self.rng.uniform(0.1, 0.8) * self.seconds for _ in range(2))
        while writer.is_alive():
            await asyncio.sleep(0.2)
            self.shipper.scrape()
            await self._restart_due()
            if moments and time.monotonic() - t0 >= moments[0]:
                moments.pop(0)
                await self._strike()
        while self.restart_at is not None:
            await asyncio.sleep(0.1)
            await self._restart_due()

    async def _restart_due(self) -> None:
        with self.lock:
            if self.restart_at is not None and time.monotonic() >= self.restart_at:
                self.restart_at = None
                self.shipper.start()

    async def _strike(self) -> None:
        if self.kind in ("kill9", "term"):
            with self.lock:
                if self.shipper.running() and self.restart_at is None:
                    self.shipper.kill(signal.SIGKILL if self.kind == "kill9" else signal.SIGTERM)
                    self.restart_at = time.monotonic() + self.rng.uniform(0.0, 2.0)
                    self.done.append(self.kind)
        elif self.kind == "broker" and not self.done:
            await self.broker.stop()
            down = self.rng.uniform(3, 8)
            await asyncio.sleep(down)
            await self.broker.start()
            await self.broker.wait_ready(180)
            self.done.append(f"broker down {down:.1f} s")


async def run_segment(scheme_cls, fault: str, seed: int, out: Path, bootstrap: str, broker,
                      seconds: float, rate: int) -> Segment:
    rng = random.Random(f"{scheme_cls.name}/{fault}/{seed}")
    folder = out / f"{scheme_cls.name}-{fault}-{seed}"
    shutil.rmtree(folder, ignore_errors=True)
    logs = folder / "logs"
    logs.mkdir(parents=True)
    topic = f"userfaults.{scheme_cls.name}.{fault}.{seed}.{int(time.time())}"
    shipper = Shipper(write_config(folder, logs, bootstrap, topic, scheme_cls.paths_glob))
    scheme = scheme_cls(logs, rng)
    faults = Faults(fault, shipper, broker, rng, seconds)
    scheme.on_rotation = faults.at_rotation
    try:
        shipper.start()
        await wait_following(shipper)
        if fault == "late":  # it followed the folder once; the files are written and rotated while it is stopped
            shipper.kill(signal.SIGTERM)
        writer = Writer(scheme, rng, seconds, rate)
        writer.start()
        await faults.drive(writer)
        if writer.error:
            raise writer.error
        if fault == "late":
            shipper.start()
        if writer.generations is not None:
            writer.generations.look()
        await drain(shipper, scheme, writer.generations, bootstrap, topic)
        shipper.kill(signal.SIGTERM)  # a last stop and start: nothing may be read again
        shipper.start()
        await asyncio.sleep(4)
        shipper.scrape()
        shipper.kill(signal.SIGTERM)
        verdict = judge(scheme.records, await read_topic(bootstrap, topic), excusable_in(writer.generations, shipper))
    finally:
        shipper.kill(signal.SIGKILL)  # a run cut short leaves no shipper behind
    return Segment(scheme_cls.name, fault, seed, verdict, scheme.rotations, shipper.counters(), "; ".join(faults.done))


def excusable_in(generations, shipper: Shipper):
    def excusable(record) -> bool:
        gone = generations.deleted_when(record.number) if generations is not None else None
        return gone is not None and shipper.was_down_at(gone)
    return excusable


async def drain(shipper: Shipper, scheme: Scheme, generations, bootstrap: str, topic: str, limit_s: float = 90) -> Verdict:
    """Until every line that can arrive has arrived, or nothing more arrives for 10 s."""
    deadline, last, still_since = time.monotonic() + limit_s, -1, time.monotonic()
    while True:
        await asyncio.sleep(2)
        shipper.scrape()
        docs = await read_topic(bootstrap, topic)
        verdict = judge(scheme.records, docs, excusable_in(generations, shipper))
        if len(docs) != last:
            last, still_since = len(docs), time.monotonic()
        if verdict.lost == 0 or time.monotonic() - still_since > 10 or time.monotonic() > deadline:
            return verdict
