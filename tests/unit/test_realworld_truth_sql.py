"""The real-world corpus's SQL truth (`bench/realworld/truth_sql.py`) on hand-written lines:
which lines make one statement of each framework's log, its duration and its text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "realworld"))

import truth_sql  # noqa: E402


def test_druid_statement_runs_over_lines_and_drops_its_parameters():
    lines = ["10:39:06.678 [exec-22] ERROR c.a.d.f.s.StatFilter - [internalAfterStatementExecute,504] - "
             "slow sql 1001 millis. update sys_user", " \t\t SET login_ip = ?", " \t\t\t", " \t\twhere user_id = ?[\"1.2.3.4\",1]",
             "10:39:07.056 [main] INFO  c.r.App - next record"]
    [s] = truth_sql.druid(lines)
    assert s["lines"] == [1, 2, 3, 4] and s["duration_ms"] == 1001.0
    assert s["statement"] == "update sys_user\n \t\t SET login_ip = ?\n \t\t\t\n \t\twhere user_id = ?"


def test_mybatis_joins_its_own_thread_and_times_preparing_to_total():
    lines = ["2025-02-16 21:06:26.804 [exec-6] DEBUG i.g.m.DynamicMapper.selectAll - ==>  Preparing: SELECT * FROM board",
             "2025-02-16 21:06:26.805 [exec-7] DEBUG i.g.m.DynamicMapper.selectAll - ==> Parameters: 2(Integer)",
             "2025-02-16 21:06:26.819 [exec-6] DEBUG i.g.m.DynamicMapper.selectAll - ==> Parameters: ",
             "2025-02-16 21:06:26.835 [exec-6] DEBUG i.g.m.DynamicMapper.selectAll - <==      Total: 4"]
    [s] = truth_sql.mybatis(lines)
    assert s["lines"] == [1, 3, 4] and s["duration_ms"] == 31.0 and s["statement"] == "SELECT * FROM board"


def test_mybatis_line_written_twice_by_two_appenders_is_one_record():
    rec = "2023-03-14 09:27:40,{} DEBUG [exec-9][BaseJdbcLogger.java:137] - {}"
    lines = [rec.format("078", "==>  Preparing: SELECT id FROM course_base"),
             rec.format("092", "==> Parameters: "), rec.format("121", "<==      Total: 58")]
    [s] = truth_sql.mybatis([x for line in lines for x in (line, line)])
    assert s["lines"] == [1, 3, 5] and s["duration_ms"] == 43.0
    # two lines alike without a thread may be two threads: both count
    bare = ["2020-12-22 02:40:10 DEBUG c.x.SubjectDao.getAll - ==>  Preparing: SELECT 1"] * 2
    assert len(truth_sql.mybatis(bare)) == 2


@pytest.mark.parametrize("lines, want", [
    (["1674912754358|2|statement|connection 0|url jdbc:p6spy:h2:mem:x|select ?|select 1",
      "1400000009010|51|0|statement||Select sysdate from dual",
      "1400000009011|-1||info||No value in environment for: getFilter, using: false",
      "1400000009012|0|0|resultset|select 1|"],
     [([1], 2.0, "select 1"), ([2], 51.0, "Select sysdate from dual")]),
    (["INFO  p6spy - 1730805370352|1|statement|connection 1|url jdbc:p6spy:pg://h/x|select version()|select version()",
      "p6spy - 1730805505847|15|statement|connection 11|url jdbc:pg://h/x|select ?|select 2",
      "1730805527204|4|statement|connection 1|url jdbc:p6spy:pg://h/x|select 3|select 3",
      "INFO  p6spy - 1730805527205|0|commit|connection 1|url jdbc:p6spy:pg://h/x||"],
     [([1], 1.0, "select version()"), ([2], 15.0, "select 2"), ([3], 4.0, "select 3")]),
], ids=["both-layouts-statement-categories-only", "through-a-logger-without-a-date"])
def test_p6spy_single_line_statements(lines, want):
    got = [(s["lines"], s["duration_ms"], s["statement"]) for s in truth_sql.p6spy(lines)]
    assert got == want


def test_p6spy_multiline_format_keeps_the_executed_statement_and_skips_commits():
    lines = ["2026-03-14 09:48:53.079 INFO  [exec-1] p6spy : #1773449333079 | took 5ms | statement | connection 5| url jdbc:h2:x",
             "select id", "  from app_user where id = ?", "select id", "  from app_user where id = 1;",
             "2026-03-14 09:48:53.106 INFO  [exec-1] p6spy : #1773449333106 | took 1ms | commit | connection 5| url jdbc:h2:x",
             "2026-03-14 12:41:48.554 DEBUG [main] p6spy : #1773459708553 | took 0ms | debug | connection -1| url jdbc:h2:x"]
    [s] = truth_sql.p6spy(lines)
    assert (s["lines"], s["duration_ms"], s["statement"]) == ([1, 2, 3, 4, 5], 5.0, "select id\n  from app_user where id = 1")
    assert truth_sql.timings(lines, set()) == []



def test_p6spy_multiline_format_in_its_own_file_with_a_dateformat_ends_at_the_next_header():
    lines = ["#12-09-19 17:39:20:126 | took 4ms | statement | connection 0| url jdbc:p6spy:mysql://db/x",
             "SELECT COUNT(1) FROM user", "SELECT COUNT(1) FROM user;",
             "#1575884848251 | took 2ms | statement | connection 0| url jdbc:p6spy:mysql://db/x",
             "SELECT id FROM user LIMIT ?,?", "SELECT id FROM user LIMIT 5,5;"]
    a, b = truth_sql.p6spy(lines)
    assert (a["lines"], a["duration_ms"], a["statement"]) == ([1, 2, 3], 4.0, "SELECT COUNT(1) FROM user")
    assert (b["lines"], b["duration_ms"], b["statement"]) == ([4, 5, 6], 2.0, "SELECT id FROM user LIMIT 5,5")

def test_django_backends_statement_in_seconds_without_its_args():
    lines = ["[2018-12-14 16:19:10,748] [6219] [1397] [        utils.py:  90] [DEBUG ] (0.003) SELECT VERSION(); args=None",
             "DEBUG 2024-01-01 10:00:00,000 utils (1.250) UPDATE t SET a = %s WHERE id = %s; args=(1, 2); alias=default",
             "[2018-12-14 16:19:10,749] [6219] [1397] [     basehttp.py: 124] [INFO  ] \"GET / HTTP/1.1\" 200 (0.003)"]
    got = [(s["lines"], s["duration_ms"], s["statement"]) for s in truth_sql.django(lines)]
    assert got == [([1], 3.0, "SELECT VERSION()"), ([2], 1250.0, "UPDATE t SET a = %s WHERE id = %s")]


def test_hibernate_sql_logger_and_show_sql_statements_but_not_mybatis_error_lines():
    lines = ["[DEBUG] 2020-03-27 10:51:44.763 [main] SQL - select u.id from users u where u.id=?",
             "2024-01-01 10:00:00.000 DEBUG 1 --- [nio-8080-exec-1] org.hibernate.SQL                        : ",
             "2024-01-01 10:00:00.100 DEBUG 1 --- [nio-8080-exec-1] org.hibernate.SQL : insert into t (a) values (?)",
             "Hibernate: ",
             "    select",
             "        t.a ",
             "    from",
             "        t",
             "Hibernate: delete from t",
             "2024-01-01 10:00:00.150 ERROR 1 --- [nio-8080-exec-1] c.x.GlobalExceptionHandler : update failed",
             "### SQL: update t set a=?",
             "2024-01-01 10:00:00.200 INFO  o.h.e.i.Settings - SQL - not a statement"]
    got = [(s["lines"], s["duration_ms"], s["statement"]) for s in truth_sql.hibernate(lines)]
    assert got == [([1], None, "select u.id from users u where u.id=?"),
                   ([3], None, "insert into t (a) values (?)"),
                   ([4, 5, 6, 7, 8], None, "select\n        t.a \n    from\n        t"),
                   ([9], None, "delete from t")]


@pytest.mark.parametrize("head", ["2026-02-11 14:01:37,988 INFO sqlalchemy.engine.Engine ",
                                  "2026-02-11 14:01:37,988 - sqlalchemy.engine.Engine - INFO - ",
                                  "2016-03-01 10:00:00,001 INFO sqlalchemy.engine.base.Engine ",
                                  "2026-05-30 20:49:54,985 | INFO | sqlalchemy.engine.Engine | "])
def test_sqlalchemy_echo_statements_run_to_the_next_record_and_have_no_duration(head):
    lines = [head + "BEGIN (implicit)", head + "SELECT users.id, users.email ", "FROM users ",
             "WHERE users.id = ?", head + "[generated in 0.00016s] ('9fe0',)", head + "COMMIT"]
    [s] = truth_sql.sqlalchemy(lines)
    assert (s["lines"], s["duration_ms"]) == ([2, 3, 4], None)
    assert s["statement"] == "SELECT users.id, users.email \nFROM users \nWHERE users.id = ?"
