"""A Kafka record never exceeds `MAX_RECORD_BYTES`, whatever the record's bytes: JSON
escapes a control byte into six, so a record within the parse bounds can encode to
~1.5 MB, which a broker with the default `message.max.bytes` refuses on every retry."""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from sinks.codec import FLAG_RECORD_TOO_LARGE, MAX_RECORD_BYTES, encode_event

HEAD = b"2026-11-26 10:15:30.112 [main] ERROR c.f.pay.OrderService - "
CONTROL = bytes(c for c in range(1, 32) if c not in (9, 10, 13))


def events_of(data: bytes) -> list:
    asm = Assembler(ParseOptions(format="logback", multiline="java"), Source("h", "s", "/p", "f"), 0)
    return asm.feed(data, 0, 0) + asm.finish(0)


def test_a_record_of_control_bytes_is_cut_to_the_record_bound_and_flagged():
    (ev,) = events_of(HEAD + b"garbage\n" + b"".join(CONTROL * 8 + b"\n" for _ in range(2000)))
    doc = ev.to_ecs()
    assert len(orjson.dumps(doc)) > MAX_RECORD_BYTES  # the parse bounds alone do not keep it small
    value = encode_event(doc)
    assert len(value) <= MAX_RECORD_BYTES
    out = orjson.loads(value)
    assert out["logpipe"]["truncated"] is True and FLAG_RECORD_TOO_LARGE in out["logpipe"]["flags"]
    assert out["event"]["id"] == doc["event"]["id"] and out["log"] == doc["log"]
    assert doc["message"].startswith(out["message"]) and len(out["message"]) > 100_000
    assert encode_event(doc) == value  # the same event shipped again is the same record
    assert FLAG_RECORD_TOO_LARGE not in doc["logpipe"].get("flags", [])  # the caller's document is untouched


def test_a_record_within_the_bound_is_encoded_as_it_is():
    (ev,) = events_of(HEAD + b"fine \x01\x02\n")
    doc = ev.to_ecs()
    assert encode_event(doc) == orjson.dumps(doc)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["message", "a", "b"]),
                       st.text(alphabet=st.sampled_from("\x01\x1f\"\\a中\ufffd"), max_size=3000), min_size=1),
       st.integers(min_value=300, max_value=4000))
def test_any_document_fits_the_bound_it_is_given(doc, max_bytes):
    doc = {"event": {"id": "x"}, "nested": [doc, {"k": doc.get("a", "")}], **doc}
    value = encode_event(doc, max_bytes)
    assert len(value) <= max_bytes
    assert orjson.loads(value)["event"]["id"] == "x"
