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
from tests.integration.ship_config import write_ship_config

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


async def until(condition, timeout_s: float) -> None:
    """Wait for `condition()` (checked every 0.1 s); time out loudly after `timeout_s`."""
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.1)


def checkpoint_offsets(path: Path) -> list[int]:
    """The offsets of the checkpoint file as the shipper last wrote it ([] before the first)."""
    try:
        return [f["offset"] for f in orjson.loads(path.read_bytes())["files"]]
    except (OSError, ValueError):
        return []


async def partition_of_a_keyed_send(bootstrap: str, topic: str, key: bytes) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        return (await producer.send_and_wait(topic, b"{}", key=key)).partition
    finally:
        await producer.stop()


async def test_a_file_goes_out_in_batches_in_order_once_each_to_its_keys_partition(
        tmp_path, kafka_bootstrap, unique_name):
    cfg_path = write_ship_config(tmp_path, host="batch-test", bootstrap=kafka_bootstrap, topic=unique_name,
                                 paths=f"{tmp_path}/logs/*.log", kafka="max_batch_bytes = 16384",
                                 state_dir=tmp_path / "state")
    size = write_log(tmp_path / "logs" / "app.log")
    cfg = load_config(str(cfg_path), {}, hostname="batch-test")
    await ensure_topics(cfg.kafka, {}, {unique_name: {"partitions": 6}})  # before the reader below makes it
    metrics = Metrics()
    shipper = Shipper(cfg, {}, metrics, checkpoint_interval_s=0.2)
    task = asyncio.create_task(shipper.run())
    try:
        records = await read_topic(kafka_bootstrap, unique_name, LINES)
        await until(lambda: metrics.total("ship_events_acked") >= LINES, 30)
        await until(lambda: checkpoint_offsets(tmp_path / "state" / "checkpoints.json") == [size], 30)
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
