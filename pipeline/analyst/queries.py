"""The analyst queries over the event indices: pure functions that build Elasticsearch
request bodies, and thin async functions that run them and shape the answers into
plain data (what `--json` prints and the renderers draw).

    body = search_body("超时 AND channel", window, service="pay-gateway")
    hits = await search(client, index_pattern(cfg.elasticsearch.index_prefix), body)

Durations are stored in ns (`event.duration`) and shown in ms. The daily report's
queries live in `pipeline.analyst.report`; the Kafka side of it in `pipeline.analyst.health`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipeline.analyst.query import DEFAULT_FIELDS, rewrite
from pipeline.analyst.window import Window
from pipeline.doc_fields import dig
from pipeline.figures import NS_PER_MS, ms_of_ns

# a match found through a `parts` subfield is highlighted there (the renderers take either)
HIGHLIGHT_FIELDS = ("message", "message.parts", "error.message", "error.message.parts")
# where `trace` looks for a business id as a phrase (table cells are keywords: matched whole)
TRACE_PHRASE_FIELDS = ("message", "logpipe.sql.params", "logpipe.sql.statement", "error.message",
                       "error.stack_trace", "logpipe.root_cause.message")
TERMINAL_TAGS = ("\ue000", "\ue001")  # highlight marks the terminal renderer turns into bold
SAMPLE_SOURCE = ["@timestamp", "message", "service.name", "host.name", "log.level", "log.file.path", "log.offset",
                 "error.type", "error.message", "logpipe.root_cause", "logpipe.signature", "logpipe.sql",
                 "logpipe.method.name", "event.duration"]


def index_pattern(prefix: str) -> str:
    """Every daily index of the prefix (`<prefix>-YYYY.MM.DD`)."""
    return f"{prefix}-*"


def filtered_query(filters: list[dict[str, Any]], window: Window) -> dict[str, Any]:
    rng = window.range_query()
    return {"bool": {"filter": ([rng] if rng else []) + filters}}


def search_body(query: str, window: Window, *, service: str | None = None, level: str | None = None,
                kind: str | None = None, size: int = 20,
                tags: tuple[str, str] = ("<em>", "</em>")) -> dict[str, Any]:
    """Query-string search (words widened by `pipeline.analyst.query.rewrite`), newest first,
    with `message`/`error.message` highlighted whole."""
    filters: list[dict[str, Any]] = []
    if service:
        filters.append({"term": {"service.name": service}})
    if level:
        filters.append({"term": {"log.level": level.upper()}})
    if kind:
        filters.append({"term": {"logpipe.kind": kind}})
    body = {"size": size, "track_total_hits": True, "query": filtered_query(filters, window),
            "sort": [{"@timestamp": "desc"}, {"log.offset": {"order": "desc", "unmapped_type": "long"}}],
            "highlight": {"pre_tags": [tags[0]], "post_tags": [tags[1]], "require_field_match": False,
                          "fields": {f: {"number_of_fragments": 0} for f in HIGHLIGHT_FIELDS}}}
    if query.strip() and query.strip() != "*":
        body["query"]["bool"]["must"] = [{"query_string": {"query": rewrite(query), "fields": DEFAULT_FIELDS,
                                                            "default_operator": "AND", "lenient": True}}]
    return body


def trace_body(trace_id: str, window: Window, *, size: int = 1000) -> dict[str, Any]:
    """Every event carrying the business id: the `logpipe.trace_ids` term, a table cell
    holding it, or the id as a phrase in the message (lines whose key the config does not
    know), a SQL statement's text or parameters, an exception's message, root cause or
    stack trace; in time then file order."""
    query = filtered_query([], window)
    query["bool"]["should"] = [{"term": {"logpipe.trace_ids": trace_id}},
                               {"multi_match": {"query": trace_id, "fields": ["logpipe.table.fields.*"],
                                                "lenient": True}},
                               *({"match_phrase": {f: trace_id}} for f in TRACE_PHRASE_FIELDS)]
    query["bool"]["minimum_should_match"] = 1
    return {"size": size, "query": query,
            "sort": [{"@timestamp": "asc"}, {"log.offset": {"order": "asc", "unmapped_type": "long"}}]}


def _first_last_sample(sort: dict[str, Any]) -> dict[str, Any]:
    return {"first": {"min": {"field": "@timestamp"}}, "last": {"max": {"field": "@timestamp"}},
            "sample": {"top_hits": {"size": 1, "sort": [sort], "_source": {"includes": SAMPLE_SOURCE}}}}


def top_exceptions_body(window: Window, *, size: int = 10) -> dict[str, Any]:
    """Signatures by count, with first/last seen and the latest event as a sample."""
    return {"size": 0, "query": filtered_query([{"exists": {"field": "logpipe.signature"}}], window),
            "aggs": {"top": {"terms": {"field": "logpipe.signature", "size": size},
                             "aggs": _first_last_sample({"@timestamp": "desc"})}}}


def timing_aggs(slow_ns: int | None = None) -> dict[str, Any]:
    aggs: dict[str, Any] = {
        "pct": {"percentiles": {"field": "event.duration", "percents": [50, 95]}},
        "max": {"max": {"field": "event.duration"}},
        "total": {"sum": {"field": "event.duration"}},
        **_first_last_sample({"event.duration": "desc"}),
    }
    if slow_ns is not None:
        aggs["slow"] = {"filter": {"range": {"event.duration": {"gte": slow_ns}}}}
    return aggs


def top_sql_body(window: Window, *, size: int = 10, slow_ms: float = 1000.0) -> dict[str, Any]:
    """SQL fingerprints by total time: count, p50/p95/max, statements at or over `slow_ms`,
    the slowest statement as the sample."""
    return {"size": 0, "query": filtered_query([{"term": {"logpipe.kind": "sql"}}, {"exists": {"field": "event.duration"}}],
                                      window),
            "aggs": {"top": {"terms": {"field": "logpipe.sql.fingerprint_id", "size": size,
                                       "order": {"total": "desc"}},
                             "aggs": timing_aggs(int(slow_ms * NS_PER_MS))}}}


def top_methods_body(window: Window, *, size: int = 10) -> dict[str, Any]:
    """Methods by their slowest call; `shape_timings` re-sorts by p95. Five times `size`
    buckets are fetched so that the re-sort sees the candidates."""
    return {"size": 0, "query": filtered_query([{"term": {"logpipe.kind": "method"}}, {"exists": {"field": "event.duration"}}],
                                      window),
            "aggs": {"top": {"terms": {"field": "logpipe.method.name", "size": max(size * 5, 50),
                                       "order": {"max": "desc"}},
                             "aggs": timing_aggs()}}}


def epochms_of_ns(ts: str) -> int:
    return int(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000)


def thread_context_body(events: list[dict[str, Any]], *, after_ms: int = 250, size: int = 500,
                        max_threads: int = 100) -> dict[str, Any] | None:
    """The SQL and method timings printed by the threads of a trail while they worked on it:
    same host, file and thread, from the thread's first event of the trail to `after_ms`
    after its last (a timing line is written when the call returns, after the call's own
    lines). None when no event names its thread."""
    spans: dict[tuple[str, str, str], list[int]] = {}
    for src in events:
        key = (dig(src, "host.name"), dig(src, "log.file.path"), dig(src, "process.thread.name"))
        if None in key or not src.get("@timestamp"):
            continue
        t = epochms_of_ns(src["@timestamp"])
        span = spans.setdefault(key, [t, t])  # type: ignore[arg-type]
        span[0], span[1] = min(span[0], t), max(span[1], t)
    if not spans:
        return None
    should = [{"bool": {"filter": [{"term": {"host.name": h}}, {"term": {"log.file.path": f}},
                                   {"term": {"process.thread.name": th}},
                                   {"range": {"@timestamp": {"gte": lo, "lte": hi + after_ms,
                                                             "format": "epoch_millis"}}}]}}
              for (h, f, th), (lo, hi) in list(spans.items())[:max_threads]]
    return {"size": size, "query": {"bool": {"filter": [{"terms": {"logpipe.kind": ["sql", "method"]}}],
                                             "should": should, "minimum_should_match": 1}}}


def merge_trail(events: list[dict[str, Any]], context: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The trail and its thread context, each event once, by time then file offset."""
    seen = {dig(s, "event.id") for s in events}
    merged = events + [s for s in context if dig(s, "event.id") not in seen]
    merged.sort(key=lambda s: (epochms_of_ns(s["@timestamp"]) if s.get("@timestamp") else 0,
                               dig(s, "log.offset") or 0))
    return merged


