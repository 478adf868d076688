"""Dropwizard's default layout (`%-5p [%d{ISO8601,UTC}] %c: %m%n%rEx`) writes each line of a
trace after `! `, root cause first, each wrapper after it as `! Causing: ...`. The record is
one exception event: its type the outermost (last written) exception, its root the first, its
message the record's own line, the trace without the marks."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.event import Event
from parsers.options import ParseOptions

SOURCE = Source("h", "pay", "/var/log/pay/service.log", "f1")
HEAD = ("ERROR [2024-01-02 10:00:01,456] io.dropwizard.jersey.errors.LoggingExceptionMapper: "
        "Error handling a request: 9f1a2b3c4d5e6f70")
NEXT = "INFO  [2024-01-02 10:00:02,000] com.example.Pay: next request"
_CLS = st.from_regex(r"(?:[a-z]{1,6}\.){1,3}[A-Z][a-z]{1,8}(?:Exception|Error)", fullmatch=True)
_FRAMES = st.lists(st.from_regex(r"at (?:[a-z]{1,6}\.){1,3}[A-Z][a-z]{1,6}\.[a-z]{1,6}\([A-Z][a-z]{1,6}\.java:[1-9]\d{0,3}\)",
                                 fullmatch=True), min_size=1, max_size=4)


def events(lines: list[str]) -> list[Event]:
    data = "".join(x + "\n" for x in lines).encode()
    asm = Assembler(ParseOptions(), SOURCE)
    return asm.feed(data, 0, 0) + asm.finish(0)


@settings(max_examples=60, deadline=None)
@given(_CLS, _CLS, _FRAMES, _FRAMES, st.booleans())
def test_a_marked_root_cause_first_trace_is_one_exception_outermost_first(root, outer, f1, f2, omitted):
    trace = [f"{root}: refused", *f1, *(["... 2 common frames omitted"] if omitted else []),
             f"Causing: {outer}: gateway down", *f2]
    evs = events([HEAD, *("! " + line for line in trace), NEXT])
    assert [e.kind for e in evs] == ["exception", "line"]
    ev = evs[0]
    assert (ev.error_type, ev.error_message) == (outer, "gateway down")
    assert (ev.root_cause_type, ev.root_cause_message) == (root, "refused")
    assert ev.message == "Error handling a request: 9f1a2b3c4d5e6f70" and ev.level == "ERROR"
    assert ev.stack_trace == "\n".join(trace)


def test_a_line_that_only_starts_with_a_bang_is_not_a_trace() -> None:
    evs = events(["WARN  [2024-01-02 10:00:01,456] com.example.Pay: quota", "! not a trace at all", NEXT])
    assert [e.kind for e in evs] == ["line", "line"]
    assert evs[0].message == "quota\n! not a trace at all"
