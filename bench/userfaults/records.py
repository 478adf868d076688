"""The records a user-fault writer writes: every line carries a mark `rNNNNNNNNlLL` (record
number, line number) so the check can tell, line by line, where each one arrived.

A record is one line (an INFO line of a payment service) or a Java stack trace under an
ERROR line (header, exception, frames, a cause): the shapes the multi-line assembler joins."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

MARK = re.compile(rb"r(\d{8})l(\d{2})")


def mark(rec: int, line: int) -> str:
    return f"r{rec:08d}l{line:02d}"


@dataclass
class Record:
    number: int
    lines: list[str]  # without the prefix the logging framework adds to the first one
    file: str = ""  # where the writer wrote it
    expected: bool = True  # False: written to a file deleted before any reader could see it
    tags: set[str] = field(default_factory=set)

    @property
    def message(self) -> str:
        return "\n".join(self.lines)


def make_record(number: int, rng: random.Random, trace_share: float = 0.3) -> Record:
    if rng.random() >= trace_share:
        return Record(number, [f"paid {mark(number, 0)} 订单号=ord_{number:08d} 耗时 {number % 97}ms"])
    frames = rng.randint(2, 9)
    lines = [f"settle failed {mark(number, 0)} orderNo=ord_{number:08d}",
             f"java.lang.IllegalStateException: ledger mismatch {mark(number, 1)}"]
    for i in range(frames):
        n = len(lines)
        lines.append(f"\tat com.fin.pay.Ledger.post_{mark(number, n)}(Ledger.java:{40 + i})")
    n = len(lines)
    lines.append(f"Caused by: java.io.IOException: connection reset {mark(number, n)}")
    lines.append(f"\tat com.fin.pay.Db.call_{mark(number, n + 1)}(Db.java:7)")
    lines.append("\t... 12 more")  # no mark: a line of no record's own
    return Record(number, lines)


def marked_lines(record: Record) -> list[int]:
    """The line numbers of `record` that carry a mark."""
    return [i for i, text in enumerate(record.lines) if MARK.search(text.encode())]


def level_of(record: Record) -> str:
    return "ERROR" if len(record.lines) > 1 else "INFO"
