"""The SQL timing patterns whose own search is quadratic (a lazy statement before a timing at the
end, a lazy run from a timing word to its number) run only when a linear search finds what they
need: the same timings as the plain searches, and long records with many `SQL:` and no timing
skip them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.sql import timing
from parsers.sql.timing import SqlTimingParser


def _plain_generic(message: str):
    """The generic patterns searched without their pre-tests: what `parse` must agree with."""
    for source, _needed, rx in timing._GENERIC_SQL_WORD:
        if (m := rx.search(message)) is not None and (t := timing._timing(m, source)) is not None:
            return t
    return None


def _plain_head(message: str):
    head = message.partition("\n")[0]
    return timing._HEAD_TIMING.search(head)


_PIECES = st.sampled_from([
    "SQL: ", "sql=", "Sql:", "SQL：", "cost=", "COST: ", "cost", "耗时", "执行耗时：", "Time: ", "Execute SQL: ", "took",
    "time", "timestamp", "elapsed", "duration", "35", "2.5", "0", ".", " ms", "ms", "s", "秒", "毫秒", " millis",
    "select * from t where id = ?", "update t set a = 1", ", ", "; ", " ", "\n", "x", "9", "|",
])
MESSAGES = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=16).map("".join)


@settings(max_examples=500)
@given(MESSAGES)
def test_the_generic_patterns_find_what_their_plain_searches_find(message):
    guarded = None
    for source, needed, rx in timing._GENERIC_SQL_WORD:
        if (needed is None or needed.search(message)) and (m := rx.search(message)) is not None \
                and (t := timing._timing(m, source)) is not None:
            guarded = t
            break
    assert guarded == _plain_generic(message)


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
    for source, needed, rx in timing._GENERIC_SQL_WORD:
        spy = _Counting(rx)
        spies.append((needed, spy))
        patterns.append((source, needed, spy))
    monkeypatch.setattr(timing, "_GENERIC_SQL_WORD", tuple(patterns))
    head = _Counting(timing._HEAD_TIMING)
    monkeypatch.setattr(timing, "_HEAD_TIMING", head)
    record = "Server startup time [9446] milliseconds\n" + "".join(
        f"Sql: select * from t{i} where name =? limit 0,1\ntime {i} Url: GET /x\n" for i in range(300))
    assert SqlTimingParser().parse(record) is None
    for needed, spy in spies:
        assert spy.calls == (1 if needed is None else 0)
    assert head.calls == 0  # `time`, and no duration after it on the first line
