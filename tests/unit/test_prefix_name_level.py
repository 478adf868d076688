"""Python's `%(asctime)s %(name)s %(levelname)s %(message)s` (and the cookbook's `-` separated
form): the logger's name right before the level, a dotted name or one word (`root`,
`__main__`); logback's `[%thread] %logger %level - %msg` has the same order after its thread.
Every record of such a file had been read with no level and no logger."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL_WORDS = frozenset("TRACE DEBUG INFO NOTICE WARNING WARN ERROR FATAL CRITICAL SEVERE FINEST FINER FINE CONFIG".split())
_NAME = st.one_of(st.sampled_from(["root", "__main__", "django.request", "django.db.backends", "celery.worker.strategy",
                                   "uvicorn.error", "py.warnings"]),
                  st.from_regex(r"[a-z_][a-z0-9_]{0,10}(?:\.[a-z_][a-z0-9_]{0,10}){0,3}", fullmatch=True)
                  .filter(lambda n: n.split(".")[0].upper() not in _LEVEL_WORDS))  # `info.x` starts with a level
_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
_NORMAL = {"WARNING": "WARN", "CRITICAL": "CRITICAL"}
_MSG = st.from_regex(r"[A-Za-z#/\u4e00-\u9fff][ -~\u4e00-\u9fff]{0,40}", fullmatch=True).map(str.strip).filter(bool)
_TIME = st.sampled_from(["2016-10-30 10:21:23,345", "2016-10-30 10:21:24,89", "2024-03-01T08:00:00.123"])


@given(_TIME, _NAME, _LEVEL, _MSG, st.sampled_from([" ", " - "]))
def test_name_then_level_after_the_time(time, name, level, msg, sep):
    got = AutoParser().parse(f"{time}{sep}{name}{sep}{level}{sep}{msg}")
    assert (got.logger, got.level, got.thread, got.message) == (name, _NORMAL.get(level, level), None, msg)


@given(_NAME, _LEVEL)
def test_a_message_that_starts_with_dashes_keeps_them(name, level):
    got = AutoParser().parse(f"2025-01-01 10:00:00,001 - {name} - {level} - --- REPORT FOR SNDK ---")
    assert (got.logger, got.message) == (name, "--- REPORT FOR SNDK ---")


@given(st.from_regex(r"[A-Za-z][\w-]{0,20}", fullmatch=True), st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z]\w{1,12}",
                                                                            fullmatch=True), _LEVEL, _MSG)
def test_thread_then_logger_then_level(thread, logger, level, msg):
    got = AutoParser().parse(f"2026-01-11 09:00:00.001 [{thread}] {logger} {level} - {msg}")
    assert (got.thread, got.logger, got.level, got.message) == (thread, logger, _NORMAL.get(level, level), msg)


def test_a_bare_thread_before_the_level_and_a_qualified_logger_after_it_is_the_thread():
    got = AutoParser().parse("2024-01-01 12:00:00,123 main INFO c.f.Foo - msg")
    assert (got.thread, got.level, got.logger, got.message) == ("main", "INFO", "c.f.Foo", "msg")


def test_a_name_before_a_second_level_word_is_still_read_as_before():
    got = AutoParser().parse("15:43:08 [main] INFO  o.s.c.a.AnnotationConfigApplicationContext  INFO [,,]   Refreshing")
    assert (got.thread, got.level, got.logger) == ("main", "INFO", "o.s.c.a.AnnotationConfigApplicationContext")
    assert got.message == "INFO [,,]   Refreshing"


def test_level_first_then_a_name_is_unchanged():
    got = AutoParser().parse("2016-10-30 10:21:24,089 INFO django.request hello")
    assert (got.level, got.logger, got.message) == ("INFO", None, "django.request hello")


@given(st.sampled_from(["main", "http-nio-8080-exec-7", "pool-3-thread-2", "Thread-1", "scheduling-1"]), _LEVEL,
       st.sampled_from(["Started PaymentApplication in 12.468 seconds", "创建支付订单 订单号=P202611300001",
                        "==>  Preparing: SELECT id FROM pay_order WHERE order_no = ?", "callback handled in 31 ms"]))
def test_a_thread_named_like_one_before_the_level_is_the_thread(thread, level, msg):
    """logback's `%d %t %p %m`: the JVM's and the pools' thread names are no logger's."""
    got = AutoParser().parse(f"2026-11-30 14:07:03 {thread} {level} {msg}")
    assert (got.thread, got.logger, got.level, got.message) == (thread, None, _NORMAL.get(level, level), msg)


@given(_TIME, _NAME, _LEVEL, _MSG, st.sampled_from([":", " "]), st.sampled_from(["", " "]))
def test_level_and_name_between_colons_after_the_time(time, name, level, msg, first, space):
    # `%(asctime)s:%(levelname)s:%(name)s:%(message)s` (Superset's default; basicConfig's with a time)
    got = AutoParser().parse(f"{time}{first}{level}:{name}:{space}{msg}")
    assert (got.logger, got.level, got.thread, got.message) == (name, _NORMAL.get(level, level), None, msg)


@given(_NAME.filter(lambda n: "." in n), st.sampled_from(["?", "odoo18", "prod_db", "erp-2"]), _LEVEL, _MSG,
       st.integers(1, 99_999))
def test_odoos_pid_level_database_and_logger(name, db, level, msg, pid):
    # `%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s` (`?`: no database)
    got = AutoParser().parse(f"2026-03-04 08:45:21,317 {pid} {level} {db} {name}: {msg}")
    assert (got.pid, got.level, got.logger, got.message) == (str(pid), _NORMAL.get(level, level), name, msg)
    assert got.mdc == (None if db == "?" else {"db": db})


def test_a_pid_and_level_before_two_words_and_a_colon_are_no_database_and_logger():
    got = AutoParser().parse("2024-01-02 10:00:00,123 1234 INFO Starting server: port 80")
    assert (got.logger, got.message) == (None, "Starting server: port 80")


@given(st.from_regex(r"[A-Za-z][\w.-]{0,20}", fullmatch=True), _NAME, _LEVEL, _MSG)
def test_locusts_host_level_and_name_between_slashes(host, name, level, msg):
    # Locust's `[%(asctime)s] %(hostname)s/%(levelname)s/%(name)s: %(message)s`
    got = AutoParser().parse(f"[2019-09-02 17:47:15,761] {host}/{level}/{name}: {msg}")
    assert (got.level, got.logger, got.message) == (_NORMAL.get(level, level), name, msg)
