"""The shipper's batches against the real broker: a file's events arrive once each, in
file order, in the partition a keyed send of the file's key goes to; a record larger
than a batch still goes out whole; the checkpoint reaches the file's end only once
Kafka has acknowledged every batch."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pipeline.config.load import load_config
from pipeline.metrics.registry import Metrics
from pipeline.ship.shipper import Shipper
from pipeline.tail.checkpoints import CheckpointStore
from sinks.codec import event_key
from sinks.kafka import default_partition, ensure_topics

pytestmark = pytest.mark.integration

LINES = 3_000
BIG_AT = 1_500  # this line's record is larger than a whole batch


def write_log(path: Path) -> int:
    with open(path, "w") as f:
        for i in range(LINES):
            text = "x" * 40_000 if i == BIG_AT else f"订单号=ord_{i:06d} 耗时 {i % 97}ms"
            f.write(f"2026-11-26 10:15:{i % 60:02d}.000 [exec-{i % 8}] INFO  c.f.pay.OrderService - seq={i:08d} {text}\n")
    return path.stat().st_size


async def read_topic(bootstrap: str, topic: str, n: int, timeout_s: float = 60) -> list:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    records: list = []
    try:
        deadline = time.monotonic() + timeout_s
        while len(records) < n and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


async def partition_of_a_keyed_send(bootstrap: str, topic: str, key: bytes) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        return (await producer.send_and_wait(topic, b"{}", key=key)).partition
    finally:
        await producer.stop()


async def test_a_file_goes_out_in_batches_in_order_once_each_to_its_keys_partition(
        tmp_path, kafka_bootstrap, unique_name):
    (tmp_path / "logs").mkdir()
    size = write_log(tmp_path / "logs" / "app.log")
    cfg_path = tmp_path / "logpipe.toml"
    cfg_path.write_text(f"""
[host]
name = "batch-test"
[[inputs]]
paths = ["{tmp_path}/logs/*.log"]
[kafka]
bootstrap = "{kafka_bootstrap}"
topic_events = "{unique_name}"
max_batch_bytes = 16384
[state]
dir = "{tmp_path}/state"
""")
    cfg = load_config(str(cfg_path), {}, hostname="batch-test")
    await ensure_topics(cfg.kafka, {}, {unique_name: {"partitions": 6}})  # before the reader below makes it
    metrics = Metrics()
    shipper = Shipper(cfg, {}, metrics, checkpoint_interval_s=0.2)
    task = asyncio.create_task(shipper.run())
    try:
        records = await read_topic(kafka_bootstrap, unique_name, LINES)
        deadline = time.monotonic() + 30
        while metrics.total("ship_events_acked") < LINES and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # a checkpoint round after the last acknowledgement
    finally:
        shipper.stop()
        await asyncio.wait_for(task, 60)

    assert len(records) == LINES
    seqs = [int(orjson.loads(r.value)["message"].split("seq=")[1][:8]) for r in records]
    assert seqs == list(range(LINES)), "events of a file arrive once each, in file order"
    key = event_key("batch-test", str(tmp_path / "logs" / "app.log"))
    assert {r.key for r in records} == {key}
    partitions = {r.partition for r in records}
    assert partitions == {await partition_of_a_keyed_send(kafka_bootstrap, unique_name, key)}
    assert partitions == {default_partition(key, range(6))}
    big = orjson.loads(records[BIG_AT].value)
    assert "x" * 40_000 in big["message"] and not big.get("logpipe", {}).get("truncated")
    assert metrics.total("ship_events_sent") == metrics.total("ship_events_acked") == LINES

    store = CheckpointStore(str(tmp_path / "state" / "checkpoints.json"))
    await store.load()
    assert [e.offset for e in store.entries()] == [size], "the checkpoint is the file's end once all is acked"
    assert os.path.getsize(tmp_path / "logs" / "app.log") == size
