"""Statements logged without a timing by the loggers whose job it is (Hibernate's
org.hibernate.SQL and show_sql, Spring's JdbcTemplate) become SQL events with a
fingerprint and no duration, and so does a message that is a statement in capitals under a
layout that names no logger; other lines of those loggers, and statement-like text
elsewhere, stay ordinary records."""

from __future__ import annotations

from hypothesis import assume, given, strategies as st

from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions
from parsers.sql import fingerprint
from parsers.sql.statement import untimed_statement


def events(text: str):
    asm = Assembler(ParseOptions(), Source("h", "svc", "/var/log/app.log", "f1"), 0)
    return asm.feed(text.encode(), 0, 0) + asm.finish(0)


def test_hibernate_format_sql_over_several_lines_is_one_statement() -> None:
    evs = events("2021-03-30 12:43:25,499 [main] DEBUG org.hibernate.SQL - \n"
                 "    select\n        this_.id as id0_0_\n    from\n        plugin this_ \n    where\n        id=?\n"
                 "2021-03-30 12:43:25,887 [main] INFO  com.pay.Svc - done\n")
    sql = [e for e in evs if e.kind == "sql"]
    assert len(sql) == 1 and sql[0].duration_ns is None
    assert sql[0].sql_fingerprint == fingerprint("select this_.id as id0_0_ from plugin this_ where id=?")
    assert [e.kind for e in evs if e is not sql[0]] == ["line"]


def test_an_abbreviated_hibernate_logger() -> None:
    evs = events("2024-02-16 18:02:54.171 DEBUG 1 --- [main] o.h.SQL : insert into orders (id, amount) values (?, ?)\n")
    assert [(e.kind, e.sql_fingerprint) for e in evs] == [("sql", "insert into orders (id, amount) values(?+)")]


def test_the_hibernate_logger_by_its_simple_name() -> None:
    evs = events("[DEBUG] 2020-03-27 10:51:44.878 [main] SQL - select s.id from states s where s.id=?\n"
                 "[DEBUG] 2020-03-27 10:51:44.879 [main] SQL - HHH000117: not a statement\n"
                 "[DEBUG] 2020-03-27 10:51:44.880 [main] NoSQL - select the cheapest route\n")
    assert [(e.kind, e.sql_fingerprint) for e in evs] == [
        ("sql", "select s.id from states s where s.id=?"), ("line", None), ("line", None)]


def test_show_sql_on_stdout() -> None:
    evs = events("Hibernate: select o.id from orders o where o.id=?\nHibernate: delete from orders where id=?\n")
    assert [(e.kind, e.sql_fingerprint) for e in evs] == [
        ("sql", "select o.id from orders o where o.id=?"), ("sql", "delete from orders where id=?")]


def test_spring_jdbc_template_statement() -> None:
    evs = events("2024-02-16 18:02:54.171 [main] DEBUG o.s.jdbc.core.JdbcTemplate - "
                 "Executing prepared SQL statement [select id from pay_order where order_no = ?]\n")
    assert evs[0].kind == "sql" and evs[0].sql_statement == "select id from pay_order where order_no = ?"


def test_log4jdbc_sqlonly_statement_in_lower_case() -> None:
    evs = events("2020-05-13 17:22:00.061  INFO 90464 --- [           main] jdbc.sqlonly                             : "
                 "select id, title from tbl_board where id=3\n"
                 "2020-05-13 17:22:00.062  INFO 90464 --- [           main] jdbc.sqlonly                             : "
                 "1. update tbl_board set title='a' where id=3\n"
                 "2020-05-13 17:22:00.063  INFO 90464 --- [           main] jdbc.sqlonly                             : "
                 "batching 3 statements\n")
    assert [(e.kind, e.sql_statement) for e in evs] == [
        ("sql", "select id, title from tbl_board where id=3"), ("sql", "update tbl_board set title='a' where id=3"),
        ("line", None)]


