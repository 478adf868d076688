"""The queries of the daily log inspection (`logpipe report`): bodies (pure) and one
async `gather_report` that runs them and returns the report as plain data, which
`pipeline.analyst.html` draws.

Errors are events at ERROR/FATAL/CRITICAL or carrying an exception. A signature is new
when its first sighting in the whole index (not only in the window) falls in the window.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pipeline.analyst.queries import (filtered_query, run, shape_exceptions, shape_timings, timing_aggs,
                                      top_exceptions_body, top_methods_body)
from pipeline.analyst.window import Window, iso_ms
from pipeline.figures import NS_PER_MS

ERROR_LEVELS = ["ERROR", "FATAL", "CRITICAL"]
ERRORS = {"bool": {"should": [{"terms": {"log.level": ERROR_LEVELS}}, {"term": {"logpipe.kind": "exception"}}],
                   "minimum_should_match": 1}}
NICE_INTERVALS_S = (60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400)
MAX_SIGNATURES = 500


def interval_for(window: Window, buckets: int = 24, *, at_least_s: int = 60) -> int:
    """The smallest nice interval (s) that cuts the window into at most `buckets` buckets."""
    seconds = window.seconds or 86400
    for s in NICE_INTERVALS_S:
        if s >= at_least_s and seconds / s <= buckets:
            return s
    return NICE_INTERVALS_S[-1]


def _histogram(window: Window, interval_s: int, zone: str) -> dict[str, Any]:
    h: dict[str, Any] = {"field": "@timestamp", "fixed_interval": f"{interval_s}s", "min_doc_count": 0,
                         "time_zone": zone}
    if window.start is not None and window.end is not None:
        # the window's end is exclusive; the query's range keeps every bucket's documents inside it
        # (no hard_bounds: with a time_zone it drops the last bucket's documents)
        last = window.end - timedelta(milliseconds=1)
        h["extended_bounds"] = {"min": iso_ms(window.start), "max": iso_ms(last)}
    return {"date_histogram": h}


def totals_body(window: Window) -> dict[str, Any]:
    return {"size": 0, "track_total_hits": True, "query": filtered_query([], window),
            "aggs": {"levels": {"terms": {"field": "log.level", "size": 20}},
                     "services": {"terms": {"field": "service.name", "size": 100}},
                     "errors": {"filter": ERRORS}}}


def first_seen_body(size: int = MAX_SIGNATURES) -> dict[str, Any]:
    """Every signature's first sighting over all indices (no window)."""
    return {"size": 0, "query": {"exists": {"field": "logpipe.signature"}},
            "aggs": {"sig": {"terms": {"field": "logpipe.signature", "size": size},
                             "aggs": {"first": {"min": {"field": "@timestamp"}}}}}}


def trend_body(window: Window, signatures: list[str], interval_s: int, zone: str) -> dict[str, Any]:
    return {"size": 0, "query": filtered_query([{"terms": {"logpipe.signature": signatures}}], window),
            "aggs": {"sig": {"terms": {"field": "logpipe.signature", "size": len(signatures) or 1},
                             "aggs": {"t": _histogram(window, interval_s, zone)}}}}


def errors_by_service_body(window: Window, interval_s: int, zone: str) -> dict[str, Any]:
    return {"size": 0, "query": filtered_query([ERRORS], window),
            "aggs": {"t": {**_histogram(window, interval_s, zone),
                           "aggs": {"svc": {"terms": {"field": "service.name", "size": 50}}}}}}


def slow_sql_body(window: Window, slow_ms: float, by_fingerprint: Mapping[str, float],
                  size: int = MAX_SIGNATURES) -> dict[str, Any]:
    """Every fingerprint with its count at or over its threshold: `slow_ms`, or its own one
    from `[sql.slow_ms_by_fingerprint]` (a filter each, under `override`)."""
    body = {"size": 0, "query": filtered_query([{"term": {"logpipe.kind": "sql"}}, {"exists": {"field": "event.duration"}}],
                                      window),
            "aggs": {"top": {"terms": {"field": "logpipe.sql.fingerprint_id", "size": size,
                                       "order": {"max": "desc"}},
                             "aggs": timing_aggs(int(slow_ms * NS_PER_MS))}}}
    if by_fingerprint:
        body["aggs"]["override"] = {"filters": {"filters": {
            fid: {"bool": {"filter": [{"term": {"logpipe.sql.fingerprint_id": fid}},
                                      {"range": {"event.duration": {"gte": int(ms * NS_PER_MS)}}}]}}
            for fid, ms in by_fingerprint.items()}}}
    return body


def masked_body(window: Window, fields: list[str]) -> dict[str, Any]:
    return {"size": 0, "query": filtered_query([], window),
            "aggs": {f: {"sum": {"field": f"logpipe.masked.{f}"}} for f in fields}}


# -- shaping (pure) ----------------------------------------------------------------------


