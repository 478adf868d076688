"""Spring's StopWatch summaries are timings: `StopWatch 'id': running time = N ns` (up to
6.0, and `running time (millis) = N` before 5.2) and, since 6.1, `StopWatch 'id': N seconds`,
alone or as the first line of `prettyPrint()`'s table."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions

ids = st.from_regex(r"[A-Za-z0-9 _-]{0,20}", fullmatch=True)
seconds = st.decimals(min_value=0, max_value=5000, places=4, allow_nan=False, allow_infinity=False)


def events_of(text: str) -> list:
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    return [*asm.feed(text.encode(), 0, 0), *asm.finish(0)]


@settings(max_examples=60, deadline=None)
@given(ids, seconds, st.booleans())
def test_the_61_summary_gives_the_total_in_seconds(sid, secs, pretty):
    text = f"2024-01-02 10:00:00.123 [main] INFO  c.f.Job - StopWatch '{sid}': {secs} seconds\n"
    if pretty:
        text += ("----------------------------------------\nSeconds       %       Task name\n"
                 "----------------------------------------\n"
                 f"{secs}        100%    load\n")
    text += "2024-01-02 10:00:01.000 [main] INFO  c.f.Job - done\n"
    evs = events_of(text)
    assert len(evs) == 2
    assert evs[0].kind == "method" and evs[0].method_name == f"StopWatch '{sid}'"
    assert evs[0].duration_ns == int(Decimal(str(secs)) * 1_000_000_000)


@settings(max_examples=40, deadline=None)
@given(ids, st.integers(0, 10**12))
def test_the_older_summary_in_nanoseconds_is_read(sid, ns):
    evs = events_of(f"2024-01-02 10:00:00.123 [main] INFO  c.f.Job - StopWatch '{sid}': running time = {ns} ns\n")
    assert evs[0].duration_ns == ns


def test_seconds_in_javas_scientific_notation_are_read():
    evs = events_of("2024-01-02 10:00:00.123 [main] INFO  c.f.Job - StopWatch 'load': 1.25E-4 seconds\n")
    assert evs[0].duration_ns == 125_000


def test_a_stopwatch_without_a_unit_is_no_timing():
    evs = events_of("10:10:14 [exec-5] INFO  c.w.TalStopWatch  INFO [,,]   StopWatch:start[1577671814361] tag[init] "
                    "total[439]\n")
    assert evs[0].duration_ns is None
