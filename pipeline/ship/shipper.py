"""The shipper stage: files → events → Kafka, exactly once into Elasticsearch.

    tailer ──chunks──▶ assembler (per file) ──events──▶ producer ──acks──▶ checkpoints

* A file's checkpoint moves only to the offset before which Kafka acknowledged every
  event (`AckTracker`); checkpoints are flushed every `checkpoint_interval_s` and on stop.
* Back-pressure: the producer bounds bytes in flight; while it waits, no chunk is
  pulled, so reading pauses and memory stays bounded.
* Outage: a failed delivery is treated like a crash without the process dying: stop
  reading, let in-flight sends settle, checkpoint what was acknowledged, close the
  producer, probe Kafka with back-off (one log line when the outage starts, one when
  it ends), then follow the files again from their checkpoints. Kafka may see an event
  twice; Elasticsearch stores it once, because `_id = event.id`.
* Discovery never pauses: the tailer starts before Kafka answers, and the tailer of a
  life ended by an outage keeps watching (finding, identifying, recording identities in
  the checkpoints, flushed while we wait) until the next life's tailer has started, so a
  file born and rotated out of the globs while Kafka is away is still read, once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

from parsers.assemble import Assembler, Source
from pipeline.config.load import to_parse_options, to_tail_inputs
from pipeline.metrics.registry import Metrics
from pipeline.ship.acks import AckTracker
from pipeline.ship.checkpointing import AckedCheckpoints
from pipeline.ship.metrics import SHIP
from pipeline.ship.outage import OutageRecovery
from pipeline.ship.send import KafkaOutage, SendPath, ShippedFile
from pipeline.ship.state_lock import StateLock
from pipeline.tail.checkpoint_file import CheckpointError
from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.date_hint import date_hint
from pipeline.tail.handover import hand_over_deleted
from pipeline.tail.lost_at_stop import count_lost, deleted_held
from pipeline.tail.metrics import TAIL
from pipeline.tail.tailer import Chunk, Tailer, TailerStopped
from sinks.codec import event_key
from sinks.kafka import EventProducer

log = logging.getLogger(__name__)


class Shipper(OutageRecovery, SendPath, AckedCheckpoints):
    """One life runs here (`_run_once`: the reader, the send loop, the checkpoint loop and the
    stall watch); the lives and outages are `OutageRecovery`'s, the batches and their
    acknowledgements `SendPath`'s, the checkpoint commits `AckedCheckpoints`'."""

    def __init__(self, cfg: Any, env: Mapping[str, str], metrics: Metrics | None = None, *,
                 checkpoint_interval_s: float = 1.0, poll_interval_s: float = 0.2,
                 stall_timeout_s: float = 10.0, state_lock: StateLock | None = None) -> None:
        self.cfg = cfg
        self.env = env
        self.metrics = metrics or Metrics()
        self.metrics.declare(SHIP)
        self.metrics.declare(TAIL)
        self.checkpoint_interval_s = checkpoint_interval_s
        self.poll_interval_s = poll_interval_s
        self.stall_timeout_s = stall_timeout_s
        self.state_lock = state_lock or StateLock(cfg.state.dir)  # held already by `logpipe ship`
        self.store = CheckpointStore(f"{cfg.state.dir}/checkpoints.json", metrics=self.metrics)
        self.tail_inputs = to_tail_inputs(cfg)
        self._options = {t: to_parse_options(cfg, i) for t, i in zip(self.tail_inputs, cfg.inputs)}
        self._default_options = to_parse_options(cfg)
        self._files: dict[str, ShippedFile] = {}
        self._moved: set[str] = set()  # file ids fed, polled or acknowledged since the last checkpoint
        self._holding: set[str] = set()  # file ids whose last record waits for its end (idle flush)
        self._failure: BaseException | None = None
        self._stopping = asyncio.Event()
        self.tailer: Tailer | None = None
        self._watching: Tailer | None = None  # discovering while no life runs (Kafka not there yet, or away)

    # -- lifecycle -------------------------------------------------------------------
    def stop(self) -> None:
        """Asks `run()` to flush, checkpoint and return (safe from a signal handler)."""
        self._stopping.set()

    async def run(self) -> None:
        await asyncio.to_thread(self.state_lock.acquire)  # no other shipper reads or writes this state
        try:
            await self._run_locked()
        finally:
            self.state_lock.release()

    async def _run_locked(self) -> None:
        await self.store.load()
        self._watching = self._new_tailer()
        await self._watching.start()
        try:
            await self._save_identities()  # what the first scan identified survives a kill from now on
            await self._ensure_topics()
            await self._lives()
        finally:
            if self._watching is not None:  # no life runs: nothing in flight, its checkpoints are final
                held = await deleted_held(self._watching)
                await self._watching.stop()
                count_lost(self._watching, held)
                self._watching = None

    def _new_tailer(self) -> Tailer:
        return Tailer(self.tail_inputs, self.store, metrics=self.metrics)

    # -- one life of the pipeline, from the checkpoints to an outage or stop -------------
    async def _run_once(self) -> None:
        self._files.clear()
        self._moved.clear()
        self._holding.clear()
        self._failure = None
        producer = EventProducer(self.cfg.kafka, self.env, self.metrics)
        await producer.start()
        watching, self._watching = self._watching, None
        if watching is not None and watching.chunks_handed_out == 0:
            tailer = watching  # it has only discovered: its offsets are the checkpoints'
        else:
            tailer = self._new_tailer()
            try:
                await tailer.start()  # before the old one stops: no moment without discovery
            except BaseException:
                self._watching = watching  # still the one discovering; stopped by run()
                raise
            if watching is not None:
                await hand_over_deleted(watching, tailer)  # what exists only through its descriptors
                await watching.stop()
        self.tailer = tailer
        queue: asyncio.Queue[Chunk] = asyncio.Queue(maxsize=4)
        reader = asyncio.create_task(self._read(tailer, queue), name="ship-reader")
        checkpointer = asyncio.create_task(self._checkpoint_loop(), name="ship-checkpoints")
        shipping = asyncio.create_task(self._ship(producer, queue, reader), name="ship-send")
        watchdog = asyncio.create_task(self._stall_watch(producer, shipping), name="ship-stall-watch")
        try:
            try:
                await shipping
            except asyncio.CancelledError:
                if isinstance(self._failure, KafkaOutage) and not self._stopping.is_set():
                    raise self._failure from None  # the watchdog stopped a send stuck on a dead broker
                raise
        finally:
            shipping.cancel()
            reader.cancel()
            checkpointer.cancel()
            watchdog.cancel()
            await asyncio.gather(reader, checkpointer, watchdog, shipping, return_exceptions=True)
            held = []
            if self._failure is not None and not self._stopping.is_set():
                self._watching = tailer  # not read any more, but it goes on discovering until the next life
            else:
                held = await deleted_held(tailer)
                await tailer.stop()
            # after a failure, what is still in flight will not be acknowledged: don't wait for it long
            await self._drain(producer, timeout_s=60.0 if self._failure is None else 3.0)
            await self._checkpoint()
            count_lost(tailer, held)

    async def _read(self, tailer: Tailer, queue: asyncio.Queue[Chunk]) -> None:
        while True:
            try:
                chunk = await tailer.next_chunk()
            except TailerStopped:
                return
            await queue.put(chunk)

    async def _ship(self, producer: EventProducer, queue: asyncio.Queue[Chunk], reader: asyncio.Task) -> None:
        topic = self.cfg.kafka.topic_events
        last_poll = time.monotonic()
        while not self._stopping.is_set():
            if self._failure is not None:
                raise KafkaOutage(repr(self._failure))
            if reader.done():
                reader.result()  # surfaces a tailer failure
                return
            chunk = None
            try:
                async with asyncio.timeout(self.poll_interval_s):  # not wait_for: in 3.11 it can swallow a cancel
                    chunk = await queue.get()
            except TimeoutError:
                pass
            now_ms = int(time.time() * 1000)
            if chunk is not None:
                if chunk.file.file_id not in self._files:
                    await self._persist_identity(chunk.file.file_id)
                f = self._file_for(chunk)
                events = f.assembler.feed(chunk.data, chunk.offset, now_ms) if chunk.data else []
                if chunk.final:
                    events += f.assembler.finish(now_ms)
                    f.final = True
                self._moved.add(chunk.file.file_id)
                if f.assembler.holds_records:
                    self._holding.add(chunk.file.file_id)
                self.metrics.inc("ship_bytes_read", len(chunk.data))
                self.metrics.inc("ship_lines_read", chunk.data.count(b"\n"))
                await self._send(producer, topic, f, events)
            if time.monotonic() - last_poll >= self.poll_interval_s and queue.empty():
                last_poll = time.monotonic()
                # a pending multi-line record closes on idle only when its file has nothing left to
                # read: while catching up, the rest of a stack trace may be on disk, not yet read
                # only files whose last record waits for its end: following many idle files costs nothing
                unread = self.tailer.unread_file_ids() if self._holding and self.tailer is not None else set()
                # the writer's silence counts too: a file read to its end and last written
                # flush_after_ms ago (read from behind) closes its last record now
                written = await self.tailer.last_writes(self._holding - unread) \
                    if self._holding and self.tailer is not None else {}
                for file_id in list(self._holding):
                    f = self._files.get(file_id)
                    if f is None or not f.assembler.holds_records:
                        self._holding.discard(file_id)
                        continue
                    if file_id in unread:
                        continue
                    size, written_ms = written.get(file_id, (None, None))
                    events = f.assembler.poll(now_ms, written_ms if size == f.assembler.next_offset else None)
                    if events:
                        self._moved.add(file_id)
                        await self._send(producer, topic, f, events)

    async def _persist_identity(self, file_id: str) -> None:
        try:
            await self.store.persist_identity(file_id)
        except CheckpointError as exc:  # disk full, read-only: shipping goes on, the periodic flush reports it
            self.metrics.inc("ship_checkpoint_failures")
            log.warning("identity of a new file not saved before its first event: %s", exc)

    def _file_for(self, chunk: Chunk) -> ShippedFile:
        info = chunk.file
        f = self._files.get(info.file_id)
        if f is not None and (chunk.offset != f.assembler.next_offset or (f.final and chunk.data)):
            # the same identity delivered again from its checkpoint (a copytruncate copy carrying on
            # a truncated file): start over there; re-sent events keep their ids
            self.metrics.inc("ship_file_restarts")
            f = None
        if f is None:
            options = self._options.get(info.input, self._default_options)
            host = self.cfg.host.name
            # a followed file is being written now: its day is today's unless its name says otherwise
            hint = date_hint(info.path, time.time(), options.timezone)
            asm = Assembler(options, Source(host, info.service, info.path, info.file_id, hint), chunk.offset)
            f = self._files[info.file_id] = ShippedFile(asm, AckTracker(), event_key(host, info.path))
        return f
