"""Shapes of Python tracebacks beyond the plain chain, each written as Python prints it:
another process's traceback quoted inside a message (multiprocessing's `RemoteTraceback`,
billiard's `ExceptionWithTraceback`), exception groups (3.11+), `SyntaxError` carets and
exception notes. Each must stay one exception event with the record that logged it."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import ParseOptions
from parsers.stacktrace import parse_stack
from parsers.stacktrace.python import GROUP_START, INDENTED_START, PY_START, RICH_START, is_py_start

SOURCE = Source("h", "pay", "/var/log/pay/worker.log", "f1")
HEAD = "2026-12-02 07:00:01,436 ERROR [pay.worker] batch 7 failed"
NEXT = "2026-12-02 07:00:02,001 INFO [pay.worker] next batch"


def events(lines: list[str]) -> list[Event]:
    data = "".join(x + "\n" for x in lines).encode()
    asm = Assembler(ParseOptions(), SOURCE)
    return asm.feed(data, 0, 0) + asm.finish(0)


def one_exception_then_next(lines: list[str]) -> Event:
    evs = events([HEAD, *lines, NEXT])
    assert [(e.kind, e.level) for e in evs] == [("exception", "ERROR"), ("line", "INFO")]
    assert evs[0].message.startswith("batch 7 failed")
    return evs[0]


def tb(exc_line: str, fn: str = "settle") -> list[str]:
    return ["Traceback (most recent call last):", f'  File "/srv/pay/{fn}.py", line 12, in {fn}',
            f"    {fn}(order)", exc_line]


QUOTED_LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60).filter(
    lambda s: s.strip() != '"""')


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["multiprocessing.pool.RemoteTraceback", "billiard.einfo.ExceptionWithTraceback",
                        "concurrent.futures.process._RemoteTraceback"]),
       st.lists(QUOTED_LINE, max_size=6), st.booleans())
def test_a_traceback_quoted_in_a_message_is_text_of_that_message(quoting, inner, chained):
    quoted = [f"{quoting}: ", '"""', *tb("KeyError: 'acct'", "worker"), *inner, '"""']
    lines = [*tb(quoted[0], "pool"), *quoted[1:]]
    if chained:
        lines += ["", "The above exception was the direct cause of the following exception:", "",
                  *tb("KeyError: 'acct'", "run")]
    ev = one_exception_then_next(lines)
    assert (ev.error_type, ev.root_cause_type) == (("KeyError", quoting) if chained else (quoting, quoting))


def test_the_quoted_traceback_stays_in_the_message_not_in_the_chain():
    lines = [*tb("billiard.einfo.ExceptionWithTraceback: ", "pool"), '"""', *tb("ValueError: nan", "worker"), '"""']
    trace = parse_stack(lines)
    assert [e.type for e in trace.exceptions] == ["billiard.einfo.ExceptionWithTraceback"]
    assert trace.outermost.message.endswith("ValueError: nan\n\"\"\"")


LEAVES = [ValueError, KeyError, TypeError, OSError, RuntimeError, ZeroDivisionError]
MSG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 :.'_", max_size=30)
# a leaf: (class, message, class it was raised from or None); a group: list of 1..3 children
TREE = st.recursive(st.tuples(st.sampled_from(LEAVES), MSG, st.none() | st.sampled_from(LEAVES)),
                    lambda kids: st.lists(kids, min_size=1, max_size=3), max_leaves=6)


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - a traceback of its own, as logged
        return caught


def build(tree, raise_it: bool) -> BaseException:
    if isinstance(tree, tuple):
        cls, msg, cause = tree
        exc = cls(msg)
        if cause is not None:
            exc.__cause__ = _raised(cause("cause"))
        return _raised(exc) if raise_it else exc
    group = ExceptionGroup("settlement failed", [build(t, raise_it) for t in tree])
    return _raised(group) if raise_it else group


def first_leaf_root(tree) -> str:
    while not isinstance(tree, tuple):
        tree = tree[0]
    cls, _, cause = tree
    return (cause or cls).__name__


@settings(max_examples=80, deadline=None)
@given(st.lists(TREE, min_size=1, max_size=3), st.booleans())
def test_an_exception_group_is_one_exception_whose_root_is_its_first_sub_exception(kids, raise_them):
    import traceback
    group = _raised(ExceptionGroup("batch 7", [build(t, raise_them) for t in kids]))
    text = "".join(traceback.format_exception(group)).rstrip("\n").split("\n")
    ev = one_exception_then_next(text)
    assert ev.error_type == "ExceptionGroup"
    assert ev.root_cause_type == first_leaf_root(kids[0])
    assert ev.stack_trace.startswith("  + Exception Group Traceback (most recent call last):")


