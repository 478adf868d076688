"""Generations born and rotated out of the globs while nothing is shipped, as users deploy
(`paths = ["logs/*.log"]`, rotated names `app.log.N` not matched):

- Kafka is not there when the shipper starts, and goes away mid-stream (a private broker,
  stopped and started; the shared one stays up): a file born, written and renamed to a
  name no glob matches in that time is still shipped, every line once;
- the shipper is down (kill -9) while a generation is born and rotated away: on start it
  is read once, and a further restart does not read it again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from tests.integration.logwriter import line
from tests.integration.private_kafka import private_kafka, start
from tests.integration.test_ship import (assert_exactly_once_by_id, exactly_once_across_a_restart, start_shipper,
                                         stop, wait_until_following, write_config)
from tests.integration.topic_reader import has_all, read_events

pytestmark = pytest.mark.integration


def append(path: Path, first: int, count: int) -> None:
    with path.open("a", encoding="utf-8") as out:  # whole lines in one write, as logback does
        out.write("".join(line(seq) for seq in range(first, first + count)))


async def wait_for_log(cfg: Path, text: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in (cfg.parent / "ship.log").read_text(errors="replace"):
        assert time.monotonic() < deadline, f"{text!r} never appeared in ship.log"
        await asyncio.sleep(0.2)


@pytest.fixture
async def stopped_broker(tmp_path_factory):
    async with private_kafka(tmp_path_factory.mktemp("kafka")) as broker:
        yield broker


async def test_files_born_and_rotated_out_of_the_globs_while_kafka_is_away_are_shipped_once(
        tmp_path, stopped_broker, unique_name):
    cfg = write_config(tmp_path, unique_name, stopped_broker.address)  # paths = ["logs/*.log"]
    cfg.write_text(cfg.read_text().replace(f'topic_events = "{unique_name}"',
                                           f'topic_events = "{unique_name}"\nrequest_timeout_ms = 10000'))
    logs = tmp_path / "logs"
    shipper = start_shipper(cfg)
    try:
        # 1. Kafka not there yet: a generation is born, written and rotated away before it answers
        await wait_until_following(cfg, shipper)
        append(logs / "app.log", 0, 500)
        await asyncio.sleep(1.5)
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log", 500, 500)
        await start(stopped_broker)
        await read_events(stopped_broker.address, unique_name, has_all(1000), timeout_s=120)

        # 2. Kafka goes away mid-stream: the shipper notices, and meanwhile a new generation is born,
        # written and renamed to a name no glob matches
        await stopped_broker.stop()
        append(logs / "app.log", 1000, 200)  # in flight to a dead broker: the outage is declared
        await wait_for_log(cfg, "kafka delivery failed", timeout_s=60)
        os.rename(logs / "app.log", logs / "app.log.2")
        append(logs / "app.log", 1200, 300)
        await asyncio.sleep(1.5)
        os.rename(logs / "app.log", logs / "app.log.3")
        append(logs / "app.log", 1500, 100)
        await asyncio.sleep(1.5)
        await start(stopped_broker)
        await read_events(stopped_broker.address, unique_name, has_all(1600), timeout_s=180)
        await asyncio.sleep(3)  # anything read twice would arrive by now
        docs = await read_events(stopped_broker.address, unique_name, has_all(1600), timeout_s=60)
    finally:
        stop(shipper)
    assert_exactly_once_by_id(docs, 1600)  # re-sent after the outage only under the same id


async def test_a_generation_born_and_rotated_away_while_the_shipper_is_down_is_read_once_on_start(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)  # paths = ["logs/*.log"]
    logs = tmp_path / "logs"
    shipper = start_shipper(cfg)
    try:
        await wait_until_following(cfg, shipper)
        append(logs / "app.log", 0, 300)
        await read_events(kafka_bootstrap, unique_name, has_all(300), timeout_s=60)
        await asyncio.sleep(2.5)  # a checkpoint flush (every second) holds the acknowledged offsets
        shipper.send_signal(signal.SIGKILL)
        shipper.wait()
        append(logs / "app.log", 300, 100)  # the tail of the known generation, then it is rotated
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log", 400, 250)  # born and rotated away while the shipper is down
        os.rename(logs / "app.log", logs / "app.log.2")
        append(logs / "app.log", 650, 50)
        shipper = start_shipper(cfg)
        await exactly_once_across_a_restart(cfg, shipper, kafka_bootstrap, unique_name, 700,
                                            settle_s=5, timeout_s=60)
    finally:
        stop(shipper)
    assert "reading a rotated generation written while we were away" in (tmp_path / "ship.log").read_text()
