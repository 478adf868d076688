"""Text a layout writes before the timestamp: a pid or a name in brackets (`[%(process)d]
[%(asctime)s]`, `[app] %d`), logback's `%contextName- %d` and a literal `app-%d`."""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_NAME = st.from_regex(r"[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_.-]{0,15}", fullmatch=True)
_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARN", "ERROR"])
_MSG = st.from_regex(r"[A-Za-z][ -{}~]{0,30}", fullmatch=True).map(str.rstrip)  # no `|`: a field separator after the prefix


@given(st.integers(1, 4194304), _LEVEL, _MSG)
def test_pid_bracket_before_the_time(pid, level, msg):
    got = AutoParser().parse(f"[{pid}] [2026-11-30 14:07:03,125] {level} [pay.views:31] {msg}")
    assert (got.timestamp is not None, got.level, got.logger, got.message) == (True, level, "pay.views", msg)


@given(_NAME, st.sampled_from(["- ", "-"]), _LEVEL, _MSG)
def test_a_name_and_a_dash_before_the_time(name, dash, level, msg):
    got = AutoParser().parse(f"{name}{dash}2026-11-30 14:07:03 [main] {level} c.p.Foo - {msg}")
    assert (got.raw_time, got.thread, got.level, got.message) == ("2026-11-30 14:07:03", "main", level, msg)


def test_a_word_before_a_time_without_a_dash_is_no_record_start():
    got = AutoParser().parse("payment 2026-11-30 14:07:03 done")
    assert got.format == "raw" and got.timestamp is None


def test_a_dashed_or_chinese_name_before_the_time():
    for tag in ("payment-service-", "控制台-"):
        got = AutoParser().parse(f"{tag} 2026-11-30 14:07:03 [main] INFO  c.p.Foo - paid")
        assert (got.raw_time, got.thread, got.logger, got.message) == ("2026-11-30 14:07:03", "main", "c.p.Foo", "paid")
