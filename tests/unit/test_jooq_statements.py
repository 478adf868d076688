"""jOOQ's LoggerListener: `Executing query : <sql>` is a statement with no duration; the
`-> with bind values` line after it, the same statement with values, is none; its other
lines (`Fetched result`, `Fetched row(s)`) stay records."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from parsers.sql import fingerprint

PREFIX = "2024-01-02 10:00:00.123 [main] DEBUG org.jooq.tools.LoggerListener - "
tables = st.from_regex(r"[A-Z][A-Z_]{0,11}", fullmatch=True)


def events_of(lines: list[str]) -> list:
    asm = Assembler(ParseOptions(), Source("t", "t", "t", "t"), 0)
    data = ("\n".join(lines) + "\n").encode()
    return [*asm.feed(data, 0, 0), *asm.finish(0)]


@settings(max_examples=50, deadline=None)
@given(tables, st.integers(0, 10**9), st.sampled_from(["query         ", "batch query   "]))
def test_the_executed_query_is_one_sql_event(table, value, what):
    sql = f'select "PUBLIC"."{table}"."ID" from "PUBLIC"."{table}" where "PUBLIC"."{table}"."ID" = ?'
    evs = events_of([PREFIX + f"Executing {what}: {sql}",
                     PREFIX + f"-> with bind values      : {sql.replace('?', str(value))}",
                     PREFIX + "Fetched row(s)           : 1"])
    assert [e.kind for e in evs] == ["sql", "line", "line"]
    assert evs[0].sql_statement == sql and evs[0].duration_ns is None
    assert evs[0].sql_fingerprint == fingerprint(sql)


def test_executing_other_things_is_no_statement():
    evs = events_of(["2024-01-02 10:00:00.123 [main] INFO  c.f.Tasks - Executing query for report 12",
                     "2024-01-02 10:00:00.123 [main] INFO  c.f.Tasks - Executing query: show tables"])
    assert [e.kind for e in evs] == ["line", "line"]
