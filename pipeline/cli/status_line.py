"""The shipper's live one-line status (files, lines/s, bytes behind), on a terminal and in the log."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import Any

log = logging.getLogger("logpipe.status")


def describe(metrics: Any, tailer: Any, rate_events_s: float, rate_bytes_s: float) -> str:
    behind = sum(tailer.bytes_behind().values()) if tailer is not None else 0
    files = len(tailer.bytes_behind()) if tailer is not None else 0
    return (f"files {files}  events/s {rate_events_s:,.0f}  MB/s {rate_bytes_s / 1e6:.1f}  "
            f"behind {behind / 1e6:.1f} MB  sent {metrics.total('ship_events_sent'):,.0f}  "
            f"acked {metrics.total('ship_events_acked'):,.0f}  outages {metrics.total('ship_outages'):,.0f}")


async def status_loop(metrics: Any, get_tailer: Any, interval_s: float = 1.0, log_every_s: float = 10.0) -> None:
    """Redraws the status line every `interval_s` on a terminal; logs it every `log_every_s`."""
    tty = sys.stderr.isatty()
    last_t, last_events, last_bytes, last_log = time.monotonic(), 0.0, 0.0, 0.0
    while True:
        await asyncio.sleep(interval_s)
        now = time.monotonic()
        events, read = metrics.total("ship_events_sent"), metrics.total("ship_bytes_read")
        dt = max(now - last_t, 1e-6)
        line = describe(metrics, get_tailer(), (events - last_events) / dt, (read - last_bytes) / dt)
        last_t, last_events, last_bytes = now, events, read
        if tty:
            sys.stderr.write("\r\x1b[2K" + line)
            sys.stderr.flush()
        if now - last_log >= log_every_s:
            last_log = now
            log.info("%s", line)
