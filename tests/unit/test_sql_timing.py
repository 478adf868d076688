import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.options import SqlOptions
from parsers.sql import CONSUMED, COPY, MybatisJoiner, SqlTiming, SqlTimingParser, is_mybatis, substitute_params

MS = 1_000_000
WORKLOAD_SQL = "SELECT * FROM t_order WHERE order_no = 'ord_20261126_001001' AND status IN (1,2)"


@pytest.fixture(scope="module")
def parser():
    return SqlTimingParser(SqlOptions())


def test_workload_sql_cost_line_is_recognised(parser):
    t = parser.parse(f"SQL[cost=12ms] {WORKLOAD_SQL}")
    assert t == SqlTiming(12 * MS, WORKLOAD_SQL, None, None, "generic")


def test_druid_slow_sql_splits_statement_and_json_parameters(parser):
    t = parser.parse('slow sql 1234 millis. SELECT * FROM t WHERE id=? AND name=?["p1",2]')
    assert (t.duration_ns, t.statement, t.params, t.source) == (1234 * MS, "SELECT * FROM t WHERE id=? AND name=?", '["p1",2]', "druid")


def test_druid_parameter_containing_a_bracket_stays_whole(parser):
    t = parser.parse('slow sql 5 millis. SELECT * FROM t WHERE a=?["x[1]"]')
    assert (t.statement, t.params) == ("SELECT * FROM t WHERE a=?", '["x[1]"]')


@given(st.sampled_from(["SELECT a FROM t WHERE id = ?", "delete from t where id in\n \t (  ?\n )", "select 1"]),
       st.sampled_from(["", " ", " \t", "  "]), st.sampled_from(["[]", '["a",1]', "[1]"]))
def test_druid_statement_keeps_its_own_trailing_space_before_the_parameter_list(sql, space, params):
    # Druid writes the list right after the statement: a space before it is the
    # statement's (a mapper's SQL ending in a space), which pt-fingerprint keeps
    t = SqlTimingParser(SqlOptions()).parse(f"slow sql 7 millis. {sql}{space}{params}")
    assert (t.statement, t.params) == (sql + space, params)


def test_druid_statement_without_parameter_list_keeps_its_text(parser):
    t = parser.parse("slow sql 5 millis. SELECT * FROM [dbo].[t]")
    assert (t.statement, t.params) == ("SELECT * FROM [dbo].[t]", None)


def test_p6spy_single_line_takes_elapsed_ms_and_effective_sql(parser):
    t = parser.parse("1700000000000|35|statement|connection 7|SELECT * FROM t WHERE id=?|SELECT * FROM t WHERE id='actual'")
    assert (t.duration_ns, t.statement, t.source) == (35 * MS, "SELECT * FROM t WHERE id='actual'", "p6spy")


def test_p6spy_single_line_with_url_field(parser):
    t = parser.parse("1700000000000|4|statement|connection 7|url jdbc:mysql://db/pay|SELECT 1|SELECT 1")
    assert (t.duration_ns, t.statement) == (4 * MS, "SELECT 1")


def test_p6spy_statements_after_a_comment_split_into_prepared_and_effective(parser):
    # Hibernate's use_sql_comments puts the HQL first in both halves
    t = parser.parse("1700000000000|3|statement|connection 7|url jdbc:h2:mem:db|/* select count(s) from Shop s */ select "
                     "count(s1_0.id) from shop s1_0 where s1_0.id=?|/* select count(s) from Shop s */ select "
                     "count(s1_0.id) from shop s1_0 where s1_0.id=7")
    assert t.statement == "/* select count(s) from Shop s */ select count(s1_0.id) from shop s1_0 where s1_0.id=7"


def test_p6spy_commit_is_not_a_sql_timing(parser):
    assert parser.parse("1700000000000|0|commit|connection 7|url jdbc:mysql://db/pay||") is None