def shape_slow_sql(resp: dict[str, Any], slow_ms: float, by_fingerprint: Mapping[str, float]) -> list[dict[str, Any]]:
    """Fingerprints with at least one statement over their threshold, most over first."""
    overrides = resp.get("aggregations", {}).get("override", {}).get("buckets", {})
    rows = []
    for row in shape_timings(resp, "fingerprint_id"):
        fid = row["fingerprint_id"]
        if fid in by_fingerprint:
            row["slow_count"] = overrides.get(fid, {}).get("doc_count", 0)
        row["slow_ms"] = by_fingerprint.get(fid, slow_ms)
        if row["slow_count"]:
            rows.append(row)
    rows.sort(key=lambda r: (r["slow_count"], r["max_ms"] or 0), reverse=True)
    return rows


def shape_series(buckets: list[dict[str, Any]]) -> tuple[list[str], list[int]]:
    return [b["key_as_string"] for b in buckets], [b["doc_count"] for b in buckets]


def shape_errors_by_service(resp: dict[str, Any]) -> dict[str, Any]:
    buckets = resp["aggregations"]["t"]["buckets"]
    times, _ = shape_series(buckets)
    services = sorted({s["key"] for b in buckets for s in b["svc"]["buckets"]})
    series = {svc: [next((s["doc_count"] for s in b["svc"]["buckets"] if s["key"] == svc), 0) for b in buckets]
              for svc in services}
    return {"times": times, "series": series}


def new_signatures(first_seen: dict[str, Any], window: Window, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows (signatures seen in the window) whose first sighting ever is in the window."""
    start_ms = window.start.timestamp() * 1000 if window.start else float("-inf")
    first = {b["key"]: b["first"]["value"] for b in first_seen["aggregations"]["sig"]["buckets"]}
    return [r for r in rows if first.get(r["signature"]) is not None and first[r["signature"]] >= start_ms]


async def masked_fields(client: Any, index: str) -> list[str]:
    """The `logpipe.masked.*` counters the indices know (they are mapped dynamically)."""
    resp = await client.indices.get_field_mapping(index=index, fields="logpipe.masked.*",
                                                  ignore_unavailable=True, allow_no_indices=True)
    names = set()
    for mappings in (resp.body if hasattr(resp, "body") else resp).values():
        names.update(f.removeprefix("logpipe.masked.") for f in mappings.get("mappings", {}))
    return sorted(names)


async def gather_report(client: Any, index: str, window: Window, *, zone: str, slow_ms: float,
                        slow_by_fingerprint: Mapping[str, float], top: int = 10) -> dict[str, Any]:
    """Everything the report shows except pipeline health, as plain data."""
    err_interval = interval_for(window, 48, at_least_s=3600)
    trend_interval = interval_for(window, 24)
    masked_names = await masked_fields(client, index)
    totals, first, sigs, slow, methods, errors, masked = await asyncio.gather(
        run(client, index, totals_body(window)), run(client, index, first_seen_body()),
        run(client, index, top_exceptions_body(window, size=MAX_SIGNATURES)),
        run(client, index, slow_sql_body(window, slow_ms, slow_by_fingerprint)),
        run(client, index, top_methods_body(window, size=top)),
        run(client, index, errors_by_service_body(window, err_interval, zone)),
        run(client, index, masked_body(window, masked_names)))
    signatures = shape_exceptions(sigs)
    top_rows = signatures[:top]
    if top_rows:
        trends = await run(client, index, trend_body(window, [r["signature"] for r in top_rows], trend_interval, zone))
        by_sig = {b["key"]: shape_series(b["t"]["buckets"]) for b in trends["aggregations"]["sig"]["buckets"]}
        for r in top_rows:
            r["trend_times"], r["trend"] = by_sig.get(r["signature"], ([], []))
    aggs = totals.get("aggregations", {})
    return {
        "window": {"from": iso_ms(window.start) if window.start else None,
                   "to": iso_ms(window.end) if window.end else None},
        "generated": iso_ms(datetime.now().astimezone()),
        "totals": {"events": totals["hits"]["total"]["value"], "errors": aggs.get("errors", {}).get("doc_count", 0),
                   "levels": {b["key"]: b["doc_count"] for b in aggs.get("levels", {}).get("buckets", [])},
                   "services": {b["key"]: b["doc_count"] for b in aggs.get("services", {}).get("buckets", [])}},
        "signature_count": len(signatures),
        "new_signatures": new_signatures(first, window, signatures),
        "signatures": top_rows,
        "trend_interval_s": trend_interval,
        "slow_sql": shape_slow_sql(slow, slow_ms, slow_by_fingerprint),
        "slow_ms": slow_ms,
        "methods": shape_timings(methods, "method", size=top, by="p95_ms"),
        "errors_interval_s": err_interval,
        "errors_by_service": shape_errors_by_service(errors),
        "masked": {k: int(v["value"]) for k, v in masked.get("aggregations", {}).items()},
    }
