"""Python tracebacks: `Traceback (most recent call last):` blocks, chained by `During
handling of the above exception` or `The above exception was the direct cause`, with
multi-line exception messages; a traceback cut before its exception line keeps its frames.
A message may quote another process's traceback between two lines of three double quotes
(multiprocessing's `RemoteTraceback`, billiard's `ExceptionWithTraceback`): that text is
the message, not a block of the chain."""

from __future__ import annotations

import re

from parsers.stacktrace.model import ExceptionInfo, Frame
from parsers.stacktrace.python_groups import GROUP_START, group_lines, read_group
from parsers.stacktrace.python_rich import RICH_START, plain

PY_START = re.compile(r"^Traceback \(most recent call last\):\s*$")
PY_FRAME = re.compile(r'^[\t ]+File "(?P<file>[^"]*)", line (?P<line>\d+)(?:, in (?P<fn>.+?))?\s*$')
PY_EXC = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s?(?P<msg>(?:.*\S)?))?\s*$")  # msg: as java.HEADER's
PY_QUOTE = '"""'
PY_CHAIN = re.compile(r"^(?:During handling of the above exception|The above exception was the direct cause)")
_SITE = re.compile(r"^.*/(?:site|dist)-packages/")
PY_START_TEXT = "Traceback (most recent call last):"


def split_embedded_start(lines: list[str]) -> list[str]:
    """A message that ends with `traceback.format_exc()` (`... error:Traceback (most recent
    call last):`): its trace's first line is split off the message, so the trace reads as
    printed on its own. Only the first `Traceback` line counts; `lines` is returned as it is
    when that one already starts its line."""
    for i, line in enumerate(lines):
        if PY_START_TEXT in line:
            if GROUP_START.match(line):
                return lines  # an exception group's first line, not a message's end
            text = line.rstrip()
            head = text[:-len(PY_START_TEXT)]
            if not text.endswith(PY_START_TEXT) or not head.strip():
                return lines
            return [*lines[:i], head.rstrip(), PY_START_TEXT, *lines[i + 1:]]
    return lines


def _py_module(path: str) -> str:
    """`/usr/lib/python3.11/site-packages/requests/api.py` -> `requests.api`."""
    path = _SITE.sub("", path.replace("\\", "/"))
    if path.endswith(".py"):
        path = path[:-3]
    return path.strip("/").replace("/", ".") or "<unknown>"


_START_WORDS = "Traceback (most recent call last)"  # in each of the three first lines


def is_py_start(line: str) -> bool:
    """The first line of a traceback: a plain one, an exception group's, or rich's drawing;
    a plain one may be indented (`dedented`)."""
    return _START_WORDS in line and (PY_START.match(line) is not None or GROUP_START.match(line) is not None
                                     or RICH_START.match(line) is not None or INDENTED_START.match(line) is not None)


# Tornado's LogFormatter (Jupyter's servers use it too) indents the traceback under its record
INDENTED_START = re.compile(r"^([ \t]+)Traceback \(most recent call last\):\s*$")


def dedented(lines: list[str]) -> list[str]:
    """A traceback whose first line is indented (`    Traceback (most recent call last):`),
    each of its lines without that indent, as printed on its own; others as they are."""
    m = INDENTED_START.match(lines[0]) if lines and lines[0][:1] in " \t" else None
    if m is None:
        return lines
    indent = m.group(1)
    cut = len(indent)
    return [line[cut:] if line.startswith(indent) else line for line in lines]


def parse_python(lines: list[str]) -> list[ExceptionInfo]:
    """Blocks in printed order (the first is the innermost cause), returned outermost first;
    an exception group is one block of its own chain (`parsers.stacktrace.python_groups`);
    a drawing of rich is read as the traceback it draws (`parsers.stacktrace.python_rich`)."""
    if any("(most recent call last) " in line for line in lines):
        lines = plain(lines)
    blocks: list[list[ExceptionInfo]] = []
    frames: list[Frame] = []
    current: ExceptionInfo | None = None
    quoted = False
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if current is not None and (quoted or line.strip() == PY_QUOTE):
            if line.strip() == PY_QUOTE:
                quoted = not quoted
            current.message = line if not current.message else current.message + "\n" + line
            continue
        if PY_START.match(line):
            frames, current = [], None
            continue
        if line[:1] == " " and GROUP_START.match(line):
            end = group_lines(lines, i - 1)
            chain = read_group(lines[i - 1:end], parse_python)
            if chain:
                blocks.append(chain)
            frames, current, i = [], None, end
            continue
        fm = PY_FRAME.match(line)
        if fm is not None:
            frames.append(Frame(module=_py_module(fm.group("file")), function=fm.group("fn") or "<module>",
                                file=fm.group("file"), line=int(fm.group("line")) if len(fm.group("line")) < 10 else None))
            continue
        if not line.strip() or line[0] in " \t":  # source lines, ^^^^ markers, blanks
            continue
        if PY_CHAIN.match(line):
            current = None
            continue
        if current is not None:  # a multi-line exception message
            current.message = line if current.message is None else current.message + "\n" + line
            continue
        em = PY_EXC.match(line)
        if em is not None:
            current = ExceptionInfo(type=em.group("type"), message=em.group("msg"), frames=frames)
            blocks.append([current])
            frames = []
    if frames and current is None:  # truncated before the exception line
        blocks.append([ExceptionInfo(type="<unknown>", message=None, frames=frames)])
    blocks.reverse()
    out = [exc for chain in blocks for exc in chain]
    for outer, inner in zip(out, out[1:]):
        outer.cause = inner
    return out
