"""Currencies: ISO 4217 codes from Babel's copy of the Unicode CLDR (a real table, kept up
to date by its maintainers, not a hand list)."""

from __future__ import annotations

from functools import cache

from babel.numbers import list_currencies


@cache
def _codes() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    """Return whether `code` is an ISO 4217 currency code, e.g. `EUR`."""
    return code in _codes()
