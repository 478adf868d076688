"""A bare thread name right before a tracing bracket (`%thread [%tid] %logger`: yudao's layout
with SkyWalking's `[TID: N/A]`; an MDC bracket `[traceId=...]`, Sleuth's `[app,trace,span]`,
an empty `%X{traceId}`): the word is the thread, the bracket no field of the record's, the
qualified name after it the logger. A bracket holding a plain word keeps the words message."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_HEX = st.from_regex(r"[0-9a-f]{16,32}", fullmatch=True)
_TRACE = st.one_of(
    st.just("TID: N/A"), st.just("TID:N/A"), st.just(""),
    st.from_regex(r"TID: ?[0-9a-f]{32}\.[0-9]{2,3}\.17[0-9]{11}", fullmatch=True),
    _HEX.map(lambda h: f"traceId={h}"),
    st.tuples(st.from_regex(r"[a-z][a-z-]{2,12}", fullmatch=True), _HEX, _HEX).map(",".join),
    _HEX)
_THREAD = st.from_regex(r"[a-z][\w-]{0,24}", fullmatch=True)
_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_LOGGER = st.from_regex(r"\.?(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,20}", fullmatch=True)
_MSG = st.from_regex(r"[A-Za-z\u4e00-\u4e2f][ -~\u4e00-\u4e2f]{0,40}", fullmatch=True).map(str.rstrip)


@given(_TRACE, _THREAD, _LEVEL, _LOGGER, _MSG, st.integers(1, 99999))
def test_pipe_layout_with_pid(tid, thread, level, logger, msg, pid):
    got = AutoParser().parse(f"2025-06-28 09:43:23.072 | {level:>5} {pid} | {thread} [{tid}] {logger:<40} | {msg}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


@given(_TRACE, _THREAD, _LEVEL, _LOGGER, _MSG)
def test_dash_layout(tid, thread, level, logger, msg):
    got = AutoParser().parse(f"2025-06-28 09:43:23.072 {level:<5} {thread} [{tid}] {logger} - {msg}")
    assert (got.level, got.thread, got.logger, got.message) == (level, thread, logger, msg)


def test_a_bracket_holding_a_word_keeps_the_words_message():
    got = AutoParser().parse("2025-06-28 09:43:23.072 | INFO 42 | started [cache] c.a.Foo | x")
    assert (got.level, got.thread, got.logger) == ("INFO", None, None)
    assert got.message.startswith("started [cache] c.a.Foo")


def test_no_level_no_thread_from_the_words():
    got = AutoParser().parse("2025-06-28 09:43:23.072 queue [TID: N/A] c.a.Foo - x")
    assert got.thread is None
    assert "queue" in got.message
