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
import itertools
import logging
import time
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from parsers.assemble import Assembler, Source
from parsers.event import Event
from pipeline.config.load import to_parse_options, to_tail_inputs
from pipeline.metrics.registry import Metrics
from pipeline.ship.metrics import SHIP
from pipeline.tail.metrics import TAIL
from pipeline.ship.acks import AckTracker
from pipeline.tail.checkpoints import CheckpointError, CheckpointStore
from pipeline.tail.date_hint import date_hint
from pipeline.tail.tailer import Chunk, Tailer, TailerStopped
from sinks.backoff import Backoff
from sinks.codec import encode_event, event_key
from sinks.kafka import EventProducer, ensure_topics
from sinks.kafka_client import KafkaConfigError
from sinks.kafka_errors import check_access, config_fault

log = logging.getLogger(__name__)
_T = TypeVar("_T")
KAFKA_BACKOFF = Backoff(base_s=1.0, cap_s=30.0)  # waiting for the broker at start and during an outage


@dataclass
class _File:
    assembler: Assembler
    acks: AckTracker
    key: bytes
    final: bool = False
    partition: int | None = None  # where `key` goes, asked once per producer life
    committed: int = -1  # the offset last committed to the checkpoint store


class KafkaOutage(Exception):
    """A delivery failed; the shipper recovers from its checkpoints."""


