"""A record waits for its next line or for silence (`bounds.flush_after_ms`): the writer's
silence counts, not only the reader's. A file last written long ago (read from behind,
after a restart, a rotation) has its last record shipped when it is read to its end; a file
still being written keeps its record open across a pause shorter than the bound."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from tests.integration.ship_config import write_ship_config
from tests.integration.stages import start_stage, stop_stage
from tests.integration.topic_reader import read_events

pytestmark = pytest.mark.integration

HEAD = "2026-11-26 10:15:3{0}.123 [http-nio-8080-exec-1] {1} c.f.pay.OrderService - {2}\n"
TRACE = ("java.lang.IllegalStateException: 订单不存在\n"
         "\tat c.f.pay.OrderService.pay(OrderService.java:42)\n"
         "\tat c.f.pay.OrderController.pay(OrderController.java:17)\n")


def config(tmp: Path, topic: str, bootstrap: str, flush_after_ms: int) -> Path:
    cfg = write_ship_config(tmp, host="idle-close", bootstrap=bootstrap, topic=topic, inputs='service = "payments"')
    with cfg.open("a", encoding="utf-8") as f:
        f.write(f"[bounds]\nflush_after_ms = {flush_after_ms}\n")
    return cfg


def errors_with_traces(docs: list[dict]) -> list[dict]:
    return [d for d in docs if d.get("log", {}).get("level") == "ERROR"]


async def test_the_last_record_of_a_file_written_long_ago_is_shipped_when_read_to_its_end(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = config(tmp_path, unique_name, kafka_bootstrap, flush_after_ms=120_000)
    log = tmp_path / "logs" / "app.log"
    log.write_text(HEAD.format(0, "INFO ", "order created") + HEAD.format(1, "ERROR", "pay failed") + TRACE,
                   encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(log, (an_hour_ago, an_hour_ago))
    shipper = start_stage(cfg, "ship", "--quiet", log_name="ship.log")
    try:
        docs = await read_events(kafka_bootstrap, unique_name, lambda d: len(d) >= 2, timeout_s=60)
    finally:
        stop_stage(shipper)
    assert len(docs) == 2, "the last record waited for the reader's own flush_after_ms (120 s)"
    (error,) = errors_with_traces(docs)
    assert error["error"]["type"] == "java.lang.IllegalStateException"
    assert error["error"]["stack_trace"].count("\tat ") == 2


async def test_a_record_written_in_two_parts_stays_one_event_across_a_short_pause(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = config(tmp_path, unique_name, kafka_bootstrap, flush_after_ms=4000)
    log = tmp_path / "logs" / "app.log"
    log.write_text("", encoding="utf-8")
    shipper = start_stage(cfg, "ship", "--quiet", log_name="ship.log")
    try:
        while not (tmp_path / "state" / "checkpoints.json").exists():
            assert shipper.poll() is None, (tmp_path / "ship.log").read_text()
            await asyncio.sleep(0.1)
        first, rest = TRACE.split("\tat c.f.pay.OrderController")
        with log.open("a", encoding="utf-8") as f:
            f.write(HEAD.format(1, "ERROR", "pay failed") + first)
            f.flush()
            await asyncio.sleep(1.5)  # the writer pauses (shorter than the bound), the reader is at the end
            f.write("\tat c.f.pay.OrderController" + rest + HEAD.format(2, "INFO ", "next"))
        docs = await read_events(kafka_bootstrap, unique_name, lambda d: len(d) >= 2, timeout_s=60)
    finally:
        stop_stage(shipper)
    (error,) = errors_with_traces(docs)
    assert error["error"]["stack_trace"].count("\tat ") == 2, "the pause split the record"
