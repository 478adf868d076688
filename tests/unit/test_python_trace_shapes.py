"""Shapes of Python tracebacks beyond the plain chain, each written as Python prints it:
another process's traceback quoted inside a message (multiprocessing's `RemoteTraceback`,
billiard's `ExceptionWithTraceback`), exception groups (3.11+), `SyntaxError` carets and
exception notes. Each must stay one exception event with the record that logged it."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import ParseOptions
from parsers.stacktrace import parse_stack

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
