"""The shipper deployed as users deploy it (`paths = ["logs/*.log"]`, defaults otherwise)
under the rotation schemes applications and tools use, each test a case
`bench/userfaults.py` found: what must arrive arrives once, and what cannot arrive (a file
deleted before anything could read it) is counted, never silent."""

from __future__ import annotations

import asyncio
import gzip
import os
import re
import shutil
import signal
import urllib.request
from pathlib import Path

import orjson
import pytest

from bench.userfaults.shipper import free_port
from pipeline.config.load import load_config
from pipeline.metrics.registry import Metrics
from pipeline.ship.shipper import Shipper
from pipeline.stack.ports import reserve_free
from tests.integration.logwriter import line
from tests.integration.private_kafka import private_kafka, start
from tests.integration.ship_config import write_ship_config
from tests.integration.test_ship_rotation_away import wait_for_log
from tests.integration.test_ship import (assert_exactly_once_by_id, exactly_once_across_a_restart, start_shipper,
                                         stop, wait_until_following, write_config)
from tests.integration.topic_reader import has_all, read_events

pytestmark = pytest.mark.integration


def with_metrics(cfg: Path) -> int:
    port = free_port()
    cfg.write_text(cfg.read_text() + f"\n[metrics]\nport = {port}\n")
    return port


