"""A message that starts with a number (`6 mappings in ...`, `10 connections initialized`)
keeps it: a bare number is a pid or a thread id only where another field follows it
and no logger was read before it (`INFO 12345 --- [main]`, `12345 INFO`,
`%(thread)d - [%(name)s]`)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_WORDS = st.lists(st.from_regex(r"[a-z]{1,10}", fullmatch=True), min_size=1, max_size=5).map(" ".join)
_LAYOUTS = (
    "2026-11-30 14:07:03.125 INFO [main] com.pay.Foo - {msg}",
    "2026-11-30 14:07:03,125 INFO [com.pay.Foo] - {msg}",
    "[INFO] [2026-11-30 14:07:03][com.pay.Foo]{msg}",
    "2026-11-30 14:07:03,665 DEBUG [main][AbstractHandlerMethodMapping.java:351] - {msg}",
    "2026-11-30 14:07:03.125  INFO 4242 --- [           main] c.p.Foo : {msg}",
)


@given(st.sampled_from(_LAYOUTS), st.integers(0, 10**6), _WORDS)
def test_a_number_starting_the_message_stays_in_it(layout, n, words):
    msg = f"{n} {words}"
    got = AutoParser().parse(layout.format(msg=msg))
    assert got.message == msg


def test_pids_and_thread_ids_are_still_read():
    parse = AutoParser().parse
    spring = parse("2026-11-30 14:07:03.125  INFO 4242 --- [main] com.pay.Foo : started")
    assert (spring.pid, spring.thread, spring.logger, spring.message) == ("4242", "main", "com.pay.Foo", "started")
    python = parse("2026-11-30 14:07:03,125 4242 INFO pay.views - started")
    assert (python.pid, python.level, python.message) == ("4242", "INFO", "started")
