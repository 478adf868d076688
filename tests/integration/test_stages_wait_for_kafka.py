"""A stage started while Kafka is away waits for it on the back-off curve, counts each
failed attempt, and a stop request ends the wait at once with the connection error;
started while Kafka answers, it does not wait at all."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka.errors import KafkaConnectionError

from pipeline.alert.stage import Alerter
from pipeline.metrics.registry import Metrics
from tests.integration.test_alerter_support import config, make_topics

pytestmark = pytest.mark.integration


async def test_an_alerter_started_without_kafka_retries_until_asked_to_stop(unique_name, private_port):
    metrics = Metrics()
    nowhere = f"127.0.0.1:{private_port()}"  # reserved: no other run's broker starts there meanwhile
    alerter = Alerter(config(nowhere, unique_name), {}, metrics=metrics)
    starting = asyncio.create_task(alerter.start())
    deadline = time.monotonic() + 20
    while metrics.total("alert_connect_failures") < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert metrics.total("alert_connect_failures") >= 2 and not starting.done()
    alerter.request_stop()
    with pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(starting, 5)


async def test_an_alerter_started_with_kafka_does_not_wait(kafka_bootstrap, unique_name):
    cfg = config(kafka_bootstrap, unique_name)
    await make_topics(cfg)
    metrics = Metrics()
    alerter = Alerter(cfg, {}, metrics=metrics)
    try:
        await asyncio.wait_for(alerter.start(), 30)
    finally:
        await alerter.stop()
    assert metrics.total("alert_connect_failures") == 0
