"""Telling a card statement that writes charges as positive amounts (money in, as read).

Amex and Discover exports write a purchase as 45.00 and a payment as -500.00; some card
exports add a Type column (Chase: Sale, Payment, Return). Read as they stand, such charges
would raise the card's balance. `charges_look_positive` says why a file looks so, in words,
so that the import can suggest "Amounts are reversed"; it never decides.
"""

from __future__ import annotations

from server.bankfiles.csv_file import Layout, records
from server.bankfiles.header_words import header_key
from server.bankfiles.rows import Row

TYPE_HEADERS = ("type", "transaction type")
CHARGE_TYPES = ("sale", "purchase", "charge")
PAYMENT_TYPES = ("payment", "return", "refund", "credit")
_SAMPLE = 2000  # rows enough to judge


def charges_look_positive(text: str, layout: Layout, rows: list[Row]) -> str | None:
    """Why the file seems to write charges as positive amounts; None when it does not."""
    columns = layout.columns
    if layout.amounts_reversed or "amount" not in columns or "direction" in columns:
        return None  # money in and out in their own columns, or already turned round
    sample = rows[:_SAMPLE]
    typed = _by_type(text, layout, {row.line for row in sample})
    if typed:
        agree = against = 0  # lines whose sign says "charges positive", and the others
        for row in sample:
            kind = typed.get(row.line)
            charge = kind in CHARGE_TYPES
            if row.amount and (charge or kind in PAYMENT_TYPES):
                if (row.amount > 0) == charge:
                    agree += 1
                else:
                    against += 1
        if agree > against:
            header = layout.headers[_type_column(layout)]
            return (
                f"Lines whose {header} is Sale or Purchase have positive amounts, and "
                "payments negative: this file writes charges as money in."
            )
        if against:
            return None  # the Type column says the signs are right
    positive = sum(row.amount > 0 for row in sample)
    if sample and positive * 3 >= len(sample) * 2:
        return (
            f"{positive} of the {len(sample)} amounts are positive: on a card, charges are "
            "money out, so this file seems to write them the other way round."
        )
    return None


def _type_column(layout: Layout) -> int:
    keys = [header_key(h) for h in layout.headers]
    return next((i for i, key in enumerate(keys) if key in TYPE_HEADERS), -1)


def _by_type(text: str, layout: Layout, lines: set[int]) -> dict[int, str]:
    """Each sampled line's Type, lower-cased; empty when the file has no Type column."""
    at = _type_column(layout)
    if at < 0:
        return {}
    return {
        line: cells[at].strip().lower()
        for line, cells in records(text, layout.delimiter)
        if line in lines and len(cells) > at
    }
