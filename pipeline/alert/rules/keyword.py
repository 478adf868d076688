"""Keywords and response codes from `alerts.keywords` (e.g. "订单不存在",
"ORDER_NOT_EXIST", "IOException", "OutOfMemoryError").

A keyword matches as a case-sensitive substring of the message, the error type and
message, or the root cause. One alert per keyword + service per tumbling window of
`alerts.dedup_window_s` (event time), emitted at the window's first match; it carries
an excerpt around the match and the URLs found in the record (the endpoint an
`IOException` hit). Matches later in the window are counted in the state.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.alert.rules.alert import Alert, make_alert, text, window_start
from pipeline.alert.rules.state import KeyedState
from pipeline.config.schema import AlertsConfig
from pipeline.doc_fields import dig

EXCERPT_CHARS = 160
MAX_URLS = 5
URL = re.compile(r"\b(?:https?|wss?|ftp)://[^\s\"'<>()\[\]{}|,;]+")
FIELDS = ("message", "error.type", "error.message", "logpipe.root_cause.type", "logpipe.root_cause.message")
TEXT_MAX_CHARS = 64_000


def _by_parent(fields: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """FIELDS as (dotted parent, leaf names), in FIELDS' order: each parent object is looked up once."""
    groups: dict[str, list[str]] = {}
    for name in fields:
        parent, _, leaf = name.rpartition(".")
        groups.setdefault(parent, []).append(leaf)
    return tuple((parent, tuple(leaves)) for parent, leaves in groups.items())


_GROUPS = _by_parent(FIELDS)


def texts_of(doc: dict[str, Any]) -> list[str]:
    """The non-empty string values of FIELDS (each capped), in FIELDS' order."""
    out: list[str] = []
    for parent, leaves in _GROUPS:
        obj = dig(doc, parent) if parent else doc
        if isinstance(obj, dict):
            for leaf in leaves:
                value = obj.get(leaf)
                if isinstance(value, str) and value:
                    out.append(value[:TEXT_MAX_CHARS])
    return out


def excerpt(haystack: str, keyword: str) -> str:
    """The line holding `keyword`, cut to about `EXCERPT_CHARS` around it."""
    at = haystack.find(keyword)
    line_start = haystack.rfind("\n", 0, at) + 1
    line_end = haystack.find("\n", at)
    line = haystack[line_start: line_end if line_end >= 0 else len(haystack)]
    pos = at - line_start
    lo = max(0, pos - EXCERPT_CHARS // 2)
    return line[lo: lo + EXCERPT_CHARS + len(keyword)].strip()


class KeywordRule(KeyedState):
    prefix = "kw"

    def __init__(self, cfg: AlertsConfig) -> None:
        super().__init__()
        self.keywords = tuple(k for k in cfg.keywords if k)
        self.width_s = float(max(1, cfg.dedup_window_s))

    def feed(self, doc: dict[str, Any], ts_s: float) -> list[Alert]:
        if not self.keywords:
            return []
        texts = texts_of(doc)
        if not texts:
            return []
        out: list[Alert] = []
        for kw in self.keywords:
            hit = next((t for t in texts if kw in t), None)
            if hit is not None:
                out.extend(self._match(doc, ts_s, kw, hit, texts))
        return out

    def _match(self, doc: dict[str, Any], ts_s: float, kw: str, hit: str, texts: list[str]) -> list[Alert]:
        service = text(doc, "service.name", max_chars=200) or "-"
        key = f"{kw}/{service}"
        start = window_start(ts_s, self.width_s)
        win = self.get(key)
        if win is None or float(win["start_s"]) < start:
            win = {"start_s": start, "seen_s": ts_s, "count": 0}
        if float(win["start_s"]) == start:
            win["count"] = int(win["count"]) + 1
            win["seen_s"] = max(float(win["seen_s"]), ts_s)
            self.put(key, win)
            if win["count"] > 1:
                return []
        # first match of this window (or a late match of an older one: the id decides)
        urls: list[str] = []
        for t in texts:
            urls.extend(u for u in URL.findall(t) if u not in urls)
        snippet = excerpt(hit, kw)
        return [make_alert(
            "keyword", f"keyword/{key}", start, start + self.width_s, doc, ts_s, count=1,
            severity="high", title=f"{kw} in {service}",
            summary=snippet, keyword=kw, excerpt=snippet, urls=urls[:MAX_URLS])]
