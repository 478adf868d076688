"""logback's `%d [%thread] %-5level %logger{36} - %msg` with a thread named like a package
(`[com.alibaba.nacos.client.naming.updater]`, `[org.x.Worker.longPolling.fixed-1]`), or log4j's
`%-5p [%t]%C.%M:%L` with such a thread: a qualified
logger after the level tells that the bracket before it held the thread; alone, a dotted
name in brackets before the level is still read as the logger."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_DOTTED = st.from_regex(r"(?:[a-z]{1,8}\.){1,5}[A-Za-z][A-Za-z0-9]{0,12}", fullmatch=True)
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,12}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z][ -{}~]{0,40}", fullmatch=True).map(str.strip).filter(bool)


@given(_DOTTED, _LEVEL, _LOGGER, _MSG)
def test_dotted_thread_then_level_then_logger(thread, level, logger, msg):
    got = AutoParser().parse(f"2021-04-29 00:05:12.123 [{thread}] {level:<5} {logger} - {msg}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


@given(_DOTTED, _LEVEL, _MSG)
def test_a_dotted_bracket_without_a_logger_after_the_level_stays_the_logger(name, level, msg):
    got = AutoParser().parse(f"2021-04-29 00:05:12.123 [{name}] {level} {msg.lower()} here")
    assert (got.level, got.thread, got.logger) == (level, None, name)
