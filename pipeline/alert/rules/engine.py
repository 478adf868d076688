"""The alert engine: a pure function of events and time.

    engine = RuleEngine(cfg.alerts, cfg.sql)
    engine.restore(saved_records)             # merge records loaded by the caller
    alerts = engine.feed(doc, now_s)          # an ECS event document in, new alerts out
    engine.expire(now_s)                      # forget expired alert ids and idle window state
    changed = engine.take_dirty()             # {record key: value or None} to save

Windows come from the event's `@timestamp` (epoch-aligned tumbling windows), so a
replay of the same events gives the same windows and the same alert ids; `now_s` is
used only when an event has no usable time, and for expiry in `expire`. Every rule
alerts from `feed`, at the event that crosses its threshold: no window waits for
time to close before it alerts.

The engine returns an alert id at most once: every id it returns is remembered under
`alert/<id>` (with an expiry) until `ALERT_ID_RETENTION_S` after its window, bounded
to `MAX_ALERT_IDS`. Those records, and the rules' per-key records (`sig/`, `sql/`,
`p95/`, `rate/`, `kw/`), are the state the caller saves (`snapshot`, `take_dirty`) and
loads (`restore`). No IO, no clock, no globals: the engine never raises on a document,
whatever its shape.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from parsers.options import SqlOptions
from pipeline.alert.rules.alert import Alert, event_time
from pipeline.alert.rules.keyword import KeywordRule
from pipeline.alert.rules.rate import ErrorRateRule
from pipeline.alert.rules.signature import SignatureRule
from pipeline.alert.rules.sql import SlowSqlRule, SqlP95Rule, SqlThresholds
from pipeline.alert.rules.state import KeyedState, Record
from pipeline.config.schema import AlertsConfig

log = logging.getLogger(__name__)

ALERT_PREFIX = "alert"
MAX_ALERT_IDS = 100_000
ALERT_ID_RETENTION_S = 2 * 86_400.0
IDLE_STATE_S = 86_400.0  # window state untouched this long (by event time) is forgotten


class RuleEngine:
    def __init__(self, alerts: AlertsConfig, sql: SqlOptions) -> None:
        thresholds = SqlThresholds(sql)
        self.signatures = SignatureRule(alerts)
        self.rules: list[Any] = [self.signatures, ErrorRateRule(alerts), KeywordRule(alerts)]
        if alerts.slow_sql:
            self.rules += [SlowSqlRule(alerts, thresholds), SqlP95Rule(alerts, thresholds)]
        self._by_prefix: dict[str, KeyedState] = {r.prefix: r for r in self.rules}
        self.emitted: dict[str, float] = {}  # alert id -> expiry (epoch s), oldest first
        self._dirty_ids: set[str] = set()
        self.unreadable = 0  # (rule, event) pairs skipped because the event had an unexpected shape
        self.idle_s = max(IDLE_STATE_S, 4.0 * alerts.dedup_window_s)

    def feed(self, doc: Any, now_s: float) -> list[Alert]:
        """New alerts caused by one event document (never an id returned before)."""
        if not isinstance(doc, dict):
            return []
        ts_s = event_time(doc, now_s)
        out: list[Alert] = []
        for rule in self.rules:
            try:
                found = rule.feed(doc, ts_s)
            except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
                self.unreadable += 1
                log.warning("rule %s skipped an event it could not read (%s: %s), event.id=%r",
                            rule.prefix, type(exc).__name__, exc, _event_id(doc))
                continue
            out.extend(self._fresh(found, ts_s, now_s))
        return out

    def expire(self, now_s: float) -> None:
        """Forget expired alert ids and idle window state (tombstones in `take_dirty`)."""
        for aid in [a for a, exp in self.emitted.items() if exp < now_s]:
            self._forget(aid)
        for rule in self.rules:
            if rule is not self.signatures:
                rule.purge(now_s, self.idle_s)

    def take_dirty(self) -> dict[str, Record | None]:
        """Records changed since the last call: key -> value, None for a deleted key."""
        out: dict[str, Record | None] = {}
        for rule in self.rules:
            out.update(rule.take_dirty())
        for aid in sorted(self._dirty_ids):
            exp = self.emitted.get(aid)
            out[f"{ALERT_PREFIX}/{aid}"] = None if exp is None else {"expires_s": exp}
        self._dirty_ids.clear()
        return out

    def snapshot(self) -> dict[str, Record]:
        """Every record of the state (what `restore` takes back)."""
        out: dict[str, Record] = {}
        for rule in self.rules:
            out.update(rule.records())
        out.update({f"{ALERT_PREFIX}/{a}": {"expires_s": e} for a, e in self.emitted.items()})
        return out

    def restore(self, records: Mapping[str, Record | None], *, mergeable_only: bool = False) -> None:
        """Apply saved records (later ones win, signatures merge). `mergeable_only`: only
        the records that are safe to merge at any time (signatures, alert ids)."""
        for full_key, value in records.items():
            prefix, _, key = full_key.partition("/")
            if prefix == ALERT_PREFIX:
                self._load_alert_id(key, value)
                continue
            rule = self._by_prefix.get(prefix)
            if rule is None or (mergeable_only and not rule.mergeable):
                continue
            rule.load(key, value)

    def _load_alert_id(self, aid: str, value: Record | None) -> None:
        exp = value.get("expires_s") if isinstance(value, dict) else None
        if value is None or not isinstance(exp, (int, float)):
            self.emitted.pop(aid, None)
            return
        self.emitted[aid] = max(float(exp), self.emitted.get(aid, float(exp)))
        self._bound()

    def _fresh(self, found: list[Alert], ts_s: float, now_s: float) -> list[Alert]:
        out = []
        for alert in found:
            if alert.id in self.emitted:
                continue
            self.emitted[alert.id] = max(ts_s, now_s) + ALERT_ID_RETENTION_S
            self._dirty_ids.add(alert.id)
            self._bound()
            out.append(alert)
        return out

    def _forget(self, aid: str) -> None:
        self.emitted.pop(aid, None)
        self._dirty_ids.add(aid)

    def _bound(self) -> None:
        while len(self.emitted) > MAX_ALERT_IDS:
            self._forget(next(iter(self.emitted)))


def _event_id(doc: dict[str, Any]) -> Any:
    ev = doc.get("event")
    return ev.get("id") if isinstance(ev, dict) else None
