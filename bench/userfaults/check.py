"""Reads the whole events topic and compares it, line by line, with what the writer wrote.

A written line (its mark) must be in exactly one distinct event id; a record's lines in
one event id; an event id holds one record's lines. Lines lost in principle (their file
deleted at once, or deleted while the shipper was not running, before it was read) are
counted apart from real losses."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.userfaults.records import MARK, Record, marked_lines


async def read_topic(bootstrap: str, topic: str, timeout_s: float = 60) -> list[dict]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    docs: list[dict] = []
    try:
        deadline = time.monotonic() + timeout_s
        parts = None
        while not parts and time.monotonic() < deadline:
            parts = (await consumer._client.fetch_all_metadata()).partitions_for_topic(topic)
            if not parts:
                await asyncio.sleep(0.5)
        if not parts:
            return docs
        tps = [TopicPartition(topic, p) for p in parts]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        while time.monotonic() < deadline:
            if all([await consumer.position(tp) >= ends[tp] for tp in tps]):
                break
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                docs.extend(orjson.loads(r.value) for r in records)
    finally:
        await consumer.stop()
    return docs


@dataclass
class Verdict:
    records: int = 0
    lines: int = 0
    lost: int = 0  # lines no event carries
    lost_records: set[int] = field(default_factory=set)
    excused: int = 0  # lines lost in principle (file deleted before it could be read)
    doubled: int = 0  # lines in two or more distinct event ids
    split: int = 0  # records whose lines arrived in several event ids (none doubled)
    merged: int = 0  # event ids holding lines of several records
    examples: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if len(self.examples) < 6:
            self.examples.append(text)


def ids_by_line(docs: list[dict]) -> tuple[dict[tuple[int, int], set[str]], dict[str, set[int]]]:
    by_line: dict[tuple[int, int], set[str]] = {}
    by_event: dict[str, set[int]] = {}
    for d in docs:
        eid = d["event"]["id"]
        for rec, line in set(MARK.findall(orjson.dumps(d))):
            by_line.setdefault((int(rec), int(line)), set()).add(eid)
            by_event.setdefault(eid, set()).add(int(rec))
    return by_line, by_event


def judge(records: list[Record], docs: list[dict], excusable) -> Verdict:
    """`excusable(record)`: its file was deleted before the shipper could have read it."""
    by_line, by_event = ids_by_line(docs)
    v = Verdict(records=len(records))
    for r in records:
        ids: set[str] = set()
        doubled = False
        for i in marked_lines(r):
            v.lines += 1
            got = by_line.get((r.number, i), set())
            ids |= got
            if not got:
                if not r.expected or excusable(r):
                    v.excused += 1
                else:
                    v.lost += 1
                    v.lost_records.add(r.number)
                    v.note(f"lost r{r.number:08d} line {i} ({r.file}{''.join(', ' + t for t in sorted(r.tags))})")
            elif len(got) > 1:
                v.doubled += 1
                doubled = True
                v.note(f"doubled r{r.number:08d} line {i} ({r.file}) in {len(got)} ids")
        if len(ids) > 1 and not doubled:
            v.split += 1
            v.note(f"split r{r.number:08d} ({r.file}) over {len(ids)} events")
    for eid, recs in by_event.items():
        if len(recs) > 1:
            v.merged += 1
            v.note(f"merged event {eid[:12]} holds records {sorted(recs)[:4]}")
    return v
