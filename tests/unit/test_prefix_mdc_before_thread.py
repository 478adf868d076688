"""A bracketed MDC value before the thread bracket (`%d [%X{correlationId}] [%thread] %-5level
%logger - %msg`, a batch job's or a request's correlation id): the bracket right before the
level is the thread; the one before it is no field of the record's."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_ID = st.one_of(st.from_regex(r"[0-9A-F]{8}", fullmatch=True), st.sampled_from(["NO_ID", "-", "req-42", "batch 7"]))
_THREAD = st.from_regex(r"[a-z][\w-]{0,20}", fullmatch=True)
_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,20}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z=][ -~]{0,40}", fullmatch=True).map(str.rstrip)


@given(_ID, _THREAD, _LEVEL, _LOGGER, _MSG)
def test_the_bracket_before_the_level_is_the_thread(cid, thread, level, logger, msg):
    got = AutoParser().parse(f"2026-03-05 10:56:39.046 [{cid}] [{thread}] {level:<5} {logger:<35} - {msg}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


def test_brackets_not_followed_by_a_level_stay_message():
    got = AutoParser().parse("2026-03-05 10:56:39.046 [a] [b] hello INFO")
    assert (got.level, got.thread, got.message) == (None, "a", "[b] hello INFO")


def test_brackets_after_the_level_and_logger_stay_message():
    got = AutoParser().parse("2026-03-05 10:56:39.046 [main] INFO  c.e.Foo - [x] [y] INFO z")
    assert (got.thread, got.logger, got.message) == ("main", "c.e.Foo", "[x] [y] INFO z")


def test_yudao_logger_of_forty_characters_is_a_class_alone():
    # `%-40.40logger{39}`: a class name of 40 characters leaves no room for its package
    got = AutoParser().parse("2025-06-28 09:43:50.355 |  WARN 6616 | main [TID: N/A] "
                             "ConfigServletWebServerApplicationContext | Exception encountered during refresh")
    assert (got.level, got.thread, got.logger, got.mdc) == ("WARN", "main", "ConfigServletWebServerApplicationContext",
                                                             {"TID": "N/A"})
    assert got.message == "Exception encountered during refresh"
