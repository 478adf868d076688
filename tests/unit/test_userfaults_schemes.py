"""The user-fault schedule's writers do what the tools they stand for do, and its record of
generations notices every deletion: a writer that misbehaves, or a deletion not noticed,
shows up as lines 'lost' that no shipper could have read."""

from __future__ import annotations

import gzip
import random
import time
from pathlib import Path

from bench.userfaults.generations import Generations
from bench.userfaults.records import make_record
from bench.userfaults.schemes_files import LogrotateCreateCompress


def test_logrotate_create_reopens_after_every_rotation_and_never_writes_to_a_deleted_file(tmp_path: Path) -> None:
    # ext4 gives the new app.log the inode of the app.log.1 just compressed and deleted: the
    # application must still reopen (its postrotate signal), not write on to the deleted file
    for seed in range(4):
        folder = tmp_path / str(seed)
        folder.mkdir()
        rng = random.Random(seed)
        scheme = LogrotateCreateCompress(folder, rng)
        for n in range(2500):
            scheme.write(make_record(n, rng))
        scheme.close()
        assert scheme.rotations >= 10
        to_deleted = [r.number for r in scheme.records if "written to a deleted file" in r.tags]
        assert not to_deleted, f"seed {seed}: records written to a deleted file: {to_deleted[:5]}"
        for archive in folder.glob("*.gz"):
            with gzip.open(archive, "rb") as f:
                assert f.read(1), f"seed {seed}: {archive.name} holds an empty generation"


def test_an_empty_compressed_generation_does_not_hide_later_deletions(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "app.log.4.gz", "wb"):
        pass  # an empty generation, compressed whole
    (tmp_path / "app.log").write_text("paid r00000000l00\n")
    generations = Generations(tmp_path)
    generations.look()
    (tmp_path / "app.log").rename(tmp_path / "app.log.1")
    (tmp_path / "app.log.1").unlink()
    before = time.monotonic()
    generations.look()
    gone = generations.deleted_when(0)
    assert gone is not None and gone >= before