def test_a_group_raised_from_an_error_keeps_that_error_as_the_root():
    import traceback
    try:
        try:
            raise ConnectionError("bank gateway down")
        except ConnectionError as err:
            raise ExceptionGroup("settlement failed", [ValueError("amount"), KeyError("acct")]) from err
    except ExceptionGroup as group:
        text = "".join(traceback.format_exception(group)).rstrip("\n").split("\n")
    ev = one_exception_then_next(text)
    assert (ev.error_type, ev.root_cause_type) == ("ExceptionGroup", "ConnectionError")
    trace = parse_stack(text)
    assert [e.type for e in trace.exceptions] == ["ExceptionGroup", "ValueError", "ConnectionError"]
    assert [e.type for e in trace.outermost.suppressed] == ["KeyError"]


def test_a_syntax_error_with_its_caret_and_an_exception_note_stay_in_their_records():
    syntax = ["Traceback (most recent call last):", '  File "/srv/pay/rules.py", line 12, in load',
              "    compile(source, path, \"exec\")", '  File "rules/fee.py", line 2', "    2 +* 3)",
              "       ^", "SyntaxError: invalid syntax"]
    ev = one_exception_then_next(syntax)
    assert (ev.error_type, ev.error_message) == ("SyntaxError", "invalid syntax")
    noted = [*tb("ValueError: Out of range float values are not JSON compliant: nan"),
             "when serializing dict item 'open'", "when serializing list item 0"]
    ev = one_exception_then_next(noted)
    assert ev.error_type == "ValueError" and ev.error_message.endswith("when serializing list item 0")


GROUP_BITS = ["  + Exception Group Traceback (most recent call last):", "  | ExceptionGroup: x (2 sub-exceptions)",
              "  +-+---------------- 1 ----------------", "    | ValueError: v", "    +---------------- 2 ----------------",
              "    +-+---------------- 1 ----------------", "      | Traceback (most recent call last):",
              '    |   File "a.py", line 1, in f', "    +------------------------------------", "    | and 3 more exceptions",
              "    +---------------- ... ----------------", "  |", '"""',
              "╭──── Traceback (most recent call last) ────╮", "│ /a.py:3 in f │", "│ /a/b │", "╰────╯", "──────"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(GROUP_BITS), st.text(max_size=40)), max_size=40))
def test_reading_group_and_rich_drawings_is_total_on_arbitrary_lines(lines):
    for first in ("  + Exception Group Traceback (most recent call last):", "╭─ Traceback (most recent call last) ─╮"):
        trace = parse_stack([first, *lines])
        assert trace is None or trace.exceptions
    deep = ["  + Exception Group Traceback (most recent call last):", "  | ExceptionGroup: x (1 sub-exception)"]
    for d in range(1, 200):
        deep += [" " * (2 * d) + "+-+---------------- 1 ----------------", " " * (2 * d + 2) + "| ExceptionGroup: y"]
    assert parse_stack(deep).outermost.type == "ExceptionGroup"


def draw(frames: list[tuple[str, int, str]], exc: str, width: int, margin: int) -> list[str]:
    """A traceback as rich draws it: a box `width` wide, locators wrapped to it, source
    lines and a locals panel inside, the exception line under the box; all of it `margin`
    columns in (RichHandler puts it under its log line)."""
    inner = width - 4
    title = " Traceback (most recent call last) "
    side = (width - 2 - len(title)) // 2
    rows = ["╭" + "─" * side + title + "─" * (width - 2 - side - len(title)) + "╮"]
    for k, (path, line, fn) in enumerate(frames):
        if k:
            rows.append("│ " + " " * inner + " │")
        loc = textwrap.wrap(f"{path}:{line} in {fn}", inner, break_on_hyphens=False)  # words, else inside one
        rows += ["│ " + part.ljust(inner) + " │" for part in loc]
        rows += ["│ " + " " * inner + " │", "│ " + f"  {line - 1} │   try:".ljust(inner) + " │",
                 "│ " + f"❱ {line} │   │   settle(batch)".ljust(inner) + " │",
                 "│ " + "╭─ locals ─╮".ljust(inner) + " │", "│ " + "│ batch = 7 │".ljust(inner) + " │",
                 "│ " + "╰──────────╯".ljust(inner) + " │"]
    rows += ["╰" + "─" * (width - 2) + "╯", exc]
    return [" " * margin + r for r in rows]


PATH = st.lists(st.sampled_from(["srv", "pay", "site-packages", "settlement_batch", "a"]),  # no spaces: see _locator
                min_size=1, max_size=12)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(PATH, st.integers(1, 9999), st.sampled_from(["settle", "<module>", "run_batch"])),
                min_size=1, max_size=4), st.integers(60, 140), st.sampled_from([0, 20]))
def test_a_traceback_drawn_by_rich_is_read_as_the_traceback_it_draws(frames, width, margin):
    frames = [("/" + "/".join(p) + ".py", n, fn) for p, n, fn in frames]
    lines = draw(frames, "KeyError: 'acct'", width, margin)
    trace = parse_stack(lines)
    assert [e.type for e in trace.exceptions] == ["KeyError"]
    assert [(f.file, f.line, f.function) for f in trace.outermost.frames] == frames
    if margin == 0:  # structlog's console: the drawing under the record's line, at the margin
        ev = one_exception_then_next(lines)
        assert (ev.error_type, ev.error_message) == ("KeyError", "'acct'")


