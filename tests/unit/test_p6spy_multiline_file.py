"""p6spy's MultiLineFormat as its own FileLogger writes it to `spy.log`: a header line
`#<currentTime> | took <N>ms | <category> | connection <id>| url <url>` (currentTime in
epoch millis, or as the `dateformat` option formats it), then the prepared statement and
the effective one, each over as many lines as it has. The header starts the record, the
statement lines continue it: one event per statement, timed, with the effective text."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions


def events(text: str):
    asm = Assembler(ParseOptions(), Source("t", "spy.log", "spy.log", "t"), 0)
    return asm.feed(text.encode(), 0, 0) + asm.finish(0)


URL = "url jdbc:p6spy:mysql://db:3306/pay?useSSL=false"


def test_each_header_starts_a_timed_statement_with_its_epoch_time() -> None:
    text = (f"#1730889430597 | took 4ms | statement | connection 0| {URL}\n"
            "insert into t_pay (id, amount) values (?, ?)\ninsert into t_pay (id, amount) values (5, 13.20);\n"
            f"#1730889430600 | took 1ms | statement | connection 0| {URL}\n"
            "select id from t_pay\nselect id from t_pay;\n")
    a, b = events(text)
    assert (a.kind, a.duration_ns, a.sql_statement) == ("sql", 4_000_000, "insert into t_pay (id, amount) values (5, 13.20)")
    assert a.timestamp.startswith("2024-11-06T10:37:10.597")
    assert (b.duration_ns, b.sql_statement) == (1_000_000, "select id from t_pay")


def test_statements_over_several_lines_and_blank_lines_stay_in_their_record() -> None:
    text = (f"#1730889432171 | took 0ms | statement | connection 0| {URL}\n\n"
            "    alter table if exists t_bill \n       drop constraint if exists FK1\n\n"
            "    alter table if exists t_bill \n       drop constraint if exists FK1;\n"
            f"#1730889432239 | took 0ms | statement | connection 0| {URL}\ncommit\ncommit;\n")
    a, b = events(text)
    assert a.sql_statement == "alter table if exists t_bill \n       drop constraint if exists FK1"
    assert b.sql_statement == "commit"


def test_a_commit_header_and_its_empty_lines_are_one_record_without_statement() -> None:
    text = (f"#1730889432239 | took 1ms | commit | connection 0| {URL}\n\n;\n"
            f"#1730889432240 | took 2ms | statement | connection 0| {URL}\nselect 1\nselect 1;\n")
    a, b = events(text)
    assert a.sql_statement is None and a.end_offset == text.index("#1730889432240")
    assert (b.duration_ns, b.sql_statement) == (2_000_000, "select 1")


@given(
    now=st.one_of(st.integers(min_value=10**12, max_value=2 * 10**12 - 1).map(str),
                  st.sampled_from(["12-09-19 17:39:20:126", "2019-12-09 17:39:20", "09/12/2019 17:39:20.126",
                                   "2019-12-09T17:39:20.126+0800"])),
    ms=st.integers(min_value=0, max_value=10**6),
    n=st.integers(min_value=1, max_value=4),
    statement=st.sampled_from(["SELECT id, status FROM t_order WHERE id = 7", "update t_pay set status = 2 where id = 1",
                               "delete from t_log where k = '#x | took 1ms |'"]),
)
def test_any_current_time_form_gives_one_event_per_statement(now, ms, n, statement) -> None:
    block = f"#{now} | took {ms}ms | statement | connection 3| {URL}\n{statement}\n{statement};\n"
    evs = events(block * n)
    assert len(evs) == n
    assert all((e.duration_ns, e.sql_statement) == (ms * 1_000_000, statement) for e in evs)
