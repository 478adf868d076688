"""What `logpipe scan` keeps of the events it reads: aggregates only, bounded.

`ScanStats.add(event, file_key)` folds one event in; `pipeline.scan.summary.build_report`
turns the result into the report (plain JSON-safe data: what `--json` prints and the
renderer shows).

Memory bounds:
- durations per SQL fingerprint and per method: exact up to `MAX_SAMPLES` (10,000)
  values, then a uniform reservoir of that size (Vitter's algorithm R, seeded, so a
  scan is reproducible); p95 is exact below the cap, a reservoir estimate above it;
  count, mean and max stay exact;
- distinct signatures, fingerprints and methods: at most `MAX_KEYS` each; events
  of keys beyond that are counted under `overflow` instead.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from parsers.event import Event
from pipeline.figures import ms_of_ns, p95

MAX_SAMPLES = 10_000
MAX_KEYS = 10_000
TOP_FRAMES = 3
NO_STATEMENT = "(no statement)"


@dataclass(slots=True)
class Durations:
    """Count, sum, max and a bounded sample of durations in ns."""

    count: int = 0
    total_ns: int = 0
    max_ns: int = 0
    samples: list[int] = field(default_factory=list)

    def add(self, ns: int, rng: random.Random) -> None:
        self.count += 1
        self.total_ns += ns
        if ns > self.max_ns:
            self.max_ns = ns
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append(ns)
        else:
            slot = rng.randrange(self.count)
            if slot < MAX_SAMPLES:
                self.samples[slot] = ns

    def p95_ns(self) -> int:
        """Nearest rank (`pipeline.figures.p95`) over the samples; 0 for none."""
        return int(p95(self.samples))

    def figures(self) -> dict[str, Any]:
        return {"count": self.count, "avg_ms": ms_of_ns(self.total_ns / self.count if self.count else 0),
                "p95_ms": ms_of_ns(self.p95_ns()), "max_ms": ms_of_ns(self.max_ns), "total_ms": ms_of_ns(self.total_ns),
                "p95_exact": self.count <= MAX_SAMPLES}


@dataclass(slots=True)
class SignatureStats:
    count: int
    first_seen: str | None
    last_seen: str | None
    event: Event  # the first one seen: type, cause, message, frames
    services: set[str] = field(default_factory=set)


@dataclass(slots=True)
class SqlStats:
    fingerprint: str
    slow_ms: float
    durations: Durations = field(default_factory=Durations)
    slow_count: int = 0
    sample: str = ""  # the slowest statement seen
    sample_ns: int = -1
    untimed: int = 0  # statements logged without a duration (an ORM's statement log)


@dataclass(slots=True)
class FileStats:
    path: str
    service: str
    events: int = 0
    errors: int = 0  # exception events
    bytes: int = 0  # decompressed: the end of its last event


def _later(a: str | None, b: str | None) -> str | None:
    return b if a is None or (b is not None and b > a) else a


def _earlier(a: str | None, b: str | None) -> str | None:
    return b if a is None or (b is not None and b < a) else a


class ScanStats:
    def __init__(self, slow_ms: float = 1000.0, slow_ms_by_fingerprint: dict[str, float] | None = None,
                 in_app: tuple[str, ...] = ()) -> None:
        self.slow_ms = slow_ms
        self.slow_ms_by_fingerprint = dict(slow_ms_by_fingerprint or {})
        self.in_app = in_app
        self.rng = random.Random(0)
        self.events = 0
        self.kinds: dict[str, int] = {}
        self.levels: dict[str, int] = {}
        self.files: dict[str, FileStats] = {}
        self.signatures: dict[str, SignatureStats] = {}
        self.sql: dict[str, SqlStats] = {}
        self.methods: dict[str, Durations] = {}
        self.tables: dict[str, list[int]] = {}  # name -> [rows, malformed]
        self.masked: dict[str, int] = {}
        self.flags: dict[str, int] = {}
        self.overflow: dict[str, int] = {}
        self.first_ts: str | None = None
        self.last_ts: str | None = None

    def add_file(self, key: str, path: str, service: str) -> None:
        self.files[key] = FileStats(path, service)

    def add(self, ev: Event, file_key: str) -> None:
        self.events += 1
        kind = ev.kind
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        level = ev.level or "-"
        self.levels[level] = self.levels.get(level, 0) + 1
        f = self.files[file_key]
        f.events += 1
        if ev.end_offset is not None and ev.end_offset > f.bytes:
            f.bytes = ev.end_offset
        ts = ev.timestamp
        if ts is not None:
            if self.first_ts is None or ts < self.first_ts:
                self.first_ts = ts
            if self.last_ts is None or ts > self.last_ts:
                self.last_ts = ts
        if kind == "exception":
            f.errors += 1
            self._signature(ev, f.service)
        elif kind == "sql":
            self._sql(ev)
        elif kind == "method" and ev.method_name is not None and ev.duration_ns is not None:
            d = self._keyed(self.methods, "methods", ev.method_name, Durations)
            if d is not None:
                d.add(ev.duration_ns, self.rng)
        elif kind == "table" and ev.table_name is not None:
            row = self.tables.setdefault(ev.table_name, [0, 0])
            row[0] += 1
            if "malformed_row" in ev.flags:
                row[1] += 1
        for what, n in ev.masked.items():
            self.masked[what] = self.masked.get(what, 0) + n
        if ev.truncated:
            self.flags["truncated"] = self.flags.get("truncated", 0) + 1
        for flag in ev.flags:
            self.flags[flag] = self.flags.get(flag, 0) + 1

    def _keyed(self, table: dict, name: str, key: str, make: Any) -> Any:
        got = table.get(key)
        if got is None:
            if len(table) >= MAX_KEYS:
                self.overflow[name] = self.overflow.get(name, 0) + 1
                return None
            got = table[key] = make()
        return got

    def _signature(self, ev: Event, service: str) -> None:
        key = ev.signature or f"(unsigned) {ev.error_type}"
        got = self.signatures.get(key)
        if got is None:
            if len(self.signatures) >= MAX_KEYS:
                self.overflow["signatures"] = self.overflow.get("signatures", 0) + 1
                return
            got = self.signatures[key] = SignatureStats(0, ev.timestamp, ev.timestamp, ev)
        got.count += 1
        got.first_seen = _earlier(got.first_seen, ev.timestamp)
        got.last_seen = _later(got.last_seen, ev.timestamp)
        got.services.add(service)

    def _sql(self, ev: Event) -> None:
        key = ev.sql_fingerprint_id or NO_STATEMENT
        got = self.sql.get(key)
        if got is None:
            if len(self.sql) >= MAX_KEYS:
                self.overflow["sql"] = self.overflow.get("sql", 0) + 1
                return
            slow = self.slow_ms_by_fingerprint.get(key, self.slow_ms)
            got = self.sql[key] = SqlStats(ev.sql_fingerprint or NO_STATEMENT, slow)
        if ev.duration_ns is None:  # counted, but no duration to add to the figures
            got.untimed += 1
            got.sample = got.sample or ev.sql_statement or ev.message
            return
        ns = ev.duration_ns
        got.durations.add(ns, self.rng)
        if ns >= got.slow_ms * 1_000_000:
            got.slow_count += 1
        if ns > got.sample_ns:
            got.sample_ns, got.sample = ns, ev.sql_statement or ev.message
