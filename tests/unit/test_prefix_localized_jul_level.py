"""Tomcat's one-line layout (`OneLineFormatter`) prints the level's localized name; a JVM
in a Chinese locale writes `08-Nov-2017 11:45:04.373 信息 [main] org.apache.Foo.bar msg`. The
localized name is the level, then the thread and the logger are read as in English."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.jul_levels import LOCALIZED
from parsers.prefix.auto import AutoParser

_CANONICAL = {"WARNING": "WARN"}
_THREAD = st.from_regex(r"(?:main|localhost-startStop-\d|http-nio-\d{4}-exec-\d{1,2}|Catalina-utility-\d)", fullmatch=True)
_LOGGER = st.from_regex(r"org\.apache\.(?:catalina|coyote|jasper)(?:\.[a-z]{2,9}){0,2}\.[A-Z][A-Za-z]{2,20}\.[a-z][A-Za-z]{2,15}",
                        fullmatch=True)
_MSG = st.sampled_from(["Server startup in [1,234] milliseconds", "一个或多个筛选器启动失败。", "Deploying web application"])


@given(st.sampled_from(sorted(LOCALIZED)), _THREAD, _LOGGER, _MSG)
def test_the_localized_level_of_the_one_line_layout(word, thread, logger, msg):
    got = AutoParser().parse(f"08-Nov-2017 11:45:04.373 {word} [{thread}] {logger} {msg}")
    level = LOCALIZED[word]
    assert (got.level, got.thread, got.logger, got.message) == (_CANONICAL.get(level, level), thread, logger, msg)


def test_a_localized_word_not_before_a_thread_bracket_stays_message():
    got = AutoParser().parse("2024-01-01 10:00:00 信息 很好")
    assert (got.level, got.message) == (None, "信息 很好")


def test_the_english_one_line_layout_is_unchanged():
    got = AutoParser().parse("08-Nov-2017 11:45:04.373 SEVERE [main] org.apache.catalina.core.StandardContext.startInternal x")
    assert (got.level, got.thread, got.logger) == ("SEVERE", "main", "org.apache.catalina.core.StandardContext.startInternal")
