"""What the tailer's tests share: a tailer over `<tmp>/logs/<pattern>`, pulling with a
deadline, appending, and a collector that checks every delivered byte is contiguous."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from pathlib import Path

from pipeline.tail.checkpoints import CheckpointStore
from pipeline.tail.tailer import Chunk, Tailer, TailInput

WAIT_S = 3.0


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as out:
        out.write(data)


async def make_tailer(tmp_path: Path, pattern: str = "*.log", *, start_at: str = "beginning",
                      store: CheckpointStore | None = None, **options) -> Tailer:
    if store is None:
        store = CheckpointStore(tmp_path / "state" / "cp.json")
        await store.load()
    options.setdefault("release_after_idle_ms", 50)
    inputs = [TailInput((str(tmp_path / "logs" / pattern),), "payments", start_at)]
    tailer = Tailer(inputs, store, **options)
    await tailer.start()
    return tailer


async def pull(tailer: Tailer, timeout_s: float = WAIT_S) -> Chunk:
    return await asyncio.wait_for(tailer.next_chunk(), timeout_s)


async def read_first_and_commit(tmp_path: Path, acked_bytes: int) -> tuple[CheckpointStore, Chunk]:
    """A tailer's first chunk, acknowledged up to `acked_bytes`, then the tailer stopped (as
    a shipper would be): the store holding that checkpoint, and the chunk."""
    store = CheckpointStore(tmp_path / "cp.json")
    await store.load()
    async with await make_tailer(tmp_path, store=store) as tailer:
        chunk = await pull(tailer)
        await store.commit(chunk.file.file_id, acked_bytes)
    return store, chunk


class Collector:
    """Delivered bytes per file id, checking that offsets are contiguous."""

    def __init__(self) -> None:
        self.data: dict[str, bytearray] = defaultdict(bytearray)
        self.starts: dict[str, int] = {}
        self.finals: set[str] = set()

    def add(self, chunk: Chunk) -> None:
        file_id = chunk.file.file_id
        assert file_id not in self.finals, "data after the final chunk"
        start = self.starts.setdefault(file_id, chunk.offset)
        assert chunk.offset == start + len(self.data[file_id]), "gap or overlap"
        self.data[file_id] += chunk.data
        if chunk.final:
            self.finals.add(file_id)

    async def until(self, tailer: Tailer, done, timeout_s: float = WAIT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while not done():
            self.add(await pull(tailer, deadline - time.monotonic()))
