"""`Tailer.last_writes`: a followed file's size and when it was last written, from a stat
made when asked, for the shipper's idle close; a path that names another file now (rotated
away, replaced) gives nothing, so its record keeps to the reader's clock."""

from __future__ import annotations

import os
import time

from pipeline.tail.followed import WHOLE_SECONDS_SLACK_MS, last_writes
from tests.unit.tail_support import append, make_tailer, pull


async def test_size_and_last_write_of_each_file_still_at_its_path(tmp_path, logs) -> None:
    async with await make_tailer(tmp_path) as tailer:
        append(logs / "a.log", b"one\n")
        append(logs / "b.log", b"two lines\nhere\n")
        chunks = {(await pull(tailer)).file.path: None for _ in range(2)}
        ids = {f.path: f.identity.file_id for f in tailer.files.values() if f.identity is not None}
        assert set(chunks) == set(ids)
        long_ago = time.time() - 600.5
        os.utime(logs / "a.log", (long_ago, long_ago))
        got = await tailer.last_writes(set(ids.values()))
        a, b = ids[str(logs / "a.log")], ids[str(logs / "b.log")]
        assert got[a][0] == 4 and abs(got[a][1] - long_ago * 1000) < 2
        assert got[b][0] == 15 and abs(got[b][1] - time.time() * 1000) < 60_000
        assert await tailer.last_writes({b}) == {b: got[b]}


def test_a_path_that_names_another_file_now_or_none_gives_nothing(logs) -> None:
    append(logs / "a.log", b"one\n")
    st = os.stat(logs / "a.log")
    key = (st.st_dev, st.st_ino)
    assert last_writes([("a", str(logs / "a.log"), key)]) == {"a": (4, st.st_mtime_ns // 1_000_000)}
    os.rename(logs / "a.log", logs / "a.log.1")
    append(logs / "a.log", b"new\n")
    assert last_writes([("a", str(logs / "a.log"), key), ("gone", str(logs / "none.log"), key)]) == {}


def test_a_time_in_whole_seconds_may_be_the_file_systems_rounding(logs) -> None:
    """ext3 keeps seconds, FAT two: the write may have been up to that much later."""
    append(logs / "a.log", b"one\n")
    st = os.stat(logs / "a.log")
    os.utime(logs / "a.log", ns=(st.st_atime_ns, 1_700_000_000 * 10**9))
    (_, written), = last_writes([("a", str(logs / "a.log"), (st.st_dev, st.st_ino))]).values()
    assert written == 1_700_000_000_000 + WHOLE_SECONDS_SLACK_MS
    os.utime(logs / "a.log", ns=(st.st_atime_ns, 1_700_000_000 * 10**9 + 250_000_000))
    (_, written), = last_writes([("a", str(logs / "a.log"), (st.st_dev, st.st_ino))]).values()
    assert written == 1_700_000_000_250