class Shipper:
    def __init__(self, cfg: Any, env: Mapping[str, str], metrics: Metrics | None = None, *,
                 checkpoint_interval_s: float = 1.0, poll_interval_s: float = 0.2,
                 stall_timeout_s: float = 10.0) -> None:
        self.cfg = cfg
        self.env = env
        self.metrics = metrics or Metrics()
        self.metrics.declare(SHIP)
        self.metrics.declare(TAIL)
        self.checkpoint_interval_s = checkpoint_interval_s
        self.poll_interval_s = poll_interval_s
        self.stall_timeout_s = stall_timeout_s
        self.store = CheckpointStore(f"{cfg.state.dir}/checkpoints.json", metrics=self.metrics)
        self.tail_inputs = to_tail_inputs(cfg)
        self._options = {t: to_parse_options(cfg, i) for t, i in zip(self.tail_inputs, cfg.inputs)}
        self._default_options = to_parse_options(cfg)
        self._files: dict[str, _File] = {}
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
        await self.store.load()
        self._watching = self._new_tailer()
        await self._watching.start()
        try:
            await self._save_identities()  # what the first scan identified survives a kill from now on
            await self._ensure_topics()
            await self._lives()
        finally:
            if self._watching is not None:
                await self._watching.stop()
                self._watching = None

    def _new_tailer(self) -> Tailer:
        return Tailer(self.tail_inputs, self.store, metrics=self.metrics)

    async def _lives(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._run_once()
            except KafkaOutage as exc:
                fault = config_fault(exc, self.cfg.kafka) or config_fault(self._failure, self.cfg.kafka)
                if fault is not None:  # refused by the broker (TLS, SASL, ACLs): a retry cannot help
                    raise fault from None
                self.metrics.inc("ship_outages")
                since = time.monotonic()
                log.warning("kafka delivery failed (%s); reading paused, resuming from checkpoints when it answers",
                            exc)
                for attempt in itertools.count():
                    if self._stopping.is_set():
                        break
                    await self._save_identities()
                    if await self._kafka_answers():
                        log.warning("kafka answers again after %.1fs; resuming", time.monotonic() - since)
                        break
                    await self._sleep(KAFKA_BACKOFF.delay_s(attempt))

    async def _ensure_topics(self) -> None:
        k = self.cfg.kafka
        for attempt in itertools.count():
            if self._stopping.is_set():
                return
            try:
                await check_access(k, self.env)
                await ensure_topics(k, self.env, {k.topic_events: {"partitions": 6}})
                return
            except KafkaConfigError:
                raise
            except Exception as exc:  # broker not there yet: wait, log once per attempt, and retry
                fault = config_fault(exc, k)
                if fault is not None:
                    raise fault from None
                self.metrics.inc("ship_connect_failures")
                delay_s = KAFKA_BACKOFF.delay_s(attempt)
                log.warning("kafka at %s not reachable yet (%r); retrying in %.1fs", k.bootstrap, exc, delay_s)
                await self._save_identities()
                await self._sleep(delay_s)

    async def _save_identities(self) -> None:
        """While Kafka is away, the identities discovery records are flushed, so a restart
        finds a file rotated out of the globs by its inode (offsets move only after acks)."""
        try:
            await self.store.flush()
        except CheckpointError as exc:  # reported by the checkpoint loop too once shipping runs again
            self.metrics.inc("ship_checkpoint_failures")
            log.error("checkpoints not saved while waiting for kafka: %s", exc)

    async def _kafka_answers(self) -> bool:
        probe = EventProducer(self.cfg.kafka, self.env)
        try:
            await check_access(self.cfg.kafka, self.env)
            await asyncio.wait_for(probe.start(), 10)
            return True
        except KafkaConfigError:  # answers, but refuses these settings: the caller stops
            raise
        except Exception as exc:  # still down: the caller backs off and tries again
            log.debug("kafka probe failed: %r", exc)
            return False
        finally:
            await probe.stop()

    async def _sleep(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        except TimeoutError:
            pass

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
            if self._failure is not None and not self._stopping.is_set():
                self._watching = tailer  # not read any more, but it goes on discovering until the next life
            else:
                await tailer.stop()
            # after a failure, what is still in flight will not be acknowledged: don't wait for it long
            await self._drain(producer, timeout_s=60.0 if self._failure is None else 3.0)
            await self._checkpoint()

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
                for file_id in list(self._holding):
                    f = self._files.get(file_id)
                    if f is None or not f.assembler.holds_records:
                        self._holding.discard(file_id)
                        continue
                    if file_id in unread:
                        continue
                    events = f.assembler.poll(now_ms)
                    if events:
                        self._moved.add(file_id)
                        await self._send(producer, topic, f, events)

    def _file_for(self, chunk: Chunk) -> _File:
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
            f = self._files[info.file_id] = _File(asm, AckTracker(), event_key(host, info.path))
        return f

    async def _send(self, producer: EventProducer, topic: str, f: _File, events: list[Event]) -> None:
        """Events of one file, in offset order, in as few batches as fit, each acknowledged as a whole."""
        if not events:
            return
        if f.partition is None:
            f.partition = await self._kafka(producer.partition_for(topic, f.key))
        batch, first, count = producer.new_batch(), 0, 0
        for i, ev in enumerate(events):
            value = self._encode(ev)
            if batch.append(key=f.key, value=value, timestamp=None) is None:  # full: send it, start the next
                await self._send_batch(producer, topic, f, batch, events[first].offset, count)
                batch, first, count = producer.new_batch(), i, 0
                batch.append(key=f.key, value=value, timestamp=None)  # an empty batch takes any record
            count += 1
            if ev.truncated:
                self.metrics.inc("ship_events_truncated")
        await self._send_batch(producer, topic, f, batch, events[first].offset, count)

    async def _send_batch(self, producer: EventProducer, topic: str, f: _File, batch: Any, offset: int,
                          count: int) -> None:
        """The batch's first event is at `offset`: the checkpoint stays there until Kafka acknowledged it."""
        f.acks.sent(offset)
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
            return encode_event(ev.to_ecs())
        except (TypeError, ValueError) as exc:  # a parser let through what JSON cannot hold: ship it raw, flagged
            self.metrics.inc("ship_encode_errors", error=type(exc).__name__)
            log.error("event at %s:%s cannot be encoded (%r); shipping its raw text flagged encode_error",
                      ev.file_path, ev.offset, exc)
            raw = Event(ev.message[:64 * 1024], id=ev.id, host=ev.host, service=ev.service, file_path=ev.file_path,
                        file_id=ev.file_id, offset=ev.offset, end_offset=ev.end_offset, read_time=ev.read_time,
                        timestamp=ev.timestamp, flags=[*ev.flags, "encode_error"])
            return encode_event(raw.to_ecs())

    async def _stall_watch(self, producer: EventProducer, shipping: asyncio.Task) -> None:
        """Records in flight and no acknowledgement for `stall_timeout_s`: the broker is gone.
        Declaring the outage now (rather than when the client's own request timeout expires)
        stops its reconnect storm sooner and starts the paced probing."""
        while True:
            await asyncio.sleep(1.0)
            stalled = producer.stalled_for_s()
            if stalled >= self.stall_timeout_s:
                exc = KafkaOutage(f"no acknowledgement for {stalled:.0f}s with records in flight")
                self._failure = exc
                producer.fail_waiters(exc)
                shipping.cancel()  # it may be waiting inside the client, which only times out later
                return

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

    async def _drain(self, producer: EventProducer, timeout_s: float = 60.0) -> None:
        """Lets in-flight sends finish (acked or failed), then closes the producer."""
        deadline = time.monotonic() + timeout_s
        while producer.in_flight_bytes > 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        # the client gives up on what it holds after its request timeout: let it, so it closes whole
        stop_s = max(1.0, deadline - time.monotonic(), self.cfg.kafka.request_timeout_ms / 1000 + 5)
        try:
            await asyncio.wait_for(producer.stop(), stop_s)
        except Exception as exc:  # a broker that is down cannot take the last batch; checkpoints cover it
            self.metrics.inc("ship_producer_close_failures")
            log.warning("closing the kafka producer failed after %.0fs: %r", stop_s, exc)

    # -- checkpoints -------------------------------------------------------------------
    async def _checkpoint_loop(self, report_every_s: float = 60.0) -> None:
        failing_since: float | None = None
        reported = 0.0
        while True:
            await asyncio.sleep(self.checkpoint_interval_s)
            try:
                await self._checkpoint(if_changed=True)
            except CheckpointError as exc:  # disk full, read-only: keep shipping; a crash now re-reads more
                self.metrics.inc("ship_checkpoint_failures")
                now = time.monotonic()
                failing_since = failing_since or now
                if now - reported >= report_every_s:  # one line a minute while it lasts, not one a second
                    reported = now
                    log.error("checkpoints not saved for %.0fs: %s (shipping goes on; a restart would re-send "
                              "since the last saved checkpoint, which Elasticsearch deduplicates)",
                              now - failing_since, exc)
                continue
            if failing_since is not None:
                log.warning("checkpoints saved again after %.0fs", time.monotonic() - failing_since)
                failing_since, reported = None, 0.0

    async def _checkpoint(self, *, if_changed: bool = False) -> None:
        """Commits what Kafka acknowledged; `if_changed` (the periodic one) looks only at the files
        fed, polled or acknowledged since the last one."""
        ids, self._moved = (self._moved, set()) if if_changed else (list(self._files), set())
        for file_id in ids:
            f = self._files.get(file_id)
            if f is None:
                continue
            offset = f.acks.safe_offset(f.assembler.resume_offset)
            if offset != f.committed:
                await self.store.commit(file_id, offset)
                f.committed = offset
            if f.final and f.acks.outstanding == 0:
                del self._files[file_id]
        await self.store.flush(if_changed=if_changed)
        self.metrics.set("ship_files", len(self._files))
