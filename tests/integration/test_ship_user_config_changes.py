"""The configuration changed between two runs of the shipper on one state folder: a pattern
removed (its files keep their checkpoints), added back later (nothing shipped before is
shipped again, what was written meanwhile is), added (its files are new to the shipper), a
path changed to where the files were moved (they are the same files: nothing again).
Real Kafka; docs/operations.md, "When the configuration changes"."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tests.integration.logwriter import line
from tests.integration.ship_config import write_ship_config
from tests.integration.test_ship import assert_exactly_once_by_id, start_shipper, stop, wait_until_following
from tests.integration.topic_reader import has_all, read_events, seqs_by_id

pytestmark = pytest.mark.integration


def configure(tmp: Path, bootstrap: str, topic: str, *patterns: str) -> Path:
    """`tmp/logpipe.toml` following `patterns` (one input), state in `tmp/state`."""
    paths = '", "'.join(patterns)
    return write_ship_config(tmp, host="ship-test", bootstrap=bootstrap, topic=topic, paths=paths,
                             inputs='service = "payments"')


def append(path: Path, first: int, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        f.write("".join(line(seq) for seq in range(first, first + count)))


async def run_until(cfg: Path, bootstrap: str, topic: str, seqs: range, settle_s: float = 3.0) -> list[dict]:
    """Starts the shipper, waits for `seqs` and `settle_s` more, stops it (SIGTERM); the topic."""
    shipper = start_shipper(cfg)
    try:
        await wait_until_following(cfg, shipper)
        await read_events(bootstrap, topic, has_all(len(seqs), start=seqs.start), 30)
        await asyncio.sleep(settle_s)
        assert shipper.poll() is None, (cfg.parent / "ship.log").read_text()
    finally:
        stop(shipper)
    return await read_events(bootstrap, topic, has_all(len(seqs), start=seqs.start), 10)


async def test_a_removed_pattern_is_left_alone_and_re_adding_it_ships_only_what_came_since(
        tmp_path, kafka_bootstrap, unique_name):
    a, b = tmp_path / "logs" / "a" / "app.log", tmp_path / "logs" / "b" / "app.log"
    append(a, 0, 100)
    append(b, 100, 100)
    both = configure(tmp_path, kafka_bootstrap, unique_name, "logs/a/*.log", "logs/b/*.log")
    await run_until(both, kafka_bootstrap, unique_name, range(0, 200))
    # b removed: its file is written on, and rotated, while no pattern names it
    configure(tmp_path, kafka_bootstrap, unique_name, "logs/a/*.log")
    append(a, 200, 50)
    append(b, 250, 50)
    docs = await run_until(both, kafka_bootstrap, unique_name, range(200, 250))
    shipped = set(seqs_by_id(docs))
    assert not shipped & set(range(250, 300)), "a file no pattern names any more was shipped"
    os.rename(b, b.with_name("app.log.1"))
    append(b, 300, 50)
    # b back: what it wrote meanwhile (also in its rotation) is shipped, nothing before again
    configure(tmp_path, kafka_bootstrap, unique_name, "logs/a/*.log", "logs/b/*.log")
    docs = await run_until(both, kafka_bootstrap, unique_name, range(250, 350))
    assert_exactly_once_by_id(docs, 350)
    assert len(docs) == 350, f"{len(docs) - 350} events sent twice"


async def test_an_added_pattern_ships_its_files_once_and_the_others_not_again(tmp_path, kafka_bootstrap, unique_name):
    a, b = tmp_path / "logs" / "a" / "app.log", tmp_path / "logs" / "b" / "app.log"
    append(a, 0, 100)
    append(b, 100, 100)  # written before any shipper followed it
    cfg = configure(tmp_path, kafka_bootstrap, unique_name, "logs/a/*.log")
    await run_until(cfg, kafka_bootstrap, unique_name, range(0, 100))
    configure(tmp_path, kafka_bootstrap, unique_name, "logs/a/*.log", "logs/b/*.log")
    append(a, 200, 50)
    docs = await run_until(cfg, kafka_bootstrap, unique_name, range(100, 150))
    assert_exactly_once_by_id(docs, 250)  # start_at = "beginning": the new pattern's file from its start
    assert len(docs) == 250, f"{len(docs) - 250} events sent twice"
    docs = await run_until(cfg, kafka_bootstrap, unique_name, range(0, 250))
    assert len(docs) == 250, f"{len(docs) - 250} events sent again by a restart"


async def test_a_path_changed_to_where_the_files_were_moved_ships_nothing_again(tmp_path, kafka_bootstrap, unique_name):
    old = tmp_path / "logs" / "pay" / "app.log"
    append(old, 0, 100)
    cfg = configure(tmp_path, kafka_bootstrap, unique_name, "logs/pay/*.log")
    await run_until(cfg, kafka_bootstrap, unique_name, range(0, 100))
    os.rename(old.parent, tmp_path / "logs" / "payments")  # the application's log folder renamed
    configure(tmp_path, kafka_bootstrap, unique_name, "logs/payments/*.log")
    append(tmp_path / "logs" / "payments" / "app.log", 100, 50)
    docs = await run_until(cfg, kafka_bootstrap, unique_name, range(0, 150))
    assert_exactly_once_by_id(docs, 150)
    assert len(docs) == 150, f"{len(docs) - 150} events sent twice"
