"""The shipper's Kafka side alone: events already parsed, sent to a fresh topic of the local
broker one record at a time (`EventProducer.send`, the shipper's path before batches) and
in batches (`Shipper._send`, the path it takes now), per codec, in the same run.

    python3 bench/produce_bench.py                         # 100,000 events, gzip and zstd
    python3 bench/produce_bench.py --events 200000 --codecs gzip,zstd,lz4,none

The first N events of the workload (`ship_bench`'s, generated when missing) are parsed
beforehand and not timed. Every mode encodes each event (`encode_event`) as
the shipper does; `encode` alone is the baseline, so "Kafka us/event" is a mode's CPU
time above it, per event: what the producer, its callbacks, the record building, the
compression and the acknowledgement bookkeeping cost. Each mode runs until Kafka has
acknowledged every event (idempotent, acks=all) and checks the topic's end offsets.
CPU is this process's (the client's sender runs in the same event loop).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.benchlib import DEFAULT_GENERATOR, delete_topics, print_machine, topic_records, workload  # noqa: E402
from parsers.assemble import Assembler, Source  # noqa: E402
from parsers.event import Event  # noqa: E402
from pipeline.config.load import load_config, to_parse_options  # noqa: E402
from pipeline.ship.acks import AckTracker  # noqa: E402
from pipeline.ship.send import ShippedFile  # noqa: E402
from pipeline.ship.shipper import Shipper  # noqa: E402
from sinks.codec import encode_event, event_key  # noqa: E402
from sinks.kafka import EventProducer, ensure_topics  # noqa: E402

CHUNK = 256 * 1024


def parsed_events(path: Path, limit: int) -> list[list[Event]]:
    """The first `limit` events, grouped as the shipper gets them: one list per 256 KiB chunk."""
    cfg = load_config(None, {}, hostname="bench")
    asm = Assembler(to_parse_options(cfg), Source("bench", "pay", str(path), "f"), 0)
    chunks, n, offset = [], 0, 0
    with open(path, "rb") as f:
        while n < limit and (data := f.read(CHUNK)):
            events = asm.feed(data, offset, 0)[:limit - n]
            offset += len(data)
            n += len(events)
            chunks.append(events)
    return chunks


def encode_only(chunks: list[list[Event]]) -> None:
    for events in chunks:
        for ev in events:
            encode_event(ev)


async def per_record(producer: EventProducer, topic: str, chunks: list[list[Event]]) -> None:
    """One `send()` per event, its future and its AckTracker step each (the shipper's former path)."""
    acks, key = AckTracker(), event_key("bench", "/var/log/pay/app.log")
    last = None
    for events in chunks:
        for ev in events:
            acks.sent(ev.offset)
            last = await producer.send(topic, key, encode_event(ev))
            last.add_done_callback(lambda fu, off=ev.offset: acks.acked(off))
    await last
    while acks.outstanding:
        await asyncio.sleep(0.01)


async def batched(shipper: Shipper, producer: EventProducer, topic: str, chunks: list[list[Event]]) -> None:
    """`Shipper._send` per chunk: batches, one partition per file, one future per batch."""
    f = ShippedFile(None, AckTracker(), event_key("bench", "/var/log/pay/app.log"))  # type: ignore[arg-type]
    for events in chunks:
        await shipper._send(producer, topic, f, events)  # noqa: SLF001
    while f.acks.outstanding:
        if shipper._failure is not None:  # noqa: SLF001
            raise RuntimeError(f"delivery failed: {shipper._failure!r}")  # noqa: SLF001
        await asyncio.sleep(0.01)


async def run_mode(mode: str, codec: str, bootstrap: str, chunks: list[list[Event]], n: int) -> tuple[float, float]:
    cfg = load_config(None, {"LOGPIPE_KAFKA": bootstrap}, hostname="bench")
    cfg = replace(cfg, kafka=replace(cfg.kafka, compression=codec, topic_events=f"bench-produce-{uuid.uuid4().hex[:10]}"))
    topic = cfg.kafka.topic_events
    await ensure_topics(cfg.kafka, {}, {topic: {"partitions": 6}})
    producer = EventProducer(cfg.kafka, {})
    await producer.start()
    try:
        await producer.partition_for(topic, b"warm-up")  # metadata fetched before the clock starts
        t0, cpu0 = time.perf_counter(), time.process_time()
        if mode == "per-record":
            await per_record(producer, topic, chunks)
        else:
            await batched(Shipper(cfg, {}), producer, topic, chunks)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        await producer.stop()
    try:
        records = await topic_records(bootstrap, topic)
    finally:
        await delete_topics(bootstrap, [topic])
    if records != n:
        sys.exit(f"{mode} {codec}: {records} records in Kafka, expected {n}")
    return wall, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--workload-events", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--generator", default=str(DEFAULT_GENERATOR))
    ap.add_argument("--bootstrap", default=os.environ.get("LOGPIPE_KAFKA", "127.0.0.1:9092"))
    ap.add_argument("--codecs", default="gzip,zstd")
    ap.add_argument("--modes", default="per-record,batches")
    args = ap.parse_args()
    path = workload(args.workload_events, args.seed, args.generator)
    chunks = parsed_events(path, args.events)
    n = sum(map(len, chunks))
    print_machine()
    print(f"events    {n:,} of {path.name}, in {len(chunks)} chunks of 256 KiB")
    t0, cpu0 = time.perf_counter(), time.process_time()
    encode_only(chunks)
    enc_wall, enc_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(f"{'encode':<22} {enc_wall:6.2f} s  CPU {enc_cpu:6.2f} s  {enc_cpu * 1e6 / n:5.1f} us/event  (baseline)")
    for codec in args.codecs.split(","):
        for mode in args.modes.split(","):
            wall, cpu = asyncio.run(run_mode(mode, codec, args.bootstrap, chunks, n))
            print(f"{mode + ' ' + codec:<22} {wall:6.2f} s  CPU {cpu:6.2f} s  {cpu * 1e6 / n:5.1f} us/event  "
                  f"Kafka {(cpu - enc_cpu) * 1e6 / n:5.1f} us/event  {n / wall:>9,.0f} events/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
