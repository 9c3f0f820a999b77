"""How a spreadsheet of a locale reads CSV: its separator, decimal mark and way of writing dates.

German Excel, say, splits a line at semicolons, reads `-12,34` as a number and `31.01.2026` as
a date; a comma-separated file with `-12.34` lands in one column there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_date_format
from babel.localedata import locale_identifiers
from babel.numbers import get_decimal_symbol

from server.errors import ValidationFailed
from server.translatable import _l

LOCALE_MAX = 35  # a bound on a locale tag as sent (the longest CLDR tags are about 20)


def locale_tags() -> list[str]:
    """Return the locales whose conventions are known, as tags such as `de-AT`."""
    return sorted(tag.replace("_", "-") for tag in locale_identifiers() if tag != "root")


@dataclass(frozen=True)
class CsvStyle:
    """The conventions a CSV is written in; `PLAIN` is ISO dates and a dot, for scripts."""

    delimiter: str = ","
    decimal: str = "."
    date_pattern: str | None = None  # CLDR pattern; None writes ISO 8601
    locale: str | None = None

    def day(self, value: date) -> str:
        """Write a day the way this style's spreadsheet reads it."""
        if self.date_pattern is None:
            return value.isoformat()
        return format_date(value, self.date_pattern, locale=self.locale)

    def number(self, amount: str) -> str:
        """Write an API amount (`"-12.34"`) with this style's decimal mark."""
        return amount.replace(".", self.decimal)


PLAIN = CsvStyle()


def csv_style(tag: str) -> CsvStyle:
    """Return the CSV conventions of the locale `tag` (`de`, `de-AT`, `en_US`); an unknown tag
    is a validation error on `locale`."""
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        raise ValidationFailed.on(
            "locale",
            _l(
                "%(tag)s is not a locale we know; use a tag such as de, de-AT or en-US.",
                tag=repr(tag),
            ),
        ) from None
    decimal = get_decimal_symbol(locale)
    if decimal not in (".", ","):  # Arabic's own mark, say: spreadsheets read a dot everywhere
        decimal = "."
    # The locale's short date with the whole year, so that 1926 and 2026 stay apart.
    pattern = re.sub(r"(?<!y)y{1,2}(?!y)", "yyyy", get_date_format("short", locale).pattern)
    return CsvStyle(
        delimiter=";" if decimal == "," else ",",
        decimal=decimal,
        date_pattern=pattern,
        locale=str(locale),
    )
