"""MyBatis `==>`/`<==` records after any text a layout puts first, joined per thread,
by the text before the marker when the thread is unknown, else in order."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.sql.mybatis import CONSUMED, MybatisJoiner, elapsed_ms, time_of_day_ms
from parsers.sql.timing import SqlTiming

MS = 1_000_000


@pytest.mark.parametrize(
    "before",
    [
        "[debug,137] - ",
        "[BaseJdbcLogger.java:137] - ",
        "c.f.o.mapper.OrderMapper.insert          : ",
        "|DEBUG|exec-1|c.f.OrderMapper.select:137|",
    ],
)
def test_markers_after_layout_text_join_on_a_known_thread(before):
    j = MybatisJoiner()
    assert j.feed("exec-1", before + "==>  Preparing: SELECT * FROM t_order WHERE order_no = ?", 1000) is CONSUMED
    assert j.feed("exec-1", before + "==> Parameters: ord_1(String)", 1002) is CONSUMED
    t = j.feed("exec-1", before + "<==      Total: 1", 1012)
    assert t == SqlTiming(12 * MS, "SELECT * FROM t_order WHERE order_no = 'ord_1'", "ord_1(String)", 1, "mybatis")


def test_unknown_threads_interleaved_join_by_the_text_before_the_marker():
    j = MybatisJoiner()
    lines = [
        "2020-01-13 15:42:03,815|DEBUG|pool-10-thread-1|c.h.UserMapper.getByUuid:159|==>  Preparing: SELECT * FROM u WHERE uuid = ?",
        "2020-01-13 15:42:03,816|DEBUG|pool-10-thread-2|c.h.UserMapper.getByUuid:159|==>  Preparing: SELECT * FROM u WHERE uuid = ?",
        "2020-01-13 15:42:03,863|DEBUG|pool-10-thread-1|c.h.UserMapper.getByUuid:159|==> Parameters: aaa(String)",
        "2020-01-13 15:42:03,864|DEBUG|pool-10-thread-2|c.h.UserMapper.getByUuid:159|==> Parameters: bbb(String)",
    ]
    for line in lines:
        assert j.feed(None, line, None) is CONSUMED
    second = j.feed(None, "2020-01-13 15:42:03,900|DEBUG|pool-10-thread-2|c.h.UserMapper.getByUuid:159|<==      Total: 0", None)
    first = j.feed(None, "2020-01-13 15:42:03,910|DEBUG|pool-10-thread-1|c.h.UserMapper.getByUuid:159|<==      Total: 1", None)
    assert (second.statement, second.rows, second.duration_ns) == ("SELECT * FROM u WHERE uuid = 'bbb'", 0, 84 * MS)
    assert (first.statement, first.rows, first.duration_ns) == ("SELECT * FROM u WHERE uuid = 'aaa'", 1, 95 * MS)
    assert len(j) == 0


def test_unknown_thread_without_matching_text_joins_in_order():
    j = MybatisJoiner()
    j.feed(None, "1001 [main] ==>  Preparing: UPDATE t SET v = ? WHERE id = ?", None)
    j.feed(None, "1003 DEBUG ==> Parameters: 5(Integer), 7(Long)", None)  # other text before the marker
    t = j.feed(None, "1009 main <==    Updates: 1", None)
    assert (t.statement, t.rows) == ("UPDATE t SET v = 5 WHERE id = 7", 1)


def test_bare_markers_without_thread_or_prefix_still_join():
    j = MybatisJoiner()
    j.feed(None, "==>  Preparing: SELECT 1", None)
    assert j.feed(None, "<==      Total: 1", None).statement == "SELECT 1"


def test_time_of_day_in_the_text_gives_the_duration_across_midnight():
    j = MybatisJoiner()
    j.feed(None, "23:59:59.990 [debug,137] - ==>  Preparing: SELECT 1", None)
    assert j.feed(None, "00:00:00.015 [debug,137] - <==      Total: 1", None).duration_ns == 25 * MS


def test_a_time_of_day_is_read_from_the_usual_layouts():
    assert time_of_day_ms("15:33:21.917 [main] DEBUG x - ") == (((15 * 60 + 33) * 60 + 21) * 1000 + 917, True)
    assert time_of_day_ms("2021-02-12 20:31:11 |DEBUG |") == (((20 * 60 + 31) * 60 + 11) * 1000, False)  # to the second
    assert time_of_day_ms("54:48:375|DEBUG|main|") is None  # minutes:seconds:millis is no time of day
    assert time_of_day_ms("[debug,137] - ") is None


def test_elapsed_between_epochs_and_backwards_times():
    assert elapsed_ms(1_700_000_000_000, 1_700_000_000_035) == 35
    assert elapsed_ms(5_000, 4_000) is None  # a clock step back, not a wrap


def test_arrows_that_are_no_mybatis_record_are_left_to_other_recognisers():
    j = MybatisJoiner()
    assert j.feed("t", "state PENDING ==> PAID", 1) is None
    assert j.feed("t", "<== reply from channel", 1) is None


@given(st.lists(st.sampled_from(["a", "b"]), min_size=1, max_size=6))
def test_a_prepared_statement_run_again_joins_its_mapper_s_last_statement(order):
    j = MybatisJoiner()
    sql = {"a": "SELECT * FROM a WHERE id = ?", "b": "UPDATE b SET x = ? "}
    for mapper in ("a", "b"):  # each mapper prepares once
        assert j.feed("exec-1", f"==>  Preparing: {sql[mapper]}", 1000, f"c.f.{mapper}.Mapper.run") is CONSUMED
        assert j.feed("exec-1", "==> Parameters: 1(Integer)", 1001, f"c.f.{mapper}.Mapper.run") is CONSUMED
        j.feed("exec-1", "<==      Total: 1", 1002, f"c.f.{mapper}.Mapper.run")
    for i, mapper in enumerate(order):  # then runs again, Parameters only, in any order
        assert j.feed("exec-1", f"==> Parameters: {i}(Integer)", 2000 + 10 * i, f"c.f.{mapper}.Mapper.run") is CONSUMED
        got = j.feed("exec-1", "<==      Total: 1", 2003 + 10 * i, f"c.f.{mapper}.Mapper.run")
        assert got.statement == sql[mapper].replace("?", str(i))
        assert got.duration_ns == 3_000_000  # from the Parameters record


def test_a_lone_parameters_record_joins_nothing_without_its_logger_or_on_another_mapper():
    j = MybatisJoiner()
    j.feed("exec-1", "==>  Preparing: SELECT 1 ", 1000, "c.f.A.run")
    j.feed("exec-1", "<==      Total: 1", 1001, "c.f.A.run")
    j.feed("exec-1", "==> Parameters: 7(Integer)", 1002, "c.f.B.run")  # another mapper: not A's statement
    assert j.feed("exec-1", "<==      Total: 1", 1003, "c.f.B.run").statement is None
    j.feed("exec-1", "==> Parameters: 7(Integer)", 1004, None)  # logger unknown: no guess
    assert j.feed("exec-1", "<==      Total: 1", 1005, None).statement is None


def test_without_a_thread_the_logger_keeps_two_mapper_methods_apart():
    j = MybatisJoiner()
    j.feed(None, "==>  Preparing: SELECT * FROM role WHERE user = ?", None, "c.f.RoleMapper.byUser")
    j.feed(None, "==>  Preparing: SELECT * FROM user WHERE name = ?", None, "c.f.UserMapper.byName")
    j.feed(None, "==> Parameters: ann(String)", None, "c.f.RoleMapper.byUser")
    j.feed(None, "==> Parameters: bob(String)", None, "c.f.UserMapper.byName")
    roles = j.feed(None, "<==      Total: 2", None, "c.f.RoleMapper.byUser")
    users = j.feed(None, "<==      Total: 1", None, "c.f.UserMapper.byName")
    assert roles.statement == "SELECT * FROM role WHERE user = 'ann'" and roles.rows == 2
    assert users.statement == "SELECT * FROM user WHERE name = 'bob'" and users.rows == 1
    j.feed(None, "==>  Preparing: DELETE FROM role WHERE id = 1", None, "c.f.RoleMapper.delete")
    assert j.feed(None, "<==    Updates: 0", None, "c.f.OtherMapper.x").statement is None  # never another logger's
    assert len(j) == 1
