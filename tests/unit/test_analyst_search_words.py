"""How `logpipe search` widens what an analyst types (no services): class names by their
parts, dotted names as phrases, CJK words as phrases, ids untouched; and the Lucene
regexp that finds a camel-case part, checked with Python's re (same syntax subset)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

from pipeline.analyst import queries as analyst
from pipeline.analyst.query import DEFAULT_FIELDS, PARTS, camel_part_regex, rewrite
from pipeline.analyst.window import Window


@pytest.mark.parametrize("word, value", [
    ("Timeout", "com.acme.pay.ChannelTimeoutException"), ("timeout", "com.acme.pay.ChannelTimeoutException"),
    ("Channel", "com.acme.pay.ChannelTimeoutException"), ("ChannelTimeoutException", "com.acme.pay.ChannelTimeoutException"),
    ("Exception", "com.acme.pay.ChannelTimeoutException"), ("Inner", "com.acme.Outer$InnerError"),
    ("pay", "com.acme.pay.ChannelTimeoutException"), ("Timeout", "Timeout"), ("Http", "com.acme.Http2Client"),
])
def test_a_camel_case_or_dotted_part_matches(word, value):
    assert re.fullmatch(camel_part_regex(word), value)


@pytest.mark.parametrize("word, value", [
    ("Timeout", "com.acme.TimeoutsCounter"),    # "Timeouts" is the part, not "Timeout"
    ("Timeout", "com.acme.Nontimeout"),         # lower case inside a part is no boundary
    ("Channel", "com.acme.pay.ChannelsTimeoutException"),
    ("pay", "com.acme.payment.RefundException"),
])
def test_a_word_inside_a_part_does_not_match(word, value):
    assert re.fullmatch(camel_part_regex(word), value) is None


def test_a_letters_only_word_also_searches_the_parts_subfields_and_name_parts():
    q = rewrite("ChannelTimeoutException")
    assert q.startswith(f"(ChannelTimeoutException OR {PARTS}:ChannelTimeoutException OR error.type:/")
    assert "logpipe.root_cause.type:/" in q and "log.logger:/" in q


def test_a_dotted_name_becomes_a_phrase_also_over_the_parts():
    assert rewrite("com.acme.pay") == f'("com.acme.pay" OR {PARTS}:"com.acme.pay")'
    assert rewrite('"com.acme.pay"') == f'("com.acme.pay" OR {PARTS}:"com.acme.pay")'


def test_cjk_words_become_phrases():
    assert rewrite("对账不平") == '"对账不平"'
    assert rewrite("超时 AND 对账不平") == '"超时" AND "对账不平"'


@pytest.mark.parametrize("query", ["ord_20261126_000123", "pay*", "service.name:pay-gateway", "5000ms",
                                   'error.type:"com.acme.X"', "service.name:(pay OR order)", "/time.*/",
                                   "amount:[10 TO 20]", "AND", '"two words"', "x~2", "A" * 101])
def test_ids_wildcards_fields_ranges_and_regexps_pass_through(query):
    assert rewrite(query) == query


@given(st.text(max_size=60))
def test_rewrite_is_total_and_keeps_every_quote_balanced(text):
    out = rewrite(text)
    assert isinstance(out, str)
    assert out.count('"') % 2 == text.count('"') % 2


def test_search_body_runs_the_rewritten_query_over_the_default_fields_leniently():
    body = analyst.search_body("Timeout", Window())
    qs = body["query"]["bool"]["must"][0]["query_string"]
    assert qs["query"] == rewrite("Timeout") and qs["fields"] == DEFAULT_FIELDS and qs["lenient"] is True
    assert "error.stack_trace" in DEFAULT_FIELDS and "logpipe.sql.params" in DEFAULT_FIELDS
    assert {"message.parts", "error.message.parts"} <= set(body["highlight"]["fields"])


def test_trace_looks_in_exceptions_stack_traces_and_table_cells_too():
    should = analyst.trace_body("ord_1", Window())["query"]["bool"]["should"]
    for f in ("message", "error.message", "error.stack_trace", "logpipe.root_cause.message",
              "logpipe.sql.params", "logpipe.sql.statement"):
        assert {"match_phrase": {f: "ord_1"}} in should
    assert {"multi_match": {"query": "ord_1", "fields": ["logpipe.table.fields.*"], "lenient": True}} in should
