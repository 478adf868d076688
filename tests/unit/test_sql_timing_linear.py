"""The generic SQL timing patterns run only where the message holds one of their words
(case-folded), and those whose own search is quadratic (a lazy statement before a timing at the
end, a lazy run from a timing word to its number) only when a linear search finds what they
need: the same timings as the plain searches, and long records with many `SQL:` and no timing
skip them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.sql import timing
from parsers.sql.timing import SqlTimingParser


def _plain_head(message: str):
    head = message.partition("\n")[0]
    return timing._HEAD_TIMING.search(head)


_PIECES = st.sampled_from([
    "SQL: ", "sql=", "Sql:", "SQL：", "cost=", "COST: ", "cost", "耗时", "执行耗时：", "Time: ", "Execute SQL: ", "took",
    "ſql=", "coſt=", "EXECUTE ſQL: ", "TOOK", "[", "]", "SQL [cost=", "用时", "执行时间=", "SQL [cost=35ms] ",
    "cost=35ms, sql=", "Time：35 ms Execute SQL：", "time = 4.75ms, sql = ", "SQL执行耗时 35ms: ", ", coſt = 12ms",
    "time", "timestamp", "elapsed", "duration", "35", "2.5", "0", ".", " ms", "ms", "s", "秒", "毫秒", " millis",
    "select * from t where id = ?", "update t set a = 1", ", ", "; ", " ", "\n", "x", "9", "|",
])
MESSAGES = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=16).map("".join)


@settings(max_examples=500)
@given(MESSAGES)
def test_the_generic_patterns_find_what_their_plain_searches_find(message):
    assert SqlTimingParser().parse(message) == _plain(message)


def _plain(message: str):
    """`parse` with the generic patterns searched plainly, in their place among the other forms."""
    generic = timing._GENERIC_SQL_WORD
    try:
        timing._GENERIC_SQL_WORD = tuple((source, ("",), None, rx) for source, _w, _n, rx in generic)
        return SqlTimingParser().parse(message)
    finally:
        timing._GENERIC_SQL_WORD = generic


@settings(max_examples=500)
@given(MESSAGES)
def test_a_head_timing_is_found_where_the_plain_search_finds_one(message):
    head = message.partition("\n")[0]
    w = timing._HEAD_WORD_RX.search(head)
    pretest = w is not None and timing._HEAD_NUMBER_RX.search(head, w.end()) is not None
    assert pretest == (_plain_head(message) is not None)


class _Counting:
    def __init__(self, rx):
        self.rx, self.calls = rx, 0

    def search(self, text, *args):
        self.calls += 1
        return self.rx.search(text, *args)


def test_a_long_record_of_statements_without_timings_skips_the_quadratic_searches(monkeypatch):
    """JFinal's action report: many `Sql:` lines and no timing (the plain search of one
    such 18 KB record took 0.9 s)."""
    spies = []
    patterns = []
    for source, words, needed, rx in timing._GENERIC_SQL_WORD:
        spy = _Counting(rx)
        spies.append((needed, spy))
        patterns.append((source, words, needed, spy))
    monkeypatch.setattr(timing, "_GENERIC_SQL_WORD", tuple(patterns))
    head = _Counting(timing._HEAD_TIMING)
    monkeypatch.setattr(timing, "_HEAD_TIMING", head)
    record = "Server startup time [9446] milliseconds\n" + "".join(
        f"Sql: select * from t{i} where name =? limit 0,1\ntime {i} Url: GET /x\n" for i in range(300))
    assert SqlTimingParser().parse(record) is None
    for needed, spy in spies:
        assert spy.calls <= (1 if needed is None else 0)  # once at most, and never where a linear search must come first
    assert head.calls == 0  # `time`, and no duration after it on the first line
