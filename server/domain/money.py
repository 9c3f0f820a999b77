"""Money as integer minor units of a currency; decimal strings at the edges, never floats."""

from __future__ import annotations

import re
from decimal import Decimal

from server.domain.currencies import minor_digits
from server.errors import ValidationFailed
from server.translatable import Text, _l, _nl

# Amounts stay well inside SQLite's 64-bit integers and JavaScript's exact integers (2**53):
# at most 10**15 minor units each (accounts' totals are bounded separately).
MAX_MINOR_UNITS = 10**15
# A bound on an amount's text as sent (its form and size are what parse_amount checks).
AMOUNT_TEXT_MAX = 50
# An amount's form (the OpenAPI document states it too); its decimals depend on the currency.
AMOUNT_PATTERN = r"[+-]?([0-9]+)(?:\.([0-9]*))?|[+-]?\.([0-9]+)"
_AMOUNT = re.compile(AMOUNT_PATTERN)


class AmountError(ValueError):
    """The text is not an amount this currency can hold; `message` says why."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


def parse_amount(text: str, currency: str) -> int:
    """Turn a decimal string such as `"-12.34"` into minor units (`-1234` for EUR).

    Refuses floats' notations (exponents, NaN, infinity), thousands separators, and more
    decimals than the currency has (`"1.234"` in EUR, `"5.5"` in JPY).
    """
    text = text.strip()
    match = _AMOUNT.fullmatch(text)
    if not match:
        raise AmountError(_l("Write the amount as a number with a dot for decimals, e.g. -12.34."))
    decimals = match.group(2) or match.group(3) or ""
    digits = minor_digits(currency)
    if len(decimals.rstrip("0")) > digits:
        if digits == 0:
            raise AmountError(_l("%(currency)s amounts have no decimals.", currency=currency))
        raise AmountError(
            _nl(
                "%(currency)s amounts have at most %(n)s decimal.",
                "%(currency)s amounts have at most %(n)s decimals.",
                digits,
                currency=currency,
            )
        )
    minor = int(Decimal(text).scaleb(digits))
    if abs(minor) > MAX_MINOR_UNITS:
        raise AmountError(_l("The amount is too large."))
    return minor


def format_amount(minor: int, currency: str) -> str:
    """Turn minor units into the API's decimal string: `-1234` EUR is `"-12.34"`."""
    digits = minor_digits(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**digits)
    return f"{sign}{whole}.{fraction:0{digits}d}" if digits else f"{sign}{whole}"


def parse_money_field(text: str, currency: str, field: str) -> int:
    """Parse an amount from an input field; a bad one is a validation error on that field."""
    try:
        return parse_amount(text, currency)
    except AmountError as error:
        raise ValidationFailed.on(field, error.message) from None
