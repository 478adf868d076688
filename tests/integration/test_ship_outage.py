"""The broker stopped for 30 s mid-stream while the application keeps writing: reading
pauses (bytes in flight are bounded, so memory stays flat), and once the broker is back
every line arrives, a line seen twice only under the same event id.

Runs its own broker (the shared one stays up for the other tests)."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.integration.logwriter import LogWriter
from tests.integration.private_kafka import private_kafka, start
from tests.integration.ship_config import write_ship_config
from tests.integration.stages import status_kib
from tests.integration.test_ship import assert_exactly_once_by_id, start_shipper, stop, wait_until_following
from tests.integration.topic_reader import has_all, read_events

pytestmark = pytest.mark.integration


@pytest.fixture
async def private_broker(tmp_path_factory):
    async with private_kafka(tmp_path_factory.mktemp("kafka")) as broker:
        await start(broker)
        yield broker


def rss_kib(pid: int) -> int:
    return status_kib(pid, "VmRSS")


async def test_a_30_second_broker_outage_loses_nothing_and_memory_stays_bounded(tmp_path, private_broker, unique_name):
    total = 300_000  # ~40 MB of log, most of it written while the broker is down
    cfg = write_ship_config(tmp_path, host="outage-test", bootstrap=private_broker.address, topic=unique_name,
                            paths="logs/app.log*", kafka="max_in_flight_bytes = 2097152\nrequest_timeout_ms = 10000")
    shipper = start_shipper(cfg)
    try:
        await wait_until_following(cfg, shipper)
        writer = LogWriter(tmp_path / "logs" / "app.log", total, rate_per_s=8_000, rotate_every=100_000)
        writer.start()
        await asyncio.sleep(3)
        rss_before = rss_kib(shipper.pid)
        await private_broker.stop()
        down_at = time.monotonic()
        rss_peak = rss_before
        while time.monotonic() - down_at < 30:
            await asyncio.sleep(1)
            assert shipper.poll() is None, "the shipper must survive the outage"
            rss_peak = max(rss_peak, rss_kib(shipper.pid))
        written_during_outage = writer.written
        await start(private_broker)  # the same broker again, on its ports reserved all along
        await asyncio.to_thread(writer.join, 120)
        assert writer.error is None and writer.written == total
        docs = await read_events(private_broker.address, unique_name, has_all(total), timeout_s=240)
    finally:
        stop(shipper)
    assert written_during_outage > 200_000, "most lines must be written while the broker is down"
    growth_mib = (rss_peak - rss_before) / 1024
    assert growth_mib < 48, f"shipper memory grew {growth_mib:.0f} MiB while Kafka was down (from {rss_before // 1024} MiB)"
    assert_exactly_once_by_id(docs, total)
    log = (tmp_path / "ship.log").read_text()
    assert "kafka delivery failed" in log and "kafka answers again" in log, "one clear line per outage, each way"
