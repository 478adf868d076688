"""End-to-end latency: `logpipe run` (ship, index and alert, each in a process of its own) against the
local Kafka and Elasticsearch, against a Kafka round trip measured in the same run.

    python3 bench/latency_bench.py                  # 200 lines, one every 100 ms
    python3 bench/latency_bench.py --lines 500 --interval-ms 50
    python3 bench/latency_bench.py --background-eps 20000   # while the same run moves 20,000 ev/s of other lines

Each measured line is an ERROR line with a Java exception of its own class (so a new
exception signature, hence one `new_signature` alert), followed in the same write by an
INFO line that closes the multi-line record (without it the record would wait for the
1 s flush timeout). Measured per line, from the write (after flush) to:
  alert       the alert naming its exception class read from the alerts topic;
  searchable  its event found by a search in Elasticsearch (polled every 50 ms; the
              index refreshes every second, Elasticsearch's default);
baseline: one record produced (acks=all, linger 5 ms, as the shipper's producer) and
consumed from a fresh topic, same count and pace, after the pipeline run.
Topics, consumer groups and indices are fresh and deleted afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # noqa: E402
from elasticsearch import AsyncElasticsearch  # noqa: E402

from bench.benchlib import REPO, add_service_options, delete_topics, follow_config, print_machine  # noqa: E402
from pipeline.figures import percentile  # noqa: E402

CLASS = re.compile(rb"LatProbe(\d{5})Exception")


def record(i: int) -> bytes:
    ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()) + ".000"
    return (f"{ts} [main] ERROR com.fpay.pay.Probe - seq={i:08d} latency probe\n"
            f"com.fpay.latency.LatProbe{i:05d}Exception: probe {i}\n"
            f"\tat com.fpay.latency.Probe{i:05d}.run(Probe.java:{i + 1})\n"
            f"\tat com.fpay.pay.Runner.loop(Runner.java:10)\n"
            f"{ts} [main] INFO  com.fpay.pay.Probe - closes the record of {i}\n").encode()


async def background_load(path: Path, events_per_s: int, stop: asyncio.Event) -> int:
    """Ordinary INFO lines appended to `path` at `events_per_s`, in a write every 10 ms,
    until `stop`; returns how many were written (behind schedule, it writes the backlog)."""
    written, start = 0, time.monotonic()
    with open(path, "ab") as f:
        while not stop.is_set():
            due = int((time.monotonic() - start) * events_per_s)
            if due > written:
                ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()) + ".000"
                f.write(b"".join(f"{ts} [load-{n % 8}] INFO  com.fpay.pay.Load - order {n:09d} settled amount=12.30\n"
                                 .encode() for n in range(written, due)))
                f.flush()
                written = due
            await asyncio.sleep(0.01)
    return written


def write_config(tmp: Path, run_id: str, bootstrap: str, es_url: str) -> Path:
    kafka = "\n".join([*(f'topic_{t} = "lat-{run_id}.{t}"' for t in ("events", "alerts", "signatures", "deadletter")),
                       f'group_index = "lat-{run_id}-index"', f'group_alert = "lat-{run_id}-alert"'])
    extra = f'[elasticsearch]\nhosts = ["{es_url}"]\nindex_prefix = "lat-{run_id}"\n[alerts]\noutputs = ["kafka"]\n'
    cfg = follow_config(tmp, host="latency", bootstrap=bootstrap, kafka=kafka, extra=extra)
    (tmp / "logs").mkdir()
    return cfg


class Watchers:
    """First time each probe number is seen as an alert and as a searchable document."""

    def __init__(self, bootstrap: str, es: AsyncElasticsearch, alerts_topic: str, index: str) -> None:
        self.bootstrap, self.es, self.alerts_topic, self.index = bootstrap, es, alerts_topic, index
        self.alert_at: dict[int, float] = {}
        self.alert_stamp_ms: dict[int, int] = {}  # the alert record's Kafka timestamp (the alerter's append)
        self.search_at: dict[int, float] = {}
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._alerts()), asyncio.create_task(self._search())]

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _alerts(self) -> None:
        consumer = AIOKafkaConsumer(self.alerts_topic, bootstrap_servers=self.bootstrap, group_id=None,
                                    auto_offset_reset="earliest", fetch_max_wait_ms=10, metadata_max_age_ms=1000)
        await consumer.start()
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=50)
                now = time.monotonic()
                for records in batch.values():
                    for r in records:
                        m = CLASS.search(r.value or b"")
                        if m:
                            self.alert_at.setdefault(int(m.group(1)), now)
                            self.alert_stamp_ms.setdefault(int(m.group(1)), r.timestamp)
        finally:
            await consumer.stop()

    async def _search(self) -> None:
        while True:
            try:
                res = await self.es.search(index=self.index, size=1000, source=["error.type"],
                                           query={"exists": {"field": "error.type"}}, filter_path="hits.hits._source",
                                           ignore_unavailable=True, allow_no_indices=True)
                now = time.monotonic()
                for hit in res.get("hits", {}).get("hits", []):
                    m = CLASS.search(hit["_source"]["error"]["type"].encode())
                    if m:
                        self.search_at.setdefault(int(m.group(1)), now)
            except Exception as exc:  # the index does not exist yet, or a transient error: poll again
                if not any(s in str(exc) for s in ("index_not_found", "no_shard_available")):  # a new index
                    print(f"search poll: {exc!r}", file=sys.stderr)
            await asyncio.sleep(0.05)


async def wait_for(pred, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not pred():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def probe_stamps(bootstrap: str, topic: str, probes: set[int]) -> dict[int, int]:
    """Kafka timestamp (ms, the shipper's append) of each probe's event on the events topic."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    found: dict[int, int] = {}
    try:
        deadline = time.monotonic() + 120
        while len(found) < len(probes) and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=10000)
            for records in batch.values():
                for r in records:
                    m = CLASS.search(r.value or b"")
                    if m and int(m.group(1)) in probes:
                        found.setdefault(int(m.group(1)), r.timestamp)
    finally:
        await consumer.stop()
    return found


