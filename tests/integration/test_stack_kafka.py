"""The local Kafka is a real broker: aiokafka and kcat (a client we did not write) both talk to it."""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

pytestmark = pytest.mark.integration

N = 10_000


async def test_ten_thousand_messages_round_trip_in_order_on_a_new_topic(kafka_bootstrap, unique_name):
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(unique_name, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all",
                                compression_type="gzip")
    await producer.start()
    try:
        futures = [await producer.send(unique_name, f"m{i}".encode(), key=f"k{i % 7}".encode()) for i in range(N)]
        metas = await asyncio.gather(*futures)
    finally:
        await producer.stop()
    assert len({(m.partition, m.offset) for m in metas}) == N

    consumer = AIOKafkaConsumer(unique_name, bootstrap_servers=kafka_bootstrap, group_id=unique_name,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    seen: list[tuple[bytes, bytes]] = []
    try:
        async with asyncio.timeout(60):
            while len(seen) < N:
                batch = await consumer.getmany(timeout_ms=1000)
                for records in batch.values():
                    seen.extend((r.key, r.value) for r in records)
    finally:
        await consumer.stop()

    assert sorted(v for _, v in seen) == sorted(f"m{i}".encode() for i in range(N))
    per_key: dict[bytes, list[int]] = {}
    for key, value in seen:
        per_key.setdefault(key, []).append(int(value[1:]))
    assert all(vals == sorted(vals) for vals in per_key.values()), "order per key must be kept"


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is installed by .ci/run (Debian package kcat)")
async def test_kcat_lists_a_topic_created_with_aiokafka(kafka_bootstrap, unique_name):
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(unique_name, b"hello")
    finally:
        await producer.stop()
    out = await asyncio.to_thread(subprocess.run, ["kcat", "-L", "-b", kafka_bootstrap, "-t", unique_name],
                                  capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert f'topic "{unique_name}"' in out.stdout