def test_p6spy_multi_line_header_with_following_statement(parser):
    t = parser.parse("#1700000000000 | took 35ms | statement | connection 7| url jdbc:mysql://db/pay\nSELECT ?\nSELECT 1;")
    assert (t.duration_ns, t.statement, t.source) == (35 * MS, "SELECT 1", "p6spy")


def test_p6spy_header_alone_gives_timing_without_statement(parser):
    t = parser.parse("#1700000000000 | took 35ms | statement | connection 7| url jdbc:mysql://db/pay")
    assert (t.duration_ns, t.statement) == (35 * MS, None)


@pytest.mark.parametrize(
    "message, ns",
    [
        ("cost=35ms sql=SELECT 1 FROM dual", 35 * MS),
        ("sql=SELECT 1 FROM dual cost=35ms", 35 * MS),
        ("took 35 ms: SELECT 1 FROM dual", 35 * MS),
        ("执行SQL耗时 35ms: SELECT 1 FROM dual", 35 * MS),
        ("SQL: SELECT 1 FROM dual 耗时: 35ms", 35 * MS),
        ("SQL: SELECT 1 FROM dual，耗时：1.5秒", 1_500_000_000),
        ("SQL[cost=2.5s] SELECT 1 FROM dual", 2_500_000_000),
        ("SQL[cost=35] SELECT 1 FROM dual", 35 * MS),
        (" Consume Time：35 ms 2026-11-26 10:15:30\n Execute SQL：SELECT 1 FROM dual", 35 * MS),
    ],
)
def test_generic_forms_give_statement_and_duration(parser, message, ns):
    t = parser.parse(message)
    assert (t.duration_ns, t.statement) == (ns, "SELECT 1 FROM dual")


@pytest.mark.parametrize(
    "message",
    [
        "method=OrderService.pay cost=35ms",
        "OrderService.pay took 35 ms",
        "Received pay request orderNo=ord_1 merchant=M1002 amount=52.10 currency=CNY channel=ALIPAY",
        "Calling channel ALIPAY for orderNo=ord_1, timeout=3000ms",
        "took 35 ms to warm the cache",
        "|ORDER|ord_1|merchant=M1|amount=12.50|channel=ALIPAY|status=SUCCESS|cost=35ms|",
        "SQL[cost=12ms] ",
        "",
    ],
)
def test_messages_that_are_not_sql_timings_give_none(parser, message):
    assert parser.parse(message) is None


def test_configured_pattern_is_tried_first():
    p = SqlTimingParser(SqlOptions(patterns=(r"DB (?P<s>[\d.]+)s <(?P<sql>[^>]+)>",)))
    assert p.parse("DB 0.5s <SELECT 1>") == SqlTiming(500 * MS, "SELECT 1", source="custom")
    assert p.parse(f"SQL[cost=12ms] {WORKLOAD_SQL}").source == "generic"


def test_configured_pattern_without_required_groups_is_rejected():
    with pytest.raises(ValueError, match="named groups"):
        SqlTimingParser(SqlOptions(patterns=(r"(?P<sql>.*)",)))
    with pytest.raises(ValueError, match="not a regex"):
        SqlTimingParser(SqlOptions(patterns=(r"(?P<sql>",)))


def test_mybatis_three_records_join_into_one_statement():
    j = MybatisJoiner()
    assert j.feed("exec-1", "==>  Preparing: SELECT * FROM t WHERE id = ? AND name = ? AND x = ?", 1000) is CONSUMED
    assert j.feed("exec-1", "==> Parameters: 12(Long), 张三(String), null", 1001) is CONSUMED
    t = j.feed("exec-1", "<==      Total: 1", 1035)
    assert t == SqlTiming(35 * MS, "SELECT * FROM t WHERE id = 12 AND name = '张三' AND x = NULL",
                          "12(Long), 张三(String), null", 1, "mybatis")
    assert len(j) == 0