def test_hibernate_statements_under_a_layout_without_the_logger() -> None:
    """`%d - %msg`: Hibernate's aliases tell its statements (5: `user0_.id`, 6: `c1_0.id`)."""
    evs = events("2026-03-21 10:53:18 - select c1_0.id,c1_0.firstname from customers c1_0 where c1_0.id=?\n"
                 "2026-03-21 10:53:19 - select user0_.id as id1_0_ from users user0_ where user0_.name=?\n"
                 "2026-03-21 10:53:20 - select the cheapest route for v1_0.jar\n"
                 "2026-03-21 10:53:21 - delete the old copies\n")
    assert [(e.kind, e.sql_statement) for e in evs] == [
        ("sql", "select c1_0.id,c1_0.firstname from customers c1_0 where c1_0.id=?"),
        ("sql", "select user0_.id as id1_0_ from users user0_ where user0_.name=?"), ("line", None), ("line", None)]


def test_other_lines_of_those_loggers_stay_lines() -> None:
    evs = events("2024-02-16 18:02:54.058 [main] INFO  org.hibernate.SQL - HHH000026: Second-level cache disabled\n"
                 "2024-02-16 18:02:54.058 [main] INFO  com.pay.Svc - select the cheapest route\n"
                 "2024-02-16 18:02:54.059 [main] DEBUG o.s.jdbc.core.JdbcTemplate - Executing SQL batch update of 3 statements\n")
    assert [e.kind for e in evs] == ["line", "line", "line"]


@given(st.one_of(st.none(), st.text(max_size=40)), st.text(max_size=200))
def test_total(logger, message) -> None:
    got = untimed_statement(logger, message)
    assert got is None or (got.duration_ns is None and got.statement)


def test_a_statement_behind_hibernates_sql_comment() -> None:
    evs = events("2024-02-16 18:02:54.171 DEBUG 1 --- [main] o.h.SQL : /* <criteria> */ select u.id from users u "
                 "where u.name=?\n"
                 "2024-02-16 18:02:54.172 DEBUG 1 --- [main] o.h.SQL : /* insert for\n"
                 "        com.pay.Order */insert into orders (id) values (?)\n"
                 "2024-02-16 18:02:54.173 DEBUG 1 --- [main] o.h.SQL : /* not followed by a statement */ done\n")
    assert [(e.kind, e.sql_fingerprint) for e in evs] == [
        ("sql", "select u.id from users u where u.name=?"), ("sql", "insert into orders (id) values(?+)"),
        ("line", None)]


def test_sqlalchemy_echo_statements_are_sql_and_their_parameter_lines_no_timings() -> None:
    evs = events("2024-05-02 10:00:00,101 INFO sqlalchemy.engine.Engine BEGIN (implicit)\n"
                 "2024-05-02 10:00:00,102 INFO sqlalchemy.engine.Engine SELECT users.id AS users_id \n"
                 "FROM users \nWHERE users.id = ?\n"
                 "2024-05-02 10:00:00,103 INFO sqlalchemy.engine.Engine [generated in 0.00031s] (7,)\n"
                 "2020-01-07 09:00:00,110 INFO sqlalchemy.engine.base.Engine UPDATE orders SET status=? WHERE id = ?\n"
                 "2024-05-02 10:00:00,111 INFO sqlalchemy.engine.Engine.payments [cached since 12.3s ago] ('PAID', 42)\n"
                 "2024-05-02 10:00:00,112 INFO sqlalchemy.engine.Engine COMMIT\n"
                 "2024-05-02 10:00:00,113 INFO app.jobs [settle] batch took 35 ms\n")
    assert [(e.kind, e.sql_fingerprint, e.duration_ns) for e in evs] == [
        ("line", None, None), ("sql", "select users.id as users_id from users where users.id = ?", None),
        ("line", None, None), ("sql", "update orders set status=? where id = ?", None), ("line", None, None),
        ("line", None, None), ("method", None, 35_000_000)]


