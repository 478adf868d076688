"""A log-writing application for tests: numbered logback lines at a steady rate, with
rename or copytruncate rotation, in a thread (like a real application's own writer)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path


def line(seq: int) -> str:
    ms = seq % 1000
    return (f"2026-11-26 10:15:{(seq // 1000) % 60:02d}.{ms:03d} [http-nio-8080-exec-{seq % 7}] INFO  "
            f"c.f.pay.OrderService - seq={seq:08d} 订单号=ord_20261126_{seq:06d} 耗时 {seq % 97}ms\n")


class LogWriter(threading.Thread):
    def __init__(self, path: Path, total: int, rate_per_s: int, rotate_every: int = 0,
                 rotation: str = "rename", start_seq: int = 0) -> None:
        super().__init__(daemon=True)
        self.path, self.total, self.rate = path, total, rate_per_s
        self.rotate_every, self.rotation = rotate_every, rotation
        self.start_seq = start_seq
        self.written = 0
        self.rotations = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._write()
        except BaseException as exc:  # surfaced by the test through .error
            self.error = exc

    def _rotate(self) -> None:
        self.rotations += 1
        rotated = self.path.with_name(f"{self.path.name}.{self.rotations}")
        if self.rotation == "rename":
            os.rename(self.path, rotated)
        else:  # copytruncate, as logrotate does it (the application keeps its descriptor)
            shutil.copyfile(self.path, rotated)
            os.truncate(self.path, 0)

    def _write(self) -> None:
        batch = max(1, self.rate // 100)  # 100 writes a second
        started = time.monotonic()
        f = open(self.path, "a", encoding="utf-8")
        try:
            seq = self.start_seq
            end = self.start_seq + self.total
            while seq < end:
                n = min(batch, end - seq)
                if self.rotate_every:
                    n = min(n, self.rotate_every - (seq - self.start_seq) % self.rotate_every)
                f.write("".join(line(s) for s in range(seq, seq + n)))
                f.flush()
                seq += n
                self.written = seq - self.start_seq
                if self.rotate_every and (seq - self.start_seq) % self.rotate_every == 0 and seq < end:
                    self._rotate()
                    if self.rotation == "rename":
                        f.close()
                        f = open(self.path, "a", encoding="utf-8")
                ahead = (seq - self.start_seq) / self.rate - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
        finally:
            f.close()
