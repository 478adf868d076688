"""SQL timing lines whose fields after the timing are labelled and `|`-separated: p6spy's
CustomLineFormat as MyBatis-Plus's spy.properties writes it (`%(currentTime) | SQL耗时：
%(executionTime) ms | 连接信息： %(category)-%(connectionId) | 执行语句： %(sql)`) and its
variants, and a statement labelled by a phrase with `sql` in it (`执行SQL：`, `SQL语句：`)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.options import SqlOptions
from parsers.sql import SqlTimingParser

MS = 1_000_000


@pytest.fixture(scope="module")
def parser():
    return SqlTimingParser(SqlOptions())


@pytest.mark.parametrize(
    "message, ms, statement",
    [
        ("2022-03-01 10:00:00 | SQL耗时： 3 ms | 连接信息： statement-0 | 执行语句： SELECT id FROM t_user WHERE id=1",
         3, "SELECT id FROM t_user WHERE id=1"),
        ("SQL耗时: 5 ms | connection 3 | statement | insert into t values (1)", 5, "insert into t values (1)"),
        ("time=5ms | category: statement | sql: delete from t where id = 2", 5, "delete from t where id = 2"),
        ("执行耗时：12ms | 执行SQL：select * from pay_order where id = 3", 12, "select * from pay_order where id = 3"),
        ("耗时 12 ms, SQL语句: select 1", 12, "select 1"),
        ("2024-01-02 10:00:00 | 耗时 3 ms | SQL 语句：select * from t_order where id=1", 3,
         "select * from t_order where id=1"),
        # the statement labelled after the timing (in brackets, or `【SQL】`), or before it with a bar
        ("执行SQL耗时：5ms，SQL：select count(*) from t_user", 5, "select count(*) from t_user"),
        ("【SQL执行耗时】: 12ms 【SQL】: UPDATE t_order SET status=2 WHERE id=9", 12,
         "UPDATE t_order SET status=2 WHERE id=9"),
        ("执行sql耗时:[15ms], sql:[select * from t_pay where id = 3]", 15, "select * from t_pay where id = 3"),
        ("SQL: select * from t_pay where id = 3 | 耗时: 15 ms", 15, "select * from t_pay where id = 3"),
        # a field labelled with a verb (`CALL： 0`) is no statement
        ("SQL耗时： 0 ms | CALL： 0 | SELECT id FROM t_order WHERE id = 7", 0, "SELECT id FROM t_order WHERE id = 7"),
        ("SQL耗时： 4 ms | select: 2 | update t set a = 1", 4, "update t set a = 1"),
    ],
)
def test_the_statement_is_the_field_that_starts_one_its_label_dropped(parser, message, ms, statement):
    t = parser.parse(message)
    assert (t.duration_ns, t.statement) == (ms * MS, statement)


def test_a_commit_line_with_an_empty_statement_field_gives_no_statement(parser):
    assert parser.parse("2022-03-01 10:00:00 | SQL耗时： 0 ms | 连接信息： commit-0 | 执行语句： ") is None


@pytest.mark.parametrize(
    "message, statement",
    [
        # a statement right after the timing keeps its own `|` (inside a literal, or an operator)
        ("SQL耗时 3ms: SELECT a FROM t WHERE b = 'x|y' | z", "SELECT a FROM t WHERE b = 'x|y' | z"),
        ("SQL耗时 3ms: SELECT a || b FROM t", "SELECT a || b FROM t"),
    ],
)
def test_a_statement_right_after_the_timing_is_kept_whole(parser, message, statement):
    assert parser.parse(message).statement == statement


def test_a_field_named_like_a_database_is_no_statement_label(parser):
    assert parser.parse("request took 5ms, mysql=select 1") is None


_LABEL = st.text(st.characters(blacklist_characters="|:：\n\r", blacklist_categories=("Cs", "Cc")),
                 min_size=0, max_size=12).map(str.strip)
_VALUE = st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters="-_ "), min_size=1,
                 max_size=20).map(str.strip).filter(lambda v: v and v.split()[0].lower() not in _VERBS)
_VERBS = {"select", "insert", "update", "delete", "replace", "merge", "with", "call", "create", "alter", "drop",
          "truncate"}


@given(
    ms=st.integers(min_value=0, max_value=10**6),
    fields=st.lists(st.tuples(_LABEL, _VALUE), max_size=3),
    label=_LABEL,
    statement=st.sampled_from(["SELECT id FROM t_order WHERE id = 7", "update t_pay set status = 2 where id = 1",
                               "INSERT INTO t_log (msg) VALUES ('a:b')", "delete from t where k = '|x|'"]),
)
def test_labelled_fields_between_timing_and_statement_are_skipped(ms, fields, label, statement):
    parts = ["2022-03-01 10:00:00", f"SQL耗时： {ms} ms"]
    parts += [f"{k}： {v}" if k else v for k, v in fields]
    parts.append(f"{label}： {statement}" if label else statement)
    t = SqlTimingParser(SqlOptions()).parse(" | ".join(parts))
    assert t is not None
    assert (t.duration_ns, t.statement) == (ms * MS, statement)
