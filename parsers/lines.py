"""Bytes of a file in, complete lines out, each with its exact byte offsets.

Chunks may end mid-line: the partial line is kept (up to `max_line_bytes`) until
its newline arrives. A line longer than the bound keeps its first
`max_line_bytes` (less a UTF-8 sequence the bound cut in two) and is flagged
`truncated`; the bytes past the bound are counted into its offsets but never held in
memory. A line that is not UTF-8 but GBK/GB18030 Chinese text (Chinese Windows
servers) is decoded so and flagged `gb18030`; other invalid UTF-8 is decoded with U+FFFD
and flagged; NUL bytes are removed and flagged. Nothing raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers._native import clean_texts
from parsers.ansi import ANSI

FLAG_TRUNCATED = "line_truncated"
FLAG_INVALID_UTF8 = "invalid_utf8"
FLAG_NUL = "nul_bytes"
FLAG_GB18030 = "gb18030"  # not UTF-8, decoded as GBK/GB18030 Chinese text


@dataclass(slots=True)
class Line:
    text: str
    offset: int  # first byte in the file
    end_offset: int  # byte after its newline (or after its last byte at EOF)
    flags: tuple[str, ...] = ()


def clean_lines(texts: list[str], sizes: list[int], offset: int) -> list[Line]:
    """`Line`s of clean texts (see `LineSplitter.split`): consecutive from `offset`, each
    its size in bytes plus its newline long, without flags."""
    out = []
    for text, size in zip(texts, sizes):
        end = offset + size + 1
        out.append(Line(text, offset, end))
        offset = end
    return out


_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _gb18030(raw: bytes) -> str | None:
    """A line a Chinese Windows JVM or console wrote in GBK/GB18030 (`耗时`, `订单不存在`), or
    None: it must decode strictly and hold Chinese text, so binary garbage stays invalid UTF-8."""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if _CJK.search(text) else None


def _decode(raw: bytes) -> tuple[str, tuple[str, ...]]:
    flags: tuple[str, ...] = ()
    if b"\x00" in raw:
        raw = raw.replace(b"\x00", b"")
        flags = (FLAG_NUL,)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        chinese = _gb18030(raw)
        if chinese is not None:
            text = chinese
            flags = flags + (FLAG_GB18030,)
        else:
            text = raw.decode("utf-8", "replace")
            flags = flags + (FLAG_INVALID_UTF8,)
    if text.endswith("\r"):
        text = text[:-1]
    return text, flags


def _whole_chars(raw: bytes) -> bytes:
    """`raw` without a UTF-8 sequence cut at its end (a line cut at the byte bound must
    not look like invalid UTF-8)."""
    n = len(raw)
    for back in range(1, min(4, n) + 1):
        b = raw[n - back]
        if b < 0x80:
            return raw
        if b >= 0xC0:  # the lead byte of the last sequence
            need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
            return raw if need <= back else raw[: n - back]
    return raw


class LineSplitter:
    """Streaming splitter for one file. `feed()` returns the lines completed by a chunk."""

    __slots__ = ("max_line_bytes", "strip_escapes", "_partial", "_partial_offset", "_partial_len", "_next_offset")

    def __init__(self, max_line_bytes: int, start_offset: int = 0) -> None:
        self.max_line_bytes = max(1, max_line_bytes)
        # Clean lines may hold colour codes, handed out without them (`parsers.ansi`): for a
        # reader that strips every line's codes anyway (the assembler, once it knows the file
        # is no container runtime's). Off, a chunk with an escape byte is read line by line.
        self.strip_escapes = False
        self._partial = bytearray()  # the kept head of the pending line
        self._partial_offset = start_offset
        self._partial_len = 0  # its full length in bytes, including bytes not kept
        self._next_offset = start_offset

    @property
    def pending_offset(self) -> int | None:
        """First byte of an incomplete line, if one is pending."""
        return self._partial_offset if self._partial_len else None

    @property
    def next_offset(self) -> int:
        """The file offset the next chunk must start at."""
        return self._next_offset

    def feed(self, data: bytes, offset: int) -> list[Line]:
        lines, clean, sizes, clean_offset = self.split(data, offset)
        return lines + clean_lines(clean, sizes, clean_offset) if clean else lines

    def split(self, data: bytes, offset: int) -> tuple[list[Line], list[str], list[int], int]:
        """`feed()` in two parts: (lines, clean, sizes, clean_offset). `lines` come first;
        then `clean` holds the texts of the lines after them when those need no `Line`:
        UTF-8 without NUL, escape codes (unless `strip_escapes`: then without their colour
        codes) or a \r but at a line's end, each within `max_line_bytes`, so none has
        flags; `sizes` are their lengths in bytes as read (a line's \r included, its
        newline not), the first line starting at `clean_offset`."""
        if offset != self._next_offset:
            raise ValueError(f"chunk at offset {offset}, expected {self._next_offset}")
        self._next_offset = offset + len(data)
        out: list[Line] = []
        clean: list[str] = []
        sizes: list[int] = []
        clean_offset = offset
        start = 0
        n = len(data)
        if self._partial_len:
            nl = data.find(b"\n")
            if nl < 0:
                self._keep(data)
                return out, clean, sizes, clean_offset
            self._keep(data[:nl])
            out.append(self._close_partial(offset + nl + 1))
            start = nl + 1
        last_nl = data.rfind(b"\n", start)
        if last_nl >= 0:
            pos = offset + start
            body = data[start:last_nl]
            limit = self.max_line_bytes
            if (clean_body := self._clean(body)) is not None:
                (clean, sizes), clean_offset = clean_body, pos
            elif body.isascii() and b"\x00" not in body:
                for text in body.decode("ascii").split("\n"):
                    end = pos + len(text) + 1
                    if len(text) > limit:
                        out.append(Line(text[:limit].rstrip("\r"), pos, end, (FLAG_TRUNCATED,)))
                    else:
                        out.append(Line(text[:-1] if text.endswith("\r") else text, pos, end))
                    pos = end
            else:
                for raw in body.split(b"\n"):
                    end = pos + len(raw) + 1
                    if len(raw) > limit:
                        text, flags = _decode(_whole_chars(raw[:limit]))
                        out.append(Line(text, pos, end, flags + (FLAG_TRUNCATED,)))
                    else:
                        text, flags = _decode(raw)
                        out.append(Line(text, pos, end, flags))
                    pos = end
            start = last_nl + 1
        if start < n:
            self._partial_offset = offset + start
            self._keep(data[start:])
        return out, clean, sizes, clean_offset

    def _clean(self, body: bytes) -> tuple[list[str], list[int]] | None:
        """The lines of `body` and their sizes in bytes if all are clean: UTF-8 (ASCII, or
        Chinese text most often), without NUL, escape codes (see `strip_escapes`) or a \r
        inside a line, within the bound (`parsers/native/src/lines.rs`)."""
        if b"\x1b" in body:
            if not self.strip_escapes:
                return None
            got = clean_texts(body, self.max_line_bytes)
            if got is None:
                return None
            texts, sizes = got  # a colour code never spans a line break: each line loses its own
            return [ANSI.sub("", t) if "\x1b" in t else t for t in texts], sizes
        return clean_texts(body, self.max_line_bytes)

    def finish(self) -> list[Line]:
        """End of the file: the incomplete last line, if any, as a line."""
        if not self._partial_len:
            return []
        return [self._close_partial(self._partial_offset + self._partial_len)]

    def _keep(self, piece: bytes) -> None:
        room = self.max_line_bytes - len(self._partial)
        if room > 0:
            self._partial += piece[:room]
        self._partial_len += len(piece)

    def _close_partial(self, end: int) -> Line:
        if self._partial_len > self.max_line_bytes:
            text, flags = _decode(_whole_chars(bytes(self._partial)))
            flags = flags + (FLAG_TRUNCATED,)
        else:
            text, flags = _decode(bytes(self._partial))
        line = Line(text, self._partial_offset, end, flags)
        self._partial.clear()
        self._partial_len = 0
        self._partial_offset = end
        return line
