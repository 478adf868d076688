"""SQL timing layouts as real logs write them, wherever they sit in the message: Druid
(slow sql, statement log), p6spy (3.x, 1.x, MultiLineFormat, a project's own format),
MyBatis-Plus, GORM, log4jdbc, Hibernate's slow query log, and the near misses."""

import pytest

from parsers.options import SqlOptions
from parsers.sql import SqlTimingParser

MS = 1_000_000


@pytest.fixture(scope="module")
def parser():
    return SqlTimingParser(SqlOptions())


@pytest.mark.parametrize(
    "message, ns, statement, params",
    [
        ("[internalAfterStatementExecute,487] - slow sql 3012 millis. SELECT * FROM t_order WHERE id = ?[12]",
         3012 * MS, "SELECT * FROM t_order WHERE id = ?", "[12]"),
        ("c.a.druid.filter.stat.StatFilter - slow sql 4698 millis. SELECT id, name FROM t_user[]",
         4698 * MS, "SELECT id, name FROM t_user", "[]"),
        ("慢SQL告警 slow sql 1030 millis. select BAR from FOO for update[]", 1030 * MS, "select BAR from FOO for update", "[]"),
        ("slow sql 14 millis. select\n  id, phone\nfrom t_user\n WHERE ( phone = ? )[\"13800000000\"]",
         14 * MS, "select\n  id, phone\nfrom t_user\n WHERE ( phone = ? )", '["13800000000"]'),
    ],
)
def test_druid_slow_sql_is_found_after_any_text_and_over_several_lines(parser, message, ns, statement, params):
    t = parser.parse(message)
    assert (t.duration_ns, t.statement, t.params, t.source) == (ns, statement, params, "druid")


def test_druid_statement_log_gives_fractional_millis(parser):
    t = parser.parse("{conn-10001, pstmt-20000} executed. 5.113815 millis. INSERT INTO city (id, name) VALUES (?, ?)")
    assert (t.duration_ns, t.statement, t.source) == (5_113_815, "INSERT INTO city (id, name) VALUES (?, ?)", "druid")


@pytest.mark.parametrize(
    "message, ns, statement, rows",
    [
        # the statement after a comment: Hibernate's use_sql_comments, the driver's ping
        ("{conn-10005, pstmt-20000, rs-50000} query executed. 112.710658 millis. /* select u from User as u */ select "
         "user0_.id as id1_4_ from user user0_", 112_710_658,
         "/* select u from User as u */ select user0_.id as id1_4_ from user user0_", None),
        ("{conn-10010, stmt-20000, rs-50000} query executed. 100.692327 millis. /* ping */ SELECT 1", 100_692_327,
         "/* ping */ SELECT 1", None),
        # an update with the rows it changed
        ("{conn-10001, pstmt-20003} update executed. effort 2. 3.2 millis. update t_order set status=? where id=?",
         3_200_000, "update t_order set status=? where id=?", 2),
        ("{conn-10001, pstmt-20004} batch executed. 8.5 millis. insert into t_log values (?)", 8_500_000,
         "insert into t_log values (?)", None),
        # statementExecutableSqlLogEnable: the statement with its values in place, no time
        ("{conn-10001, pstmt-20052} executed. select *\nfrom jb_global_config\nwhere config_key = 'X'\nlimit 0, 1",
         None, "select *\nfrom jb_global_config\nwhere config_key = 'X'\nlimit 0, 1", None),
    ],
)
def test_druid_statement_log_forms(parser, message, ns, statement, rows):
    t = parser.parse(message)
    assert (t.duration_ns, t.statement, t.rows, t.source) == (ns, statement, rows, "druid")


@pytest.mark.parametrize("message", ["{conn-10001, pstmt-20052} created. select 1", "the nightly job executed. select all",
                                     "{conn-10001, pstmt-20052} executed. 3 rows"])
def test_druid_statement_log_lines_that_are_no_statement(parser, message):
    assert parser.parse(message) is None


