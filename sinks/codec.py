"""Events on the wire: one JSON object per Kafka record (orjson), keyed by host and file."""

from __future__ import annotations

from typing import Any

import orjson


def encode_event(doc: dict[str, Any]) -> bytes:
    """An ECS document (`Event.to_ecs()`) as the value of a Kafka record."""
    return orjson.dumps(doc)


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
