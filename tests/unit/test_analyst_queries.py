"""The analyst request bodies: time windows, filters, highlights, aggregations (no services)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from parsers.prefix.time import parse_timezone
from pipeline.analyst import queries as analyst
from pipeline.analyst.health import group_lag, topic_size
from pipeline.analyst.query import rewrite
from pipeline.analyst.report import errors_by_service_body, interval_for, new_signatures, slow_sql_body
from pipeline.analyst.window import Window, WindowError, window_from
from aiokafka import TopicPartition

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
SHANGHAI = parse_timezone("Asia/Shanghai")


def test_since_is_relative_to_now():
    w = window_from(since="1h", start=None, end=None, now=NOW)
    assert w == Window(NOW - timedelta(hours=1), NOW)
    assert w.range_query() == {"range": {"@timestamp": {"gte": "2026-11-26T11:00:00.000+00:00",
                                                        "lt": "2026-11-26T12:00:00.000+00:00"}}}


def test_from_and_to_without_offset_are_read_in_the_config_zone():
    w = window_from(since=None, start="2026-11-26", end="2026-11-27T00:00", now=NOW, zone=SHANGHAI)
    assert w.range_query()["range"]["@timestamp"] == {"gte": "2026-11-26T00:00:00.000+08:00",
                                                       "lt": "2026-11-27T00:00:00.000+08:00"}
    assert w.seconds == 86400


def test_no_window_is_all_time_unless_the_command_has_a_default():
    assert window_from(since=None, start=None, end=None, now=NOW).range_query() is None
    assert window_from(since=None, start=None, end=None, now=NOW, default_since="24h").seconds == 86400


@pytest.mark.parametrize("args", [dict(since="1 hour", start=None, end=None),
                                  dict(since="1h", start="2026-11-26", end=None),
                                  dict(since=None, start="2026-11-27", end="2026-11-26"),
                                  dict(since=None, start="yesterday", end=None)])
def test_unreadable_windows_are_usage_errors(args):
    with pytest.raises(WindowError):
        window_from(now=NOW, **args)


def test_search_filters_sorts_newest_first_and_highlights_message_and_error_message():
    w = window_from(since="1h", start=None, end=None, now=NOW)
    body = analyst.search_body("timeout AND ALIPAY", w, service="pay-gateway", level="error", kind="exception",
                               size=5, tags=analyst.TERMINAL_TAGS)
    filters = body["query"]["bool"]["filter"]
    assert filters[0] == w.range_query()
    assert {"term": {"service.name": "pay-gateway"}} in filters
    assert {"term": {"log.level": "ERROR"}} in filters
    assert {"term": {"logpipe.kind": "exception"}} in filters
    assert body["query"]["bool"]["must"][0]["query_string"]["query"] == rewrite("timeout AND ALIPAY")
    assert body["sort"][0] == {"@timestamp": "desc"} and body["size"] == 5
    assert {"message", "error.message"} <= set(body["highlight"]["fields"])
    assert body["highlight"]["pre_tags"] == [analyst.TERMINAL_TAGS[0]]


def test_a_star_query_matches_everything_in_the_window():
    body = analyst.search_body("*", Window())
    assert "must" not in body["query"]["bool"] and body["query"]["bool"]["filter"] == []


def test_trace_matches_the_id_term_or_the_phrase_and_sorts_by_time_then_offset():
    body = analyst.trace_body("ord_20261126_000123", Window())
    should = body["query"]["bool"]["should"]
    assert {"term": {"logpipe.trace_ids": "ord_20261126_000123"}} in should
    assert {"match_phrase": {"message": "ord_20261126_000123"}} in should
    assert body["query"]["bool"]["minimum_should_match"] == 1
    assert [list(s)[0] for s in body["sort"]] == ["@timestamp", "log.offset"]


def test_thread_context_asks_for_timings_of_the_same_thread_within_the_trail():
    events = [{"@timestamp": "2026-11-26T10:15:30.128+08:00", "host": {"name": "h"}, "log": {"file": {"path": "/a"}},
               "process": {"thread": {"name": "t1"}}},
              {"@timestamp": "2026-11-26T10:15:30.135+08:00", "host": {"name": "h"}, "log": {"file": {"path": "/a"}},
               "process": {"thread": {"name": "t1"}}}]
    body = analyst.thread_context_body(events, after_ms=250)
    (clause,) = body["query"]["bool"]["should"]
    rng = clause["bool"]["filter"][3]["range"]["@timestamp"]
    assert rng["lte"] - rng["gte"] == 7 + 250
    assert body["query"]["bool"]["filter"] == [{"terms": {"logpipe.kind": ["sql", "method"]}}]
    assert analyst.thread_context_body([{"message": "no thread"}]) is None


def test_top_sql_orders_by_total_time_and_counts_statements_over_the_threshold_in_ns():
    body = analyst.top_sql_body(Window(), size=7, slow_ms=1000)
    terms = body["aggs"]["top"]
    assert terms["terms"] == {"field": "logpipe.sql.fingerprint_id", "size": 7, "order": {"total": "desc"}}
    assert terms["aggs"]["slow"]["filter"]["range"]["event.duration"]["gte"] == 1_000_000_000
    assert terms["aggs"]["pct"]["percentiles"]["percents"] == [50, 95]


def test_slow_sql_uses_per_fingerprint_thresholds():
    body = slow_sql_body(Window(), 1000, {"abc": 3000})
    rng = body["aggs"]["override"]["filters"]["filters"]["abc"]["bool"]["filter"][1]["range"]
    assert rng == {"event.duration": {"gte": 3_000_000_000}}


def test_errors_chart_buckets_by_hour_in_the_config_zone_over_the_whole_window():
    w = window_from(since=None, start="2026-11-26", end="2026-11-27", now=NOW, zone=SHANGHAI)
    hist = errors_by_service_body(w, interval_for(w, 48, at_least_s=3600), "Asia/Shanghai")["aggs"]["t"]
    assert hist["date_histogram"]["fixed_interval"] == "3600s"
    assert hist["date_histogram"]["time_zone"] == "Asia/Shanghai"
    assert hist["date_histogram"]["extended_bounds"]["min"] == "2026-11-26T00:00:00.000+08:00"


def test_a_signature_is_new_when_its_first_sighting_ever_is_inside_the_window():
    w = Window(datetime(2026, 11, 26, tzinfo=timezone.utc), datetime(2026, 11, 27, tzinfo=timezone.utc))
    start = w.start.timestamp() * 1000
    first = {"aggregations": {"sig": {"buckets": [{"key": "old", "first": {"value": start - 1}},
                                                  {"key": "new", "first": {"value": start + 5}}]}}}
    rows = [{"signature": "old"}, {"signature": "new"}]
    assert new_signatures(first, w, rows) == [{"signature": "new"}]


def test_lag_counts_uncommitted_partitions_from_their_beginning():
    tp0, tp1 = TopicPartition("ev", 0), TopicPartition("ev", 1)
    lag = group_lag({tp0: 90, tp1: None}, {tp0: 0, tp1: 10}, {tp0: 100, tp1: 25})
    assert lag["lag"] == 10 + 15 and lag["committed_any"]
    assert topic_size({tp0: 5}, {tp0: 12, tp1: 3}) == 7 + 3
