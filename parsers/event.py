"""The event: one log record (multi-line stack traces included) and its ECS mapping.

An `Event` is what every parser returns and what every sink consumes. Field names
follow the Elastic Common Schema where ECS has a field; project fields live under
`logpipe.*` in `to_json()` / `to_ecs()`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from parsers._native import EcsWriter
from parsers.slots_maker import maker

KINDS = ("line", "table", "sql", "method", "exception")


def event_id(host: str, file_id: str, offset: int) -> str:
    """Deterministic id of the event whose first byte is at `offset` of file `file_id` on `host`.

    It is the Elasticsearch `_id`: re-reading the same bytes after a crash gives the
    same id, so a record shipped twice is stored once.
    """
    key = f"{host}\x1f{file_id}\x1f{offset}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(key, digest_size=16).hexdigest()


@dataclass(slots=True)
class Event:
    """One log record. `offset`/`end_offset` are byte positions in the source file."""

    message: str
    kind: str = "line"
    timestamp: str | None = None  # ISO 8601 with offset, from the line itself
    read_time: str | None = None  # ISO 8601, when the line was read (fallback @timestamp)
    id: str | None = None
    level: str | None = None
    logger: str | None = None
    thread: str | None = None
    # where it came from
    host: str | None = None
    service: str | None = None
    file_path: str | None = None
    file_id: str | None = None
    offset: int | None = None
    end_offset: int | None = None
    # timings
    duration_ns: int | None = None
    method_name: str | None = None
    sql_statement: str | None = None
    sql_fingerprint: str | None = None
    sql_fingerprint_id: str | None = None
    sql_params: str | None = None
    sql_rows: int | None = None
    # exceptions
    error_type: str | None = None
    error_message: str | None = None
    stack_trace: str | None = None
    signature: str | None = None
    signature_version: str | None = None
    signature_reasons: list[str] | None = None
    root_cause_type: str | None = None
    root_cause_message: str | None = None
    # table-format lines
    table_name: str | None = None
    table_fields: dict[str, Any] | None = None
    trace_ids: list[str] = field(default_factory=list)
    # flags
    truncated: bool = False
    masked: dict[str, int] = field(default_factory=dict)  # what -> how many
    flags: list[str] = field(default_factory=list)  # e.g. "invalid_utf8", "malformed_row"

    def to_json(self) -> bytes:
        """The event's ECS document as JSON bytes: what goes to Kafka and Elasticsearch.

        Written by the compiled core (`parsers/native/src/ecs.rs`, the one implementation of
        this mapping), byte for byte what orjson writes for the document:

            @timestamp       timestamp, or read_time when the line had none
            message
            event            kind ("event"), id, duration (duration_ns), created (read_time)
            log              level, logger, file.path, offset
            process          thread.name
            host.name, service.name
            error            type, message, stack_trace (error_type, error_message, stack_trace)
            logpipe          kind, file_id, end_offset, signature, signature_version,
                             signature_reasons, root_cause {type, message},
                             sql {statement, fingerprint, fingerprint_id, params, rows},
                             method.name, table {name, fields}, trace_ids, truncated,
                             masked, flags

        A field that is None (a list or dict that is empty, `truncated` when false) is left
        out, and so is an object left with no field. Raises TypeError for what JSON cannot
        hold (a `str` with lone surrogates, an integer past 64 bits), as orjson does.
        """
        return _ECS_JSON(self)

    def to_ecs(self) -> dict[str, Any]:
        """The event as an ECS-shaped nested dict: `to_json()` read back."""
        return orjson.loads(self.to_json())


_ECS_JSON = EcsWriter(Event, orjson.dumps)  # reads each field from its slot

record_event = maker(Event, "message", "timestamp", "level", "logger", "thread", "offset", "end_offset", "truncated")
"""`record_event(message, timestamp, level, logger, thread, offset, end_offset, truncated)`:
`Event(message, timestamp=timestamp, ...)` made in one call (every other field its default),
what the classifier starts each record's event with."""
