"""The tailer's reads as it does them today against the same reads through aiofiles, in one run.

    python3 bench/aiofiles_bench.py                   # 64 MiB backlog + 20,000 small live reads
    python3 bench/aiofiles_bench.py --backlog-mib 256 --live-reads 50000

Both sides read a file already in the page cache from a coroutine, so only the cost of the
reading path shows (threads, wrappers, system calls), not the disk:

  today     one `asyncio.to_thread(read_at, fd, offset, max_bytes, fingerprint)` per chunk:
            fstat, a pread of the first line (the fingerprint check), a pread of the chunk,
            all in one hop to a worker thread;
  aiofiles  a file opened with `aiofiles.open(path, "rb", buffering=0)`; per chunk the same
            three steps through aiofiles' file object (`aiofiles.os.wrap(os.fstat)`, seek +
            read of the first line, seek + read of the chunk), one hop each, aiofiles having
            no pread;
  aiofiles, data only   seek + read of the chunk and nothing else (no size, no fingerprint):
            the least aiofiles could do, fewer checks than the tailer needs.

Two shapes: a backlog (a large file read in `max_chunk_bytes` chunks, 256 KiB as the tailer
has it) and live tailing (many reads of one short line each, as after every append). Each
is run `--rounds` times alternating the order; the best round of each side is printed, with
the ratio aiofiles / today (above 1: aiofiles is slower).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiofiles
import aiofiles.os

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.tail.followed import read_at  # noqa: E402
from pipeline.tail.identity import FINGERPRINT_MAX_BYTES, fingerprint_of  # noqa: E402

LINE = b"2026-12-01 10:00:00.123 INFO [main] c.e.Service - order 12345 paid in 17 ms by card ****1234\n"
afstat = aiofiles.os.wrap(os.fstat)

Reader = Callable[[str, list[tuple[int, int]]], Awaitable[int]]


async def today(path: str, reads: list[tuple[int, int]]) -> int:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fingerprint = fingerprint_of(os.pread(fd, FINGERPRINT_MAX_BYTES, 0))
        total = 0
        for offset, size in reads:
            data, _ = await asyncio.to_thread(read_at, fd, offset, size, fingerprint)
            total += len(data)
        return total
    finally:
        os.close(fd)


async def with_aiofiles(path: str, reads: list[tuple[int, int]]) -> int:
    async with aiofiles.open(path, "rb", buffering=0) as f:
        fingerprint = fingerprint_of(await f.read(FINGERPRINT_MAX_BYTES))
        total = 0
        for offset, size in reads:
            st = await afstat(f.fileno())
            if st.st_size < offset:
                raise AssertionError("the bench file never shrinks")
            await f.seek(0)
            if fingerprint_of(await f.read(FINGERPRINT_MAX_BYTES)) != fingerprint:
                raise AssertionError("the bench file is never rewritten")
            await f.seek(offset)
            total += len(await f.read(size))
        return total


async def aiofiles_data_only(path: str, reads: list[tuple[int, int]]) -> int:
    async with aiofiles.open(path, "rb", buffering=0) as f:
        total = 0
        for offset, size in reads:
            await f.seek(offset)
            total += len(await f.read(size))
        return total


READERS: dict[str, Reader] = {"today": today, "aiofiles": with_aiofiles, "aiofiles, data only": aiofiles_data_only}


def make_file(directory: str, mib: int) -> tuple[str, int]:
    path = os.path.join(directory, f"backlog-{mib}.log")
    block = LINE * (1024 * 1024 // len(LINE) + 1)
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(block[: 1024 * 1024])
    return path, mib * 1024 * 1024


async def measure(name: str, path: str, reads: list[tuple[int, int]], rounds: int) -> dict[str, float]:
    best: dict[str, float] = {}
    expected = sum(size for _, size in reads)
    for r in range(rounds):
        order = list(READERS) if r % 2 == 0 else list(reversed(READERS))
        for side in order:
            t0 = time.perf_counter()
            got = await READERS[side](path, reads)
            elapsed = time.perf_counter() - t0
            if got != expected:
                raise AssertionError(f"{name}/{side}: read {got} bytes, expected {expected}")
            best[side] = min(best.get(side, elapsed), elapsed)
    return best


def report(name: str, reads: list[tuple[int, int]], best: dict[str, float]) -> None:
    mib = sum(size for _, size in reads) / 2**20
    print(f"{name}: {len(reads):,} reads, {mib:,.1f} MiB")
    for side, s in best.items():
        print(f"  {side:<20} {s * 1000:9.1f} ms  {len(reads) / s:10,.0f} reads/s  {mib / s:8,.1f} MiB/s"
              f"  ratio {s / best['today']:.2f}")


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backlog-mib", type=int, default=64)
    ap.add_argument("--chunk-kib", type=int, default=256, help="the tailer's max_chunk_bytes")
    ap.add_argument("--live-reads", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="aiofiles-bench-") as tmp:
        path, size = make_file(tmp, opts.backlog_mib)
        chunk = opts.chunk_kib * 1024
        backlog = [(off, min(chunk, size - off)) for off in range(0, size, chunk)]
        live = [((i * len(LINE)) % (size - len(LINE)) // len(LINE) * len(LINE), len(LINE))
                for i in range(opts.live_reads)]
        print(f"python {sys.version.split()[0]}, aiofiles {importlib.metadata.version('aiofiles')}, "
              f"{os.cpu_count()} CPUs, best of {opts.rounds} rounds")
        report("backlog", backlog, await measure("backlog", path, backlog, opts.rounds))
        report("live", live, await measure("live", path, live, opts.rounds))


if __name__ == "__main__":
    asyncio.run(main())
