"""Mapped diagnostic context in its own bracket among the prefix fields.

Tracing agents and request filters put `%X{key}` values into logback and log4j2
layouts: SkyWalking's `[%tid]` prints `[TID:N/A]` or `[TID:<segment>.<n>.<n>]`, others
`[traceId=...]`, `[requestId: ...]`, or the bare value `[%X{traceId}]`, which is `[]`
when the key is unset. Such a bracket is neither the thread nor the start of the
message: the level, thread and logger after it are still read.
"""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,15}", fullmatch=True)
# digits alone are left out: `[Logger:42]` is a logger and its line
_VALUE = st.one_of(st.just("N/A"), st.just(""), st.from_regex(r"[0-9a-f]{8,32}(?:\.[0-9]{1,5}\.[0-9]{1,17})?",
                                                                 fullmatch=True).filter(lambda v: not v.isdigit()))
_SEP = st.sampled_from([":", "=", ": ", " = "])
_LEVEL = st.sampled_from(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
_THREAD = st.from_regex(r"(?:main|http-nio-80[0-9]{2}-exec-[0-9]{1,3}|pool-[0-9]-thread-[0-9]{1,2})", fullmatch=True)
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][a-z]{2,10}", fullmatch=True)
_MESSAGE = st.from_regex(r"[a-z\u4e00-\u9fa5][a-z0-9 ,.=\u4e00-\u9fa5]{0,30}", fullmatch=True)


def _parse(line: str):
    p = AutoParser("Asia/Shanghai", "2023-05-10").parse(line)
    assert p is not None and p.timestamp == "2023-05-10T10:00:00.123+08:00"
    return p


@given(_KEY, _SEP, _VALUE, _LEVEL, _THREAD, _LOGGER, _MESSAGE, st.integers(0, 2))
def test_a_key_value_bracket_anywhere_before_the_logger_is_mdc(key, sep, value, level, thread, logger, message, where):
    mdc = f"[{key}{sep}{value}]"
    fields = [f"[{thread}]", f"{level:<5}"]
    fields.insert(where, mdc)
    p = _parse(f"2023-05-10 10:00:00.123 {' '.join(fields)} {logger} - {message}")
    assert (p.level, p.thread, p.logger, p.message) == (level, thread, logger, message)
    assert p.mdc == {key: value.strip()}


@given(st.one_of(st.just(""), st.just("N/A"), st.from_regex(r"[0-9a-f]{16,32}", fullmatch=True),
                 st.uuids().map(str)), _LEVEL, _THREAD, _LOGGER, _MESSAGE, st.booleans())
def test_a_bare_trace_id_or_an_empty_bracket_is_not_the_thread(value, level, thread, logger, message, before):
    pair = f"[{value}] [{thread}]" if before else f"[{thread}] [{value}]"
    p = _parse(f"2023-05-10 10:00:00.123 {pair} {level} {logger} - {message}")
    assert (p.level, p.thread, p.logger, p.message) == (level, thread, logger, message)


@pytest.mark.parametrize("line,thread,logger", [
    # a thread name with a colon and dots stays the thread
    ("2023-05-10 10:00:00.123 [DubboServerHandler-10.0.0.1:20880-thread-5] WARN  c.a.Foo - x",
     "DubboServerHandler-10.0.0.1:20880-thread-5", "c.a.Foo"),
    # `[Logger:42]` stays a logger with its line
    ("2023-05-10 10:00:00.123 [main] ERROR [PayService:42] - x", "main", "PayService"),
    # a thread name of words stays the thread
    ("2023-05-10 10:00:00.123 [RMI TCP Connection(3)-192.168.80.1] INFO  c.a.Foo - x",
     "RMI TCP Connection(3)-192.168.80.1", "c.a.Foo"),
])
def test_brackets_that_are_not_mdc_keep_their_meaning(line, thread, logger):
    p = _parse(line)
    assert (p.thread, p.logger, p.message) == (thread, logger, "x")
