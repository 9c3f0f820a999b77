"""Currencies: ISO 4217 codes from Babel's copy of the Unicode CLDR (a real table, kept up
to date by its maintainers, not a hand list)."""

from __future__ import annotations

from functools import cache, lru_cache

from babel.numbers import get_currency_precision, list_currencies

from server.translatable import _l

UNKNOWN_CURRENCY = _l("Use a three-letter ISO 4217 code, e.g. EUR.")
CURRENCY_TEXT_MAX = 10  # a bound on a code as sent; a longer one is no code (UNKNOWN_CURRENCY)


@cache
def _codes() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_codes() -> list[str]:
    """Return every code `is_currency` takes, sorted (the OpenAPI document lists them)."""
    return sorted(_codes())


def is_currency(code: str) -> bool:
    """Return whether `code` is an ISO 4217 currency code, e.g. `EUR`."""
    return code in _codes()


@lru_cache(maxsize=256)  # asked once an amount: a book file's million of them
def minor_digits(code: str) -> int:
    """Return how many decimals amounts in `code` have (2 for EUR, 0 for JPY, 3 for KWD)."""
    return get_currency_precision(code)