def stages(written_wall: dict[int, float], written: dict[int, float], event_ms: dict[int, int],
           watchers: "Watchers") -> dict[str, list[float]]:
    """Where each probe's alert latency went, in seconds: line written -> its event appended to a
    Kafka batch by the shipper (tail, parse); -> the alert appended by the alerter (the event's
    send, the broker, the alerter's fetch, rules and state writes); -> the alert read here."""
    out: dict[str, list[float]] = {"to event": [], "event to alert": [], "alert to reader": []}
    for i in written:
        if i not in event_ms or i not in watchers.alert_stamp_ms:
            continue
        seen_wall = written_wall[i] + (watchers.alert_at[i] - written[i])
        out["to event"].append(event_ms[i] / 1000 - written_wall[i])
        out["event to alert"].append((watchers.alert_stamp_ms[i] - event_ms[i]) / 1000)
        out["alert to reader"].append(seen_wall - watchers.alert_stamp_ms[i] / 1000)
    return out


async def pipeline_latency(args: argparse.Namespace, run_id: str, tmp: Path) -> tuple[list[float], list[float]]:
    cfg = write_config(tmp, run_id, args.bootstrap, args.es)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LOGPIPE_KAFKA", None)
    env.pop("LOGPIPE_ES", None)
    log = tmp / "logs" / "app.log"
    log.write_bytes(b"")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", "--config", str(cfg), "--quiet"],
                            cwd=tmp, env=env, stdout=open(tmp / "run.log", "wb"), stderr=subprocess.STDOUT)
    es = AsyncElasticsearch(args.es)
    watchers = Watchers(args.bootstrap, es, f"lat-{run_id}.alerts", f"lat-{run_id}-*")
    written: dict[int, float] = {}
    written_wall: dict[int, float] = {}
    stop_load = asyncio.Event()
    load: asyncio.Task[int] | None = None
    try:
        await watchers.start()
        with open(log, "ab") as f:
            # warm-up: probe 0 goes through every stage before measuring
            f.write(record(0))
            f.flush()
            await wait_for(lambda: 0 in watchers.alert_at and 0 in watchers.search_at, 120, "the warm-up probe")
            if args.background_eps:
                load = asyncio.create_task(background_load(tmp / "logs" / "load.log", args.background_eps, stop_load))
                await asyncio.sleep(2.0)  # the load is moving before the first probe
            for i in range(1, args.lines + 1):
                f.write(record(i))
                f.flush()
                written[i] = time.monotonic()
                written_wall[i] = time.time()
                await asyncio.sleep(args.interval_ms / 1000)
        if load is not None:
            stop_load.set()
            args.background_written = await load
        await wait_for(lambda: all(i in watchers.alert_at and i in watchers.search_at for i in written), 300,
                       "every probe's alert and document")
    finally:
        stop_load.set()
        await watchers.stop()
        await es.close()
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
    alert = [watchers.alert_at[i] - written[i] for i in written]
    search = [watchers.search_at[i] - written[i] for i in written]
    event_ms = await probe_stamps(args.bootstrap, f"lat-{run_id}.events", set(written))
    args.stages = stages(written_wall, written, event_ms, watchers)
    return alert, search


