"""The chaos: seeded moments for kill -9 of each stage kind, broker restarts and an
Elasticsearch outage, spread over a window; executed while the writer writes."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from bench.chaos.services import PrivateStack
from bench.chaos.stages import Stage
from bench.chaos.writer import Writer

# into a Kafka outage, once the shippers have declared it (10 s without acknowledgements): a
# generation born, written for a while, then renamed away
BORN_AFTER_S, WRITTEN_FOR_S = 11.0, 3.0
# a broker restart begins at least this long before writing ends (stopping the broker takes a while)
KAFKA_DOWN_WRITING_S = BORN_AFTER_S + WRITTEN_FOR_S + 12.0


@dataclass(frozen=True)
class Chaos:
    shipper_kills: int = 10
    indexer_kills: int = 5
    alerter_kills: int = 3
    kafka_restarts: int = 2
    es_down_s: float = 30.0  # 0: no outage
    seed: int = 1


@dataclass(order=True)
class Action:
    at_s: float
    kind: str  # kill:<stage kind> | kafka_restart | es_outage


@dataclass
class Log:
    done: list[tuple[float, str, str]] = field(default_factory=list)  # (t, action, detail)
    kafka_down_s: list[float] = field(default_factory=list)
    es_down_s: list[float] = field(default_factory=list)


def plan(chaos: Chaos, window_s: float, rng: random.Random) -> list[Action]:
    """Kills uniformly in the window; broker restarts and the outage in separate slices of it,
    so one disturbance is over before the next of these two begins."""
    acts = [Action(rng.uniform(0.05, 0.95) * window_s, f"kill:{kind}")
            for kind, n in (("shipper", chaos.shipper_kills), ("indexer", chaos.indexer_kills),
                            ("alerter", chaos.alerter_kills)) for _ in range(n)]
    slow = ["kafka_restart"] * chaos.kafka_restarts + (["es_outage"] if chaos.es_down_s > 0 else [])
    rng.shuffle(slow)
    for i, kind in enumerate(slow):
        lo = (i + 0.15) / len(slow)
        at_s = rng.uniform(lo, lo + 0.5 / len(slow)) * window_s
        if kind == "kafka_restart":  # early enough for its generations to be born while the writer writes
            at_s = min(at_s, max(0.05 * window_s, window_s - KAFKA_DOWN_WRITING_S))
        acts.append(Action(at_s, kind))
    return sorted(acts)


async def run_chaos(actions: list[Action], stages: dict[str, list[Stage]], stack: PrivateStack,
                    chaos: Chaos, rng: random.Random, log: Log, writer: Writer | None = None) -> None:
    """Executes `actions` on time; the slow ones (restart, outage) run beside the kills. While
    the broker is down, every file of the writer's narrow hosts is rotated twice: a generation
    is born at its path, written, and renamed to a name its shipper's glob does not match."""
    t0 = time.monotonic()
    slow: list[asyncio.Task] = []

    async def born_and_rotated_away() -> None:
        if writer is None:
            return
        await asyncio.sleep(BORN_AFTER_S)
        writer.rotate_now()
        await asyncio.sleep(WRITTEN_FOR_S)
        writer.rotate_now()
        await asyncio.sleep(1.0)

    async def kafka_restart() -> None:
        log.kafka_down_s.append(await stack.restart_kafka(born_and_rotated_away))

    async def es_outage() -> None:
        log.es_down_s.append(await stack.es_outage(chaos.es_down_s))

    for act in actions:
        delay = act.at_s - (time.monotonic() - t0)
        if delay > 0:
            await asyncio.sleep(delay)
        now = time.monotonic() - t0
        if act.kind.startswith("kill:"):
            target = rng.choice(stages[act.kind[5:]])
            target.held = True
            target.kill9()
            await asyncio.sleep(rng.uniform(0.0, 1.0))  # a supervisor's restart delay
            target.start()
            target.held = False
            log.done.append((now, act.kind, target.name))
        else:
            slow.append(asyncio.create_task(kafka_restart() if act.kind == "kafka_restart" else es_outage()))
            log.done.append((now, act.kind, ""))
    await asyncio.gather(*slow)


async def supervise(stages: dict[str, list[Stage]], stop: asyncio.Event) -> None:
    """Restarts a stage that exited by itself (noted in `Stage.exits`), as systemd would."""
    while not stop.is_set():
        for group in stages.values():
            for s in group:
                s.revive_if_dead()
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except TimeoutError:
            pass
