"""A logging filter that keeps a storm of one message from drowning the log.

Client libraries log every failed reconnect while a broker is down (aiokafka: tens of
thousands of "Unable connect to node" lines a minute). The first record of a kind
(logger, level, message template) passes; repeats within `window_s` are counted and
dropped; the next one after the window passes with the count appended.
"""

from __future__ import annotations

import logging
import time
from typing import Callable


class RepeatLimiter(logging.Filter):
    def __init__(self, window_s: float = 10.0, clock: Callable[[], float] = time.monotonic,
                 max_kinds: int = 4096) -> None:
        super().__init__()
        self.window_s = window_s
        self._clock = clock
        self._max_kinds = max_kinds
        self._seen: dict[tuple[str, int, str], list[float | int]] = {}  # kind -> [window start, suppressed]

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(record.msg))
        now = self._clock()
        entry = self._seen.get(key)
        if entry is None or now - entry[0] >= self.window_s:
            suppressed = int(entry[1]) if entry is not None else 0
            if len(self._seen) >= self._max_kinds and entry is None:
                self._seen.clear()  # bounded memory: forget old kinds rather than grow
            self._seen[key] = [now, 0]
            if suppressed:
                record.msg = f"{record.msg} ({suppressed} more like this in the last {self.window_s:.0f}s not shown)"
            return True
        entry[1] = int(entry[1]) + 1
        return False
