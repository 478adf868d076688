"""What arrived: documents in Elasticsearch by sequence number, consumer lag, alerts on
the alerts topic; and the signatures the generated throw sites must have."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from elasticsearch import AsyncElasticsearch

from bench.chaos.stages import INDEX_PREFIX
from bench.chaos.writer import SEQ_PATTERN, render
from parsers.assemble import Assembler, Source
from pipeline.config.load import load_config, to_parse_options

SEQ = re.compile(SEQ_PATTERN)
INDICES = f"{INDEX_PREFIX}-*"


def expected_signatures(config: Path, used: set[int]) -> dict[str, int]:
    """signature hash -> signature number, by the parsers themselves on one event of each throw site."""
    from datetime import datetime, timezone

    cfg = load_config(str(config), {})
    out: dict[str, int] = {}
    for sig in sorted(used):
        text = (render(0, sig, datetime.now(timezone.utc)) + render(1, None, datetime.now(timezone.utc))).encode()
        asm = Assembler(to_parse_options(cfg, cfg.inputs[0]), Source("h", "s", "/p", "f"))
        events = asm.feed(text, 0, 0) + asm.finish(0)
        sigs = [e.signature for e in events if e.signature]
        if len(sigs) != 1:
            raise RuntimeError(f"throw site {sig} gave signatures {sigs}")
        out[sigs[0]] = sig
    if len(out) != len(used):
        raise RuntimeError("two generated throw sites share a signature")
    return out


async def es_count(es_url: str) -> int:
    es = AsyncElasticsearch(es_url, request_timeout=10, max_retries=0)
    try:
        return (await es.count(index=INDICES, ignore_unavailable=True, allow_no_indices=True)).body["count"]
    except Exception:  # down (the outage) or not there yet: no count this time
        return -1
    finally:
        await es.close()


@dataclass
class EsScan:
    docs: int = 0
    ids: set[str] = field(default_factory=set)
    seq_docs: dict[int, list[tuple[str, str, int]]] = field(default_factory=lambda: defaultdict(list))
    no_seq: int = 0
    no_seq_examples: list[str] = field(default_factory=list)  # id, path@offset, message head


async def scan(es_url: str, page: int = 10_000) -> EsScan:
    """Every document of the run's indices (point in time + search_after): seq -> (id, path, offset)."""
    es = AsyncElasticsearch(es_url, request_timeout=120, max_retries=3, retry_on_timeout=True)
    out = EsScan()
    try:
        await es.indices.refresh(index=INDICES)
        pit = (await es.open_point_in_time(index=INDICES, keep_alive="5m")).body["id"]
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"size": page, "sort": ["_shard_doc"], "pit": {"id": pit, "keep_alive": "5m"},
                                    "_source": ["message", "event.id", "log.file.path", "log.offset", "@timestamp"],
                                    "track_total_hits": False}
            if after is not None:
                body["search_after"] = after
            hits = (await es.search(**body)).body["hits"]["hits"]
            if not hits:
                break
            for h in hits:
                src = h["_source"]
                out.docs += 1
                eid = src.get("event", {}).get("id") or h["_id"]
                out.ids.add(eid)
                m = SEQ.search(src.get("message", ""))
                log = src.get("log", {})
                if m is None:
                    out.no_seq += 1
                    if len(out.no_seq_examples) < 5:
                        out.no_seq_examples.append(f"{eid} {log.get('file', {}).get('path', '?')}@"
                                                   f"{log.get('offset', -1)} @timestamp {src.get('@timestamp')}: "
                                                   f"{src.get('message', '')[:80]!r}")
                    continue
                out.seq_docs[int(m.group(1))].append((eid, log.get("file", {}).get("path", "?"), log.get("offset", -1)))
            after = hits[-1]["sort"]
        await es.close_point_in_time(id=pit)
    finally:
        await es.close()
    return out


async def end_offsets(bootstrap: str, topic: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        if not parts:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        return await consumer.end_offsets(tps) if tps else {}
    finally:
        await consumer.stop()


async def lag(bootstrap: str, group: str, ends: dict[TopicPartition, int]) -> int:
    """Records of the topic not yet committed by `group` (every partition counted; none committed = all)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    total = 0
    for tp, end in ends.items():
        meta = committed.get(tp)
        total += end - (meta.offset if meta is not None and meta.offset >= 0 else 0)
    return total


async def read_topic(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    """The whole topic, from the beginning to the end offsets seen when called."""
    ends = await end_offsets(bootstrap, topic)
    if not ends:
        return []
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    out: list[dict[str, Any]] = []
    try:
        consumer.assign(list(ends))
        await consumer.seek_to_beginning()
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                out.extend(orjson.loads(r.value) for r in records if r.value)
    finally:
        await consumer.stop()
    return out


def signature_alerts(alerts: list[dict[str, Any]], expected: dict[str, int] | None = None,
                     unexpected: list[str] | None = None) -> dict[str, tuple[set[str], int]]:
    """signature -> (distinct alert ids, raw records) of `new_signature` alerts; alerts for signatures
    not in `expected` are described in `unexpected`."""
    by: dict[str, tuple[set[str], int]] = {}
    for a in alerts:
        if a.get("rule") != "new_signature":
            continue
        if expected is not None and unexpected is not None and a.get("signature") not in expected:
            unexpected.append(f"{a.get('signature')} id {a.get('id')} host {a.get('host')} @timestamp "
                              f"{a.get('@timestamp')} {(a.get('error') or {}).get('type')} "
                              f"sample event {a.get('sample_event_id')}")
        ids, raw = by.get(a.get("signature") or "?", (set(), 0))
        ids.add(a.get("id"))
        by[a.get("signature") or "?"] = (ids, raw + 1)
    return by