async def kafka_round_trip(args: argparse.Namespace, topic: str) -> list[float]:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=args.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=args.bootstrap, group_id=None, auto_offset_reset="earliest",
                                fetch_max_wait_ms=10)
    producer = AIOKafkaProducer(bootstrap_servers=args.bootstrap, acks="all", enable_idempotence=True,
                                linger_ms=5, compression_type="gzip")
    await consumer.start()
    await producer.start()
    sent: dict[int, float] = {}
    got: dict[int, float] = {}

    async def consume() -> None:
        while len(got) < args.lines:
            batch = await consumer.getmany(timeout_ms=50)
            now = time.monotonic()
            for records in batch.values():
                for r in records:
                    if int(r.value) >= 0:
                        got.setdefault(int(r.value), now)

    try:
        reader = asyncio.create_task(consume())
        await producer.send_and_wait(topic, b"-1")  # warm-up (metadata, connection)
        for i in range(args.lines):
            sent[i] = time.monotonic()
            await producer.send(topic, str(i).encode())
            await asyncio.sleep(args.interval_ms / 1000)
        await asyncio.wait_for(reader, 60)
    finally:
        await producer.stop()
        await consumer.stop()
    return [got[i] - sent[i] for i in sent]


def row(name: str, values: list[float], base: list[float] | None = None) -> str:
    p50, p99 = percentile(values, 50) * 1000, percentile(values, 99) * 1000
    text = f"{name:<11} p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  max {max(values) * 1000:8.1f} ms"
    if base:
        text += f"  ({p50 / (percentile(base, 50) * 1000):6.1f}x / {p99 / (percentile(base, 99) * 1000):6.1f}x baseline)"
    return text


async def main_async(args: argparse.Namespace) -> int:
    print_machine()
    run_id = uuid.uuid4().hex[:10]
    with tempfile.TemporaryDirectory(prefix="latency-bench-") as d:
        try:
            alert, search = await pipeline_latency(args, run_id, Path(d))
            base = await kafka_round_trip(args, f"lat-{run_id}.roundtrip")
        finally:
            if not args.keep:
                es = AsyncElasticsearch(args.es)
                await es.options(ignore_status=404).indices.delete(index=f"lat-{run_id}-*")
                await es.options(ignore_status=404).indices.delete_index_template(name=f"lat-{run_id}")
                await es.close()
                await delete_topics(args.bootstrap, [f"lat-{run_id}.{t}" for t in
                                                     ("events", "alerts", "signatures", "deadletter", "roundtrip")])
    print(f"lines     {args.lines} probes, one every {args.interval_ms} ms")
    if args.background_eps:
        print(f"load      {args.background_written:,} background lines at {args.background_eps:,} ev/s into another "
              "file the same `logpipe run` follows, from 2 s before the first probe to the last")
    print(row("baseline", base) + "  (Kafka produce -> consume, acks=all, linger 5 ms)")
    print(row("alert", alert, base) + "  (line written -> new_signature alert on the alerts topic)")
    print(row("searchable", search, base) + "  (line written -> found by an Elasticsearch search)")
    for name, values in args.stages.items():
        if values:
            print(row(f"  {name}", values) + "  (alert, by stage: Kafka timestamps, this host's clock)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=200)
    ap.add_argument("--interval-ms", type=int, default=100)
    ap.add_argument("--background-eps", type=int, default=0,
                    help="ordinary lines per second written to another followed file while probing")
    add_service_options(ap)
    return asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