_DDL = st.sampled_from(["create table orders (id bigint not null, primary key (id))",
                        "drop table orders if exists", "alter table orders add constraint FK_x foreign key (u) references users",
                        "CREATE TABLE t (\n\tid INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n)", "truncate table audit_log"])
_HEAD = st.sampled_from(["2016-06-13 20:25:13.141 [main] DEBUG org.hibernate.SQL  - ",
                         "2024-02-16 18:02:54.171 DEBUG 1 --- [main] o.h.SQL : ", "Hibernate: ",
                         "2026-05-30 20:49:54,985 INFO sqlalchemy.engine.Engine "])


@given(_HEAD, _DDL)
def test_schema_statements_of_those_loggers_are_statements(head, ddl) -> None:
    """Schema export (hbm2ddl through org.hibernate.SQL or show_sql, SQLAlchemy's create_all)
    logs the DDL it runs: each statement is one SQL event, like a query."""
    assume(not (head == "Hibernate: " and "\n" in ddl))  # show_sql has no timestamp to hold later lines
    evs = events(f"{head}{ddl}\n2016-06-13 20:25:13.200 [main] INFO  com.pay.Svc - done\n")
    assert [e.kind for e in evs] == ["sql", "line"]
    assert evs[0].sql_statement == ddl.strip() and evs[0].duration_ns is None


def test_schema_words_elsewhere_stay_lines() -> None:
    evs = events("2016-06-13 20:25:13.141 [main] INFO  com.pay.Svc - create the monthly report\n"
                 "2016-06-13 20:25:13.142 [main] INFO  org.hibernate.tool.hbm2ddl.SchemaExport - HHH000227: Running hbm2ddl schema export\n")
    assert [e.kind for e in evs] == ["line", "line"]


_BARE = st.sampled_from([
    ("SELECT bills.id AS bills_id, bills.title AS bills_title \nFROM bills \nWHERE bills.id = ?",
     "select bills.id as bills_id, bills.title as bills_title from bills where bills.id = ?"),
    ("INSERT INTO bills (id, title) VALUES (?, ?)", "insert into bills (id, title) values(?+)"),
    ("UPDATE bills SET title=? WHERE bills.id = ?", "update bills set title=? where bills.id = ?"),
    ("DELETE FROM bills WHERE bills.id = ?", "delete from bills where bills.id = ?"),
    ('PRAGMA main.table_info("bills")', "pragma main.table_info(?)"),
    ("CREATE TABLE bills (\n\tid INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n)", None),
])
_NO_LOGGER = st.sampled_from(["2025-11-26 13:17:18,244 - INFO - ", "[2025-11-26 13:17:18,244] INFO: ",
                              "2025-11-26 13:17:18.244 [main] INFO - "])


@given(_NO_LOGGER, _BARE)
def test_a_statement_in_capitals_is_sql_without_a_logger(head, statement) -> None:
    """SQLAlchemy's echo (or any ORM's statement log) under `%(asctime)s - %(levelname)s -
    %(message)s`: no logger name says what the record is, its capitals do."""
    sql, want = statement
    evs = events(f"{head}{sql}\n{head}[generated in 0.00017s] (7,)\n{head}COMMIT\n")
    assert [e.kind for e in evs] == ["sql", "line", "line"]
    assert evs[0].sql_statement == sql.strip() and evs[0].duration_ns is None
    if want is not None:
        assert evs[0].sql_fingerprint == want


def test_prose_with_statement_words_is_no_statement_without_its_capitals() -> None:
    evs = events("2025-11-26 13:17:18,244 - INFO - Select the cheapest route from the table\n"
                 "2025-11-26 13:17:18,245 - INFO - SELECT failed: timeout\n"
                 "2025-11-26 13:17:18,246 - INFO - update order 42 set to PAID\n"
                 "2025-11-26 13:17:18,247 - INFO - UPDATE_ORDER SET done\n")
    assert [e.kind for e in evs] == ["line", "line", "line", "line"]
