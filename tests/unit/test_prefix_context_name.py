"""logback's `%contextName` (the application's name) printed first after the timestamp,
as xxl-job's default layout does (`%d %contextName [%thread] %-5level %logger{36} - %msg`),
and thread names holding a comma and a space (`[xxl-job, executor ExecutorRegistryThread]`),
which are not Spring Cloud Sleuth's comma-separated trace bracket. A bare thread before a
tracing bracket and the level (`%thread [%X{traceId}] %level`) is the thread."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_APP = st.from_regex(r"[a-z][a-z0-9]{1,10}(?:-[a-z0-9]{1,8}){0,3}", fullmatch=True)
_THREAD = st.from_regex(r"[A-Za-z][\w-]{0,12}(?:, [A-Za-z][\w#-]{0,12}(?: [A-Za-z][\w#-]{0,12})?)?", fullmatch=True)
_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,12}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z>][ -~]{0,40}", fullmatch=True).map(str.strip).filter(bool)


@given(_APP, _THREAD, _LEVEL, _LOGGER, _MSG)
def test_context_name_before_thread_and_level(app, thread, level, logger, msg):
    p = AutoParser()
    got = p.parse(f"2023-05-17 10:21:02.123 {app} [{thread}] {level:<5} {logger} - {msg}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


@given(_THREAD, _LEVEL, _LOGGER, _MSG)
def test_a_thread_with_comma_and_space_after_the_level(thread, level, logger, msg):
    got = AutoParser().parse(f"2020-01-07 09:37:09,868 {level} [{thread}] {logger} - {msg}")
    assert (got.level, got.thread, got.logger) == (level, thread, logger)


def test_sleuth_bracket_and_mdc_pairs_are_still_not_the_thread():
    p = AutoParser()
    got = p.parse("2023-05-17 10:21:02.123 INFO [order-service,5f3a1b,5f3a1b,true] 1234 --- [main] c.e.Foo : x")
    assert (got.level, got.thread, got.logger, got.message) == ("INFO", "main", "c.e.Foo", "x")
    got = p.parse("2023-05-17 10:21:02.123 INFO [userId=1, traceId=2] [main] c.e.Foo - x")
    assert (got.thread, got.logger) == ("main", "c.e.Foo")


def test_a_word_then_a_bracket_without_a_level_is_message():
    got = AutoParser().parse("2023-05-17 10:21:02.123 Starting [main] now")
    assert got.level is None and got.message == "Starting [main] now"


_TRACE = st.one_of(st.just(""), st.from_regex(r"[0-9a-f]{16,32}", fullmatch=True),
                   st.from_regex(r"traceId=[0-9a-f]{8,16}", fullmatch=True))
_BARE_THREAD = st.sampled_from(["main", "restartedMain", "http-nio-8080-exec-1", "scheduling-1", "pool-2-thread-3"])


@given(_BARE_THREAD, _TRACE, _LEVEL, _LOGGER, _MSG)
def test_a_bare_thread_before_an_mdc_bracket_and_the_level(thread, trace, level, logger, msg):
    # `%d %thread [%X{traceId}] %level %logger - %msg`; the bracket is empty where no id is set
    got = AutoParser().parse(f"2023-02-16 16:30:07.485 {thread} [{trace}] {level} {logger} - {msg}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)
