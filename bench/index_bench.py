"""Indexer benchmark: `pipeline.index.stage.Indexer` from a prepared topic into the local
Elasticsearch, against the raw `async_bulk` of the same documents in the same run.

    python3 bench/index_bench.py                     # the first 200,000 events of the workload
    python3 bench/index_bench.py --docs 500000

Preparation (not timed): the first N events of the generated workload are parsed and
encoded as the shipper does, and produced to a fresh 6-partition topic.
Figures, each into its own fresh index prefix with the project's index template:
  baseline   `elasticsearch.helpers.async_bulk` of the same documents (dicts, `_id` =
             event.id, daily index from @timestamp), chunks of `bulk_max_docs` (500):
             the floor of any Kafka-to-Elasticsearch indexer that sends these documents;
  indexer    the indexer stage (`IndexerOptions(once=True)`): consume, batch, bulk,
             commit offsets after each poll's bulk, until every partition is caught up.
Both counts are checked in Elasticsearch (refresh, count == N). Topic, indices and
templates are deleted afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402
from aiokafka import AIOKafkaProducer  # noqa: E402
from elasticsearch import AsyncElasticsearch  # noqa: E402
from elasticsearch.helpers import async_bulk  # noqa: E402

from bench.benchlib import (DEFAULT_GENERATOR, REPO, add_service_options, delete_topics, print_machine,  # noqa: E402
                            workload)
from parsers.assemble import Assembler, Source  # noqa: E402
from pipeline.config.load import load_config, parse_config, to_parse_options  # noqa: E402
from pipeline.index.stage import Indexer, IndexerOptions  # noqa: E402
from pipeline.metrics.registry import Metrics  # noqa: E402
from sinks.codec import encode_event, event_key  # noqa: E402
from sinks.es_bulk import daily_index, utc_date  # noqa: E402
from sinks.es_template import put_template  # noqa: E402


def first_events(path: Path, n: int) -> list[bytes]:
    cfg = load_config(str(REPO / "bench" / "workload.toml"), os.environ, hostname="bench")
    asm = Assembler(to_parse_options(cfg, cfg.inputs[0]), Source("bench", "pay", str(path), "f"), 0)
    out: list[bytes] = []
    offset, now_ms = 0, int(time.time() * 1000)
    with open(path, "rb") as f:
        while len(out) < n and (chunk := f.read(256 * 1024)):
            out += [encode_event(ev) for ev in asm.feed(chunk, offset, now_ms)]
            offset += len(chunk)
    return out[:n]


async def prepare_topic(bootstrap: str, topic: str, values: list[bytes]) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=6, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=1024 * 1024,
                                compression_type="gzip", acks="all")
    await producer.start()
    try:
        pending = []
        for i, value in enumerate(values):
            pending.append(await producer.send(topic, value, key=event_key("bench", f"/f{i % 12}")))
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def count(es: AsyncElasticsearch, prefix: str) -> int:
    await es.indices.refresh(index=f"{prefix}-*")
    return (await es.count(index=f"{prefix}-*"))["count"]


async def run_baseline(es: AsyncElasticsearch, prefix: str, values: list[bytes], chunk: int) -> float:
    await put_template(es, prefix)
    docs = [orjson.loads(v) for v in values]

    def actions():
        for doc in docs:
            yield {"_index": daily_index(prefix, utc_date(doc.get("@timestamp")) or "1970.01.01"),
                   "_id": doc["event"]["id"], "_source": doc}

    t0 = time.perf_counter()
    ok, errors = await async_bulk(es, actions(), chunk_size=chunk, max_chunk_bytes=5 * 1024 * 1024,
                                  raise_on_error=True)
    secs = time.perf_counter() - t0
    assert ok == len(values) and not errors, (ok, errors)
    return secs


async def run_indexer(bootstrap: str, es_url: str, topic: str, prefix: str) -> tuple[float, Metrics]:
    cfg = parse_config(f"""
[kafka]
bootstrap = "{bootstrap}"
topic_events = "{topic}"
topic_deadletter = "{topic}.deadletter"
group_index = "{topic}-index"
[elasticsearch]
hosts = ["{es_url}"]
index_prefix = "{prefix}"
""", source="index-bench.toml")
    metrics = Metrics()
    indexer = Indexer(cfg, {}, metrics=metrics, options=IndexerOptions(once=True))
    t0 = time.perf_counter()
    async with indexer:
        await indexer.run()
    return time.perf_counter() - t0, metrics


async def main_async(args: argparse.Namespace) -> int:
    path = workload(args.events, args.seed, args.generator, args.workload)
    print_machine()
    run_id = uuid.uuid4().hex[:10]
    topic, p_index, p_base = f"bench-index-{run_id}", f"bench-idx-{run_id}", f"bench-raw-{run_id}"
    values = first_events(path, args.docs)
    mib = sum(map(len, values)) / 2**20
    print(f"docs      {len(values):,} events of {path.name} ({mib:,.0f} MiB of JSON)")
    await prepare_topic(args.bootstrap, topic, values)
    es = AsyncElasticsearch(args.es, request_timeout=120)
    try:
        idx_s, metrics = await run_indexer(args.bootstrap, args.es, topic, p_index)
        idx_count = await count(es, p_index)
        base_s = await run_baseline(es, p_base, values, args.chunk)
        base_count = await count(es, p_base)
        assert idx_count == base_count == len(values), (idx_count, base_count, len(values))
    finally:
        if not args.keep:
            for prefix in (p_index, p_base):
                await es.options(ignore_status=404).indices.delete(index=f"{prefix}-*")
                await es.options(ignore_status=404).indices.delete_index_template(name=prefix)
            await delete_topics(args.bootstrap, [topic, f"{topic}.deadletter"])
        await es.close()
    n = len(values)
    print(f"baseline  {base_s:7.2f} s  {n / base_s:>10,.0f} docs/s  {mib / base_s:6.1f} MiB/s  "
          f"(async_bulk, chunks of {args.chunk}, {base_count:,} docs counted)")
    print(f"indexer   {idx_s:7.2f} s  {n / idx_s:>10,.0f} docs/s  {mib / idx_s:6.1f} MiB/s  "
          f"{base_s / idx_s:5.2f}x baseline  ({idx_count:,} docs counted; from start to caught up)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--events", type=int, default=2_000_000, help="the workload to take the documents from")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workload")
    ap.add_argument("--generator", default=str(DEFAULT_GENERATOR))
    ap.add_argument("--chunk", type=int, default=500, help="baseline documents per bulk (the indexer's default)")
    add_service_options(ap)
    return asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
