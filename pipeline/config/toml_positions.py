"""Where each key of a TOML document sits: a line index over the text.

`tomllib` returns plain dicts without positions. `key_lines(text)` scans the
text once more and maps every key path to the 1-based line it is written on:

    [host]              ("host",)                  -> 1
    name = "pay-01"     ("host", "name")           -> 2
    [[inputs]]          ("inputs", 0)              -> 3
    paths = ["a",       ("inputs", 0, "paths")     -> 4
      "b"]              ("inputs", 0, "paths", 1)  -> 5

Array-of-tables elements and array items are numbered from 0, as in the loaded
data. Dotted keys, quoted keys, inline tables and multi-line strings and arrays
are understood. The scanner is meant for text that `tomllib` has accepted; on
anything else it stops and returns what it has indexed so far.
"""

from __future__ import annotations

import tomllib

Path = tuple[str | int, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(" \t\r\n,]}#")


class _Stop(Exception):
    """The text is not what the scanner expects (tomllib would have refused it)."""


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of `path`, else of its nearest indexed parent, else None."""
    for n in range(len(path), 0, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def key_lines(text: str) -> dict[Path, int]:
    """Map every key path written in `text` to its 1-based line."""
    scanner = _Scanner(text)
    try:
        scanner.document()
    except (_Stop, IndexError, tomllib.TOMLDecodeError):
        pass  # explicit fallback: a partial index only costs line numbers
    return scanner.lines


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path, int] = {}
        self.counters: dict[Path, int] = {}  # array-of-tables path -> last index
        self.table: Path = ()

    # -- low level ---------------------------------------------------------
    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def skip_blank(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.pos += 1
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def expect(self, s: str) -> None:
        if not self.text.startswith(s, self.pos):
            raise _Stop(s)
        self.pos += len(s)

    def mark(self, path: Path, line: int) -> None:
        self.lines.setdefault(path, line)

    # -- grammar -----------------------------------------------------------
    def document(self) -> None:
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            line = self.line()
            if self.peek(2) == "[[":
                self.pos += 2
                keys = self.key()
                base = self.resolve(keys[:-1]) + keys[-1:]
                self.expect_closing("]]")
                index = self.counters.get(base, -1) + 1
                self.counters[base] = index
                self.table = base + (index,)
                self.mark(base, line)
                self.mark(self.table, line)
            elif self.peek() == "[":
                self.pos += 1
                self.table = self.resolve(self.key())
                self.expect_closing("]")
                self.mark(self.table, line)
            else:
                self.key_value(self.table)

    def expect_closing(self, s: str) -> None:
        self.skip_blank(newlines=False)
        self.expect(s)

    def resolve(self, keys: tuple[str, ...]) -> Path:
        """A header's keys, with the current element index after each array of tables."""
        path: Path = ()
        for k in keys:
            path = path + (k,)
            if path in self.counters:
                path = path + (self.counters[path],)
        return path

    def key_value(self, table: Path) -> None:
        line = self.line()
        keys = self.key()
        for n in range(1, len(keys) + 1):
            self.mark(table + keys[:n], line)
        self.skip_blank(newlines=False)
        self.expect("=")
        self.skip_blank(newlines=False)
        self.value(table + keys)

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            ch = self.peek()
            if ch in ('"', "'"):
                start = self.pos
                self.string()
                parts.append(tomllib.loads("k = " + self.text[start : self.pos])["k"])
            else:
                start = self.pos
                while self.pos < len(self.text) and self.text[self.pos] in _BARE:
                    self.pos += 1
                if self.pos == start:
                    raise _Stop("key")
                parts.append(self.text[start : self.pos])
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.pos += 1

    def value(self, path: Path) -> None:
        ch = self.peek()
        if ch == "{":
            self.pos += 1
            self.skip_blank(newlines=False)
            while self.peek() != "}":
                self.key_value(path)
                self.skip_blank(newlines=False)
                if self.peek() == ",":
                    self.pos += 1
                    self.skip_blank(newlines=False)
            self.pos += 1
        elif ch == "[":
            self.pos += 1
            index = 0
            self.skip_blank(newlines=True)
            while self.peek() != "]":
                self.mark(path + (index,), self.line())
                self.value(path + (index,))
                index += 1
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
                    self.skip_blank(newlines=True)
            self.pos += 1
        elif ch in ('"', "'"):
            self.string()
        else:
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] not in _SCALAR_END:
                self.pos += 1
            if self.pos == start:
                raise _Stop("value")

    def string(self) -> None:
        quote = self.peek()
        if self.peek(3) == quote * 3:
            end = self.text.find(quote * 3, self.pos + 3)
            if quote == '"':
                while end > 0 and _escaped(self.text, end):
                    end = self.text.find('"""', end + 1)
            if end < 0:
                raise _Stop("string")
            self.pos = end + 3
            while self.peek() == quote:  # up to two quotes may close the content
                self.pos += 1
            return
        self.pos += 1
        while True:
            ch = self.text[self.pos]
            if ch == "\n":
                raise _Stop("string")
            if ch == "\\" and quote == '"':
                self.pos += 2
                continue
            self.pos += 1
            if ch == quote:
                return


def _escaped(text: str, at: int) -> bool:
    """True when the character at `at` is preceded by an odd number of backslashes."""
    n = 0
    while at - n - 1 >= 0 and text[at - n - 1] == "\\":
        n += 1
    return n % 2 == 1
