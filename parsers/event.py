"""The event: one log record (multi-line stack traces included) and its ECS mapping.

An `Event` is what every parser returns and what every sink consumes. Field names
follow the Elastic Common Schema where ECS has a field; project fields live under
`logpipe.*` in `to_ecs()`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

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

    def to_ecs(self) -> dict[str, Any]:
        """The event as an ECS-shaped nested dict (what goes to Kafka and Elasticsearch)."""
        doc: dict[str, Any] = {
            "@timestamp": self.timestamp or self.read_time,
            "message": self.message,
        }
        ev: dict[str, Any] = {"kind": "event"}
        if self.id is not None:
            ev["id"] = self.id
        if self.duration_ns is not None:
            ev["duration"] = self.duration_ns
        if self.read_time is not None:
            ev["created"] = self.read_time
        doc["event"] = ev
        log: dict[str, Any] = {}
        if self.level is not None:
            log["level"] = self.level
        if self.logger is not None:
            log["logger"] = self.logger
        if self.file_path is not None:
            log["file"] = {"path": self.file_path}
        if self.offset is not None:
            log["offset"] = self.offset
        if log:
            doc["log"] = log
        if self.thread is not None:
            doc["process"] = {"thread": {"name": self.thread}}
        if self.host is not None:
            doc["host"] = {"name": self.host}
        if self.service is not None:
            doc["service"] = {"name": self.service}
        if self.error_type is not None:
            err: dict[str, Any] = {"type": self.error_type}
            if self.error_message is not None:
                err["message"] = self.error_message
            if self.stack_trace is not None:
                err["stack_trace"] = self.stack_trace
            doc["error"] = err
        lp: dict[str, Any] = {"kind": self.kind}
        if self.file_id is not None:
            lp["file_id"] = self.file_id
        if self.end_offset is not None:
            lp["end_offset"] = self.end_offset
        if self.signature is not None:
            lp["signature"] = self.signature
            lp["signature_version"] = self.signature_version
            if self.signature_reasons:
                lp["signature_reasons"] = self.signature_reasons
        if self.root_cause_type is not None:
            lp["root_cause"] = {"type": self.root_cause_type, "message": self.root_cause_message}
        if self.sql_fingerprint is not None or self.sql_statement is not None:
            sql: dict[str, Any] = {}
            if self.sql_statement is not None:
                sql["statement"] = self.sql_statement
            if self.sql_fingerprint is not None:
                sql["fingerprint"] = self.sql_fingerprint
                sql["fingerprint_id"] = self.sql_fingerprint_id
            if self.sql_params is not None:
                sql["params"] = self.sql_params
            if self.sql_rows is not None:
                sql["rows"] = self.sql_rows
            lp["sql"] = sql
        if self.method_name is not None:
            lp["method"] = {"name": self.method_name}
        if self.table_name is not None:
            lp["table"] = {"name": self.table_name, "fields": self.table_fields or {}}
        if self.trace_ids:
            lp["trace_ids"] = self.trace_ids
        if self.truncated:
            lp["truncated"] = True
        if self.masked:
            lp["masked"] = self.masked
        if self.flags:
            lp["flags"] = self.flags
        doc["logpipe"] = lp
        return doc
