"""Reads a whole topic (no consumer group) to check what a stage produced."""

from __future__ import annotations

import re
import time

import orjson
from aiokafka import AIOKafkaConsumer

SEQ = re.compile(r"seq=(\d{8})")


async def read_events(bootstrap: str, topic: str, until: "callable", timeout_s: float) -> list[dict]:
    """All documents of `topic` from the beginning, until `until(docs)` is true or the timeout."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    docs: list[dict] = []
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                docs.extend(orjson.loads(r.value) for r in records)
            if until(docs):
                break
    finally:
        await consumer.stop()
    return docs


def seqs_by_id(docs: list[dict]) -> dict[int, set[str]]:
    """seq number → the event ids it was shipped under."""
    out: dict[int, set[str]] = {}
    for d in docs:
        m = SEQ.search(d.get("message", ""))
        if m:
            out.setdefault(int(m.group(1)), set()).add(d["event"]["id"])
    return out


def has_all(n: int, start: int = 0):
    """A stop condition for `read_events`: every seq in [start, start + n) seen (checked incrementally)."""
    seen: set[int] = set()
    checked = 0

    def done(docs: list[dict]) -> bool:
        nonlocal checked
        for d in docs[checked:]:
            m = SEQ.search(d.get("message", ""))
            if m:
                seen.add(int(m.group(1)))
        checked = len(docs)
        return len(seen) >= n and all(s in seen for s in range(start, start + n))

    return done
