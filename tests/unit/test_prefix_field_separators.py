"""Separators between the prefix fields that layouts write besides spaces, `-` and `|`:
runs of `=` (`%d === [%thread] === %-5level === %logger ==== %msg`), and log4j's
`%C.%M:%L -%m`, whose dash is written against the message (`Foo.init:889 -{ds} inited`)
and whose method is `<init>` in a constructor. The message is what follows the separator;
a message that starts with `===` keeps it when the layout has no such separator."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_THREAD = st.from_regex(r"[A-Za-z][\w-]{0,12}(?:\.[A-Za-z][\w-]{0,12}){0,4}", fullmatch=True)
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,12}", fullmatch=True)
_METHOD = st.one_of(st.from_regex(r"[a-z][A-Za-z0-9]{0,12}", fullmatch=True), st.just("<init>"))
_MSG = st.from_regex(r"[A-Za-z{\[][ -{}~]{0,40}", fullmatch=True).map(str.strip).filter(bool)
# a sentence: after `LEVEL ===` a bracket or a dotted word is read as a thread or a logger
_SENTENCE = st.from_regex(r"[A-Za-z][a-z]{1,10} [ -{}~]{0,40}", fullmatch=True).map(str.strip).filter(bool)


@given(_THREAD, _LEVEL, _LOGGER, _MSG, st.integers(3, 5))
def test_fields_separated_by_runs_of_equals(thread, level, logger, msg, last):
    line = f"2021-04-29 00:05:16 === [{thread}] === {level:<5} === {logger} {'=' * last} {msg}"
    got = AutoParser().parse(line)
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


@given(_LEVEL, _SENTENCE)
def test_a_message_starting_with_equals_keeps_them(level, msg):
    got = AutoParser().parse(f"2021-04-29 00:05:16,001 {level} === {msg} ===")
    assert (got.level, got.message) == (level, f"=== {msg} ===")


@given(_LEVEL, _THREAD, _LOGGER, _METHOD, st.integers(1, 9999), _MSG)
def test_class_method_line_then_a_dash_against_the_message(level, thread, cls, method, line_no, msg):
    line = f"2019-03-09 18:42:39.916 {level:<5} [{thread}]{cls}.{method}:{line_no} -{msg}"
    got = AutoParser().parse(line)
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, f"{cls}.{method}", msg)
    assert got.extra == {"line": str(line_no)}


def test_a_number_after_the_line_is_not_taken_for_a_glued_dash():
    got = AutoParser().parse("2019-03-09 18:42:39.916 INFO  [main] com.foo.Bar:42 - -1 rows")
    assert (got.logger, got.message) == ("com.foo.Bar", "-1 rows")


@pytest.mark.parametrize("line, logger, level, message", [
    ("2025-07-18 22:18:01 | ROUTERS.INVOICE      | ERROR    | Unexpected error x", "ROUTERS.INVOICE", "ERROR",
     "Unexpected error x"),
    ("2025-07-18 22:18:01,123 | __main__ | DEBUG | x | y", "__main__", "DEBUG", "x | y"),
    ("2025-07-18 22:18:01 | INFO | app.main | hello", "app.main", "INFO", "hello"),  # the level's cell first
])
def test_pythons_pipe_layout_with_the_name_before_the_level(line, logger, level, message):
    """`%(asctime)s | %(name)-20s | %(levelname)-8s | %(message)s`"""
    got = AutoParser().parse(line)
    assert (got.logger, got.level, got.message) == (logger, level, message)
