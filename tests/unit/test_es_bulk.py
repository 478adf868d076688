"""The bulk batcher: bounds by count and bytes, daily index names in UTC, deterministic ids."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings, strategies as st

from sinks.es_bulk import BulkBatcher, RecordRef, fallback_id, to_item, utc_date


def doc(i: int, ts: str = "2026-11-26T10:00:00+00:00", pad: int = 0) -> dict:
    return {"@timestamp": ts, "message": "x" * pad + f"line {i}", "event": {"kind": "event", "id": f"id-{i}"}}


def ref(i: int) -> RecordRef:
    return RecordRef("logpipe.events", 0, i, 1_795_687_200_000)


def test_a_batch_is_returned_when_the_next_document_would_exceed_max_docs():
    b = BulkBatcher("logs", max_docs=3, max_bytes=10**9)
    out = [b.feed(doc(i), ref(i)) for i in range(7)]
    sizes = [len(x) for x in out if x is not None]
    assert sizes == [3, 3] and b.pending == 1 and len(b.flush()) == 1 and b.pending == 0


def test_a_batch_never_exceeds_max_bytes_unless_one_document_alone_does():
    one = len(to_item("logs", doc(0), ref(0)).lines)
    b = BulkBatcher("logs", max_docs=1000, max_bytes=one * 2 + 1)
    batches = [x for i in range(5) if (x := b.feed(doc(i), ref(i)))] + [b.flush()]
    assert [len(x) for x in batches] == [2, 2, 1]
    assert all(x.nbytes <= one * 2 + 1 and x.nbytes == len(x.body) for x in batches)
    big = BulkBatcher("logs", max_docs=1000, max_bytes=10)
    assert big.feed(doc(1, pad=100), ref(1)) is None and len(big.flush()) == 1


def test_the_body_is_ndjson_index_actions_with_event_id_as_id_into_the_daily_index():
    b = BulkBatcher("logpipe-events", max_docs=10, max_bytes=10**6)
    b.feed(doc(7, "2026-11-26T23:59:59.999+00:00"), ref(7))
    lines = b.flush().body.split(b"\n")
    assert orjson.loads(lines[0]) == {"index": {"_index": "logpipe-events-2026.11.26", "_id": "id-7"}}
    assert orjson.loads(lines[1])["message"] == "line 7" and lines[2] == b""


@pytest.mark.parametrize("ts, day", [
    ("2026-11-26T23:59:59.999+00:00", "2026.11.26"),
    ("2026-11-27T00:00:00Z", "2026.11.27"),
    ("2026-11-27T07:59:59+08:00", "2026.11.26"),  # Shanghai morning is yesterday in UTC
    ("2026-11-27T08:00:00.123456789+08:00", "2026.11.27"),
    ("2026-11-26T20:30:00-05:00", "2026.11.27"),  # New York evening is tomorrow in UTC
    ("2026-11-26T23:30:00", "2026.11.26"),  # no offset: UTC, as Elasticsearch reads it
    ("2024-12-31T23:59:59+00:00", "2024.12.31"),
    (1_795_737_599_999, "2026.11.26"),  # epoch milliseconds
])
def test_the_daily_index_is_the_utc_date_of_the_timestamp(ts, day):
    assert utc_date(ts) == day
    assert to_item("p", {"@timestamp": ts, "event": {"id": "a"}}, ref(0)).index == f"p-{day}"


def test_an_unreadable_timestamp_dates_the_document_by_its_kafka_record_and_is_counted():
    item = to_item("p", {"@timestamp": "yesterday", "event": {"id": "a"}}, ref(0))
    assert item.index == "p-2026.11.26" and item.date_fallback
    assert utc_date(None) is None and utc_date(True) is None and utc_date("2026-13-01") is None


def test_a_document_without_event_id_gets_an_id_from_its_kafka_position_and_is_counted():
    b = BulkBatcher("p", max_docs=10, max_bytes=10**6)
    b.feed({"@timestamp": "2026-11-26T00:00:00Z", "event": {"kind": "event"}}, RecordRef("t", 2, 41))
    b.feed({"@timestamp": "2026-11-26T00:00:00Z"}, RecordRef("t", 2, 42))
    b.feed(doc(1), RecordRef("t", 2, 43))
    batch = b.flush()
    assert batch.id_fallbacks == 2
    assert [i.doc_id for i in batch.items] == [fallback_id("t", 2, 41), fallback_id("t", 2, 42), "id-1"]
    assert fallback_id("t", 2, 41) == fallback_id("t", 2, 41) != fallback_id("t", 1, 41)


def test_the_kafka_value_is_used_as_source_unless_it_spans_lines():
    d = doc(1)
    raw = orjson.dumps(d)
    assert to_item("p", d, ref(1), raw).lines.endswith(b"\n" + raw + b"\n")
    pretty = orjson.dumps(d, option=orjson.OPT_INDENT_2)
    assert to_item("p", d, ref(1), pretty).lines.count(b"\n") == 2


@settings(max_examples=200, deadline=None)
@given(sizes=st.lists(st.integers(0, 300), max_size=60), max_docs=st.integers(1, 9),
       max_bytes=st.integers(1, 2000), flush_at=st.sets(st.integers(0, 60)))
def test_feed_and_flush_never_lose_or_double_a_document(sizes, max_docs, max_bytes, flush_at):
    b = BulkBatcher("p", max_docs=max_docs, max_bytes=max_bytes)
    out = []
    for i, pad in enumerate(sizes):
        if i in flush_at:
            out.append(b.flush())
        if (batch := b.feed(doc(i, pad=pad), ref(i))) is not None:
            out.append(batch)
        assert b.pending <= max_docs
    out.append(b.flush())
    ids = [item.doc_id for batch in out for item in batch.items]
    assert ids == [f"id-{i}" for i in range(len(sizes))]
    for batch in out:
        assert len(batch) <= max_docs
        assert batch.nbytes <= max_bytes or len(batch) == 1
