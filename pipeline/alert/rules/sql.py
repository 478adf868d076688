"""Slow SQL, per fingerprint.

- `slow_sql`: a statement at or over its threshold (`sql.slow_ms`, or
  `sql.slow_ms_by_fingerprint[fingerprint_id]`). One alert per fingerprint per
  tumbling window of `alerts.dedup_window_s` (event time, epoch-aligned), emitted at
  the window's **first** slow statement, so a slow statement alerts at once; its
  figures (count of slow statements, max and p95 over every statement of that
  fingerprint in the window so far) describe the window up to that statement. Later
  slow statements in the window are counted in the state, not alerted.
- `slow_sql_p95`: the p95 over a sliding window (`dedup_window_s`, the newest
  `P95_MAX_SAMPLES` statements, at least `P95_MIN_SAMPLES`) exceeds the threshold:
  sustained slowness rather than one slow call. At most one per fingerprint per
  tumbling window.
"""

from __future__ import annotations

from typing import Any

from parsers.options import SqlOptions
from pipeline.alert.rules.alert import Alert, make_alert, number, text, window_start
from pipeline.alert.rules.state import KeyedState
from pipeline.config.schema import AlertsConfig
from pipeline.figures import NS_PER_MS, p95

WINDOW_MAX_SAMPLES = 256
P95_MAX_SAMPLES = 256
P95_MIN_SAMPLES = 5
SAMPLE_MAX_CHARS = 1000


def sql_of(doc: dict[str, Any]) -> tuple[str, float] | None:
    """(fingerprint id, duration in ms) of an SQL timing event, or None."""
    duration_ns = number(doc, "event.duration")
    fid = text(doc, "logpipe.sql.fingerprint_id", max_chars=200)
    if duration_ns is None or not fid or duration_ns < 0:
        return None
    return fid, duration_ns / NS_PER_MS


class SqlThresholds:
    def __init__(self, sql: SqlOptions) -> None:
        self.default_ms = float(sql.slow_ms)
        self.by_fingerprint = {fid: float(ms) for fid, ms in sql.slow_ms_by_fingerprint}

    def __call__(self, fid: str) -> float:
        return self.by_fingerprint.get(fid, self.default_ms)


def _sql_body(doc: dict[str, Any], fid: str, count: int, samples: list[float], max_ms: float,
              threshold_ms: float) -> dict[str, Any]:
    return {"fingerprint": text(doc, "logpipe.sql.fingerprint", max_chars=SAMPLE_MAX_CHARS),
            "fingerprint_id": fid, "count": count, "max_ms": round(max_ms, 3),
            "p95_ms": round(p95(samples), 3), "threshold_ms": threshold_ms,
            "sample": text(doc, "logpipe.sql.statement", max_chars=SAMPLE_MAX_CHARS)}


def _new_window(start_s: float, ts_s: float) -> dict[str, Any]:
    return {"start_s": start_s, "seen_s": ts_s, "slow": 0, "max_ms": 0.0, "samples": [], "alerted": False}


class _StatementRule(KeyedState):
    """A rule over SQL timings, keyed by statement fingerprint, in windows of `dedup_window_s`."""

    def __init__(self, cfg: AlertsConfig, thresholds: SqlThresholds) -> None:
        super().__init__()
        self.width_s = float(max(1, cfg.dedup_window_s))
        self.threshold = thresholds

    def feed(self, doc: dict[str, Any], ts_s: float) -> list[Alert]:
        got = sql_of(doc)
        return [] if got is None else self.feed_statement(doc, got[0], got[1], ts_s)

    def feed_statement(self, doc: dict[str, Any], fid: str, ms: float, ts_s: float) -> list[Alert]:
        raise NotImplementedError


class SlowSqlRule(_StatementRule):
    prefix = "sql"

    def feed_statement(self, doc: dict[str, Any], fid: str, ms: float, ts_s: float) -> list[Alert]:
        threshold = self.threshold(fid)
        start = window_start(ts_s, self.width_s)
        win = self.get(fid)
        if win is None or float(win.get("start_s", -1)) < start:
            win = _new_window(start, ts_s)
        elif float(win["start_s"]) > start:  # a late statement of an older window: no state to keep
            return self._check(doc, fid, ms, threshold, _new_window(start, ts_s), ts_s)
        out = self._check(doc, fid, ms, threshold, win, ts_s)
        self.put(fid, win)
        return out

    def _check(self, doc: dict[str, Any], fid: str, ms: float, threshold: float, win: dict[str, Any],
               ts_s: float) -> list[Alert]:
        win["seen_s"] = max(float(win["seen_s"]), ts_s)
        if len(win["samples"]) < WINDOW_MAX_SAMPLES:
            win["samples"].append(ms)
        win["max_ms"] = max(float(win["max_ms"]), ms)
        if ms < threshold:
            return []
        win["slow"] = int(win["slow"]) + 1
        if win["alerted"]:
            return []
        win["alerted"] = True
        start = float(win["start_s"])
        sql = _sql_body(doc, fid, win["slow"], win["samples"], win["max_ms"], threshold)
        return [make_alert(
            "slow_sql", f"slow_sql/{fid}", start, start + self.width_s, doc, ts_s, count=win["slow"],
            severity="warning", title=f"Slow SQL {ms:.0f} ms (threshold {threshold:.0f} ms)",
            summary=sql["fingerprint"] or sql["sample"] or fid, sql=sql)]


class SqlP95Rule(_StatementRule):
    prefix = "p95"

    def feed_statement(self, doc: dict[str, Any], fid: str, ms: float, ts_s: float) -> list[Alert]:
        rec = self.get(fid) or {"seen_s": ts_s, "points": []}
        cutoff = ts_s - self.width_s
        points = [p for p in rec["points"] if p[0] > cutoff]
        points.append([ts_s, ms])
        points = points[-P95_MAX_SAMPLES:]
        self.put(fid, {"seen_s": max(float(rec["seen_s"]), ts_s), "points": points})
        if len(points) < P95_MIN_SAMPLES:
            return []
        threshold = self.threshold(fid)
        values = [p[1] for p in points]
        value = p95(values)
        if value <= threshold:
            return []
        start = window_start(ts_s, self.width_s)
        sql = _sql_body(doc, fid, len(values), values, max(values), threshold)
        return [make_alert(
            "slow_sql_p95", f"slow_sql_p95/{fid}", start, start + self.width_s, doc, ts_s, count=len(values),
            severity="high", title=f"SQL p95 {value:.0f} ms over {len(values)} statements "
                                   f"(threshold {threshold:.0f} ms)",
            summary=sql["fingerprint"] or sql["sample"] or fid, sql=sql)]
