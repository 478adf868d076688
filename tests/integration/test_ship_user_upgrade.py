"""A shipper upgraded on its state: version N stopped, version N+1 started on the same
folder. The checkpoint files of earlier versions (`tests/unit/data/checkpoints/`, made to
name this test's files) are carried on: nothing before their offsets is sent again, every
line after them is sent. A state written by a newer version stops the start with an error
naming the file, sending nothing. Real Kafka; `paths = ["logs/*.log"]`."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from pipeline.tail.identity import fingerprint_of
from tests.integration.logwriter import line
from tests.integration.test_ship import start_shipper, stop, write_config
from tests.integration.topic_reader import has_all, read_events, seqs_by_id

pytestmark = pytest.mark.integration

OLD_STATES = sorted((Path(__file__).parent.parent / "unit" / "data" / "checkpoints").glob("v1-*.json"))


def lines(first: int, count: int) -> str:
    return "".join(line(seq) for seq in range(first, first + count))


def old_state_naming(old: Path, rotated: Path, live: Path, live_read_bytes: int) -> dict:
    """The old file's two entries made to name `rotated` (read to its end) and `live` (read
    up to `live_read_bytes`), as the old shipper would have left them."""
    doc = json.loads(old.read_text())
    drained, current = sorted(doc["files"], key=lambda item: item["drained_at"] is None)
    for item, path, offset in ((drained, rotated, rotated.stat().st_size), (current, live, live_read_bytes)):
        st = path.stat()
        with open(path, "rb") as f:
            fp = fingerprint_of(f.read(1024))
        item.update(device=st.st_dev, inode=st.st_ino, fingerprint=fp, offset=offset, path=str(live))
    drained["drained_at"] = drained["offset"]
    if "paths_followed" in doc:
        doc["paths_followed"] = {str(live): current["last_seen_s"]}
    return doc


@pytest.mark.parametrize("old", OLD_STATES, ids=lambda p: p.stem)
async def test_the_state_of_an_earlier_version_is_carried_on(tmp_path, kafka_bootstrap, unique_name, old):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    logs = tmp_path / "logs"
    (logs / "app.log.1").write_text(lines(0, 150))
    (logs / "app.log").write_text(lines(150, 150))
    read_bytes = len(lines(150, 50).encode())  # the old shipper had sent 0..199
    state = tmp_path / "state"
    state.mkdir()
    doc = old_state_naming(old, logs / "app.log.1", logs / "app.log", read_bytes)
    (state / "checkpoints.json").write_text(json.dumps(doc, indent=0, sort_keys=True))
    shipper = start_shipper(cfg)
    try:
        await asyncio.sleep(2)
        with open(logs / "app.log", "a") as f:
            f.write(lines(300, 50))
        docs = await read_events(kafka_bootstrap, unique_name, has_all(150, start=200), 30)
        await asyncio.sleep(2)
        docs = await read_events(kafka_bootstrap, unique_name, has_all(150, start=200), 10)
        assert shipper.poll() is None, (tmp_path / "ship.log").read_text()
    finally:
        stop(shipper)
    sent_again = sorted(seq for seq in seqs_by_id(docs) if seq < 200)
    assert not sent_again, f"{len(sent_again)} lines the old version had sent were sent again: {sent_again[:5]}"
    by_seq = seqs_by_id(docs)
    assert sorted(by_seq) == list(range(200, 350)) and all(len(ids) == 1 for ids in by_seq.values())
    assert len(docs) == 150


async def test_a_state_written_by_a_newer_version_stops_the_start_and_nothing_is_sent(
        tmp_path, kafka_bootstrap, unique_name):
    cfg = write_config(tmp_path, unique_name, kafka_bootstrap)
    logs = tmp_path / "logs"
    (logs / "app.log").write_text(lines(0, 100))
    doc = old_state_naming(OLD_STATES[-1], logs / "app.log", logs / "app.log", len(lines(0, 50).encode()))
    doc["version"] += 1
    state = tmp_path / "state"
    state.mkdir()
    (state / "checkpoints.json").write_text(json.dumps(doc))
    before = (state / "checkpoints.json").read_bytes()
    shipper = start_shipper(cfg)
    try:
        code = shipper.wait(30)
    finally:
        stop(shipper)
    out = (tmp_path / "ship.log").read_text(errors="replace")
    assert code == 2, out
    assert str(state / "checkpoints.json") in out and "newer logpipe" in out and "Traceback" not in out, out
    assert (state / "checkpoints.json").read_bytes() == before  # left as it was for the newer version
    docs = await read_events(kafka_bootstrap, unique_name, lambda docs: False, 3)
    assert docs == []


def test_the_old_states_are_there():
    assert len(OLD_STATES) >= 2 and all(os.path.getsize(p) > 0 for p in OLD_STATES)
