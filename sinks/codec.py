"""Events on the wire: one JSON object per Kafka record (orjson), keyed by host and file."""

from __future__ import annotations

from typing import Any

import orjson

from parsers.event import Event


# Kafka's default `message.max.bytes` is 1,048,588 per (compressed) batch; an uncompressed
# record above it is refused on every retry, and the shipper, which resumes from its
# checkpoint after a failed delivery, would send it again forever, holding back every
# file. The parse bounds keep a record's text under 256 KiB, but JSON escapes a
# control byte into six (`\u0001`), so a record of garbage can encode to ~1.5 MB.
MAX_RECORD_BYTES = 1_000_000
FLAG_RECORD_TOO_LARGE = "record_too_large"


def encode_event(item: Event | dict[str, Any], max_bytes: int = MAX_RECORD_BYTES) -> bytes:
    """An event (its `to_json()`) or an ECS document as the value of a Kafka record, at
    most `max_bytes`: a bigger one has its longest texts cut until it fits, and is marked
    `logpipe.truncated` with the flag `record_too_large` (deterministic: the same
    event encodes the same way when it is shipped again)."""
    value = item.to_json() if isinstance(item, Event) else orjson.dumps(item)
    if len(value) <= max_bytes:
        return value
    return _shrink(orjson.loads(value), max_bytes)


def _string_leaves(node: Any, out: list[tuple[Any, Any, str]]) -> list[tuple[Any, Any, str]]:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, str):
            out.append((node, key, value))
        else:
            _string_leaves(value, out)
    return out


def _shrink(doc: dict[str, Any], max_bytes: int) -> bytes:
    doc = orjson.loads(orjson.dumps(doc))  # a deep copy: the caller's document stays whole
    lp = doc.setdefault("logpipe", {})
    lp["truncated"] = True
    lp["flags"] = [*lp.get("flags", []), FLAG_RECORD_TOO_LARGE]
    value = orjson.dumps(doc)
    while len(value) > max_bytes:
        node, key, text = max(_string_leaves(doc, []), key=lambda leaf: len(leaf[2]))
        if not text:
            raise ValueError(f"event cannot be encoded in {max_bytes} bytes")
        encoded = len(orjson.dumps(text))
        keep = len(text) * (encoded - (len(value) - max_bytes) - 64) // encoded
        node[key] = text[:max(0, min(keep, len(text) - 1))]
        value = orjson.dumps(doc)
    return value


def event_key(host: str, path: str) -> bytes:
    """Records of one file share a key, so they keep their order in one partition."""
    return f"{host}|{path}".encode("utf-8", "surrogateescape")


class UndecodableRecord(ValueError):
    """A Kafka record that is not a JSON object: it goes to the dead-letter topic with this reason."""


def decode_event(value: bytes | None) -> dict[str, Any]:
    if value is None:
        raise UndecodableRecord("empty record value")
    try:
        doc = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise UndecodableRecord(f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise UndecodableRecord(f"not a JSON object but {type(doc).__name__}")
    return doc
