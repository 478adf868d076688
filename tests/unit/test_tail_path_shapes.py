"""The shapes users write in `paths`: `**` recursive globs, `~`, paths relative to the
config file, a folder or a single file that does not exist yet at start. Each works (the
files are followed when they appear), and a pattern matching nothing is said at start and
kept as a gauge: a shipper never ships nothing silently."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from pipeline.config.load import load_config, to_tail_inputs
from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.discovery import input_of
from pipeline.tail.tailer import Tailer, TailInput

FOUND_WITHIN_S = 4.0  # before the full scan (10 s): directory events, or the glob between scans


async def tailer_on(tmp_path: Path, *patterns: str) -> Tailer:
    store = CheckpointStore(tmp_path / "state" / "cp.json")
    await store.load()
    tailer = Tailer([TailInput(patterns, "payments", "beginning")], store, use_inotify=True)
    await tailer.start()
    return tailer


async def paths_read(tailer: Tailer, count: int) -> set[str]:
    seen: set[str] = set()
    while len(seen) < count:
        chunk = await asyncio.wait_for(tailer.next_chunk(), FOUND_WITHIN_S)
        seen.add(chunk.file.path)
    return seen


def config(tmp_path: Path, paths: str) -> Path:
    cfg = tmp_path / "etc" / "logpipe.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'[[inputs]]\npaths = ["{paths}"]\n')
    return cfg


async def test_a_recursive_glob_follows_the_top_folder_nested_folders_and_folders_made_later(tmp_path) -> None:
    logs = tmp_path / "app"
    (logs / "pay" / "eu").mkdir(parents=True)
    (logs / "top.log").write_text("top\n")
    (logs / "pay" / "eu" / "deep.log").write_text("deep\n")
    tailer = await tailer_on(tmp_path, str(logs / "**" / "*.log"))
    try:
        assert await paths_read(tailer, 2) == {str(logs / "top.log"), str(logs / "pay" / "eu" / "deep.log")}
        (logs / "settle" / "us").mkdir(parents=True)
        await asyncio.sleep(0.3)
        (logs / "settle" / "us" / "later.log").write_text("later\n")
        assert await paths_read(tailer, 1) == {str(logs / "settle" / "us" / "later.log")}
    finally:
        await tailer.stop()


def test_a_recursive_glob_owns_a_file_of_its_top_folder_renamed_there() -> None:
    inputs = (TailInput(("/var/log/app/**/*.log",), "payments"),)
    assert input_of("/var/log/app/app.log", inputs) is inputs[0]
    assert input_of("/var/log/app/pay/app.log", inputs) is inputs[0]
    assert input_of("/var/log/other/app.log", inputs) is None


def test_a_tilde_is_the_users_home_not_a_folder_beside_the_config(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    cfg = load_config(str(config(tmp_path, "~/logs/*.log")), {})
    assert to_tail_inputs(cfg)[0].paths == (str(tmp_path / "home" / "logs" / "*.log"),)


async def test_a_tilde_path_is_followed(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "logs").mkdir(parents=True)
    (tmp_path / "home" / "logs" / "app.log").write_text("paid\n")
    tailer = await tailer_on(tmp_path, *to_tail_inputs(load_config(str(config(tmp_path, "~/logs/*.log")), {}))[0].paths)
    try:
        assert await paths_read(tailer, 1) == {str(tmp_path / "home" / "logs" / "app.log")}
    finally:
        await tailer.stop()


def unmatched_said(caplog) -> list[str]:
    """The messages of the start's warnings about patterns matching no file."""
    return [r.getMessage() for r in caplog.records if "matches no file" in r.getMessage()]


async def test_a_relative_path_is_relative_to_the_config_file_not_the_working_folder(tmp_path, monkeypatch) -> None:
    (tmp_path / "etc" / "logs").mkdir(parents=True)
    (tmp_path / "etc" / "logs" / "app.log").write_text("paid\n")
    monkeypatch.chdir(tmp_path)  # elsewhere than the config file
    paths = to_tail_inputs(load_config(str(config(tmp_path, "logs/*.log")), {}))[0].paths
    assert paths == (str(tmp_path / "etc" / "logs" / "*.log"),)
    tailer = await tailer_on(tmp_path, *paths)
    try:
        assert await paths_read(tailer, 1) == {str(tmp_path / "etc" / "logs" / "app.log")}
    finally:
        await tailer.stop()


async def test_a_glob_whose_folder_is_made_later_is_said_at_start_and_followed_once_it_appears(
        tmp_path, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="pipeline.tail")
    pattern = str(tmp_path / "later" / "**" / "*.log")
    tailer = await tailer_on(tmp_path, pattern)
    try:
        said = unmatched_said(caplog)
        assert len(said) == 1 and pattern in said[0] and "does not exist" in said[0]
        assert tailer.metrics.get("tail_patterns_unmatched") == 1
        (tmp_path / "later" / "pay").mkdir(parents=True)
        await asyncio.sleep(0.3)
        (tmp_path / "later" / "pay" / "app.log").write_text("paid\n")
        assert await paths_read(tailer, 1) == {str(tmp_path / "later" / "pay" / "app.log")}
    finally:
        await tailer.stop()


async def test_a_single_file_that_does_not_exist_yet_is_said_at_start_and_followed_once_written(
        tmp_path, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="pipeline.tail")
    (tmp_path / "logs").mkdir()
    path = tmp_path / "logs" / "app.log"
    tailer = await tailer_on(tmp_path, str(path))
    try:
        said = unmatched_said(caplog)
        assert len(said) == 1 and str(path) in said[0] and "its folder exists" in said[0]
        path.write_text("paid\n")
        assert await paths_read(tailer, 1) == {str(path)}
        deadline = asyncio.get_running_loop().time() + FOUND_WITHIN_S
        while tailer.metrics.get("tail_patterns_unmatched") != 0:  # the file's creation is a directory event: a full scan
            assert asyncio.get_running_loop().time() < deadline, "the gauge still counts the pattern as unmatched"
            await asyncio.sleep(0.1)
    finally:
        await tailer.stop()


async def test_a_pattern_that_matches_is_not_reported(tmp_path, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="pipeline.tail")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "app.log").write_text("paid\n")
    tailer = await tailer_on(tmp_path, str(tmp_path / "logs" / "*.log"))
    try:
        assert not unmatched_said(caplog)
        assert tailer.metrics.get("tail_patterns_unmatched") == 0
    finally:
        await tailer.stop()



def test_a_scan_files_a_top_folder_file_of_a_recursive_glob_under_its_input(tmp_path) -> None:
    from pipeline.scan.read import plan_files

    logs = tmp_path / "etc" / "app"
    (logs / "eu").mkdir(parents=True)
    (logs / "top.log").write_text("paid\n")
    (logs / "eu" / "deep.log").write_text("paid\n")
    cfg_path = config(tmp_path, "app/**/*.log")
    cfg_path.write_text(cfg_path.read_text() + 'service = "settlement"\n')
    planned = {Path(f.path).name: f.service for f in plan_files([], load_config(str(cfg_path), {}))}
    assert planned == {"top.log": "settlement", "deep.log": "settlement"}
