"""The record the multi-line assembler (`parsers.multiline`) hands on: a first line and
its continuation lines, with their bytes in the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.prefix.grammar import Prefix
from parsers.slots_maker import maker


@dataclass(slots=True)
class RawRecord:
    """One assembled record: its first line (with the prefix parsed from it, if any)
    and its continuation lines, as read (no newline). Offsets are bytes in the file."""

    first: Prefix | None
    first_line: str
    continuation: list[str] = field(default_factory=list)
    offset: int = 0
    end_offset: int = 0
    truncated: bool = False
    dropped_lines: int = 0  # continuation lines cut at a bound (still inside end_offset)

    @property
    def lines(self) -> list[str]:
        return [self.first_line, *self.continuation]


started_record = maker(RawRecord, "first", "first_line", "offset", "end_offset")
"""`started_record(first, first_line, offset, end_offset)`: `RawRecord(first, first_line, [], offset,
end_offset)` made in one call, a record of its first line so far."""
