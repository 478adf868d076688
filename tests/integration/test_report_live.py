"""`logpipe report --serve`: the live page in headless Chromium against the real
Elasticsearch and Kafka (unique index prefix and topics). The page loads and shows the
seeded events; a new event and a new alert appear on it without a reload. An
Elasticsearch that does not answer is shown and counted, the last panels stay."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from aiokafka import AIOKafkaProducer
from elasticsearch import AsyncElasticsearch

from parsers.prefix.time import parse_timezone
from pipeline.analyst.live import LiveReport
from pipeline.analyst.window import Window
from pipeline.config.load import load_config
from sinks.es_template import index_template
from tests.conftest import REPO, assert_served_by
from tests.integration.order_trail import write_trail
from tests.integration.stages import stop_stage
from tests.integration.webdriver import Browser

pytestmark = pytest.mark.integration


def es(method: str, url: str, body: dict | None = None) -> dict:
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as r:
        return json.load(r)


def event(n: int, message: str, ago_s: float, **extra) -> dict:
    ts = (datetime.now(timezone.utc) - timedelta(seconds=ago_s)).isoformat(timespec="milliseconds")
    return {"@timestamp": ts, "message": message, "service": {"name": "pay-gateway"}, "host": {"name": "h"},
            "log": {"level": "INFO", "offset": n}, "event": {"id": f"e{n}"}, "logpipe": {"kind": "line"}, **extra}


def index_event(es_url: str, prefix: str, doc: dict) -> None:
    day = doc["@timestamp"][:10].replace("-", ".")
    es("PUT", f"{es_url}/{prefix}-{day}/_doc/{doc['event']['id']}?refresh=true", doc)


async def produce(bootstrap: str, topic: str, value: dict) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, json.dumps(value).encode())
    finally:
        await producer.stop()


@pytest.fixture
def served(tmp_path, es_url, kafka_bootstrap, unique_name, private_port):
    body = index_template(unique_name, number_of_replicas=0)
    body["_meta"] = body.pop("meta")  # put_index_template's keyword, the REST body's key
    es("PUT", f"{es_url}/_index_template/{body.pop('name')}", body)
    index_event(es_url, unique_name, event(1, "收到支付请求 orderNo=ord_live_0001 seeded-one", 120))
    index_event(es_url, unique_name, event(2, "支付失败 seeded-two", 60, log={"level": "ERROR", "offset": 2},
                                           logpipe={"kind": "exception", "signature": "sig-live-1"},
                                           error={"type": "com.acme.pay.ChannelTimeoutException",
                                                  "message": "channel timeout for ord_live_0001"}))
    cfg = write_trail(tmp_path, unique_name, kafka_bootstrap, es_url)
    port = private_port()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LOGPIPE_KAFKA", None)
    env.pop("LOGPIPE_ES", None)
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "report", "--serve", str(port), "--config",
                             str(cfg), "--since", "1h", "--refresh-s", "1"], cwd=tmp_path, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/panels", timeout=2)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.3)
        assert_served_by(proc.pid, port)
        yield {"url": f"http://127.0.0.1:{port}/", "prefix": unique_name, "port": port}
    finally:
        stop_stage(proc)
        log.close()
        es("DELETE", f"{es_url}/{unique_name}-*?allow_no_indices=true")
        es("DELETE", f"{es_url}/_index_template/{unique_name}")


def test_the_live_page_shows_the_window_and_updates_itself(served, tmp_path, es_url, kafka_bootstrap):
    with Browser(tmp_path) as b:
        b.open(served["url"])
        b.wait_for(lambda: "seeded-two" in b.text() and "seeded-one" in b.text())
        text = b.text()
        assert "ChannelTimeoutException" in text and "Top exception signatures" in text
        assert b.run("return document.querySelector('.card .n').textContent") == "2"  # events in the window
        b.run("window.sameDocument = 'yes'")  # gone if the page were loaded again
        index_event(es_url, served["prefix"], event(3, "对账不平 arrived-later", 1,
                                                     log={"level": "WARN", "offset": 3}))
        b.wait_for(lambda: "arrived-later" in b.text())
        assert b.run("return document.querySelector('.card .n').textContent") == "3"
        asyncio.run(produce(kafka_bootstrap, f"{served['prefix']}.alerts", {
            "id": "alert-live-1", "rule": "keyword", "severity": "high", "title": "keyword 对账不平 in pay-gateway",
            "@timestamp": datetime.now(timezone.utc).isoformat(), "service": "pay-gateway"}))
        b.wait_for(lambda: "keyword 对账不平 in pay-gateway" in b.text(), timeout_s=40)
        assert b.run("return window.sameDocument") == "yes"


def test_the_live_server_listens_on_loopback_only_by_default(served):
    out = subprocess.run(["ss", "-ltnH", f"sport = :{served['port']}"], capture_output=True, text=True).stdout
    assert out.strip() and all("127.0.0.1:" in line for line in out.strip().splitlines()), out


async def test_an_elasticsearch_that_does_not_answer_is_shown_and_counted_and_the_last_panels_stay(
        tmp_path, es_url, kafka_bootstrap, unique_name, private_port):
    cfg = load_config(write_trail(tmp_path, unique_name, kafka_bootstrap, es_url), {})
    nobody = AsyncElasticsearch(f"http://127.0.0.1:{private_port()}", max_retries=0, request_timeout=5)
    live = LiveReport(cfg, {}, nobody, lambda now: Window(now - timedelta(hours=1), now),
                      parse_timezone("Asia/Shanghai"))
    live.panels["report"] = "<p>the last report</p>"
    try:
        await live.refresh()
    finally:
        await nobody.close()
    assert live.panels["error"].startswith("Elasticsearch did not answer: ConnectionError")
    assert live.failures == 1 and live.panels["report"] == "<p>the last report</p>"
    assert live.health["error"] is None  # Kafka answered: its panel is still current
