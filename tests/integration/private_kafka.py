"""A private broker for the tests that stop and start one (the shared broker stays up).

Its ports are reserved for this run (`pipeline.stack.ports`): free when reserved, and no
other run that reserves its ports is given them, not even while the broker is down
mid-test. Every start checks that the broker answering on them is this one (its cluster
id, formatted in its own home): a port taken meanwhile fails the start, it is never
silently someone else's broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pipeline.stack.kafka import KafkaService
from pipeline.stack.local import services_dir
from pipeline.stack.ports import reserve_free

KAFKA_PORT_OFFSETS = (0, 1)  # the client listener and the controller's


@asynccontextmanager
async def private_kafka(home: Path) -> AsyncIterator[KafkaService]:
    """A broker prepared in `home`, not started; stopped (if running) and its ports released at the end."""
    with reserve_free(KAFKA_PORT_OFFSETS) as ports:
        port, controller_port = ports.ports
        broker = KafkaService(services_dir(), home, port=port, controller_port=controller_port)
        try:
            await broker.prepare()
            yield broker
        finally:
            await broker.stop()


async def start(broker: KafkaService, timeout_s: float = 120) -> None:
    """Starts the broker and waits until it, and no other, answers on its port."""
    await broker.start()
    await broker.wait_ready(timeout_s)
