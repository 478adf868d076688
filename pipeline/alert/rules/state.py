"""Per-key rule state that the caller can save and load as records.

Each rule keeps plain JSON-able dicts under its own prefix (`sig`, `sql`, `p95`,
`rate`, `kw`); a record key is `<prefix>/<key>`. Changed keys are remembered so the
caller writes only what changed (`take_dirty`), and a deleted key becomes a
tombstone (None), which a compacted Kafka topic turns into "forget this key".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Record = dict[str, Any]


class KeyedState:
    """A dict of per-key records with change tracking. `prefix` names the rule's records."""

    prefix = ""
    mergeable = False  # True: records from another alerter may be merged at any time

    def __init__(self) -> None:
        self.state: dict[str, Record] = {}
        self._dirty: set[str] = set()

    def get(self, key: str) -> Record | None:
        return self.state.get(key)

    def put(self, key: str, value: Record) -> None:
        self.state[key] = value
        self._dirty.add(key)

    def delete(self, key: str) -> None:
        if self.state.pop(key, None) is not None:
            self._dirty.add(key)

    def take_dirty(self) -> dict[str, Record | None]:
        """Changed records since the last call, as `<prefix>/<key>` -> value (None: deleted)."""
        out = {f"{self.prefix}/{k}": self.state.get(k) for k in sorted(self._dirty)}
        self._dirty.clear()
        return out

    def records(self) -> Iterator[tuple[str, Record]]:
        for key, value in self.state.items():
            yield f"{self.prefix}/{key}", value

    def load(self, key: str, value: Record | None) -> None:
        """Apply a saved record (no change tracking). Rules with mergeable state override `merge`."""
        if value is None:
            self.state.pop(key, None)
        elif isinstance(value, dict):
            self.state[key] = self.merge(self.state.get(key), value)

    def merge(self, current: Record | None, saved: Record) -> Record:
        return saved

    def purge(self, now_s: float, idle_s: float) -> None:
        """Forget keys whose last event (`value["seen_s"]`) is older than `now_s - idle_s`."""
        for key in [k for k, v in self.state.items() if _seen(v) < now_s - idle_s]:
            self.delete(key)


def _seen(value: Record) -> float:
    seen = value.get("seen_s")
    return float(seen) if isinstance(seen, (int, float)) and not isinstance(seen, bool) else float("-inf")
