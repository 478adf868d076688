"""log4j's `%c (%F:%L)`: a qualified class name followed by its file and line in parentheses
is the logger (`DEBUG org.x.Foo (Foo.java:106) - msg`); a plain word there stays the thread
(`:INFO main (Foo.java:42)msg`)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LOGGER = st.from_regex(r"(?:[a-z]{1,8}\.){1,5}[A-Z][A-Za-z]{1,15}", fullmatch=True)
_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARN", "ERROR"])
_MSG = st.from_regex(r"[A-Z][a-z]{1,10}(?: [a-z]{2,10}){0,5}", fullmatch=True)


@given(_LEVEL, _LOGGER, st.integers(1, 9999), _MSG, st.booleans())
def test_qualified_name_before_file_and_line_is_the_logger(level, logger, line, msg, dated):
    file = logger.rsplit(".", 1)[1] + ".java"
    head = "2019-06-19 10:59:31,123 " if dated else ""
    got = AutoParser().parse(f"{head}{level:<5} {logger} ({file}:{line}) - {msg}")
    assert (got.level, got.logger, got.thread, got.message) == (level, logger, None, msg)
    assert got.extra == {"source": f"{file}:{line}"}


def test_a_word_before_file_and_line_is_still_the_thread():
    got = AutoParser().parse("2019-06-19 10:59:31,123 [main] INFO  c.x.Foo (Foo.java:12) - hi")
    assert (got.thread, got.logger, got.message) == ("main", "c.x.Foo", "hi")
    got = AutoParser().parse("2019-06-19 10:59:31,123 :INFO main (Foo.java:42)msg")
    assert (got.thread, got.logger) == ("main", None)


@given(_LEVEL, st.from_regex(r"(?:[a-z]{1,8}\.){2,5}[A-Z][A-Za-z]{1,15}", fullmatch=True), _MSG)
def test_a_width_truncated_logger_keeps_its_leading_dot(level, logger, msg):
    """`%-30.30c` and `%logger{36}` cut a long name from the left: `.mt.unistream.Adapter`."""
    cut = "." + logger.split(".", 1)[1]
    got = AutoParser().parse(f"14.03.2016 10:47:52 [{level}] {cut} - {msg}")
    assert (got.level, got.logger, got.message) == (level, cut, msg)


@given(_LEVEL, _LOGGER, st.integers(1, 9999), _MSG, st.sampled_from(["- ", " - ", ": "]))
def test_file_and_line_right_after_the_level(level, logger, line, msg, sep):
    """log4j's `%d %p (%F:%L)- %m`: the position in parentheses, no logger; Python's
    `%(levelname)s %(name)s: ` does not take `(File.java` for a name."""
    file = logger.rsplit(".", 1)[1] + ".java"
    got = AutoParser().parse(f"2018-01-24 14:21:22,611 {level} ({file}:{line}){sep}{msg}")
    assert (got.level, got.logger, got.message, got.extra) == (level, None, msg, {"source": f"{file}:{line}"})


@given(_LEVEL, _LOGGER, st.integers(1, 9999), st.from_regex(r"[a-z][A-Za-z]{0,20}", fullmatch=True), _MSG)
def test_line_and_method_after_the_logger(level, logger, line, method, msg):
    """logback's `%logger %L %M - %msg`: the line and the method, not the message's."""
    got = AutoParser().parse(f"[2019-04-25 00:09:02] {level:<5} {logger} {line} {method} - {msg}")
    assert (got.level, got.logger, got.extra, got.message) == (level, logger, {"method": method, "line": str(line)}, msg)


def test_method_and_line_in_parentheses_after_a_bracketed_logger():
    """`%d %5p [%15.15t] [%logger{N}] %M (%L): %m`: Hibernate's statements through it are SQL."""
    got = AutoParser().parse("2020-01-09 21:03:12.015 DEBUG [   scheduling-1] [o.h.SQL] logStatement (127): select a0_.id from t a0_")
    assert (got.thread, got.logger, got.extra, got.message) == (
        "scheduling-1", "o.h.SQL", {"method": "logStatement", "line": "127"}, "select a0_.id from t a0_")
