"""A file's events whose send is interrupted before Kafka took any of them (the partition
lookup of a file's first send in a producer's life, cut by a stop or a failure) still
hold the file's checkpoint before them: the next life sends them, none is skipped."""

from __future__ import annotations

import asyncio

import pytest

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from pipeline.metrics.registry import Metrics
from pipeline.ship.acks import AckTracker
from pipeline.ship.send import SendPath, ShippedFile
from tests.integration.test_kafka_batches import producer_for

pytestmark = pytest.mark.integration

LOG = b"".join(b"2026-12-02 08:00:00.%03d [main] INFO  c.f.pay.OrderService - paid order %d\n" % (i, i)
               for i in range(20))


class Sender(SendPath):
    def __init__(self) -> None:
        self.metrics = Metrics()
        self._failure = None
        self._moved = set()


async def test_a_send_cut_in_the_partition_lookup_keeps_the_checkpoint_before_its_events(kafka_bootstrap,
                                                                                       unique_name):
    producer = await producer_for(kafka_bootstrap, unique_name)
    try:
        asm = Assembler(ParseOptions(), Source("h", "pay", "/var/log/pay/app.log", "f1"))
        events = asm.feed(LOG, 0, 0) + asm.finish(0)
        f = ShippedFile(asm, AckTracker(), b"f1")
        assert asm.resume_offset == len(LOG) and len(events) == 20
        task = asyncio.create_task(Sender()._send(producer, f"{unique_name}-new", f, events))  # a topic not met yet
        await asyncio.sleep(0)  # the task waits for the topic's metadata
        task.cancel()  # the shipper stopping
        with pytest.raises(asyncio.CancelledError):
            await task
        assert f.partition is None, "the lookup was not cut: the test proves nothing"
        assert f.acks.safe_offset(asm.resume_offset) == 0  # not past events Kafka never saw
    finally:
        await producer.stop()
