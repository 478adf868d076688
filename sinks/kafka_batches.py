"""Closed record batches handed to aiokafka in order, one queue per partition, without
holding up the caller.

aiokafka's `send_batch()` waits while the partition still has a batch the sender has
not taken, and the sender takes it only once the request before it is answered. A
caller that awaited it would stop reading and parsing for a broker round trip per
batch. Here the caller gets the batch's delivery future at once; a task per partition
submits the batches of that partition in the order they came, so the records of a
key keep their order. At most `max_queued` batches a partition wait here
(`wait_room()`), beside the one aiokafka holds and the one it is sending: enough to
keep reading while the broker answers, without holding megabytes the broker is not
ready for.

A batch may come with the future of its compression (on the producer's codec thread):
it is handed over once that is done, so the caller parses on meanwhile.

A batch that cannot be compressed or submitted fails its future, and so does every batch queued
behind it and every later one of that partition: the shipper treats that as an
outage and starts again from its checkpoints, so nothing goes out of order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

log = logging.getLogger(__name__)
_Queued = tuple[Any, Awaitable[None] | None, asyncio.Future]  # a batch, its compression, its delivery


class BatchQueues:
    def __init__(self, producer: Any, max_queued: int = 2) -> None:
        self._producer = producer  # an AIOKafkaProducer (started)
        self.max_queued = max(1, max_queued)
        self._room: dict[tuple[str, int], asyncio.Event] = {}
        self._queues: dict[tuple[str, int], asyncio.Queue[_Queued]] = {}
        self._tasks: dict[tuple[str, int], asyncio.Task] = {}
        self._failed: dict[tuple[str, int], BaseException] = {}
        self._closed = False

    async def wait_room(self, topic: str, partition: int) -> None:
        """Returns once the partition has fewer than `max_queued` batches waiting (or has failed)."""
        tp = (topic, partition)
        while (queue := self._queues.get(tp)) is not None and queue.qsize() >= self.max_queued \
                and tp not in self._failed:
            room = self._room.setdefault(tp, asyncio.Event())
            room.clear()
            await room.wait()

    def submit(self, topic: str, partition: int, batch: Any, compressed: Awaitable[None] | None = None) \
            -> asyncio.Future:
        """The future resolves with the batch's metadata once Kafka acknowledged it, or fails.
        `compressed`: done when the batch is ready to be handed over."""
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        tp = (topic, partition)
        if self._closed:
            fut.set_exception(ConnectionAbortedError(f"producer closed before {tp} was sent"))
            return fut
        if tp in self._failed:
            fut.set_exception(self._failed[tp])
            return fut
        queue = self._queues.get(tp)
        if queue is None:
            queue = self._queues[tp] = asyncio.Queue()
            self._tasks[tp] = asyncio.create_task(self._hand_over(tp, queue), name=f"kafka-batches-{topic}-{partition}")
        queue.put_nowait((batch, compressed, fut))
        return fut

    async def _hand_over(self, tp: tuple[str, int], queue: asyncio.Queue[_Queued]) -> None:
        topic, partition = tp
        while True:
            batch, compressed, fut = await queue.get()
            self._wake(tp)
            try:
                if compressed is not None:
                    await compressed
                delivery = await self._producer.send_batch(batch, topic, partition=partition)
            except asyncio.CancelledError:
                _set_exception(fut, ConnectionAbortedError(f"producer closed while {tp} was being sent"))
                raise
            except Exception as exc:  # not compressed, closed, timed out, no metadata: this partition stops here
                log.warning("kafka batch for %s[%d] not submitted: %r", topic, partition, exc)
                self._fail(tp, queue, fut, exc)
                return
            delivery.add_done_callback(lambda d, f=fut: _settle(f, d))

    def _fail(self, tp: tuple[str, int], queue: asyncio.Queue[_Queued], fut: asyncio.Future,
              exc: BaseException) -> None:
        self._failed[tp] = exc
        _set_exception(fut, exc)
        while not queue.empty():
            _set_exception(queue.get_nowait()[2], exc)
        self._wake(tp)

    def _wake(self, tp: tuple[str, int]) -> None:
        room = self._room.get(tp)
        if room is not None:
            room.set()

    async def close(self) -> None:
        """Stops the tasks; batches not yet submitted fail their futures (the caller's checkpoints
        never passed them)."""
        self._closed = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for tp, queue in self._queues.items():
            while not queue.empty():
                _set_exception(queue.get_nowait()[2], ConnectionAbortedError(f"producer closed before {tp} was sent"))
            self._wake(tp)
        self._tasks.clear()
        self._queues.clear()


def _settle(fut: asyncio.Future, delivery: asyncio.Future) -> None:
    if fut.done():
        return
    if delivery.cancelled():
        fut.cancel()
    elif (exc := delivery.exception()) is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(delivery.result())


def _set_exception(fut: asyncio.Future, exc: BaseException) -> None:
    if not fut.done():
        fut.set_exception(exc)
