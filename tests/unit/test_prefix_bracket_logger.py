"""All-bracket layouts: logback's `[%d][%-5level][%-15thread][%-30.30logger{0}] %msg`
writes the logger in its own bracket after the level and the thread, padded to a width and
cut from the left when longer (`[eptionHandlerExceptionResolver]`). That bracket is the
logger, not the start of the message; a word in brackets after a space stays message."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_THREAD = st.from_regex(r"[G-Zg-z][\w-]{0,20}", fullmatch=True)  # not a bare hex id (a trace id)
_SIMPLE = st.from_regex(r"[G-Z][A-Za-z0-9]{0,40}(?:\$[A-Z][A-Za-z0-9]{0,10})?", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z][ -~]{0,40}", fullmatch=True).map(str.strip).filter(bool)


def _cut(name: str, width: int) -> str:
    """logback's `%-W.-W`: padded to W, cut from the left to its last W characters."""
    return name[-width:].ljust(width)


@given(_LEVEL, _THREAD, _SIMPLE, _MSG, st.sampled_from([20, 30, 40]))
def test_padded_logger_bracket_after_level_and_thread(level, thread, logger, msg, width):
    line = f"[2024-12-26 08:32:25][{level:<5}][{thread:<15}][{_cut(logger, width)}] {msg}"
    got = AutoParser().parse(line)
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger[-width:], msg)


@given(_LEVEL, _THREAD, _SIMPLE, _MSG)
def test_unpadded_logger_bracket_written_right_after_the_thread(level, thread, logger, msg):
    got = AutoParser().parse(f"2024-12-26 08:32:25.123 [{level}][{thread}][{logger}] {msg}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


@given(_LEVEL, _THREAD, _SIMPLE, _MSG)
def test_a_bracketed_word_after_a_space_is_message(level, thread, word, msg):
    got = AutoParser().parse(f"2024-12-26 08:32:25.123 [{thread}] {level} [{word}] {msg}")
    assert got.logger is None and got.message == f"[{word}] {msg}"


def test_no_level_or_no_thread_keeps_the_bracket_in_the_message():
    p = AutoParser()
    got = p.parse("[2024-12-26 08:32:25][main][Foo] started")
    assert got.logger is None and got.message.endswith("started")
    got = p.parse("[2024-12-26 08:32:25][INFO ][a b c][Foo] started")
    assert got.level == "INFO"


def test_a_threads_bracket_after_the_bracketed_logger():
    """`%d : %level [%logger] [%thread] %msg`: a bracket named like a thread is the thread;
    `[DUBBO]`, `[订单]` stay the message's."""
    got = AutoParser().parse("2018-09-21 10:15:59.405 : INFO [com.thorough.gateway.GatewayApplication] [main] profiles: dev")
    assert (got.level, got.logger, got.thread, got.message) == ("INFO", "com.thorough.gateway.GatewayApplication", "main",
                                                                 "profiles: dev")
    for head in ("[DUBBO] Export service", "[订单] paid"):
        got = AutoParser().parse(f"2018-09-21 10:15:59.405 INFO [com.x.Foo] {head}")
        assert (got.thread, got.message) == (None, head)
