"""EventProducer's batches against the real broker: the caller does not wait for a
partition's earlier batches, the batches of a partition keep their order, and a batch
that cannot be compressed or submitted fails with every batch behind it, never letting a
later one through ahead of it."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from pipeline.config.load import load_config
from sinks.kafka import EventProducer, ensure_topics
from sinks.kafka_batches import BatchQueues
from sinks.record_batch import compress

pytestmark = pytest.mark.integration


async def producer_for(bootstrap: str, topic: str, partitions: int = 2, compression: str | None = None) \
        -> EventProducer:
    cfg = load_config(None, {"LOGPIPE_KAFKA": bootstrap}, hostname="batches-test")
    kafka = replace(cfg.kafka, topic_events=topic, compression=compression or cfg.kafka.compression)
    await ensure_topics(kafka, {}, {topic: {"partitions": partitions}})
    producer = EventProducer(kafka, {})
    await producer.start()
    return producer


async def read_back(bootstrap: str, topic: str, partition: int, count: int) -> list[bytes]:
    """The first `count` record values of the partition, as a consumer reads them."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        values: list[bytes] = []
        while len(values) < count:
            for records in (await consumer.getmany(tp, timeout_ms=1000)).values():
                values.extend(r.value for r in records)
    finally:
        await consumer.stop()
    return values


def batch_of(producer: EventProducer, first: int, n: int):
    batch = producer.new_batch()
    for i in range(first, first + n):
        assert batch.append(key=b"k", value=b"%d" % i, timestamp=None) is not None
    return batch


async def test_batches_of_a_partition_are_queued_at_once_and_arrive_in_order(kafka_bootstrap, unique_name):
    producer = await producer_for(kafka_bootstrap, unique_name)
    try:
        # aiokafka holds one batch a partition until the request before it is answered; two more
        # wait in the producer's queue: the third call returns before the first batch is acknowledged
        futures = [await producer.send_batch(unique_name, 1, batch_of(producer, b * 50, 50)) for b in range(3)]
        assert not any(f.done() for f in futures), "send_batch waited for a batch of the partition to be acknowledged"
        for b in range(3, 20):
            futures.append(await producer.send_batch(unique_name, 1, batch_of(producer, b * 50, 50)))
        metas = await asyncio.gather(*futures)
    finally:
        await producer.stop()
    assert [m.offset for m in metas] == sorted(m.offset for m in metas)
    assert [int(v) for v in await read_back(kafka_bootstrap, unique_name, 1, 1000)] == list(range(1000))


async def test_a_batch_that_cannot_be_submitted_fails_with_every_later_one_of_its_partition(
        kafka_bootstrap, unique_name):
    producer = await producer_for(kafka_bootstrap, unique_name)
    try:
        bad = [await producer.send_batch(unique_name, 7, batch_of(producer, i, 1)) for i in range(3)]  # no partition 7
        for fut in bad:
            with pytest.raises(Exception):
                await fut
        later = await producer.send_batch(unique_name, 7, batch_of(producer, 3, 1))
        with pytest.raises(Exception):
            await later
        assert (await (await producer.send_batch(unique_name, 0, batch_of(producer, 0, 1)))).partition == 0
        assert producer.in_flight_bytes == 0
    finally:
        await producer.stop()


async def test_batches_still_queued_when_the_producer_stops_fail_instead_of_hanging(kafka_bootstrap, unique_name):
    producer = await producer_for(kafka_bootstrap, unique_name)
    futures = [await producer.send_batch(unique_name, 0, batch_of(producer, i * 10, 10)) for i in range(30)]
    await producer.stop()
    done, pending = await asyncio.wait(futures, timeout=30)
    assert not pending
    assert all(f.cancelled() or f.exception() is not None or f.result().partition == 0 for f in done)


async def test_a_batch_goes_to_kafka_once_its_compression_is_done_and_the_partition_keeps_its_order(
        kafka_bootstrap, unique_name):
    producer = await producer_for(kafka_bootstrap, unique_name)
    queues = BatchQueues(producer._producer)
    loop = asyncio.get_running_loop()
    try:
        first, second = batch_of(producer, 0, 300), batch_of(producer, 300, 300)
        for batch in (first, second):
            batch.close()
        held = loop.create_future()  # the first batch's compression, not done yet
        done = loop.create_future()
        done.set_result(None)
        futures = [queues.submit(unique_name, 0, first, held), queues.submit(unique_name, 0, second, done)]
        await asyncio.sleep(1.0)
        assert not any(f.done() for f in futures), "a batch went out before the batch ahead of it was compressed"
        written = first.size()
        compress(first)
        held.set_result(None)
        metas = await asyncio.gather(*futures)
        assert metas[0].offset < metas[1].offset
        assert first.size() < written  # it went as compressed (zstd, the default)

        failed = loop.create_future()
        failed.set_exception(ValueError("codec failed"))
        bad = [queues.submit(unique_name, 1, batch_of(producer, 0, 1), failed),
               queues.submit(unique_name, 1, batch_of(producer, 1, 1), done)]
        for fut in bad:
            with pytest.raises(ValueError):
                await fut
    finally:
        await queues.close()
        await producer.stop()


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
async def test_the_broker_takes_the_batches_in_every_codec_the_configuration_allows(kafka_bootstrap, unique_name,
                                                                                  codec):
    producer = await producer_for(kafka_bootstrap, unique_name, partitions=1, compression=codec)
    try:
        values = [b'{"message":"\xe8\x80\x97\xe6\x97\xb6 %dms","n":%d}' % (i, i) for i in range(500)]
        batch = producer.new_batch()
        for value in values:
            assert batch.append(b"host|/var/log/pay.log", value) is not None
        meta = await (await producer.send_batch(unique_name, 0, batch))
        assert meta.partition == 0
    finally:
        await producer.stop()
    assert await read_back(kafka_bootstrap, unique_name, 0, len(values)) == values
