"""A file truncated in place before it was read to its end, with no copy beside it (a redeploy
through `nohup java -jar app.jar > app.log`, whose shell opens app.log with O_TRUNC): what it
held past the read offset is in no file any more. That cannot be shipped; it is logged at
ERROR and counted as `tail_files_lost{reason="truncated_unread"}`, never silent."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from tests.unit.tail_support import make_tailer, pull

LINE = "2026-12-02 09:00:00.000 [main] INFO  c.f.pay.App - paid order {:04d}\n"


def lines(first: int, count: int) -> str:
    return "".join(LINE.format(n) for n in range(first, first + count))


async def lost_count(tailer, within_s: float = 4.0) -> float:
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        n = tailer.metrics.get("tail_files_lost", reason="truncated_unread")
        if n or asyncio.get_running_loop().time() > deadline:
            return n
        await asyncio.sleep(0.05)


async def test_a_redeploy_truncating_a_file_not_read_to_its_end_is_counted_lost(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.ERROR, logger="pipeline.tail")
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "app.log").write_text(lines(0, 30))
    tailer = await make_tailer(tmp_path, max_chunk_bytes=256)
    try:
        first = await pull(tailer)  # a reader behind: 256 of the 30 lines' bytes read
        assert first.offset == 0 and len(first.data) == 256
        (logs / "app.log").write_text(lines(100, 2))  # the next deploy's redirect: O_TRUNC, written from 0
        final = await pull(tailer)
        assert final.final
        assert await lost_count(tailer) == 1
        said = [r.getMessage() for r in caplog.records if "truncated before it was read" in r.getMessage()]
        assert said and f"unread_bytes={len(lines(0, 30)) - 256}" in said[0]
        again = await pull(tailer)  # the new content is read from 0
        assert again.offset == 0 and again.data.startswith(LINE.format(100).encode())
    finally:
        await tailer.stop()


async def test_a_truncation_after_everything_was_read_loses_nothing(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "app.log").write_text(lines(0, 3))
    tailer = await make_tailer(tmp_path)
    try:
        assert len((await pull(tailer)).data) == len(lines(0, 3))
        (logs / "app.log").write_text(lines(100, 2))
        assert (await pull(tailer)).final
        assert await lost_count(tailer, 1.5) == 0
    finally:
        await tailer.stop()
