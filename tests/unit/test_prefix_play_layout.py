"""Play Framework's default file layouts name the logger and the thread in words:
Play 2.3+ `%date [%level] from %logger in %thread - %message%n%xException`, and Play 2.2
`%date - [%level] - from %logger in %thread %n%message%n%xException%n` (the message on the
lines below the record's)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_LOGGER = st.from_regex(r"(?:play|application|[a-z]{2,8}(?:\.[a-z]{2,8}){0,3}\.[A-Z][A-Za-z]{1,14})", fullmatch=True)
# dispatcher threads, pool threads, netty's `New I/O worker #2`
# (not ending in ` -`: with nothing after the thread that is the layout's separator, `A -` reads as `A`)
_THREAD = st.from_regex(r"[A-Za-z][\w.-]{0,40}(?: [\w/#.-]{1,10}){0,3}", fullmatch=True).filter(
    lambda t: not t.rstrip("-").endswith(" "))
_MSG = st.from_regex(r"[A-Za-z0-9\[][ -~]{0,40}", fullmatch=True).map(str.rstrip)


@given(_LEVEL, _LOGGER, _THREAD, _MSG)
def test_play_2_3_layout(level, logger, thread, msg):
    got = AutoParser().parse(f"2023-05-23 09:43:45,681 [{level}] from {logger} in {thread} - {msg}")
    assert (got.level, got.logger, got.thread, got.message) == (level, logger, thread, msg)


@given(_LEVEL, _LOGGER, _THREAD, st.sampled_from(["", " "]))
def test_play_2_2_layout_ends_the_line_after_the_thread(level, logger, thread, trail):
    got = AutoParser().parse(f"2017-05-24 20:28:37,826 - [{level}] - from {logger} in {thread}{trail}")
    assert (got.level, got.logger, got.thread, got.message) == (level, logger, thread, "")


@given(_LEVEL, _MSG)
def test_from_and_in_after_an_unbracketed_level_stay_message(level, msg):
    text = f"from db in 5 ms - {msg}".rstrip()
    got = AutoParser().parse(f"2023-05-23 09:43:45,681 {level} {text}")
    assert (got.level, got.logger, got.thread, got.message) == (level, None, None, text)