def test_a_rich_chain_keeps_its_root():
    lines = [*draw([("/srv/pay/gateway.py", 12, "call")], "ConnectionError: gateway down", 80, 0), "",
             "The above exception was the direct cause of the following exception:", "",
             *draw([("/srv/pay/batch.py", 40, "settle")], "RuntimeError: batch 7 failed", 80, 0)]
    ev = one_exception_then_next(lines)
    assert (ev.error_type, ev.root_cause_type) == ("RuntimeError", "ConnectionError")


# layouts whose prefix the parser tells from the message (a bare `%(module)s` word after the
# time is read as message text: such a traceback stays one record a line)
LAYOUTS = ["%(asctime)s %(levelname)s [%(name)s] %(message)s", "%(asctime)s - %(name)s - %(levelname)s - %(message)s",
           "[%(asctime)s] %(levelname)s in %(module)s: %(message)s", "%(asctime)s %(levelname)s %(message)s"]


def logged(layout: str, records: list[tuple[int, str]]) -> list[str]:
    """Records as Python's logging writes them with `layout` (a fixed clock)."""
    import logging
    fmt = logging.Formatter(layout)
    fmt.converter = lambda *_: (2026, 12, 2, 7, 0, 1, 2, 336, 0)  # type: ignore[assignment]
    out = []
    for level, msg in records:
        rec = logging.LogRecord("pay.worker", level, "/srv/pay/worker.py", 42, msg, None, None, func="settle")
        rec.created, rec.msecs = 1_795_669_201.0, 436
        out.append(fmt.format(rec))
    return out


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LAYOUTS), st.booleans(), st.sampled_from([40, 50]))
def test_a_traceback_logged_one_line_a_record_is_one_exception(layout, chained, level):
    import logging
    import traceback
    try:
        try:
            {}["acct"]
        except KeyError as err:
            if chained:
                raise RuntimeError("batch 7 failed") from err
            raise
    except Exception:  # noqa: BLE001 - the traceback is the test's input
        tb_lines = traceback.format_exc().rstrip("\n").split("\n")
    lines = logged(layout, [(logging.INFO, "batch 7 start"), *((level, x) for x in tb_lines),
                            (logging.INFO, "batch 8 start")])
    evs = events(lines)
    assert [e.kind for e in evs] == ["line", "exception", "line"]
    ev = evs[1]
    assert (ev.error_type, ev.root_cause_type) == (("RuntimeError", "KeyError") if chained else ("KeyError", "KeyError"))
    assert {f.function for f in parse_stack(ev.stack_trace.split("\n")).outermost.frames} == {
        "test_a_traceback_logged_one_line_a_record_is_one_exception"}


def test_records_after_a_traceback_printed_under_its_record_stay_records():
    import logging
    lines = [*logged(LAYOUTS[0], [(logging.ERROR, "Traceback (most recent call last):")]),
             '  File "/srv/pay/worker.py", line 6, in settle', '    {}["acct"]', "KeyError: 'acct'",
             *logged(LAYOUTS[0], [(logging.ERROR, "batch 8 failed: no account"), (logging.ERROR, "batch 9 failed")])]
    evs = events(lines)
    assert [(e.kind, e.error_type) for e in evs] == [("exception", "KeyError"), ("line", None), ("line", None)]


_PIECES = st.sampled_from(["Traceback (most recent call last):", "Traceback (most recent call last)", "  ", " ", "+ ",
                           "Exception Group ", "╭─", "─", "──", " ─╮", "╮", ":", "x", "\t", "Traceback"])


@given(st.lists(_PIECES, max_size=8).map("".join))
def test_a_traceback_first_line_is_what_one_of_its_patterns_reads(line):
    # plain, an exception group's, rich's drawing, or a plain one indented under its record (Tornado)
    assert is_py_start(line) == any(rx.match(line) is not None
                                    for rx in (PY_START, GROUP_START, RICH_START, INDENTED_START))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["    ", "  ", "\t"]), st.sampled_from(["OSError: [Errno 22] Invalid argument", "KeyError: 'amount'",
                                                            "pay.errors.ChannelError: refused"]))
def test_a_traceback_indented_under_its_record(indent, exc_line):
    # Tornado's LogFormatter (and Jupyter's servers) indent the traceback under the record,
    # the exception line too: a builtin's bare name there is the exception all the same
    ev = one_exception_then_next([indent + "HTTPServerRequest(protocol='http', method='POST', uri='/pay')",
                                  *(indent + line for line in tb(exc_line))])
    assert ev.error_type == exc_line.partition(":")[0]
    assert ev.stack_trace.startswith(indent + "Traceback (most recent call last):")
    assert ev.message == "batch 7 failed\n" + indent + "HTTPServerRequest(protocol='http', method='POST', uri='/pay')"
