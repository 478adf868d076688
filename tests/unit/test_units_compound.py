"""Durations written as Go's time.Duration, ISO 8601 (Java's Duration.toString) or a clock:
`parsers.units.compound_duration_ns`, and the timing parsers that read them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.timing.free import find_timing
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


@pytest.mark.parametrize("text", ["5m", "2m30", "1m2.5ms", "PT", "PT-1S", "12:61:00", "1h2m3s4", "35ms", "1.5s", ""])
def test_forms_that_are_not_compound_durations(text):
    assert compound_duration_ns(text) is None


@pytest.mark.parametrize("message, ns", [
    ("sync finished, took 1m2.5s", 62_500 * MS),
    ("sync finished, took 1m2.5s.", 62_500 * MS),
    ("settlement batch took PT0.035S", 35 * MS),
    ("responseTime=PT1.5S", 1500 * MS),
    ("Job 'settle' took 00:01:02.500", 62_500 * MS),  # commons-lang StopWatch
    ("elapsed 1h", 3600 * S),
])
def test_timing_words_read_compound_durations(message, ns):
    assert find_timing(message)[2] == ns


@pytest.mark.parametrize("message", ["took 5m", "time: 10:00:00 start", "time=12:00:03 user=7"])
def test_minutes_alone_and_a_time_of_day_are_not_timings(message):
    assert find_timing(message) is None


@pytest.mark.parametrize("message, ns", [("job done in 1h2m3s", 3723 * S), ("reconciled in PT1M2S", 62 * S)])
def test_a_past_sentence_closing_with_a_compound_duration_is_a_timing(message, ns):
    assert find_in_timing(message)[2] == ns


@pytest.mark.parametrize("message", ["retry in 2m30s", "expires in 1h", "next run in PT5M"])
def test_waits_in_compound_durations_are_not_timings(message):
    assert find_in_timing(message) is None
