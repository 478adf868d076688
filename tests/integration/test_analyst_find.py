"""An analyst finds what they look for: one order's trail (tests/integration/order_trail.py)
shipped by `logpipe run` through the real Kafka into the real Elasticsearch, then
searched and traced with the CLI; each search has a near miss that must stay out."""

from __future__ import annotations

import asyncio
import copy
import os

import pytest
from elasticsearch import AsyncElasticsearch

from pipeline.analyst import queries as analyst
from pipeline.analyst.window import Window
from sinks.es_template import mappings, settings, upgrade_index
from tests.integration.order_trail import ORDER, cli, delete_indices, json_lines, run_until_indexed, write_trail

pytestmark = pytest.mark.integration
EVENTS = 10  # lines and records in order_trail's two logs


@pytest.fixture(scope="module")
def trail(tmp_path_factory, es_url, kafka_bootstrap):
    tmp = tmp_path_factory.mktemp("find")
    name = f"t-find-{os.urandom(5).hex()}"
    cfg = write_trail(tmp, name, kafka_bootstrap, es_url)
    try:
        run_until_indexed(cfg, es_url, name, EVENTS)
        yield cfg
    finally:
        delete_indices(es_url, name)


def search(cfg, query: str) -> list[dict]:
    return [h["_source"] for h in json_lines(cli("search", query, "--config", str(cfg), "--json",
                                                  check=False).stdout)]


def test_trace_shows_the_exception_in_time_order_with_its_class_and_first_in_app_frame(trail, tmp_path):
    html = tmp_path / "trail.html"
    events = json_lines(cli("trace", ORDER, "--config", str(trail), "--json", "--html", str(html)).stdout)
    assert [(e["service"]["name"], e["logpipe"]["kind"]) for e in events] == [
        ("order-service", "table"), ("pay-gateway", "table"), ("pay-gateway", "exception"),
        ("order-service", "sql"), ("order-service", "table")]
    assert [e["@timestamp"] for e in events] == sorted(e["@timestamp"] for e in events)
    exc = events[2]
    assert exc["error"]["type"] == "com.acme.pay.ChannelTimeoutException" and "trace_ids" not in exc["logpipe"]
    assert exc["logpipe"]["first_app_frame"] == "com.acme.pay.channel.ChannelClient.send(ChannelClient.java:42)"
    lines = cli("trace", ORDER, "--config", str(trail)).stdout.splitlines()
    (shown,) = [n for n, line in enumerate(lines) if "ChannelTimeoutException" in line]
    assert "ChannelClient.send(ChannelClient.java:42)" in lines[shown] and "pay-gateway" in lines[shown]
    assert "|ORDER|" in lines[shown - 1] and "SQL 1,834 ms" in lines[shown + 1]
    page = html.read_text()
    assert "com.acme.pay.ChannelTimeoutException: channel timeout for" in page
    assert "ChannelClient.send(ChannelClient.java:42)" in page and 'stroke="#dc2626"' in page


def test_an_exception_is_found_by_its_simple_name_and_not_its_neighbours(trail):
    (hit,) = search(trail, "ChannelTimeoutException")
    assert hit["error"]["type"] == "com.acme.pay.ChannelTimeoutException"
    assert search(trail, "ReadTimeoutException")[0]["error"]["type"] == "com.acme.paygate.ReadTimeoutException"
    assert search(trail, "ChannelTimeoutExceptions") == []
    shown = cli("search", "ChannelTimeoutException", "--config", str(trail)).stdout
    assert "支付渠道调用失败  ⟶ com.acme.pay.ChannelTimeoutException" in shown and "1 of 1 matching" in shown


def test_a_package_is_found_as_consecutive_parts_not_as_a_prefix_of_another(trail):
    (hit,) = search(trail, "com.acme.pay")
    assert hit["error"]["type"] == "com.acme.pay.ChannelTimeoutException"  # not com.acme.paygate/.payment
    assert {h["log"]["logger"] for h in search(trail, "com.acme.payment")} == {"com.acme.payment.RefundService"}


def test_a_camel_case_part_finds_every_exception_type_that_has_it(trail):
    assert {h["error"]["type"] for h in search(trail, "Timeout")} == {
        "com.acme.pay.ChannelTimeoutException", "com.acme.paygate.ReadTimeoutException"}
    assert {h["error"]["type"] for h in search(trail, "ChannelClient")} == {"com.acme.pay.ChannelTimeoutException"}


def test_a_chinese_phrase_matches_only_where_its_characters_stand_together(trail):
    (hit,) = search(trail, "对账不平")
    assert hit["message"] == "今日对账不平，差额 12.00"  # not 对方账户不存在，平台已拒绝
    (hit,) = search(trail, "对方账户")
    assert hit["message"] == "对方账户不存在，平台已拒绝"


def test_text_inside_sql_and_stack_traces_is_found(trail):
    (hit,) = search(trail, "t_order")
    assert hit["logpipe"]["kind"] == "sql"
    (hit,) = search(trail, "GateClient")
    assert hit["error"]["type"] == "com.acme.paygate.ReadTimeoutException"


def _without_parts(node):
    if isinstance(node, dict):
        fields = node.get("fields")
        if isinstance(fields, dict):
            fields.pop("parts", None)
            if not fields:
                node.pop("fields")
        for v in node.values():
            _without_parts(v)
    return node


async def test_an_index_made_before_the_parts_subfields_finds_dotted_parts_after_template_upgrade(
        es_url, kafka_bootstrap, unique_name, tmp_path):
    index = f"{unique_name}-2026.11.19"
    cfg = write_trail(tmp_path, unique_name, kafka_bootstrap, es_url)
    es = AsyncElasticsearch(es_url)
    try:
        await es.indices.create(index=index, settings=settings(number_of_replicas=0),
                                mappings=_without_parts(copy.deepcopy(mappings())))
        await es.index(index=index, id="1", refresh=True, document={
            "@timestamp": "2026-11-19T01:00:00Z", "message": "failed",
            "error": {"type": "com.acme.pay.ChannelTimeoutException"}})
        body = analyst.search_body("com.acme.pay", Window())
        assert (await analyst.search(es, f"{unique_name}-*", body))[0] == 0
        done = await asyncio.to_thread(cli, "template", "upgrade", "--config", str(cfg))
        assert "1 document(s) written again" in done.stderr
        assert (await analyst.search(es, f"{unique_name}-*", body))[0] == 1
        assert await upgrade_index(es, index) == 1  # again: nothing changes, nothing fails
    finally:
        await es.indices.delete(index=index, ignore_unavailable=True)
        await es.options(ignore_status=404).indices.delete_index_template(name=unique_name)
        await es.close()
