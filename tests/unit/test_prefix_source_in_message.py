"""A message that starts with a source position in parentheses (`(PayService.java:88)
retry scheduled`) keeps it: after the dash that ends the prefix, or after a logger
with no separator after the position, it is the message's. Where the layout writes
the position (`%5p [%t] (%F:%L) - %m`, `%c (%F:%L) - %m`) it is still read."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_FILE = st.from_regex(r"[A-Z][A-Za-z]{1,15}\.java", fullmatch=True)
_WORDS = st.lists(st.from_regex(r"[a-z]{1,10}", fullmatch=True), min_size=1, max_size=5).map(" ".join)
_LAYOUTS = (
    "2026-11-30 14:07:03,125 INFO [com.pay.Foo] - {msg}",
    "2026-11-30 14:07:03,125 INFO [com.pay.Foo:61] - {msg}",
    "2026-11-30 14:07:03,125 INFO - {msg}",
    "[INFO][2026-11-30 14:07:03,125][com.pay.Foo]{msg}",
    "2026-11-30 14:07:03.125 [main] INFO  com.pay.Foo - {msg}",
)


@given(st.sampled_from(_LAYOUTS), _FILE, st.integers(1, 9999), _WORDS)
def test_a_position_starting_the_message_stays_in_it(layout, file, line, words):
    msg = f"({file}:{line}) {words}"
    assert AutoParser().parse(layout.format(msg=msg)).message == msg


def test_positions_the_layout_writes_are_still_read():
    parse = AutoParser().parse
    got = parse("2026-11-30 14:07:03,125  INFO [main] (App.java:61) - started")
    assert (got.thread, got.extra, got.message) == ("main", {"source": "App.java:61"}, "started")
    got = parse("2026-11-30 14:07:03,125 INFO com.pay.App (App.java:61) - started")
    assert (got.logger, got.message) == ("com.pay.App", "started")
