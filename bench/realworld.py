"""Score the parser on the real-world corpus against its independent ground truth.

    python3 bench/realworld.py [--source NAME] [--json]

The parser runs exactly as `logpipe scan` runs it with no configuration:
`Assembler(ParseOptions(), Source(...))`, the whole file fed in 256 KiB chunks, then
`finish`. Truth line numbers (`bench/realworld/truth/<source>.json`, see
`bench/realworld/README.md`) become byte offsets; an event "covers" a line when the
line's first byte lies in the event's [offset, end_offset).

Per source, per family and macro-averaged over sources (a ratio counts only where its
denominator is not 0):
  trace_whole     one event covers the trace's first..last line
  trace_exact     ... and no more: it starts at the header line and ends with the last
                  line (blank lines after it allowed), so nothing else was merged in;
                  a trace without header (JUnit) may keep a line before it
  header_attached that event also covers the header line (traces that have one)
  outer_ok        the event's error_type is the outermost class
  root_java/root_python  root_cause_type (or error_type when the parser gives no
                  cause) is the root class
  sql_detected    an event of kind sql covers a line of the statement
  sql_duration_ok that event's duration is within 1 ms or 1 % (statements with one)
  fingerprint_ok  its sql_fingerprint equals pt-fingerprint's
  timing_ok       the event covering a timing line carries its duration (1 ms or 1 %)
  false_exc       exception events in files whose truth has no trace (a count)
Sources not collected (bench/realworld/collect.py) are listed and skipped.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "realworld"
sys.path[:0] = [str(ROOT), str(HERE)]

from collect import load_manifest, local_path, present  # noqa: E402
from truth_rules import COMPOSE_PREFIX_RE, WRAPPER_PREFIX_RE  # noqa: E402

from parsers.assemble import Assembler, Source  # noqa: E402
from parsers.options import ParseOptions  # noqa: E402

CHUNK = 256 * 1024
NOW_MS = 1_764_547_200_000
RATIOS = ("trace_whole", "trace_exact", "header_attached", "outer_ok", "root_java", "root_python",
          "sql_detected", "sql_duration_ok", "fingerprint_ok", "timing_ok")


def run_parser(name: str, data: bytes) -> tuple[list, float]:
    t0 = time.perf_counter()
    asm = Assembler(ParseOptions(), Source("realworld", name, name, f"realworld-{name}"), 0)
    events = []
    for off in range(0, len(data), CHUNK):
        events.extend(asm.feed(data[off:off + CHUNK], off, NOW_MS))
    events.extend(asm.finish(NOW_MS))
    return events, time.perf_counter() - t0



def _blank(line: bytes) -> bool:
    """A blank line, also when printed through docker compose or a service wrapper (its
    prefix before nothing)."""
    if not line.strip():
        return True
    text = line.decode("utf-8", "replace").rstrip("\r\n")
    for prefix in (WRAPPER_PREFIX_RE, COMPOSE_PREFIX_RE):
        m = prefix.match(text) or prefix.match(text + " ")
        if m is not None and not text[m.end():].strip():
            return True
    return False

class Coverage:
    """Which event covers the first byte of line k (1-based)."""

    def __init__(self, data: bytes, events: list) -> None:
        self.data, self.size = data, len(data)
        self.starts = [0]
        pos = data.find(b"\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = data.find(b"\n", pos + 1)
        self.events = sorted((e for e in events if e.offset is not None), key=lambda e: e.offset)
        self.offsets = [e.offset for e in self.events]

    def span(self, first: int, last: int) -> tuple[int, int, int]:
        """Byte range of lines first..last, and how far blank lines after it reach."""
        end = self.starts[last] if last < len(self.starts) else self.size
        blank_end = end
        while blank_end < self.size:
            nl = self.data.find(b"\n", blank_end)
            stop = self.size if nl == -1 else nl + 1
            if not _blank(self.data[blank_end:stop]):
                break
            blank_end = stop
        return self.starts[first - 1], end, blank_end

    def event(self, line: int):
        at = self.starts[line - 1]
        i = bisect.bisect_right(self.offsets, at) - 1
        if i >= 0 and self.events[i].offset <= at < (self.events[i].end_offset or 0):
            return self.events[i]
        return None


def _close(ns: int | None, ms: float) -> bool:
    return ns is not None and abs(ns / 1e6 - ms) <= max(1.0, 0.01 * ms)


def score(truth: dict, cov: Coverage, events: list) -> dict[str, list[int]]:
    c = {k: [0, 0] for k in RATIOS}

    def tally(key: str, ok: bool) -> None:
        c[key][0] += int(ok)
        c[key][1] += 1

    for t in truth["traces"]:
        ev = cov.event(t["first_line"])
        whole = ev is not None and cov.event(t["last_line"]) is ev
        tally("trace_whole", whole)
        start, end, blank_end = cov.span(t["header_line"] or t["first_line"], t["last_line"])
        starts_ok = ev is not None and (ev.offset == start if t["header_line"] else ev.offset <= start)
        tally("trace_exact", whole and starts_ok and end - 2 <= (ev.end_offset or 0) <= blank_end)
        if t["header_line"] is not None:
            tally("header_attached", whole and cov.event(t["header_line"]) is ev)
        if t["outer"]:
            tally("outer_ok", ev is not None and ev.error_type == t["outer"])
        if t["root"]:
            got = ev is not None and (ev.root_cause_type or ev.error_type) == t["root"]
            tally("root_java" if t["language"] == "java" else "root_python", got)
    for s in truth["sql"]:
        evs = [e for e in (cov.event(n) for n in s["lines"]) if e is not None and e.kind == "sql"]
        ev = evs[0] if evs else None
        tally("sql_detected", ev is not None)
        if s["duration_ms"] is not None:
            tally("sql_duration_ok", ev is not None and _close(ev.duration_ns, s["duration_ms"]))
        if s.get("fingerprint"):
            tally("fingerprint_ok", ev is not None and ev.sql_fingerprint == s["fingerprint"])
    for t in truth["timings"]:
        ev = cov.event(t["line"])
        tally("timing_ok", ev is not None and _close(ev.duration_ns, t["duration_ms"]))
    out: dict = {k: v for k, v in c.items()}
    out["false_exc"] = (sum(1 for e in events if e.kind == "exception" or e.error_type)
                        if not truth["has_exceptions"] else None)
    return out


def _ratio(pair: list[int]) -> float | None:
    return pair[0] / pair[1] if pair[1] else None


def macro(rows: list[dict]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for k in RATIOS:
        vals = [r for r in (_ratio(row[k]) for row in rows) if r is not None]
        out[k] = sum(vals) / len(vals) if vals else None
    fe = [row["false_exc"] for row in rows if row["false_exc"] is not None]
    out["false_exc"] = sum(fe) if fe else None
    return out


def _cell(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, list):
        return f"{v[0]}/{v[1]}" if v[1] else "-"
    if isinstance(v, float):
        return f"{100 * v:.0f}%"
    return str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", action="append")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows, missing = [], []
    for src in load_manifest():
        if args.source and src["name"] not in args.source:
            continue
        truth_path = HERE / "truth" / f"{src['name']}.json"
        if not present(src) or not truth_path.exists():
            missing.append(src["name"])
            continue
        data = local_path(src).read_bytes()
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        events, secs = run_parser(src["name"], data)
        row = {"source": src["name"], "family": src["family"], "events": len(events),
               "seconds": round(secs, 3), "bytes": len(data), **score(truth, Coverage(data, events), events)}
        rows.append(row)
    families = sorted({r["family"] for r in rows})
    report = {"sources": rows, "families": {f: macro([r for r in rows if r["family"] == f]) for f in families},
              "macro": macro(rows), "events": sum(r["events"] for r in rows),
              "seconds": round(sum(r["seconds"] for r in rows), 3), "missing": missing}
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    cols = RATIOS + ("false_exc",)
    head = f"{'source':28} {'events':>6} " + " ".join(f"{k[:12]:>12}" for k in cols)
    print(head)
    for r in rows:
        print(f"{r['source']:28} {r['events']:6} " + " ".join(f"{_cell(r[k]):>12}" for k in cols))
    print()
    for f, m in report["families"].items():
        print(f"{'family ' + f:28} {'':6} " + " ".join(f"{_cell(m[k]):>12}" for k in cols))
    print(f"{'MACRO':28} {report['events']:6} " + " ".join(f"{_cell(report['macro'][k]):>12}" for k in cols))
    print(f"\n{len(rows)} sources, {report['events']} events, parse time {report['seconds']} s")
    if missing:
        print(f"missing (not collected, skipped): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
