"""Zero-configuration record starts: each line's layout recognised on its own."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from parsers.prefix.auto import AutoParser

CASES = [
    # (line, timestamp, level, thread, logger, message)
    ("2026-11-26 10:15:30.123 [main] INFO  c.f.p.OrderService - paid",
     "2026-11-26T10:15:30.123+08:00", "INFO", "main", "c.f.p.OrderService", "paid"),
    ("10:15:30.123 [main] ERROR c.f.Foo - boom", "2019-01-02T10:15:30.123+08:00", "ERROR", "main", "c.f.Foo", "boom"),
    ("02-Jan-2019 03:04:05.678 SEVERE [main] org.apache.catalina.startup.Catalina.start Server startup failed",
     "2019-01-02T03:04:05.678+08:00", "SEVERE", "main", "org.apache.catalina.startup.Catalina.start",
     "Server startup failed"),
    ("Jan 2, 2019 3:04:05 PM org.apache.catalina.core.StandardContext start",
     "2019-01-02T15:04:05+08:00", None, None, "org.apache.catalina.core.StandardContext", "start"),
    ("八月 20, 2013 7:33:01 下午 org.apache.coyote.AbstractProtocol init", "2013-08-20T19:33:01+08:00", None, None,
     "org.apache.coyote.AbstractProtocol", "init"),
    ("十二月 2, 2013 9:03:01 上午 org.apache.catalina.startup.Catalina start", "2013-12-02T09:03:01+08:00", None, None,
     "org.apache.catalina.startup.Catalina", "start"),
    ("[INFO][2018-07-27 14:20:33,382][org.apache.spark.scheduler.TaskSetManager]Starting task 25.0",
     "2018-07-27T14:20:33.382+08:00", "INFO", None, "org.apache.spark.scheduler.TaskSetManager", "Starting task 25.0"),
    (" [WARN ][2016/07/02 17:28:59934][org.springframework.context.support.AbstractApplicationContext.refresh("
     "AbstractApplicationContext.java:487)]", "2016-07-02T17:28:59.934+08:00", "WARN", None,
     "org.springframework.context.support.AbstractApplicationContext.refresh", ""),
    ("16-02-2024 18:02:53.856 [main] INFO  org.hibernate.Version - HHH000412: Hibernate ORM",
     "2024-02-16T18:02:53.856+08:00", "INFO", "main", "org.hibernate.Version", "HHH000412: Hibernate ORM"),
    ("2017/05/10-20:58:04……程序启动", "2017-05-10T20:58:04+08:00", None, None, None, "……程序启动"),
    ("2019-01-02 03:04:05.678  INFO [pay-gateway,5f3a2b1c,7d9e0f1a,true] 1234 --- [main] c.f.p.OrderService : paid",
     "2019-01-02T03:04:05.678+08:00", "INFO", "main", "c.f.p.OrderService", "paid"),
    # Spring Boot 3.2+: the application name before the thread, the tracing correlation after it
    ("2024-03-01T10:00:02.123+08:00  INFO 12345 --- [pay] [           main] c.f.p.OrderService   : paid",
     "2024-03-01T10:00:02.123+08:00", "INFO", "main", "c.f.p.OrderService", "paid"),
    ("2024-03-01T10:00:02.123+08:00  INFO 12345 --- [pay] [           main] "
     "[                                                 ] c.f.p.OrderService   : paid",
     "2024-03-01T10:00:02.123+08:00", "INFO", "main", "c.f.p.OrderService", "paid"),
    ("2024-03-01T10:00:02.123+08:00 ERROR 12345 --- [nio-8080-exec-2] "
     "[65e1a2b3c4d5e6f7a8b9c0d1e2f3a4b5-1a2b3c4d5e6f7a8b] c.f.p.OrderService : failed",
     "2024-03-01T10:00:02.123+08:00", "ERROR", "nio-8080-exec-2", "c.f.p.OrderService", "failed"),
    ("[2019-01-02 03:04:05,678] [1234] [5678] [Foo.java: 42] [ERROR ] order failed",
     "2019-01-02T03:04:05.678+08:00", "ERROR", "5678", "Foo.java", "order failed"),
    ("2019-01-02 03:04:05:INFO main (Foo.java:42)started", "2019-01-02T03:04:05+08:00", "INFO", "main", None,
     "started"),
    ("03:04:05,678 WARN  [OrderService:12] slow", "2019-01-02T03:04:05.678+08:00", "WARN", None, "OrderService",
     "slow"),
    ("ERROR 2019-01-02 03:04:05,678 log 1234 5678 Internal Server Error: /pay",
     "2019-01-02T03:04:05.678+08:00", "ERROR", "5678", "log", "Internal Server Error: /pay"),
    ("[2019-01-02 03:04:05,678: ERROR/MainProcess] Task pay.settle raised", "2019-01-02T03:04:05.678+08:00",
     "ERROR", "MainProcess", None, "Task pay.settle raised"),
    ("[02/Jan/2019 03:04:05] \"GET /pay HTTP/1.1\" 500 12", "2019-01-02T03:04:05+08:00", None, None, None,
     "\"GET /pay HTTP/1.1\" 500 12"),
    ("19/01/02 03:04:05 INFO spark.SparkContext: Running", "2019-01-02T03:04:05+08:00", "INFO", None,
     "spark.SparkContext", "Running"),
    ("Nov 26 10:15:30 pay-01 app[12]: started", "2019-11-26T10:15:30+08:00", None, None, None, "pay-01 app[12]: started"),
    ("2019-01-02 03:04:05,123|DEBUG|main|c.f.OrderMapper[42]|==>  Preparing: select 1",
     "2019-01-02T03:04:05.123+08:00", "DEBUG", "main", "c.f.OrderMapper", "==>  Preparing: select 1"),
    ("2019-01-02T03:04:05.123Z WARNING worker: retry", "2019-01-02T03:04:05.123+00:00", "WARN", None, "worker",
     "retry"),
    ("03:04:05.678 [http-nio-8080-exec-1] INFO  c.r.f.w.s.UserServiceImpl - [loadUser,54] - 登录用户：admin",
     "2019-01-02T03:04:05.678+08:00", "INFO", "http-nio-8080-exec-1", "c.r.f.w.s.UserServiceImpl", "登录用户：admin"),
    ("[DEBUG] 2020-03-27 10:51:44.763 [main] SQL - select id from users where id=?",
     "2020-03-27T10:51:44.763+08:00", "DEBUG", "main", "SQL", "select id from users where id=?"),
    ("2019-01-02 03:04:05 INFO  OrderService - paid - twice", "2019-01-02T03:04:05+08:00", "INFO", None,
     "OrderService", "paid - twice"),
    ("2019-01-02 03:04:05 Settlement - done", "2019-01-02T03:04:05+08:00", None, None, None, "Settlement - done"),
    ("2019-01-02 03:04:05 INFO - Connection - lost", "2019-01-02T03:04:05+08:00", "INFO", None, None,
     "Connection - lost"),
    # log4j `[%c:%L]` with no location information: `?` for the line, the bracket is the logger, not the thread
    ("[2020-12-22 00:03:19] [DEBUG] [c.f.dao.UserMapper.findByName:?] -- ==>  Preparing: SELECT 1",
     "2020-12-22T00:03:19+08:00", "DEBUG", None, "c.f.dao.UserMapper.findByName", "==>  Preparing: SELECT 1"),
]


@pytest.mark.parametrize("line,ts,level,thread,logger,message", CASES)
def test_a_timestamped_line_in_a_common_layout_starts_a_record_with_its_fields(line, ts, level, thread, logger,
                                                                               message):
    p = AutoParser("Asia/Shanghai", "2019-01-02").parse(line)
    assert p is not None and p.format == "auto"
    assert (p.timestamp, p.level, p.thread, p.logger, p.message) == (ts, level, thread, logger, message)


@pytest.mark.parametrize("line", [
    "java.lang.NullPointerException: x", "Caused by: java.io.IOException: y", "Traceback (most recent call last):",
    "SEVERE: Error listenerStart", "plain words", "ValueError: bad", "123 apples", "2019 was a year",
])
def test_a_non_indented_line_without_a_timestamp_is_a_raw_candidate(line):
    p = AutoParser().parse(line)
    assert p is not None and p.format == "raw" and p.timestamp is None


@pytest.mark.parametrize("line", ["\tat a.B.c(B.java:1)", "    at a.B.c(B.java:1)", "  File \"x.py\", line 1", ""])
def test_an_indented_or_empty_line_continues_the_record(line):
    assert AutoParser().parse(line) is None


def test_one_parser_reads_lines_of_different_layouts_in_one_file():
    parser = AutoParser("UTC", "2026-11-26")
    a = parser.parse("2026-11-26 10:15:30.123 [main] INFO  c.f.A - one")
    b = parser.parse("26-Nov-2026 10:15:31.000 INFO [main] org.apache.Foo.bar two")
    c = parser.parse("2026-11-26 10:15:32.123 [main] INFO  c.f.A - three")
    assert [x.message for x in (a, b, c)] == ["one", "two", "three"]


def test_a_time_without_a_date_has_no_timestamp_when_no_date_hint_is_given():
    p = AutoParser("UTC", None).parse("10:15:30.123 [main] INFO  c.f.A - x")
    assert p is not None and p.format == "auto" and p.timestamp is None and p.raw_time == "10:15:30.123"


def test_an_epoch_millisecond_pipe_line_is_a_record_start_with_its_time():
    p = AutoParser().parse("1546398245678|12|statement|connection 7|url jdbc:h2:mem|select 1|select 1")
    assert p is not None and p.timestamp == "2019-01-02T03:04:05.678+00:00"
    assert p.message.startswith("1546398245678|12|statement")


def test_impossible_dates_and_times_give_no_timestamp_but_still_start_a_record():
    p = AutoParser().parse("2026-13-45 10:15:30.123 [main] INFO  c.f.A - x")
    assert p is not None and p.format == "auto" and p.timestamp is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_the_auto_parser_is_total(text):
    for line in (text, "2026-11-26 10:15:30.123 " + text, "[" + text, "10:15:30 " + text):
        p = AutoParser("Asia/Shanghai", "2026-11-26").parse(line)
        assert p is None or isinstance(p.message, str)


@pytest.mark.parametrize("line,level,message", [
    ("INFO  [main] c.f.Foo - started", "INFO", "started"),
    ("[ERROR] Tests run: 1, Failures: 1", "ERROR", "Tests run: 1, Failures: 1"),
    ("ERROR:pay.order:boom", "ERROR", "boom"),
])
def test_a_level_first_line_without_a_time_is_a_record_start_with_its_fields(line, level, message):
    p = AutoParser().parse(line)
    assert p is not None and (p.level, p.message) == (level, message)


@pytest.mark.parametrize("line", ["SEVERE: Error listenerStart", "INFO: Server startup", "ERRORS found", "Information"])
def test_java_util_loggings_second_line_and_words_that_begin_with_a_level_are_not_starts(line):
    assert AutoParser().parse(line).format == "raw"


def test_a_byte_order_mark_does_not_hide_the_timestamp():
    # (console colours are removed before a line is read: tests/unit/test_prefix_ansi_fields.py)
    assert AutoParser().parse("\ufeff2019-01-02 03:04:05 INFO x").timestamp == "2019-01-02T03:04:05+00:00"


_SIMPLE_NAME = st.from_regex(r"[A-Z][a-z]{1,8}(?:[A-Z][a-z]{1,8}){0,3}", fullmatch=True)
_MESSAGE = st.from_regex(r"[a-z][a-z0-9 ,.=-]{0,40}", fullmatch=True)


@given(_SIMPLE_NAME, _MESSAGE, st.sampled_from(["INFO ", "[main] ", "WARN [pool-1-thread-3] "]))
def test_a_simple_logger_name_after_the_level_or_thread_is_the_logger(name, message, fields):
    """`%c{1} - %m` layouts print the logger's class name alone; after a level or a thread
    and before ` - ` it is the logger, not the message's first word."""
    p = AutoParser("Asia/Shanghai", "2019-01-02").parse(f"2019-01-02 03:04:05,678 {fields}{name} - {message}")
    assert p is not None and (p.logger, p.message) == (name, message)


@given(st.from_regex(r"(?:Order|Settle|Refund|Ledger)(?:[A-Z][a-z]{1,8}){0,2}", fullmatch=True), _MESSAGE)
def test_a_capitalised_word_right_after_the_time_stays_message(word, message):
    p = AutoParser("Asia/Shanghai", "2019-01-02").parse(f"2019-01-02 03:04:05,678 {word} - {message}")
    assert p is not None and p.logger is None and p.message == f"{word} - {message}"