@pytest.mark.parametrize(
    "message, ms, statement",
    [
        # default logMessageFormat with a formatted time and an `ms` suffix
        ("2026-06-29 15:22:24|1ms|statement|connection0|select 1 from t_cfg where name = 'x'",
         1, "select 1 from t_cfg where name = 'x'"),
        # a `|` inside a literal does not split the statement
        ("2026-06-29 15:22:24|0ms|statement|connection0|select * from t where k = lower('|meta|admin.xml')",
         0, "select * from t where k = lower('|meta|admin.xml')"),
        # custom format with url, prepared and effective statement
        ("2019-12-03 10:28:55|13|statement|connection 0|url jdbc:p6spy:mysql://db:3306/pay?useSSL=false|"
         "UPDATE t_user SET name=? WHERE (id = ?)|UPDATE t_user SET name='张三' WHERE (id = 7)",
         13, "UPDATE t_user SET name='张三' WHERE (id = 7)"),
        # inside a logback line, after other fields
        ("[monitor.sql] [TID: N/A] - autocommit(true)|readonly(false)|REPEATABLE_READ|36ms|statement|connection50128|"
         "UPDATE t_account SET balance = 38.0 WHERE id = 3", 36, "UPDATE t_account SET balance = 38.0 WHERE id = 3"),
        # effective statement empty: the prepared one
        ("1448443164955|45|statement|connection 1|select user, host from mysql.user|", 45, "select user, host from mysql.user"),
        # `took` separator of a custom format
        ("took 12ms | statement | connection 4 | SELECT 1", 12, "SELECT 1"),
        ("p6spy - 1700000000000|7|batch|connection 9|url jdbc:mysql://db/pay|INSERT INTO t VALUES (?)|INSERT INTO t VALUES (1)",
         7, "INSERT INTO t VALUES (1)"),
    ],
)
def test_p6spy_layouts_give_elapsed_and_effective_statement(parser, message, ms, statement):
    t = parser.parse(message)
    assert (t.duration_ns, t.statement, t.source) == (ms * MS, statement, "p6spy")


def test_mybatis_plus_performance_line_after_a_prefix(parser):
    t = parser.parse("p6spy -  Consume Time：23 ms 2019-01-02 10:15:30\n Execute SQL：SELECT id FROM t_user WHERE id = 1")
    assert (t.duration_ns, t.statement, t.source) == (23 * MS, "SELECT id FROM t_user WHERE id = 1", "mybatis-plus")
    t = parser.parse(" Time：142 ms - ID：com.x.mapper.DeptMapper.insert\n Execute SQL：INSERT INTO tbl_dept (name) VALUES ('开发部')")
    assert (t.duration_ns, t.statement) == (142 * MS, "INSERT INTO tbl_dept (name) VALUES ('开发部')")


@pytest.mark.parametrize(
    "message, ns, statement, rows",
    [
        ("[slow sql][gorm:row] err = <nil>, time = 4.757043ms, db = mysql, table = , sql = SELECT id FROM t WHERE id = 3",
         4_757_043, "SELECT id FROM t WHERE id = 3", None),
        ("批量同步完成 耗时 35ms, sql: update t_account set frozen = 0", 35 * MS, "update t_account set frozen = 0", None),
        ("/app/repo/user.go:42 [0.527ms] [rows:1] SELECT * FROM `users` WHERE id = 7", 527_000,
         "SELECT * FROM `users` WHERE id = 7", 1),
    ],
)
def test_timing_and_statement_apart_in_one_line(parser, message, ns, statement, rows):
    t = parser.parse(message)
    assert (t.duration_ns, t.statement, t.rows) == (ns, statement, rows)


@pytest.mark.parametrize(
    "message",
    [
        "1700000000000|0|rollback|connection 7||",
        "2026-06-29 15:22:24|3ms|resultset|connection0|select 1|",
        "HikariPool-1 - Added connection com.mysql.cj.jdbc.ConnectionImpl@57ea113a",
        "closing connection | pool=main | active=3",
        "slow sql threshold set to 1000 millis",
        "druid slow-sql-millis: 2000",
        "query executed in background",
    ],
)
def test_near_misses_are_not_sql_timings(parser, message):
    assert parser.parse(message) is None


