"""Python layouts that write the source file and line before the level or the message:
`%(asctime)s - %(pathname)s[line:%(lineno)d] - %(levelname)s: %(message)s` and
`[%(asctime)s] %(filename)s:%(lineno)d %(message)s`; Airflow's
`[%(asctime)s] {%(filename)s:%(lineno)d} %(levelname)s - %(message)s`."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser
from parsers.prefix.grammar import normalize_level

_PATH = st.from_regex(r"(?:/[a-z_]{1,8}){0,4}/?[a-z_]{1,12}\.py", fullmatch=True)
_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
# no `|`: not a field separator here; no dotted first word (`A.A`): a logger of `%c %m` as much as a message's
_MSG = st.from_regex(r"[A-Za-z\u4e00-\u9fa5][ -{}~]{0,30}", fullmatch=True).map(str.rstrip).filter(
    lambda m: "." not in m.split(" ")[0])


@given(_PATH, st.integers(1, 9999), _LEVEL, _MSG)
def test_path_with_line_then_level(path, line, level, msg):
    got = AutoParser().parse(f"2026-11-30 14:07:03,125 - {path}[line:{line}] - {level}: {msg}")
    assert (got.level, got.message, got.extra) == (normalize_level(level), msg, {"source": f"{path}:{line}"})


@given(_PATH, st.integers(1, 9999), _MSG)
def test_file_and_line_before_the_message(path, line, msg):
    got = AutoParser().parse(f"[2026-11-30 14:07:03,125] {path}:{line} {msg}")
    assert (got.message, got.extra) == (msg, {"source": f"{path}:{line}"})


def test_the_message_after_the_level_and_its_colon_is_not_read_as_fields():
    got = AutoParser().parse("2026-11-30 14:07:03,125 - views.py[line:31] - INFO: pay.views [x] loaded")
    assert (got.level, got.logger, got.thread, got.message) == ("INFO", None, None, "pay.views [x] loaded")


def test_a_file_and_line_starting_the_message_after_the_level_is_message():
    got = AutoParser().parse("2026-11-30 14:07:03,125 [main] INFO Order.java:42 failed")
    assert (got.extra, got.message) == (None, "Order.java:42 failed")
    got = AutoParser().parse("2026-11-30 14:07:03,125 INFO [main] c.p.Foo - OrderMapper.java:42 - loaded")
    assert got.message == "OrderMapper.java:42 - loaded"


@given(_PATH, st.integers(1, 9999), _LEVEL, _MSG)
def test_airflows_file_and_line_in_braces_then_level(path, line, level, msg):
    got = AutoParser().parse(f"[2023-09-13T13:20:50.502+0000] {{{path}:{line}}} {level} - {msg}")
    assert (got.timestamp, got.level, got.message, got.extra) == (
        "2023-09-13T13:20:50.502+00:00", normalize_level(level), msg, {"source": f"{path}:{line}"})


def test_braces_after_the_level_are_the_messages():
    got = AutoParser().parse("[2023-09-13T13:20:50.502+0000] {taskinstance.py:1943} ERROR - {views.py:3} failed")
    assert (got.level, got.message) == ("ERROR", "{views.py:3} failed")


@given(st.sampled_from(["main", "http-nio-8080-exec-1", "pool-2-thread-3"]), _LEVEL, st.integers(1, 9999), _MSG)
def test_log4j_thread_and_level_brackets_after_the_logger(thread, level, line, msg):
    # log4j's `%d %c [%t] [%-5p] - [%L] - %m`: the level padded inside its bracket
    got = AutoParser().parse(f"2018-03-08 17:46:22 com.qtyd.mapper.UserMapper [{thread}] [{level:<5}] - [{line}] - {msg}")
    assert (got.logger, got.thread, got.level, got.extra, got.message) == (
        "com.qtyd.mapper.UserMapper", thread, normalize_level(level), {"line": str(line)}, msg)
