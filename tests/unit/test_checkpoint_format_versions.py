"""Checkpoint files written by earlier versions are read as they were meant; a file this
version cannot read in full (a newer format, keys it does not know) stops the start with
an error naming it, never a silent re-read of everything nor a silent skip.

`data/checkpoints/` holds files written by the shipper of the commit in their names (the
first that shipped, and the last before this format was checked), paths made generic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.tail.checkpoint_file import CHECKPOINT_FORMAT_VERSION, CheckpointCorruptError, \
    CheckpointFormatError, read_checkpoint_file

DATA = Path(__file__).parent / "data" / "checkpoints"
OLD_FILES = sorted(DATA.glob("v1-*.json"))


def test_there_are_old_files_to_read() -> None:
    assert len(OLD_FILES) >= 2


@pytest.mark.parametrize("old", OLD_FILES, ids=lambda p: p.stem)
def test_a_file_written_by_an_earlier_version_is_read_whole(old: Path) -> None:
    doc = json.loads(old.read_text())
    entries, paths = read_checkpoint_file(old)
    assert len(entries) == len(doc["files"]) == 2
    by_inode = {entry.identity.inode: entry for entry in entries.values()}
    for item in doc["files"]:
        entry = by_inode[item["inode"]]
        assert (entry.identity.device, entry.identity.fingerprint, entry.identity.generation) == \
               (item["device"], item["fingerprint"], item["generation"])
        assert (entry.offset, entry.path, entry.released, entry.drained_at) == \
               (item["offset"], item["path"], item["released"], item["drained_at"])
        assert entry.copy_inode == item.get("copy_inode")  # absent before copies were adopted
    drained = [entry for entry in entries.values() if entry.drained_at is not None]
    assert len(drained) == 1 and drained[0].settled  # the rotated generation, read and acknowledged
    assert paths == {p: float(t) for p, t in doc.get("paths_followed", {}).items()}


def write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "checkpoints.json"
    path.write_text(json.dumps(doc))
    return path


def current_doc() -> dict:
    return json.loads((OLD_FILES[-1]).read_text())


def test_a_file_of_a_newer_format_is_an_error_that_says_so(tmp_path) -> None:
    doc = current_doc()
    doc["version"] = CHECKPOINT_FORMAT_VERSION + 1
    path = write(tmp_path, doc)
    with pytest.raises(CheckpointFormatError) as refused:
        read_checkpoint_file(path)
    message = str(refused.value)
    assert str(path) in message and "newer" in message and f"format {CHECKPOINT_FORMAT_VERSION + 1}" in message


@pytest.mark.parametrize("where", ["file", "entry"])
def test_a_key_this_version_does_not_know_is_an_error_not_skipped(tmp_path, where: str) -> None:
    # a later version that adds a key it cannot be read without (a downgrade onto its state)
    doc = current_doc()
    (doc if where == "file" else doc["files"][1])["line_count"] = 7
    path = write(tmp_path, doc)
    with pytest.raises(CheckpointFormatError, match="line_count") as refused:
        read_checkpoint_file(path)
    assert str(path) in str(refused.value)


@pytest.mark.parametrize("version", [None, 0, "1", 1.5])
def test_a_file_without_a_format_version_this_one_knows_is_an_error(tmp_path, version) -> None:
    doc = current_doc()
    if version is None:
        del doc["version"]
    else:
        doc["version"] = version
    with pytest.raises(CheckpointCorruptError):
        read_checkpoint_file(write(tmp_path, doc))


def test_a_format_error_is_a_corrupt_file_to_the_callers() -> None:
    assert issubclass(CheckpointFormatError, CheckpointCorruptError)  # the command line: one line, exit 2
