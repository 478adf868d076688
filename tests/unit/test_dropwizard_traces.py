"""Dropwizard's default layout (`%-5p [%d{ISO8601,UTC}] %c: %m%n%rEx`) writes each line of a
trace after `! `, root cause first, each wrapper after it as `! Causing: ...`. The record is
one exception event: its type the outermost (last written) exception, its root the first, its
message the record's own line, the trace without the marks."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from tests.unit.tiled_events import tiled_events

HEAD = ("ERROR [2024-01-02 10:00:01,456] io.dropwizard.jersey.errors.LoggingExceptionMapper: "
        "Error handling a request: 9f1a2b3c4d5e6f70")
NEXT = "INFO  [2024-01-02 10:00:02,000] com.example.Pay: next request"
_CLASS = st.from_regex(r"(?:[a-z]{1,6}\.){1,3}[A-Z][a-z]{1,8}(?:Exception|Error)", fullmatch=True)
# a frame as Dropwizard writes it after its mark: no tab
_MARKED_FRAMES = st.lists(st.from_regex(r"at [a-z]{1,6}(?:\.[a-z]{1,6}){0,2}\.[A-Z][a-z]{1,6}\.[a-z]{1,6}"
                                        r"\([A-Z][a-z]{1,6}\.java:[1-9]\d{0,3}\)", fullmatch=True), min_size=1, max_size=4)


def events(lines: list[str], chunk: int | None = None) -> list:
    return tiled_events("".join(x + "\n" for x in lines).encode(), chunk)


@settings(max_examples=60, deadline=None)
@given(_CLASS, _CLASS, _MARKED_FRAMES, _MARKED_FRAMES, st.booleans(), st.integers(1, 300))
def test_a_marked_root_cause_first_trace_is_one_exception_outermost_first(root, outer, f1, f2, omitted, chunk):
    trace = [f"{root}: refused", *f1, *(["... 2 common frames omitted"] if omitted else []),
             f"Causing: {outer}: gateway down", *f2]
    evs = events([HEAD, *("! " + line for line in trace), NEXT], chunk)
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
