"""The shipper under deployments the rotation schemes were not designed for, each test a case
`bench/userfaults.py` found: several worker processes rotating one file each on its own,
a redeploy truncating its shell redirect. Real Kafka; `paths = ["logs/*.log"]`."""

from __future__ import annotations

import asyncio
import json
import logging
import logging.handlers
import os

import pytest

from tests.integration.logwriter import line
from tests.integration.ship_config import write_ship_config
from tests.integration.test_ship import assert_exactly_once_by_id, start_shipper, stop, wait_until_following, \
    write_config
from tests.integration.topic_reader import has_all, read_events

pytestmark = pytest.mark.integration


def worker_loggers(logs, workers: int, max_bytes: int) -> list[logging.Logger]:
    """gunicorn workers, each with its own `RotatingFileHandler("app.log", maxBytes, backupCount=3)`."""
    loggers = []
    for k in range(workers):
        handler = logging.handlers.RotatingFileHandler(logs / "app.log", maxBytes=max_bytes, backupCount=3)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger = logging.getLogger(f"{logs}.worker{k}")
        logger.propagate = False
        logger.addHandler(handler)
        loggers.append(logger)
    return loggers


async def test_workers_rotating_one_file_each_on_its_own_lose_nothing(tmp_path, kafka_bootstrap, unique_name):
    # Every worker rotates when its own descriptor passes maxBytes: the first renames app.log, the
    # others (still on the renamed file) rename the new app.log at their next record, so each
    # app.log made is renamed away within milliseconds. A rename from app.log was taken for the
    # drained file still filed under that path: the new file renamed was never read (91 of 400).
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    shipper = start_shipper(cfg)
    total = 400
    loggers = worker_loggers(tmp_path / "logs", 4, 2_000)
    try:
        await wait_until_following(cfg, shipper)
        for seq in range(total):
            loggers[seq % 4].warning(line(seq).rstrip("\n"))
            await asyncio.sleep(0.01)
        docs = await read_events(kafka_bootstrap, unique_name, has_all(total), 20)
        assert_exactly_once_by_id(docs, total)
    finally:
        for logger in loggers:
            for handler in logger.handlers:
                handler.close()
        stop(shipper)


def docker_lines(first: int, count: int) -> str:
    """What Docker's json-file driver writes for `count` printed lines."""
    return "".join(json.dumps({"log": line(seq), "stream": "stdout", "time": "2026-12-02T09:00:00.000000000Z"}) + "\n"
                   for seq in range(first, first + count))


async def test_a_new_containers_rotated_file_written_while_the_shipper_is_down_is_read(
        tmp_path, kafka_bootstrap, unique_name):
    # `containers/*/*.log`: a container started while the shipper was down (a restart after a
    # kill, a node's upgrade), whose json-file log rotated before the shipper came back. Its path
    # was in no checkpoint, and rotations beside a path no checkpoint saw were taken for old
    # archives: ID-json.log.1 was never read (100 of 130 lines in the schedule's kill -9 run).
    cfg = write_ship_config(tmp_path, host="ship-test", bootstrap=kafka_bootstrap, topic=unique_name,
                            paths="logs/containers/*/*.log", inputs='service = "payments"')
    first = tmp_path / "logs" / "containers" / "a1"
    first.mkdir(parents=True)
    (first / "a1-json.log").write_text(docker_lines(0, 10))
    shipper = start_shipper(cfg)
    try:
        await wait_until_following(cfg, shipper)
        await read_events(kafka_bootstrap, unique_name, has_all(10), 20)
        stop(shipper)
        await asyncio.sleep(1.1)  # the new container's files are modified after the checkpoints' last write
        second = tmp_path / "logs" / "containers" / "b2"
        second.mkdir()
        (second / "b2-json.log").write_text(docker_lines(10, 100))
        os.rename(second / "b2-json.log", second / "b2-json.log.1")
        (second / "b2-json.log").write_text(docker_lines(110, 20))
        shipper = start_shipper(cfg)
        docs = await read_events(kafka_bootstrap, unique_name, has_all(130), 20)
        assert_exactly_once_by_id(docs, 130)
    finally:
        stop(shipper)
