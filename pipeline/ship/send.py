"""The per-file send path of the shipper: a file's events, in offset order, in as few Kafka
batches as fit, each acknowledged as a whole; an acknowledgement moves the file's
`AckTracker`, a failed delivery or metadata request becomes a `KafkaOutage`.

`SendPath` is a part of `pipeline.ship.shipper.Shipper`: it works on the shipper's
metrics, its failure of this life and its set of files moved since the last checkpoint.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from parsers.assemble import Assembler
from parsers.event import Event
from pipeline.metrics.registry import Metrics
from pipeline.ship.acks import AckTracker
from sinks.codec import encode_event
from sinks.kafka import EventProducer

log = logging.getLogger(__name__)
_T = TypeVar("_T")


@dataclass
class ShippedFile:
    """A file being shipped in this life: its assembler, what Kafka acknowledged, its key."""

    assembler: Assembler
    acks: AckTracker
    key: bytes
    final: bool = False
    partition: int | None = None  # where `key` goes, asked once per producer life
    committed: int = -1  # the offset last committed to the checkpoint store


class KafkaOutage(Exception):
    """A delivery failed; the shipper recovers from its checkpoints."""


class SendPath:
    metrics: Metrics
    _failure: BaseException | None  # the first failure of this life: it ends the life
    _moved: set[str]  # file ids fed, polled or acknowledged since the last checkpoint

    async def _send(self, producer: EventProducer, topic: str, f: ShippedFile, events: list[Event]) -> None:
        """Events of one file, in offset order, in as few batches as fit, each acknowledged as a whole."""
        if not events:
            return
        # the checkpoint stays before a batch from the moment its first event is taken in, until
        # Kafka acknowledges it: a lookup or a send cut short (a stop, a failure) skips nothing
        f.acks.sent(events[0].offset)
        if f.partition is None:
            f.partition = await self._kafka(producer.partition_for(topic, f.key))
        batch, first, count = producer.new_batch(), 0, 0
        for i, ev in enumerate(events):
            value = self._encode(ev)
            if batch.append(f.key, value) is None:  # full: send it, start the next
                await self._send_batch(producer, topic, f, batch, events[first].offset, count)
                f.acks.sent(ev.offset)
                batch, first, count = producer.new_batch(), i, 0
                batch.append(f.key, value)  # an empty batch takes any record
            count += 1
            if ev.truncated:
                self.metrics.inc("ship_events_truncated")
        await self._send_batch(producer, topic, f, batch, events[first].offset, count)

    async def _send_batch(self, producer: EventProducer, topic: str, f: ShippedFile, batch: Any, offset: int,
                          count: int) -> None:
        """The batch's first event is at `offset` (pending in `f.acks` already): the checkpoint
        stays there until Kafka acknowledged it."""
        fut = await self._kafka(producer.send_batch(topic, f.partition, batch))
        fut.add_done_callback(lambda fu, acks=f.acks, off=offset, n=count, file_id=f.assembler.source.file_id:
                              self._delivered(fu, acks, off, n, file_id))
        self.metrics.inc("ship_events_sent", count)

    async def _kafka(self, call: Awaitable[_T]) -> _T:
        try:
            return await call
        except Exception as exc:  # metadata or buffer failure: an outage, recovered from checkpoints
            self._failure = exc
            raise KafkaOutage(repr(exc)) from exc

    def _encode(self, ev: Event) -> bytes:
        try:
            return encode_event(ev)
        except (TypeError, ValueError) as exc:  # a parser let through what JSON cannot hold: ship it raw, flagged
            self.metrics.inc("ship_encode_errors", error=type(exc).__name__)
            log.error("event at %s:%s cannot be encoded (%r); shipping its raw text flagged encode_error",
                      ev.file_path, ev.offset, exc)
            raw = Event(ev.message[:64 * 1024], id=ev.id, host=ev.host, service=ev.service, file_path=ev.file_path,
                        file_id=ev.file_id, offset=ev.offset, end_offset=ev.end_offset, read_time=ev.read_time,
                        timestamp=ev.timestamp, flags=[*ev.flags, "encode_error"])
            return encode_event(raw)

    def _delivered(self, fut: asyncio.Future, acks: AckTracker, offset: int, count: int, file_id: str) -> None:
        """A batch whose first event is at `offset`, of `count` events, was acknowledged or failed."""
        if fut.cancelled():
            self._failure = self._failure or asyncio.CancelledError("delivery cancelled")
            return
        exc = fut.exception()
        if exc is not None:
            self.metrics.inc("ship_delivery_failures", error=type(exc).__name__)
            if self._failure is None:
                self._failure = exc
            return
        acks.acked(offset)
        self._moved.add(file_id)
        self.metrics.inc("ship_events_acked", count)
