"""Transactions out as CSV, the way a spreadsheet reads them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from server.clock import local_today
from server.db import Database
from server.domain.accounts import list_accounts
from server.domain.categories import list_categories
from server.domain.csv_locale import PLAIN, CsvStyle
from server.domain.money import format_amount
from server.domain.transaction_list import Filters, list_transactions
from server.domain.transactions import Transaction

CSV_COLUMNS = (
    "id",
    "date",
    "account",
    "payee",
    "category",
    "memo",
    "amount",
    "currency",
    "status",
    "tags",
    "transfer_account",
)
# A cell a spreadsheet would run as a formula (CSV injection): shown as text instead.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BATCH = 500


def spreadsheet_text(value: str | None) -> str:
    """A text cell as a spreadsheet shows it, never run as a formula."""
    value = value or ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def transactions_csv(
    database: Database, book_id: int, filters: Filters, style: CsvStyle = PLAIN
) -> Iterator[str]:
    """Yield the CSV of the book's transactions matching `filters`, newest first, in chunks.

    One line per transaction; a split transaction has one line per part (same id, the part's
    category, amount and memo). Read in one snapshot, so rows written meanwhile do not tear it.
    Dates, amounts and the separator follow `style`.
    """
    with database.snapshot() as conn:  # rows written meanwhile do not tear the file
        accounts = {a.id: a.name for a in list_accounts(conn, book_id, today=local_today())}
        categories = {
            c.id: f"{c.group}: {c.name}"
            for c in list_categories(conn, book_id, include_archived=True)
        }
        out = io.StringIO()
        writer = csv.writer(out, delimiter=style.delimiter, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        after = None
        while True:
            page = list_transactions(conn, book_id, filters, _BATCH, after)
            for t in page.items:
                for line in _lines(t, accounts, categories, style):
                    writer.writerow(line)
            yield out.getvalue()
            out.seek(0)
            out.truncate()
            if page.after is None:
                break
            after = page.after


def _lines(
    t: Transaction, accounts: dict[int, str], categories: dict[int, str], style: CsvStyle
) -> Iterator[list[str | int]]:
    def line(category: str, amount: int, memo: str) -> list[str | int]:
        return [
            t.id,
            style.day(t.date),
            spreadsheet_text(accounts.get(t.account_id)),
            spreadsheet_text(t.payee),
            spreadsheet_text(category),
            spreadsheet_text(memo),
            style.number(format_amount(amount, t.currency)),
            t.currency,
            t.status,
            spreadsheet_text(", ".join(t.tags)),
            spreadsheet_text(accounts.get(t.transfer_account_id) if t.transfer_account_id else ""),
        ]

    if t.splits:
        for part in t.splits:
            yield line(categories.get(part.category_id, ""), part.amount, part.memo or t.memo)
    else:
        yield line(categories.get(t.category_id, ""), t.amount, t.memo)