def test_mybatis_records_of_different_threads_do_not_mix():
    j = MybatisJoiner()
    j.feed("a", "==>  Preparing: SELECT a FROM t WHERE id = ?", 1)
    j.feed("b", "==>  Preparing: UPDATE t SET v = ?", 2)
    j.feed("b", "==> Parameters: x'y(String)", 2)
    j.feed("a", "==> Parameters: 7(Integer)", 3)
    assert j.feed("b", "<==    Updates: 3", 9) == SqlTiming(7 * MS, "UPDATE t SET v = 'x''y'", "x'y(String)", 3, "mybatis")
    assert j.feed("a", "<==      Total: 0", 4).statement == "SELECT a FROM t WHERE id = 7"


def test_mybatis_close_without_preparing_is_flagged_unjoined():
    t = MybatisJoiner().feed("t", "<==      Total: 2", 5)
    assert t == SqlTiming(None, None, None, 2, "mybatis")


def test_mybatis_duration_is_unknown_without_both_timestamps():
    j = MybatisJoiner()
    j.feed(None, "==>  Preparing: SELECT 1", None)
    assert j.feed(None, "<==      Total: 1", 50).duration_ns is None


def test_mybatis_joiner_forgets_the_least_recent_thread_beyond_its_bound():
    j = MybatisJoiner(max_threads=2)
    for thread in ("t1", "t2", "t3"):
        j.feed(thread, f"==>  Preparing: SELECT '{thread}'", 1)
    assert len(j) == 2
    assert j.feed("t1", "<==      Total: 1", 2).statement is None
    assert j.feed("t3", "<==      Total: 1", 2).statement == "SELECT 't3'"


def test_mybatis_trace_rows_are_consumed_and_other_text_is_not_mybatis():
    j = MybatisJoiner()
    assert j.feed("t", "<==    Columns: id, name", 1) is CONSUMED
    assert j.feed("t", "<==        Row: 1, x", 1) is CONSUMED
    assert j.feed("t", "Received pay request", 1) is None
    assert is_mybatis("==>  Preparing: SELECT 1") and not is_mybatis("SQL[cost=1ms] SELECT 1")


def test_parameter_with_comma_and_parens_stays_one_value():
    assert substitute_params("INSERT INTO t VALUES (?, ?)", "a, b(c)(String), 5(Integer)") == "INSERT INTO t VALUES ('a, b(c)', 5)"


def test_missing_parameters_leave_placeholders():
    assert substitute_params("SELECT ? , ?", "1(Integer)") == "SELECT 1 , ?"


text_inputs = st.one_of(
    st.text(),
    st.builds(lambda b, e: b.decode("utf-8", e), st.binary(), st.sampled_from(["replace", "surrogateescape"])),
    st.builds(lambda prefix, rest: prefix + rest,
              st.sampled_from(["SQL[cost=", "slow sql 1 millis. ", "1700000000000|", "#1700000000000 | took ", "==> Parameters: ",
                               "<==      Total: ", "==>  Preparing: ", "SQL: ", "took 3 ms: select",
                               "x - 12|statement|connection 3|", "2026-01-02 10:00:00|7ms|batch|connection0|",
                               "[1.5ms] [rows:", "executed. 1.5 millis. ", "time = 3ms, sql = select",
                               "[debug,137] - ==>  Preparing: ", "t|DEBUG|x|<==    Updates: "]), st.text()),
)


@settings(max_examples=200, deadline=None)
@given(text_inputs)
def test_sql_timing_parser_is_total(message):
    result = SqlTimingParser(SqlOptions(patterns=(r"X(?P<ms>\d+) (?P<sql>.+)",))).parse(message)
    assert result is None or isinstance(result, SqlTiming)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", None]), text_inputs, st.one_of(st.none(), st.integers(0, 10**13))), max_size=8))
def test_mybatis_joiner_is_total(records):
    j = MybatisJoiner(max_threads=2)
    for thread, message, ts in records:
        result = j.feed(thread, message, ts)
        assert result is None or result is CONSUMED or result is COPY or isinstance(result, SqlTiming)
    assert len(j) <= 2