def test_p6spy_multi_line_format_with_statements_over_several_lines(parser):
    message = ("#1773449333079 | took 5ms | statement | connection 5| url jdbc:h2:tcp://localhost/~/pay\n"
               "select\n        id,\n        amount\n        from t_order\n        where id = ?\n"
               "select\n        id,\n        amount\n        from t_order\n        where id = 1;")
    t = parser.parse(message)
    assert (t.duration_ns, t.statement) == (5 * MS, "select\n        id,\n        amount\n        from t_order\n        where id = 1")


def test_p6spy_one_line_statement_keeps_its_trailing_space_as_pt_fingerprint_does(parser):
    t = parser.parse("1674913487550|0|statement|connection 0|url jdbc:p6spy:h2:mem:pay|drop table if exists t cascade |"
                     "drop table if exists t cascade ")
    assert t.statement == "drop table if exists t cascade "


def test_p6spy_1x_layout_without_the_connection_word(parser):
    t = parser.parse("1400000271444|16|0|statement|{call PKG.SEARCH(?,?)}|{call PKG.SEARCH('EVS',null)}")
    assert (t.duration_ns, t.statement) == (16 * MS, "{call PKG.SEARCH('EVS',null)}")
    assert parser.parse("1400000271444|16|0|resultset|x|y") is None


def test_timing_on_the_first_line_and_the_statement_below(parser):
    t = parser.parse("2023-01-28 22:45:17 | OperationTime2ms|\n:\n    update t_account\n    set frozen = 0 \n\n")
    assert (t.duration_ns, t.statement) == (2 * MS, "    update t_account\n    set frozen = 0 ")
    assert parser.parse("Request took 5 ms\nDetails follow") is None
    assert parser.parse("cache refreshed, took 5 ms\n:\n  3 entries") is None


def test_record_whose_prefix_fields_took_the_timing_reads_it_from_the_first_line(parser):
    t = parser.parse_record("2023-01-28 22:45:17 | OperationTime0ms|", ":\n    drop table if exists t cascade ")
    assert (t.duration_ns, t.statement) == (0, "    drop table if exists t cascade ")


@pytest.mark.parametrize(
    "message, ns, statement",
    [
        (" com.zaxxer.hikari.pool.PoolBase.isConnectionAlive(PoolBase.java:165)\n41. select 1\n {executed in 2 msec}",
         2 * MS, "select 1"),
        ("SELECT order_no FROM t_order WHERE id = 7\n {executed in 6 msec}", 6 * MS, "SELECT order_no FROM t_order WHERE id = 7"),
        ("Slf4jSpyLogDelegator: 373] update t_account set frozen = 0 {executed in 12 msec}", 12 * MS,
         "update t_account set frozen = 0"),
    ],
)
def test_log4jdbc_sqltiming_records(parser, message, ns, statement):
    t = parser.parse(message)
    assert (t.duration_ns, t.statement, t.source) == (ns, statement, "log4jdbc")


def test_log4jdbc_marker_without_a_statement_is_no_sql_timing(parser):
    assert parser.parse("connection pool check {executed in 3 msec}") is None


@pytest.mark.parametrize(
    "message, ms, statement",
    [
        ("SlowQuery: 2896 milliseconds. SQL: 'HikariProxyPreparedStatement@803096561 wrapping "
         "com.mysql.cj.jdbc.ClientPreparedStatement: select o.id from t_order o where o.id=7'", 2896,
         "select o.id from t_order o where o.id=7"),
        ("SlowQuery: 4 milliseconds. SQL: 'prep1: insert into t_user (name, pwd) values (?, ?) {1: 'ask', 2: 'x'}'", 4,
         "insert into t_user (name, pwd) values (?, ?)"),
        ("SlowQuery: 6 milliseconds. SQL:\n\t\t 'select a1_0.id from author a1_0'", 6, "select a1_0.id from author a1_0"),
    ],
)
def test_hibernate_slow_query_log(parser, message, ms, statement):
    t = parser.parse(message)
    assert (t.duration_ns, t.statement, t.source) == (ms * MS, statement, "hibernate")
