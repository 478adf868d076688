"""A pure bulk batcher: event documents in, `_bulk` request bodies out. No IO, no clock.

Like elasticsearch-py's bulk chunker, `feed(doc)` returns a full batch when one is
ready and `flush()` returns what is left. A batch holds at most `max_docs` documents
and at most `max_bytes` of NDJSON, except a single document larger than `max_bytes`,
which travels alone (Elasticsearch decides whether it is too large).

Each document becomes `index` with `_id = event.id` into the daily index
`<prefix>-YYYY.MM.DD`, the UTC date of its `@timestamp`. Both are functions of the
record alone, so indexing a record twice replaces it instead of adding a copy. A
document without `event.id` gets an id derived from its Kafka position (topic,
partition, offset); one whose `@timestamp` cannot be read is dated by the Kafka
record's timestamp. Both fallbacks are counted on the batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class RecordRef:
    """Where a document came from. `value` is the raw record, kept for the dead-letter topic."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int = 0
    value: bytes | None = None


@dataclass(frozen=True, slots=True)
class BulkItem:
    index: str
    doc_id: str
    lines: bytes  # action line + source line, each ending in b"\n"
    ref: RecordRef
    id_fallback: bool = False
    date_fallback: bool = False


@dataclass(slots=True)
class Batch:
    items: list[BulkItem] = field(default_factory=list)
    nbytes: int = 0

    def __len__(self) -> int:
        return len(self.items)

    @property
    def body(self) -> bytes:
        """The NDJSON body of `POST _bulk`."""
        return b"".join(item.lines for item in self.items)

    @property
    def id_fallbacks(self) -> int:
        return sum(1 for item in self.items if item.id_fallback)

    @property
    def date_fallbacks(self) -> int:
        return sum(1 for item in self.items if item.date_fallback)


def fallback_id(topic: str, partition: int, offset: int) -> str:
    """A deterministic `_id` for a document without `event.id`: its Kafka position."""
    key = f"kafka\x1f{topic}\x1f{partition}\x1f{offset}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(key, digest_size=16).hexdigest()


def utc_date(timestamp: Any) -> str | None:
    """`YYYY.MM.DD` of an ISO 8601 string (no offset: UTC) or epoch milliseconds; None if unreadable."""
    try:
        if isinstance(timestamp, str):
            moment = datetime.fromisoformat(timestamp)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
        elif isinstance(timestamp, int) and not isinstance(timestamp, bool):
            moment = datetime.fromtimestamp(timestamp / 1000, tz=timezone.utc)
        else:
            return None
        return moment.astimezone(timezone.utc).strftime("%Y.%m.%d")
    except (ValueError, OverflowError, OSError):
        return None


def daily_index(prefix: str, date: str) -> str:
    return f"{prefix}-{date}"


def to_item(prefix: str, doc: dict[str, Any], ref: RecordRef, source: bytes | None = None) -> BulkItem:
    """One document as a bulk `index` action (pure). `source` is the document already
    encoded as one line of JSON (the Kafka value), which saves encoding it again."""
    event = doc.get("event")
    doc_id = event.get("id") if isinstance(event, dict) else None
    id_fallback = not (isinstance(doc_id, str) and doc_id)
    if id_fallback:
        doc_id = fallback_id(ref.topic, ref.partition, ref.offset)
    date = utc_date(doc.get("@timestamp"))
    date_fallback = date is None
    if date is None:
        date = utc_date(ref.timestamp_ms) or "1970.01.01"
    index = daily_index(prefix, date)
    action = orjson.dumps({"index": {"_index": index, "_id": doc_id}})
    if source is None or b"\n" in source or b"\r" in source:
        source = orjson.dumps(doc)
    return BulkItem(index, doc_id, action + b"\n" + source + b"\n", ref, id_fallback, date_fallback)


class BulkBatcher:
    """Groups documents into batches bounded by document count and NDJSON bytes."""

    def __init__(self, index_prefix: str, *, max_docs: int, max_bytes: int) -> None:
        if max_docs < 1 or max_bytes < 1:
            raise ValueError("max_docs and max_bytes must be positive")
        self.index_prefix = index_prefix
        self.max_docs = max_docs
        self.max_bytes = max_bytes
        self._batch = Batch()

    @property
    def pending(self) -> int:
        """Documents fed and not yet returned in a batch."""
        return len(self._batch)

    def feed(self, doc: dict[str, Any], ref: RecordRef, source: bytes | None = None) -> Batch | None:
        """Add one document; returns the previous batch when this document does not fit in it."""
        return self.feed_item(to_item(self.index_prefix, doc, ref, source))

    def feed_item(self, item: BulkItem) -> Batch | None:
        """As elasticsearch-py's chunker: a batch is returned when the next document does
        not fit in it (by count or bytes), so `pending` never exceeds `max_docs`."""
        ready: Batch | None = None
        size = len(item.lines)
        batch = self._batch
        if batch.items and (len(batch) >= self.max_docs or batch.nbytes + size > self.max_bytes):
            ready, self._batch = batch, Batch()
        self._batch.items.append(item)
        self._batch.nbytes += size
        return ready

    def flush(self) -> Batch:
        """What is left (possibly an empty batch); the batcher starts empty again."""
        ready, self._batch = self._batch, Batch()
        return ready
