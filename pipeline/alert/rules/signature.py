"""New exception signature and regression.

- `new_signature`: the first sighting of a `logpipe.signature` anywhere. Its id has no
  window (`hash("new_signature", key, 0)`): whichever event is seen first, and by
  whichever alerter, the alert is the same one.
- `regression`: a signature silent for `regression_days` comes back. Its id's window is
  the previous `last_seen`, which every replay of the same events reproduces.

State per signature: first and last event time, count. Records merge (min first seen,
max last seen, max count), so records from a second alerter can be applied at any time.
"""

from __future__ import annotations

from typing import Any

from pipeline.alert.rules.alert import Alert, iso, make_alert, text
from pipeline.alert.rules.state import KeyedState, Record
from pipeline.config.schema import AlertsConfig

DAY_S = 86_400.0


class SignatureRule(KeyedState):
    prefix = "sig"
    mergeable = True

    def __init__(self, cfg: AlertsConfig) -> None:
        super().__init__()
        self.cfg = cfg

    def feed(self, doc: dict[str, Any], ts_s: float) -> list[Alert]:
        sig = text(doc, "logpipe.signature", max_chars=200)
        if not sig:
            return []
        known = self.get(sig)
        if known is None:
            self.put(sig, {"first_seen_s": ts_s, "seen_s": ts_s, "count": 1})
            return [self._new(sig, doc, ts_s)] if self.cfg.new_signature else []
        first_s = min(float(known["first_seen_s"]), ts_s)
        last_s = float(known["seen_s"])
        self.put(sig, {"first_seen_s": first_s, "seen_s": max(last_s, ts_s), "count": int(known["count"]) + 1})
        gap_s = ts_s - last_s
        if self.cfg.regression_days > 0 and gap_s >= self.cfg.regression_days * DAY_S:
            return [self._regression(sig, doc, ts_s, first_s, last_s, int(known["count"]) + 1)]
        return []

    def _new(self, sig: str, doc: dict[str, Any], ts_s: float) -> Alert:
        kind = _kind(doc)
        where = _where(doc)
        return make_alert(
            "new_signature", f"new_signature/{sig}", ts_s, ts_s, doc, ts_s, id_window_s=0,
            severity="high", title=f"New exception: {kind}{where}",
            summary=_summary(doc, kind), first_seen=iso(ts_s))

    def _regression(self, sig: str, doc: dict[str, Any], ts_s: float, first_s: float, last_s: float,
                    count: int) -> Alert:
        kind = _kind(doc)
        silent_days = (ts_s - last_s) / DAY_S
        return make_alert(
            "regression", f"regression/{sig}", last_s, ts_s, doc, ts_s, count=count,
            severity="high", title=f"Exception is back after {silent_days:.1f} days: {kind}{_where(doc)}",
            summary=_summary(doc, kind), first_seen=iso(first_s), last_seen=iso(last_s))

    def merge(self, current: Record | None, saved: Record) -> Record:
        if not _valid(saved):
            return current if current is not None else {"first_seen_s": 0.0, "seen_s": 0.0, "count": 0}
        if current is None:
            return dict(saved)
        return {"first_seen_s": min(float(current["first_seen_s"]), float(saved["first_seen_s"])),
                "seen_s": max(float(current["seen_s"]), float(saved["seen_s"])),
                "count": max(int(current["count"]), int(saved["count"]))}


def _valid(rec: Record) -> bool:
    return all(isinstance(rec.get(k), (int, float)) and not isinstance(rec.get(k), bool)
               for k in ("first_seen_s", "seen_s", "count"))


def _kind(doc: dict[str, Any]) -> str:
    outer = text(doc, "error.type", max_chars=200) or "exception"
    root = text(doc, "logpipe.root_cause.type", max_chars=200)
    return f"{outer} (root cause {root})" if root and root != outer else outer


def _where(doc: dict[str, Any]) -> str:
    service = text(doc, "service.name", max_chars=100)
    host = text(doc, "host.name", max_chars=100)
    if service and host:
        return f" in {service}@{host}"
    return f" in {service or host}" if service or host else ""


def _summary(doc: dict[str, Any], kind: str) -> str:
    msg = text(doc, "error.message", max_chars=500) or text(doc, "message", max_chars=500) or ""
    root_msg = text(doc, "logpipe.root_cause.message", max_chars=500)
    out = f"{kind}: {msg}"
    if root_msg and root_msg != msg:
        out += f"\nroot cause: {root_msg}"
    return out