# -- shaping answers (pure) ------------------------------------------------------------


def _sample(bucket: dict[str, Any]) -> dict[str, Any]:
    hits = bucket.get("sample", {}).get("hits", {}).get("hits", [])
    return hits[0]["_source"] if hits else {}


def _seen(bucket: dict[str, Any], name: str) -> str | None:
    agg = bucket.get(name, {})
    return agg.get("value_as_string") if agg.get("value") is not None else None


def shape_exceptions(resp: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for b in resp["aggregations"]["top"]["buckets"]:
        s = _sample(b)
        rows.append({"signature": b["key"], "count": b["doc_count"], "first_seen": _seen(b, "first"),
                     "last_seen": _seen(b, "last"), "error_type": dig(s, "error.type"),
                     "error_message": dig(s, "error.message"),
                     "root_cause_type": dig(s, "logpipe.root_cause.type"),
                     "root_cause_message": dig(s, "logpipe.root_cause.message"),
                     "service": dig(s, "service.name"), "sample": s})
    return rows


def shape_timings(resp: dict[str, Any], key: str, *, size: int | None = None,
                  by: str | None = None) -> list[dict[str, Any]]:
    """Rows of count, p50/p95/max/total in ms, slow count (when asked), sample; sorted by `by` if given."""
    rows = []
    for b in resp["aggregations"]["top"]["buckets"]:
        s = _sample(b)
        pct = b["pct"]["values"]
        row = {key: b["key"], "count": b["doc_count"], "p50_ms": ms_of_ns(pct.get("50.0")),
               "p95_ms": ms_of_ns(pct.get("95.0")), "max_ms": ms_of_ns(b["max"]["value"]),
               "total_ms": ms_of_ns(b["total"]["value"]), "first_seen": _seen(b, "first"),
               "last_seen": _seen(b, "last"), "service": dig(s, "service.name"), "sample": s}
        if "slow" in b:
            row["slow_count"] = b["slow"]["doc_count"]
        if key == "fingerprint_id":
            row["fingerprint"] = dig(s, "logpipe.sql.fingerprint")
            row["statement"] = dig(s, "logpipe.sql.statement")
        rows.append(row)
    if by is not None:
        rows.sort(key=lambda r: (r[by] or 0), reverse=True)
    return rows[:size] if size is not None else rows


# -- running them ----------------------------------------------------------------------


async def run(client: Any, index: str, body: dict[str, Any]) -> dict[str, Any]:
    """One search over the pattern; no index yet is an empty answer, not an error."""
    resp = await client.search(index=index, ignore_unavailable=True, allow_no_indices=True, **body)
    return resp.body if hasattr(resp, "body") else resp


async def search(client: Any, index: str, body: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    resp = await run(client, index, body)
    return resp["hits"]["total"]["value"], resp["hits"]["hits"]


async def trace(client: Any, index: str, body: dict[str, Any], *, context: bool = True) -> list[dict[str, Any]]:
    """The events of `trace_body`; with `context`, merged with the timings of their threads."""
    resp = await run(client, index, body)
    events = [h["_source"] for h in resp["hits"]["hits"]]
    ctx_body = thread_context_body(events) if context else None
    if ctx_body is None:
        return events
    ctx = await run(client, index, ctx_body)
    return merge_trail(events, [h["_source"] for h in ctx["hits"]["hits"]])


async def top(client: Any, index: str, what: str, window: Window, *, size: int,
              slow_ms: float) -> list[dict[str, Any]]:
    """`what` is exceptions, sql or methods."""
    if what == "exceptions":
        return shape_exceptions(await run(client, index, top_exceptions_body(window, size=size)))
    if what == "sql":
        resp = await run(client, index, top_sql_body(window, size=size, slow_ms=slow_ms))
        return shape_timings(resp, "fingerprint_id")
    resp = await run(client, index, top_methods_body(window, size=size))
    return shape_timings(resp, "method", size=size, by="p95_ms")
