"""log4j's `%d [%t] %-5p - %m -[%c]%n` (and `%m - [%c]`): the logger in brackets behind a dash
after the message, at the end of the record's line, trailing spaces allowed. Without the dash a
class name in brackets at the end is the message's (`Loaded driver [com.mysql.jdbc.Driver]`)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"])
_THREAD = st.from_regex(r"[g-z][A-Za-z0-9-]{0,20}", fullmatch=True)  # not a bare hex id (read as a trace id)
_LOGGER = st.from_regex(r"(?:org|com|net)(?:\.[a-z]{2,10}){1,4}\.[A-Z][A-Za-z$]{1,20}", fullmatch=True)
# (a message that is one dotted word would be read as the logger of `%p %c - %m`)
_MSG = st.from_regex(r"[A-Za-z]{2,12} [A-Za-z0-9 ',.:=/]{0,40}", fullmatch=True).map(str.rstrip)
_DASH = st.sampled_from(["-", "- "])
_END = st.sampled_from(["", " ", "  ", "\r", " \r"])


@given(_THREAD, _LEVEL, _MSG, _DASH, _LOGGER, _END)
def test_the_logger_in_brackets_behind_a_dash_at_the_end(thread, level, msg, dash, logger, end):
    got = AutoParser().parse(f"2017-11-06 19:50:11,659 [{thread}] {level:<5} - {msg} {dash}[{logger}]{end}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


@given(_LEVEL, _MSG, _LOGGER)
def test_a_class_name_in_brackets_without_the_dash_stays_message(level, msg, logger):
    got = AutoParser().parse(f"2017-11-06 19:50:11,659 [main] {level} - {msg} [{logger}]")
    assert (got.logger, got.message) == (None, f"{msg} [{logger}]")


def test_a_bracket_that_is_no_qualified_name_stays_message():
    got = AutoParser().parse("2017-11-06 19:50:11,659 [main] INFO  - Deploying -[/opt/app/webapps/docs]")
    assert (got.logger, got.message) == (None, "Deploying -[/opt/app/webapps/docs]")


def test_a_layout_that_names_its_logger_keeps_it():
    got = AutoParser().parse("2024-01-01 10:00:00.123 [main] INFO  c.f.Foo - loaded -[com.x.Bar]")
    assert (got.thread, got.logger, got.message) == ("main", "c.f.Foo", "loaded -[com.x.Bar]")


def test_the_record_without_a_level_is_not_read_for_it():
    got = AutoParser().parse("2017-11-06 19:50:11,659 something -[com.x.Bar]")
    assert got.logger is None
