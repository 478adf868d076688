"""log4j's `[%d] %p %m (%c)%n`, the default layout of Kafka's broker and of the ZooKeeper
shipped with it: the logger in parentheses at the end of the record's line. A log context
in brackets after the level (`[Controller id=0 epoch=1]`, `[GroupCoordinator 0]`) is the
message's start, not a thread."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_LOGGER = st.from_regex(r"(?:kafka|org\.apache\.zookeeper|state\.change)(?:\.[a-z]{2,8}){1,3}(?:\.[A-Z][A-Za-z]{1,14})?",
                        fullmatch=True)
_CONTEXT = st.one_of(st.just(""), st.from_regex(r"\[[A-Z][A-Za-z]{2,16}(?: [a-zA-Z]{2,8}=\d{1,3}(?:,)?){1,3}\] ",
                                                 fullmatch=True))
# (a `word|` start would be a pipe-delimited layout's thread field; a dotted first word, `A.A.A`,
# is a logger of `%p %c %m` as much as a message's)
_MSG = st.from_regex(r"[A-Za-z][ -{}~]{0,40}", fullmatch=True).map(str.rstrip).filter(
    lambda m: not m.endswith(")") and "." not in m.split(" ")[0])


@given(_LEVEL, _CONTEXT, _MSG, _LOGGER)
def test_the_logger_in_parentheses_at_the_end(level, context, msg, logger):
    got = AutoParser().parse(f"[2020-10-04 11:00:00,123] {level} {context}{msg} ({logger})")
    assert (got.level, got.logger, got.thread, got.message) == (level, logger, None, f"{context}{msg}")


def test_a_first_line_without_the_logger_keeps_its_message():
    got = AutoParser().parse("[2020-10-04 11:00:00,123] INFO KafkaConfig values: ")
    assert (got.level, got.logger, got.message) == ("INFO", None, "KafkaConfig values: ")


def test_a_parenthesis_that_is_no_qualified_name_stays_message():
    got = AutoParser().parse("[2020-10-04 11:00:00,123] INFO Started (see docs)")
    assert (got.logger, got.message) == (None, "Started (see docs)")


def test_a_layout_that_names_its_logger_keeps_it():
    got = AutoParser().parse("2024-01-01 10:00:00 INFO [main] c.f.Foo - loaded (com.x.Bar)")
    assert (got.thread, got.logger, got.message) == ("main", "c.f.Foo", "loaded (com.x.Bar)")
