"""`key=value` cells joined by a backtick, no spaces (a logback pattern written for a log
service to ingest): time, level, and the message from its cell to the line's end."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parsers.prefix.auto import AutoParser


@given(st.sampled_from(["DEBUG", " INFO", " WARN", "ERROR"]),
       st.from_regex(r"[A-Z][a-z]{1,10}(?: [a-z0-9=`:]{1,10}){0,6}", fullmatch=True))
def test_backtick_cells_give_time_level_and_the_message_to_the_end(level, msg):
    line = f"time=2019-04-30T10:57:44.425+0800`appName=oms`hostName=docker-20`logLevel={level}`msg={msg}"
    got = AutoParser().parse(line)
    assert (got.timestamp, got.level, got.message) == ("2019-04-30T10:57:44.425+08:00", level.strip(), msg)


def test_a_cell_that_is_no_key_value_starts_the_message():
    got = AutoParser().parse("time=2019-04-30T09:53:03.654+0800`appName=oms`logLevel=DEBUG`==>  Preparing: SELECT 1")
    assert (got.level, got.message) == ("DEBUG", "==>  Preparing: SELECT 1")
