"""Error-rate spike, per service.

Errors (an `error.type`, or `log.level` ERROR/FATAL/CRITICAL) are counted in tumbling
windows of `alerts.error_rate_window_s` by event time. The baseline is the mean count of
the `BASELINE_WINDOWS` windows before the current one, counting only windows since the
service was first seen (empty windows count as 0). The current window alerts, once, as
soon as its count reaches `error_rate_min_count` and exceeds `error_rate_factor` x
baseline. A service with no earlier window (first seen now, e.g. on the alerter's first
day) has no baseline: its window alerts at `error_rate_factor` x `error_rate_min_count`.
"""

from __future__ import annotations

from typing import Any

from pipeline.alert.rules.alert import Alert, make_alert, text, window_start
from pipeline.alert.rules.state import KeyedState
from pipeline.config.schema import AlertsConfig

BASELINE_WINDOWS = 10
ERROR_LEVELS = frozenset({"ERROR", "FATAL", "CRITICAL", "SEVERE"})
UNKNOWN_SERVICE = "-"


def is_error(doc: dict[str, Any]) -> bool:
    if text(doc, "error.type") is not None:
        return True
    level = text(doc, "log.level", max_chars=20)
    return level is not None and level.upper() in ERROR_LEVELS


class ErrorRateRule(KeyedState):
    prefix = "rate"

    def __init__(self, cfg: AlertsConfig) -> None:
        super().__init__()
        self.width_s = float(max(1, cfg.error_rate_window_s))
        self.factor = float(cfg.error_rate_factor)
        self.min_count = int(cfg.error_rate_min_count)

    def feed(self, doc: dict[str, Any], ts_s: float) -> list[Alert]:
        if not is_error(doc):
            return []
        service = text(doc, "service.name", max_chars=200) or UNKNOWN_SERVICE
        start = window_start(ts_s, self.width_s)
        rec = self.get(service) or {"since_s": start, "seen_s": ts_s, "counts": {}, "alerted": []}
        latest = max([float(k) for k in rec["counts"]] + [start])
        horizon = latest - BASELINE_WINDOWS * self.width_s
        if start < horizon:  # later than the baseline remembers: too late to matter
            return []
        counts = {k: v for k, v in rec["counts"].items() if float(k) >= horizon}
        key = str(int(start))
        counts[key] = int(counts.get(key, 0)) + 1
        alerted = [a for a in rec["alerted"] if a >= horizon]
        since = min(float(rec["since_s"]), start)
        rec = {"since_s": since, "seen_s": max(float(rec["seen_s"]), ts_s), "counts": counts, "alerted": alerted}
        self.put(service, rec)
        count = counts[key]
        base = self.baseline(counts, start, since)
        needed = self.min_count if since < start else self.factor * self.min_count
        if count < needed or count <= self.factor * base or start in alerted:
            return []
        alerted.append(start)
        return [make_alert(
            "error_rate", f"error_rate/{service}", start, start + self.width_s, doc, ts_s, count=count,
            severity="critical",
            title=f"Error spike in {service}: {count} errors in {self.width_s:.0f} s (baseline {base:.1f})",
            summary=f"{count} errors in the window starting at the {start:.0f} s mark; "
                    f"baseline {base:.2f} per window over up to {BASELINE_WINDOWS} windows, "
                    f"factor {self.factor:g}, minimum {self.min_count}",
            rate={"count": count, "baseline": round(base, 3), "factor": self.factor,
                  "min_count": self.min_count, "window_s": self.width_s})]

    def baseline(self, counts: dict[str, int], start: float, since: float) -> float:
        previous = [start - i * self.width_s for i in range(1, BASELINE_WINDOWS + 1)]
        previous = [w for w in previous if w >= since]
        if not previous:
            return 0.0
        return sum(int(counts.get(str(int(w)), 0)) for w in previous) / len(previous)