def counter(port: int, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    return sum(float(m.group(1)) for m in re.finditer(rf"^{re.escape(name)}(?:\{{[^}}]*\}})? (\S+)$", text, re.M))


async def test_files_written_and_deleted_before_any_scan_are_counted_as_lost(tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    port = with_metrics(cfg)
    logs = tmp_path / "logs"
    shipper = start_shipper(cfg)
    try:
        await wait_until_following(cfg, shipper)
        for i in range(5):  # a batch job's file, written and removed at once (nothing can read it)
            batch = logs / f"batch-{i}.log"
            batch.write_text(line(1000 + i))
            batch.unlink()
            (logs / "empty.log").touch()  # created and deleted empty: nothing lost
            (logs / "empty.log").unlink()
        with open(logs / "app.log", "a") as out:
            out.write("".join(line(seq) for seq in range(20)))
        docs = await read_events(kafka_bootstrap, unique_name, has_all(20), timeout_s=60)
        await asyncio.sleep(1)
        lost = counter(port, "logpipe_tail_files_lost_total")
    finally:
        stop(shipper)
    assert_exactly_once_by_id(docs, 20)
    assert lost == 5
    assert "created, written and deleted before it could be read" in (tmp_path / "ship.log").read_text()


def append(path: Path, first: int, count: int) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write("".join(line(seq) for seq in range(first, first + count)))


async def ship_50_then_kill(cfg: Path, shipper, bootstrap: str, topic_name: str) -> None:
    """Lines 0-49 written to app.log and in Kafka, their offset checkpointed, then kill -9."""
    await wait_until_following(cfg, shipper)
    append(cfg.parent / "logs" / "app.log", 0, 50)
    await read_events(bootstrap, topic_name, has_all(50), timeout_s=60)
    await asyncio.sleep(2.5)  # a checkpoint flush holds the first generation's offset
    shipper.send_signal(signal.SIGKILL)
    shipper.wait()


def new_file_at_inode(path: Path, inode: int) -> bool:
    """Creates `path` on the freed `inode` (ext4 hands a freed inode to the next file, as it
    does when a rotating handler deletes its oldest backup and opens a new log)."""
    spare = []
    try:
        for i in range(200):
            candidate = path.with_name(f".spare-{i}")
            candidate.touch()
            if candidate.stat().st_ino == inode:
                os.rename(candidate, path)
                return True
            spare.append(candidate)
        return False
    finally:
        for p in spare:
            p.unlink()


async def test_a_generation_on_a_reused_inode_rotated_while_the_shipper_is_down_is_read(
        tmp_path, kafka_bootstrap, unique_name):
    # TimedRotatingFileHandler with backupCount: the oldest backup is deleted and the new app.log
    # gets its inode; that generation is rotated away (to a name *.log does not match) while the
    # shipper is down, and the checkpoint of the deleted file still names the inode
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    logs = tmp_path / "logs"
    shipper = start_shipper(cfg)
    try:
        await ship_50_then_kill(cfg, shipper, kafka_bootstrap, unique_name)
        inode = (logs / "app.log").stat().st_ino
        os.rename(logs / "app.log", logs / "app.log.2026-12-02_10-00-00")
        os.unlink(logs / "app.log.2026-12-02_10-00-00")  # read to its end, then deleted as the oldest backup
        if not new_file_at_inode(logs / "app.log", inode):
            pytest.skip("this filesystem does not hand a freed inode to the next file")
        append(logs / "app.log", 50, 50)
        os.rename(logs / "app.log", logs / "app.log.2026-12-02_10-00-01")
        append(logs / "app.log", 100, 20)
        shipper = start_shipper(cfg)
        docs = await read_events(kafka_bootstrap, unique_name, has_all(120), timeout_s=30)
    finally:
        stop(shipper)
    assert_exactly_once_by_id(docs, 120)


def log4j2_rollover(logs: Path, index: int) -> None:
    """DefaultRolloverStrategy with `app-%d{yyyy-MM-dd}-%i.log.gz`: renamed, gzipped, the plain one deleted."""
    plain = logs / f"app-2026-12-02-{index}.log"
    os.rename(logs / "app.log", plain)
    with open(plain, "rb") as src, gzip.open(f"{plain}.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    plain.unlink()


async def test_a_generation_born_and_compressed_while_the_shipper_is_down_is_read_once(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    logs = tmp_path / "logs"
    shipper = start_shipper(cfg)
    try:
        await ship_50_then_kill(cfg, shipper, kafka_bootstrap, unique_name)
        log4j2_rollover(logs, 1)  # read to its end before: nothing owed
        append(logs / "app.log", 50, 50)  # born, rolled over and compressed while the shipper is down
        log4j2_rollover(logs, 2)
        append(logs / "app.log", 100, 20)
        shipper = start_shipper(cfg)
        await exactly_once_across_a_restart(cfg, shipper, kafka_bootstrap, unique_name, 120,
                                            settle_s=4, timeout_s=30)
    finally:
        stop(shipper)


def logrotate_create_compress(logs: Path, app, late: tuple[int, int]) -> object:
    """logrotate `create`, `compress`, `delaycompress`: app.log.1 gzipped to app.log.2.gz, app.log
    renamed to app.log.1 and created again; the application writes the records `late` to its old
    descriptor (now app.log.1) before its postrotate signal makes it reopen app.log."""
    if (logs / "app.log.1").exists():
        with open(logs / "app.log.1", "rb") as src, gzip.open(logs / "app.log.2.gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
        (logs / "app.log.1").unlink()
    os.rename(logs / "app.log", logs / "app.log.1")
    (logs / "app.log").touch()
    app.write("".join(line(seq) for seq in range(*late)))
    app.flush()
    app.close()
    return open(logs / "app.log", "a", encoding="utf-8")


async def test_records_written_to_the_renamed_file_before_the_reopen_arrive_once_its_compressed_meanwhile(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    logs = tmp_path / "logs"
    shipper = start_shipper(cfg)
    try:
        await ship_50_then_kill(cfg, shipper, kafka_bootstrap, unique_name)
        app = open(logs / "app.log", "a", encoding="utf-8")
        app = logrotate_create_compress(logs, app, (50, 60))  # app.log.1 owes 50-59 to its checkpoint
        app.write("".join(line(seq) for seq in range(60, 100)))
        app = logrotate_create_compress(logs, app, (100, 105))  # ... and is compressed while the shipper is down
        app.write("".join(line(seq) for seq in range(105, 120)))
        app.close()
        shipper = start_shipper(cfg)
        await exactly_once_across_a_restart(cfg, shipper, kafka_bootstrap, unique_name, 120,
                                            settle_s=4, timeout_s=30)
    finally:
        stop(shipper)


async def test_a_new_files_identity_is_on_disk_before_its_first_event_is_in_kafka(tmp_path, kafka_bootstrap,
                                                                                   unique_name):
    # a kill -9 after a generation's first events left, then its rollover and compression while the
    # shipper is down: unless the checkpoint file knew its first line, the .gz is read whole under an
    # identity of its own and those first events arrive twice, under two ids
    cfg_path = write_ship_config(tmp_path, host="identity-test", bootstrap=kafka_bootstrap, topic=unique_name,
                                 paths=f"{tmp_path}/logs/*.log", state_dir=tmp_path / "state")
    cfg = load_config(str(cfg_path), {}, hostname="identity-test")
    shipper = Shipper(cfg, {}, Metrics(), checkpoint_interval_s=600)  # no periodic flush within the test
    task = asyncio.create_task(shipper.run())
    try:
        while not (tmp_path / "state" / "checkpoints.json").exists():
            assert not task.done(), task.exception()
            await asyncio.sleep(0.1)
        append(tmp_path / "logs" / "app.log", 0, 30)  # a new generation, after the start
        await read_events(kafka_bootstrap, unique_name, has_all(30), timeout_s=60)
        on_disk = orjson.loads((tmp_path / "state" / "checkpoints.json").read_bytes())["files"]
    finally:
        shipper.stop()
        await asyncio.wait_for(task, 60)
    inode = (tmp_path / "logs" / "app.log").stat().st_ino
    assert [f["inode"] for f in on_disk] == [inode], "the file's identity was not saved before its events left"


@pytest.fixture
async def stopped_broker(tmp_path_factory):
    async with private_kafka(tmp_path_factory.mktemp("kafka")) as broker:
        yield broker


def outage_config(tmp_path, unique_name: str, broker) -> Path:
    """The shipper's config on a private broker, its requests timing out in 10 s (an outage is told soon)."""
    cfg = write_config(tmp_path, unique_name, broker.address)
    cfg.write_text(cfg.read_text().replace(f'topic_events = "{unique_name}"',
                                           f'topic_events = "{unique_name}"\nrequest_timeout_ms = 10000'))
    return cfg


async def hundred_shipped_then_broker_stopped(cfg: Path, shipper, broker, unique_name: str) -> None:
    await wait_until_following(cfg, shipper)
    append(cfg.parent / "logs" / "app.log", 0, 100)
    await read_events(broker.address, unique_name, has_all(100), timeout_s=60)
    await broker.stop()


async def test_generations_deleted_while_kafka_is_away_are_read_from_the_descriptors_held(
        tmp_path, stopped_broker, unique_name):
    # RotatingFileHandler(backupCount=1) or logrotate `rotate 1` during an outage: a generation
    # is rotated and deleted before shipping resumes; the shipper held it open all along
    cfg = outage_config(tmp_path, unique_name, stopped_broker)
    logs = tmp_path / "logs"
    await start(stopped_broker)
    shipper = start_shipper(cfg)
    try:
        await hundred_shipped_then_broker_stopped(cfg, shipper, stopped_broker, unique_name)
        append(logs / "app.log", 100, 200)  # in flight to a dead broker: the outage is declared
        await wait_for_log(cfg, "kafka delivery failed", timeout_s=60)
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log", 300, 200)
        await asyncio.sleep(1.5)  # found and identified by the scans that go on during the outage
        os.rename(logs / "app.log", logs / "app.log.2")
        os.unlink(logs / "app.log.1")
        os.unlink(logs / "app.log.2")
        append(logs / "app.log", 500, 20)
        await asyncio.sleep(1.5)
        await start(stopped_broker)
        docs = await read_events(stopped_broker.address, unique_name, has_all(520), timeout_s=120)
    finally:
        stop(shipper)
    assert_exactly_once_by_id(docs, 520)
    assert "read from its descriptor" in (tmp_path / "ship.log").read_text()


async def test_generations_of_a_log_still_empty_at_the_last_stop_are_read_on_start(
        tmp_path, kafka_bootstrap, unique_name):
    # Python's handlers create app.log empty when the application starts: a shipper stopped before
    # its first line came has no checkpoint naming it, yet what is rotated away meanwhile is new
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    logs = tmp_path / "logs"
    (logs / "app.log").touch()
    shipper = start_shipper(cfg)
    try:
        await wait_until_following(cfg, shipper)
        await asyncio.sleep(2.5)  # a scan sees the path again
        stop(shipper)
        append(logs / "app.log", 0, 50)
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log", 50, 50)
        os.rename(logs / "app.log.1", logs / "app.log.2")
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log", 100, 20)
        shipper = start_shipper(cfg)
        docs = await read_events(kafka_bootstrap, unique_name, has_all(120), timeout_s=30)
    finally:
        stop(shipper)
    assert_exactly_once_by_id(docs, 120)


async def test_a_generation_drained_before_its_events_were_acknowledged_and_deleted_in_the_outage_is_read(
        tmp_path, stopped_broker, unique_name):
    # the broker stops; the shipper reads on: app.log is rotated, drained to its end and let go
    # (its events still in flight), then rotated out of the window and deleted before the outage
    # ends (a chunked writer rotating every few seconds, a small backupCount)
    cfg = outage_config(tmp_path, unique_name, stopped_broker)
    logs = tmp_path / "logs"
    await start(stopped_broker)
    shipper = start_shipper(cfg)
    try:
        await hundred_shipped_then_broker_stopped(cfg, shipper, stopped_broker, unique_name)
        append(logs / "app.log", 100, 200)  # read and sent, never acknowledged
        os.rename(logs / "app.log", logs / "app.log.1")
        append(logs / "app.log", 300, 20)
        await asyncio.sleep(3)  # app.log.1 read to its end and idle for a second: let go
        os.unlink(logs / "app.log.1")
        await wait_for_log(cfg, "kafka delivery failed", timeout_s=60)
        await start(stopped_broker)
        docs = await read_events(stopped_broker.address, unique_name, has_all(320), timeout_s=120)
    finally:
        stop(shipper)
    assert_exactly_once_by_id(docs, 320)


async def test_a_deleted_file_a_stop_loses_the_rest_of_is_counted(tmp_path, unique_name):
    # no broker answers: the shipper holds the files it found and waits; app.log is rotated away and
    # deleted meanwhile, then the shipper is stopped: its lines are gone with the descriptor, counted
    with reserve_free((0,)) as ports:
        cfg_path = write_ship_config(tmp_path, host="stop-test", bootstrap=f"127.0.0.1:{ports.ports[0]}",
                                     topic=unique_name, paths=f"{tmp_path}/logs/*.log", state_dir=tmp_path / "state")
        logs = tmp_path / "logs"
        append(logs / "app.log", 0, 50)
        append(logs / "other.log", 50, 10)  # held too, not deleted: nothing lost
        metrics = Metrics()
        shipper = Shipper(load_config(str(cfg_path), {}, hostname="stop-test"), {}, metrics)
        task = asyncio.create_task(shipper.run())
        try:
            inode = (logs / "app.log").stat().st_ino
            while not (tmp_path / "state" / "checkpoints.json").exists() or inode not in [
                    f["inode"] for f in orjson.loads((tmp_path / "state" / "checkpoints.json").read_bytes())["files"]]:
                assert not task.done(), task.exception()
                await asyncio.sleep(0.1)
            os.rename(logs / "app.log", logs / "app.log.1")
            os.unlink(logs / "app.log.1")
            await asyncio.sleep(1.5)
        finally:
            shipper.stop()
            await asyncio.wait_for(task, 60)
    assert metrics.get("tail_files_lost", reason="deleted_at_stop") == 1
