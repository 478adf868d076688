from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.units import duration_ns, parse_decimal, parse_duration_ns

MS = 1_000_000


@pytest.mark.parametrize(
    "text, ns",
    [
        ("35ms", 35 * MS), ("35 ms", 35 * MS), ("35MS", 35 * MS), ("1.2s", 1_200_000_000), ("1.2 s", 1_200_000_000),
        ("350us", 350_000), ("350µs", 350_000), ("350μs", 350_000), ("12ns", 12), ("35毫秒", 35 * MS),
        ("1.5秒", 1_500_000_000), ("20微秒", 20_000), ("0.0005ms", 500), (" 7 ms ", 7 * MS),
        ("35 seconds", 35_000_000_000), ("1 second", 1_000_000_000), ("3 secs", 3_000_000_000),
        ("12 milliseconds", 12 * MS), ("5 msec", 5 * MS), ("7 micros", 7_000), ("9 nanoseconds", 9),
    ],
)
def test_duration_with_unit_is_read_in_nanoseconds(text, ns):
    assert parse_duration_ns(text) == ns


def test_minutes_are_not_guessed():
    assert parse_duration_ns("2m") is None
    assert parse_duration_ns("2min") is None


def test_bare_number_needs_a_default_unit():
    assert parse_duration_ns("35") is None
    assert parse_duration_ns("35", "ms") == 35 * MS
    assert parse_duration_ns("2", "s") == 2_000_000_000


def test_an_explicit_unit_wins_over_the_default():
    assert parse_duration_ns("2s", "ms") == 2_000_000_000


@pytest.mark.parametrize("text", ["", "ms", "-5ms", "1e3ms", "35 secondsx", "three ms", "３５ms", "1.2.3s", "2 mins"])
def test_text_that_is_not_a_duration_gives_none(text):
    assert parse_duration_ns(text, "ms") is None


def test_fractions_are_rounded_to_the_nearest_nanosecond():
    assert duration_ns("0.0000015", "ms") == 2
    assert duration_ns("1.5", "ns") == 2


def test_unknown_unit_gives_none():
    assert duration_ns("5", "fortnights") is None


def test_decimal_is_exact():
    assert parse_decimal("12.50") == Decimal("12.50")
    assert str(parse_decimal("0.1")) == "0.1"
    assert parse_decimal("-3") == Decimal(-3)


@pytest.mark.parametrize("text", ["", "1e5", "NaN", "inf", "1,234.50", "12.", ".5", "¥12", "１２"])
def test_decimal_rejects_anything_but_a_plain_amount(text):
    assert parse_decimal(text) is None


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from([None, "ms", "s", "bogus"]))
def test_duration_parser_is_total(text, unit):
    result = parse_duration_ns(text, unit)
    assert result is None or (isinstance(result, int) and result >= 0)


@settings(max_examples=200, deadline=None)
@given(st.binary(), st.sampled_from(["replace", "surrogateescape"]))
def test_unit_parsers_are_total_on_decoded_bytes(data, errors):
    text = data.decode("utf-8", errors)
    parse_duration_ns(text, "ms")
    assert parse_decimal(text) is None or isinstance(parse_decimal(text), Decimal)


def test_a_duration_beyond_a_signed_64_bit_count_of_nanoseconds_is_no_duration() -> None:
    from parsers.units import MAX_DURATION_NS

    assert parse_duration_ns("9223372036s") == 9_223_372_036_000_000_000
    assert parse_duration_ns("9223372037s") is None
    assert parse_duration_ns("999999999999999ms") is None
    assert MAX_DURATION_NS == 2**63 - 1
