"""The scan report as data: what `logpipe scan --json` prints, what the renderer shows.

Shape (version 1), every list sorted worst first:

    {"report": "logpipe.scan", "version": 1,
     "totals": {"events", "bytes", "files", "first_seen", "last_seen"},
     "kinds": {kind: n}, "levels": {level: n},
     "files": [{"path", "service", "events", "errors", "bytes"}],
     "signatures": [{"signature", "signature_version", "count", "first_seen", "last_seen",
                     "error_type", "root_cause_type", "title", "message", "error_message",
                     "root_cause_message", "top_frames", "services", "sample": {"path", "offset"}}],
     "sql": [{"fingerprint_id", "fingerprint", "count", "avg_ms", "p95_ms", "max_ms",
              "total_ms", "p95_exact", "slow_ms", "slow_count", "sample_statement"}],
     "methods": [{"method", "count", "avg_ms", "p95_ms", "max_ms", "total_ms", "p95_exact"}],
     "tables": [{"name", "rows", "malformed"}],
     "masked": {what: n}, "flags": {flag: n}, "overflow": {what: n}}

Signatures: by count. SQL: by statements over their threshold, then total time.
Methods: by p95. `signature_hashes(report)` is the baseline form (sorted hashes).
"""

from __future__ import annotations

import re
from typing import Any

from parsers.event import Event
from pipeline.scan.stats import TOP_FRAMES, ScanStats

REPORT_NAME = "logpipe.scan"
REPORT_VERSION = 1
_FRAME = re.compile(r"^\s+(?:at (\S+?)(?:\(|$)|File \"([^\"]+)\", line \d+, in (\S+))")
_MAX_SAMPLE = 500


def top_frames(stack_trace: str | None, in_app: tuple[str, ...]) -> list[str]:
    """The first frames of the outermost exception: in-app ones when there are any."""
    frames: list[str] = []
    for line in (stack_trace or "").split("\n"):
        m = _FRAME.match(line)
        if m is None:
            if frames and line.lstrip().startswith(("Caused by", "Suppressed", "...")):
                break
            continue
        frames.append(m.group(1) or f"{m.group(2)}:{m.group(3)}")
    app = [f for f in frames if in_app and f.startswith(in_app)] or frames
    if not in_app and frames and frames[0].startswith(("java.", "javax.", "sun.", "jdk.")):
        app = [f for f in frames if not f.startswith(("java.", "javax.", "sun.", "jdk.", "org."))] or frames
    return app[:TOP_FRAMES]


def _short(name: str | None) -> str:
    return (name or "?").rsplit(".", 1)[-1]


def _title(ev: Event, frames: list[str]) -> str:
    where = f" at {frames[0]}" if frames else ""
    if ev.root_cause_type and ev.root_cause_type != ev.error_type:
        return f"{_short(ev.error_type)} ← {_short(ev.root_cause_type)}{where}"
    return f"{_short(ev.error_type)}{where}"


def _clip(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= _MAX_SAMPLE else text[:_MAX_SAMPLE] + "…"


def build_report(stats: ScanStats) -> dict[str, Any]:
    signatures = []
    for key, s in sorted(stats.signatures.items(), key=lambda kv: (-kv[1].count, kv[0])):
        ev = s.event
        frames = top_frames(ev.stack_trace, stats.in_app)
        signatures.append({
            "signature": ev.signature or key, "signature_version": ev.signature_version,
            "count": s.count, "first_seen": s.first_seen, "last_seen": s.last_seen,
            "error_type": ev.error_type, "root_cause_type": ev.root_cause_type, "title": _title(ev, frames),
            "message": _clip(ev.message), "error_message": _clip(ev.error_message),
            "root_cause_message": _clip(ev.root_cause_message), "top_frames": frames,
            "services": sorted(s.services), "sample": {"path": ev.file_path, "offset": ev.offset},
        })
    sql = [{"fingerprint_id": key, "fingerprint": _clip(s.fingerprint), **s.durations.figures(),
            "slow_ms": s.slow_ms, "slow_count": s.slow_count, "untimed": s.untimed, "sample_statement": _clip(s.sample)}
           for key, s in stats.sql.items()]
    sql.sort(key=lambda r: (-r["slow_count"], -r["total_ms"], r["fingerprint_id"]))
    methods = [{"method": name, **d.figures()} for name, d in stats.methods.items()]
    methods.sort(key=lambda r: (-r["p95_ms"], -r["max_ms"], r["method"]))
    files = [{"path": f.path, "service": f.service, "events": f.events, "errors": f.errors, "bytes": f.bytes}
             for f in stats.files.values()]
    files.sort(key=lambda r: (-r["errors"], -r["events"], r["path"]))
    return {
        "report": REPORT_NAME, "version": REPORT_VERSION,
        "totals": {"events": stats.events, "bytes": sum(f.bytes for f in stats.files.values()),
                   "files": len(stats.files), "first_seen": stats.first_ts, "last_seen": stats.last_ts},
        "kinds": dict(sorted(stats.kinds.items(), key=lambda kv: -kv[1])),
        "levels": dict(sorted(stats.levels.items(), key=lambda kv: -kv[1])),
        "files": files, "signatures": signatures, "sql": sql, "methods": methods,
        "tables": [{"name": name, "rows": rows, "malformed": bad}
                   for name, (rows, bad) in sorted(stats.tables.items(), key=lambda kv: (-kv[1][1], -kv[1][0]))],
        "masked": dict(sorted(stats.masked.items(), key=lambda kv: -kv[1])),
        "flags": dict(sorted(stats.flags.items(), key=lambda kv: -kv[1])),
        "overflow": stats.overflow,
    }


def signature_hashes(report: dict[str, Any]) -> list[str]:
    return sorted(s["signature"] for s in report["signatures"])


def baseline_hashes(doc: Any) -> set[str]:
    """Signature hashes from a baseline document: a previous `--json` report, or a list of
    hashes (strings, or objects with a `signature` key). ValueError on anything else."""
    items = doc.get("signatures") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise ValueError("expected a scan report (--json) or a JSON list of signature hashes")
    out: set[str] = set()
    for item in items:
        if isinstance(item, str):
            out.add(item)
        elif isinstance(item, dict) and isinstance(item.get("signature"), str):
            out.add(item["signature"])
        else:
            raise ValueError(f"not a signature hash: {item!r:.80}")
    return out
