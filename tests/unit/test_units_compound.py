"""Durations written as Go's time.Duration, ISO 8601 (Java's Duration.toString) or a clock:
`parsers.units.compound_duration_ns`, and the timing parsers that read them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.timing.free import MAX_TIMING_NS, find_timing
from parsers.timing.in_sentence import find_in_timing
from parsers.units import compound_duration_ns

S = 1_000_000_000
MS = 1_000_000

parts = st.tuples(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999))


def _ns(h, m, s, ms):
    return ((h * 60 + m) * 60 + s) * S + ms * MS


@given(parts)
def test_go_iso_and_clock_forms_of_one_duration_agree(p):
    h, m, s, ms = p
    ns = _ns(h, m, s, ms)
    assert compound_duration_ns(f"{h}h{m}m{s}.{ms:03d}s") == ns
    assert compound_duration_ns(f"PT{h}H{m}M{s}.{ms:03d}S") == ns
    assert compound_duration_ns(f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}") == ns
    if h == 0 and m:
        assert compound_duration_ns(f"{m}m{s}.{ms:03d}s") == ns  # Go leaves out zero hours


@given(parts)
def test_spring_batch_durations_read_as_their_parts(p):
    # BatchMetrics.formatDuration: hours, minutes and seconds only when not 0 (then every smaller
    # part but milliseconds follows), milliseconds last
    h, m, s, ms = p
    text = (f"{h}h" if h else "") + (f"{m}m" if h or m else "") + (f"{s}s" if h or m or s else "") + f"{ms}ms"
    if h or m or s:
        assert compound_duration_ns(text) == _ns(h, m, s, ms)


@pytest.mark.parametrize("text", ["5m", "2m30", "1m2.5ms", "PT", "PT-1S", "12:61:00", "1h2m3s4", "35ms", "1.5s", "",
                                  "5s65", "5s650", "1.5s200ms", "5s1000ms"])
def test_forms_that_are_not_compound_durations(text):
    assert compound_duration_ns(text) is None


@pytest.mark.parametrize("message, ns", [
    ("sync finished, took 1m2.5s", 62_500 * MS),
    ("sync finished, took 1m2.5s.", 62_500 * MS),
    ("settlement batch took PT0.035S", 35 * MS),
    ("responseTime=PT1.5S", 1500 * MS),
    ("Job 'settle' took 00:01:02.500", 62_500 * MS),  # commons-lang StopWatch
    ("elapsed 1h", 3600 * S),
    # Flyway, at every start: minutes and seconds told in seconds
    ("Successfully applied 1 migration to schema `pay`, now at version v2 (execution time 00:00.021s)", 21 * MS),
    ("Successfully validated 5 migrations (execution time 01:02.015s)", 62_015 * MS),
])
def test_timing_words_read_compound_durations(message, ns):
    assert find_timing(message)[2] == ns


@pytest.mark.parametrize("message", ["took 5m", "time: 10:00:00 start", "time=12:00:03 user=7", "time 00:00.021 start"])
def test_minutes_alone_and_a_time_of_day_are_not_timings(message):
    assert find_timing(message) is None


@pytest.mark.parametrize("message, ns", [("job done in 1h2m3s", 3723 * S), ("reconciled in PT1M2S", 62 * S)])
def test_a_past_sentence_closing_with_a_compound_duration_is_a_timing(message, ns):
    assert find_in_timing(message)[2] == ns


@pytest.mark.parametrize("message", ["retry in 2m30s", "expires in 1h", "next run in PT5M"])
def test_waits_in_compound_durations_are_not_timings(message):
    assert find_in_timing(message) is None


def _cjk(d, h, m, s, ms, minute="分"):
    """A duration as Hutool's `DateUtil.formatBetween` writes it: its non-zero parts, largest first."""
    parts = [(d, "天"), (h, "小时"), (m, minute), (s, "秒"), (ms, "毫秒")]
    return "".join(f"{n}{u}" for n, u in parts if n)


@given(st.integers(0, 6), parts, st.sampled_from(["分", "分钟"]))
def test_chinese_parts_of_a_duration_agree_with_its_go_form(d, p, minute):
    h, m, s, ms = p
    text = _cjk(d, h, m, s, ms, minute)
    if sum(1 for n in (d, h, m, s, ms) if n) < 2:
        assert text == "" or compound_duration_ns(text) is None  # one part alone is not a compound
        return
    ns = d * 86_400 * S + _ns(h, m, s, ms)
    assert compound_duration_ns(text) == ns
    found = find_timing(f"结算任务执行完毕，耗时：{text}")
    assert (found and found[2]) == (ns if ns <= MAX_TIMING_NS else None)


@pytest.mark.parametrize("message, ns", [
    ("对账完成，耗时：2秒345毫秒", 2_345 * MS),
    ("同步订单 耗时 1分2秒，共 35 条", 62 * S),
    ("批量代付用时：1分钟3秒", 63 * S),
    ("清算耗时1小时2分3秒完成", 3_723 * S),
])
def test_timing_words_read_chinese_compound_durations(message, ns):
    assert find_timing(message)[2] == ns


@pytest.mark.parametrize("message", ["cost 5分", "cost=5分3角", "耗时 1分2"])
def test_one_chinese_part_or_an_amount_in_fen_is_no_compound_duration(message):
    assert find_timing(message) is None
