"""Money: exact parsing and formatting in 0-, 2-, 3- and 4-decimal currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.money import MAX_MINOR_UNITS, AmountError, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("-12.34", "EUR", -1234),
        ("12.3", "EUR", 1230),
        ("12", "EUR", 1200),
        ("+0.01", "USD", 1),
        (".5", "USD", 50),
        ("12.", "USD", 1200),
        ("1500", "JPY", 1500),
        ("1500.0", "JPY", 1500),
        ("-1.234", "KWD", -1234),
        ("0.0001", "CLF", 1),
        ("  7.10 ", "EUR", 710),
        ("-0", "EUR", 0),
    ],
)
def test_parse(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "reason"),
    [
        ("1.234", "EUR", "at most 2 decimals"),
        ("5.5", "JPY", "no decimals"),
        ("1.2345", "KWD", "at most 3 decimals"),
        ("1e3", "EUR", "dot for decimals"),
        ("NaN", "EUR", "dot for decimals"),
        ("Infinity", "EUR", "dot for decimals"),
        ("1,234.00", "EUR", "dot for decimals"),
        ("12,34", "EUR", "dot for decimals"),
        ("", "EUR", "dot for decimals"),
        ("--1", "EUR", "dot for decimals"),
        ("١٢", "EUR", "dot for decimals"),  # Arabic-Indic digits match \d but are refused
        ("10000000000000.01", "EUR", "too large"),
    ],
)
def test_parse_refuses(text, currency, reason):
    with pytest.raises(AmountError, match=reason):
        parse_amount(text, currency)


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (-1234, "EUR", "-12.34"),
        (5, "EUR", "0.05"),
        (-5, "USD", "-0.05"),
        (0, "EUR", "0.00"),
        (1500, "JPY", "1500"),
        (-1, "KWD", "-0.001"),
        (12345, "CLF", "1.2345"),
    ],
)
def test_format(minor, currency, text):
    assert format_amount(minor, currency) == text


@given(
    minor=st.integers(min_value=-MAX_MINOR_UNITS, max_value=MAX_MINOR_UNITS),
    currency=st.sampled_from(["EUR", "JPY", "KWD", "CLF", "USD"]),
)
def test_round_trip_is_exact(minor, currency):
    text = format_amount(minor, currency)
    assert parse_amount(text, currency) == minor
    assert Decimal(text).as_tuple().exponent in (0, -2, -3, -4)


@given(st.lists(st.integers(min_value=-(10**9), max_value=10**9), max_size=50))
def test_sums_are_exact(amounts):
    texts = [format_amount(a, "EUR") for a in amounts]
    assert format_amount(sum(parse_amount(t, "EUR") for t in texts), "EUR") == format_amount(
        sum(amounts), "EUR"
    )
