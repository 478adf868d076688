"""Minutes are read where their unit is spelled out (`took 2.5 minutes`, `耗时5分钟`,
`耗时: 1分钟`); `5m` and `5min` stay unread (minutes to some, milliseconds or a minimum to
others), and `5分` alone is an amount in fen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from parsers.timing.free import find_timing
from parsers.units import parse_duration_ns

MIN_NS = 60_000_000_000
amounts = st.decimals(min_value=0, max_value=600, places=1, allow_nan=False, allow_infinity=False)


@settings(max_examples=80, deadline=None)
@given(amounts, st.sampled_from(["took {} minutes", "took {} minute", "elapsed: {} minutes", "耗时{}分钟",
                                 "耗时: {}分钟", "清算任务执行完成，用时 {} 分钟"]))
def test_a_spelled_out_minute_unit_is_read(n, template):
    text = f"{n.normalize():f}" if n == n.to_integral() else str(n)
    found = find_timing(template.format(text))
    assert found is not None and found[2] == int(Decimal(text) * MIN_NS)


@pytest.mark.parametrize("message", ["took 5m", "took 5min", "cost 5分", "耗时 1分2", "retry in 5 minutes",
                                     "sleep 2 minutes before the next poll", "timeout=5 minutes"])
def test_minutes_are_still_not_guessed_nor_taken_from_waits(message):
    assert find_timing(message) is None


def test_parse_duration_reads_spelled_out_minutes_only():
    assert parse_duration_ns("2.5 minutes") == 150_000_000_000
    assert parse_duration_ns("1 minute") == MIN_NS
    assert parse_duration_ns("3分钟") == 3 * MIN_NS
    assert parse_duration_ns("2m") is None and parse_duration_ns("2min") is None
