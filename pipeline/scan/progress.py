"""A progress bar for big scans: on stderr, only when stderr is a terminal.

    with progress_for(files) as advance:     # advance(n_bytes), or None: no bar
        ...

Bytes are raw bytes read (compressed bytes for `.gz`), against the files' sizes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from pipeline.scan.read import ScanFile

MIN_BYTES_FOR_BAR = 32 * 1024 * 1024


@contextmanager
def progress_for(files: list[ScanFile], stream=None) -> Iterator[Callable[[int], None] | None]:
    stream = stream or sys.stderr
    total = sum(f.size_bytes or 0 for f in files)
    if not stream.isatty() or total < MIN_BYTES_FOR_BAR:
        yield None
        return
    columns = (TextColumn("scan"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=stream), transient=True) as progress:
        task = progress.add_task("scan", total=total)
        yield lambda n: progress.advance(task, n)
