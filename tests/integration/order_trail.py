"""One order's trail over two services, with near misses for each search, written as log
files and shipped through `logpipe run` into the real Kafka and Elasticsearch under a
unique index prefix and unique topics (shared by the analyst search and live-view tests).

pay-gateway logs the order in a table line, then a new exception whose message names the
order (no keyed field holds it); order-service logs a table line and a slow statement
with the order among its parameters. The near misses: another package (`com.acme.paygate`)
with another `...TimeoutException`, a class in `com.acme.payment`, and a message holding
对, 账, 不, 平 scattered; one line holds 对账不平 itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import REPO
from tests.integration.stages import stop_stage

ORDER = "ord_20261120_000777"
DAY = "2026-11-20"

PAY_GATEWAY = f"""\
{DAY} 09:00:00.100 [main] INFO  com.acme.payment.RefundService - refund service started
{DAY} 09:00:01.000 [http-1] INFO  c.a.pay.web.PayController - |ORDER|{ORDER}|merchant=M1001|amount=88.00|channel=ALIPAY|status=PROCESSING|cost=9ms|
{DAY} 09:00:02.500 [http-1] ERROR c.a.pay.web.PayController - 支付渠道调用失败
com.acme.pay.ChannelTimeoutException: channel timeout for {ORDER}
\tat org.apache.hc.client5.http.impl.classic.CloseableHttpClient.execute(CloseableHttpClient.java:106)
\tat com.acme.pay.channel.ChannelClient.send(ChannelClient.java:42)
\tat com.acme.pay.service.PayService.pay(PayService.java:58)
\tat java.base/java.lang.Thread.run(Thread.java:1583)
{DAY} 09:00:03.000 [http-2] ERROR c.a.paygate.web.GateController - 网关读取失败
com.acme.paygate.ReadTimeoutException: read timed out for gate G7
\tat com.acme.paygate.net.GateClient.read(GateClient.java:77)
{DAY} 09:00:04.000 [recon-1] WARN  c.a.pay.recon.Reconciler - 今日对账不平，差额 12.00
{DAY} 09:00:05.000 [recon-1] INFO  c.a.pay.recon.Reconciler - 对方账户不存在，平台已拒绝
{DAY} 09:00:06.000 [main] INFO  c.a.pay.Heartbeat - heartbeat
"""

ORDER_SERVICE = f"""\
{DAY} 09:00:00.900 [http-8] INFO  c.a.order.service.OrderService - |ORDER|{ORDER}|merchant=M1001|amount=88.00|channel=ALIPAY|status=PROCESSING|cost=4ms|
{DAY} 09:00:03.500 [http-8] ERROR com.alibaba.druid.filter.stat.StatFilter - slow sql 1834 millis. UPDATE t_order SET status = ? WHERE order_no = ?["FAIL","{ORDER}"]
{DAY} 09:00:03.600 [http-8] INFO  c.a.order.service.OrderService - |ORDER|{ORDER}|merchant=M1001|amount=88.00|channel=ALIPAY|status=FAIL|cost=5ms|
"""

CONFIG = """\
[host]
name = "it-host"
timezone = "Asia/Shanghai"

[[inputs]]
paths = ["{logs}/pay-gateway/*.log"]
service = "pay-gateway"
format = "logback"
multiline = "java"
start_at = "beginning"

[[inputs]]
paths = ["{logs}/order-service/*.log"]
service = "order-service"
format = "logback"
multiline = "java"
start_at = "beginning"

[parse]
in_app = ["com.acme"]

[[tables]]
name = "order"
match = "|ORDER|"
columns = ["kind", "order_no", "merchant", "amount:decimal", "channel", "status", "cost:duration"]
trace_ids = ["order_no"]

[sql]
slow_ms = 1000

[kafka]
bootstrap = "{kafka}"
topic_events = "{name}.events"
topic_alerts = "{name}.alerts"
topic_signatures = "{name}.signatures"
topic_deadletter = "{name}.deadletter"
group_index = "{name}-index"
group_alert = "{name}-alert"

[elasticsearch]
hosts = ["{es}"]
index_prefix = "{name}"

[alerts]
outputs = ["kafka"]
keywords = ["对账不平"]

[state]
dir = "{state}"
"""


def write_trail(tmp: Path, name: str, kafka: str, es: str) -> Path:
    """The two services' logs and a config naming them; returns the config's path."""
    for service, text in (("pay-gateway", PAY_GATEWAY), ("order-service", ORDER_SERVICE)):
        (tmp / "logs" / service).mkdir(parents=True, exist_ok=True)
        (tmp / "logs" / service / f"{service}.log").write_text(text, encoding="utf-8")
    cfg = tmp / "logpipe.toml"
    cfg.write_text(CONFIG.format(logs=tmp / "logs", kafka=kafka, es=es, name=name, state=tmp / "state"),
                   encoding="utf-8")
    return cfg


def cli(*args: str, check: bool = True, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    if check:
        assert proc.returncode == 0, f"logpipe {args}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def es_count(es_url: str, prefix: str) -> int:
    try:
        with urllib.request.urlopen(f"{es_url}/{prefix}-*/_count?allow_no_indices=true", timeout=5) as r:
            return json.load(r)["count"]
    except OSError:
        return -1


def run_until_indexed(cfg: Path, es_url: str, prefix: str, expected: int, timeout_s: float = 90) -> None:
    """`logpipe run` on the config until Elasticsearch holds `expected` documents, then stopped."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("LOGPIPE_KAFKA", None)
    env.pop("LOGPIPE_ES", None)
    log = cfg.parent / "run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", "--config", str(cfg), "--quiet"],
                                cwd=cfg.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while es_count(es_url, prefix) < expected and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
        urllib.request.urlopen(urllib.request.Request(f"{es_url}/{prefix}-*/_refresh", method="POST"), timeout=10)
        assert es_count(es_url, prefix) == expected, log.read_text()[-3000:]
    finally:
        stop_stage(proc)


def delete_indices(es_url: str, prefix: str) -> None:
    """The prefix's indices and index template, off the shared node."""
    for path in (f"{prefix}-*?allow_no_indices=true&expand_wildcards=all", f"_index_template/{prefix}"):
        try:
            urllib.request.urlopen(urllib.request.Request(f"{es_url}/{path}", method="DELETE"), timeout=20)
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                raise
