"""The events of bytes assembled with no configuration, fed in chunks, held to the
exactly-once tiling: every byte in exactly one event, in order."""

from __future__ import annotations

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions

NOW = 1_764_547_200_000


def tiled_events(data: bytes, chunk: int | None = None, date_hint: str | None = None) -> list:
    """`date_hint`: the file's day (`YYYY-MM-DD`), for timestamps written without a date or year."""
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t", date_hint), 0)
    step = chunk or len(data) or 1
    out = []
    for i in range(0, len(data), step):
        out += asm.feed(data[i:i + step], i, NOW)
    out += asm.finish(NOW)
    pos = 0
    for e in out:
        assert e.offset == pos
        pos = e.end_offset
    assert pos == len(data)
    return out
