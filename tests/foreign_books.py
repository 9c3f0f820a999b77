"""Loading a book read from another app into a real database, and reading back what came."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from server.clock import utcnow
from server.db import Database
from server.domain.book_load import load_book
from server.otherapps.foreign_book import ForeignBook

FIXTURES = Path(__file__).parent / "fixtures" / "otherapps"


def load(database: Database, owner_id: int, book: ForeignBook) -> int:
    """Make a book of `book` as the app does; return its id."""
    return load_book(database, owner_id, book.book_file(), now=utcnow()).id


def counts(database: Database, book_id: int) -> dict[str, int]:
    """How many of each thing the book holds (a transfer counted once, for its two rows)."""
    queries = {
        "accounts": "SELECT count(*) FROM accounts WHERE book_id = ?",
        "archived accounts": "SELECT count(*) FROM accounts WHERE book_id = ? AND archived",
        "groups": "SELECT count(*) FROM category_groups WHERE book_id = ?",
        "categories": "SELECT count(*) FROM categories WHERE book_id = ?",
        "transactions": "SELECT count(*) FROM transactions WHERE book_id = ?",
        "split transactions": "SELECT count(DISTINCT s.transaction_id) FROM splits s "
        "JOIN transactions t ON t.id = s.transaction_id WHERE t.book_id = ?",
        "splits": "SELECT count(*) FROM splits s JOIN transactions t ON t.id = s.transaction_id "
        "WHERE t.book_id = ?",
        "transfers": "SELECT count(*) / 2 FROM transactions WHERE book_id = ? "
        "AND transfer_id IS NOT NULL",
        "budgets": "SELECT count(*) FROM budgets b JOIN categories c ON c.id = b.category_id "
        "WHERE c.book_id = ?",
    }
    with database.read() as conn:
        return {what: conn.execute(sql, [book_id]).fetchone()[0] for what, sql in queries.items()}


def _amounts(database: Database, sql: str, book_id: int) -> dict:
    """The rows of `sql` as {key columns: the last column, an amount in major units}."""
    with database.read() as conn:
        rows = conn.execute(sql, [book_id]).fetchall()
    return {
        (row[0] if len(row) == 2 else tuple(row[:-1])): Decimal(row[-1]).scaleb(-2) for row in rows
    }


def balances(database: Database, book_id: int) -> dict[str, Decimal]:
    """Each account's balance with everything in it, whatever its date."""
    return _amounts(
        database,
        "SELECT a.name, a.opening_balance + coalesce(sum(t.amount), 0) FROM accounts a "
        "LEFT JOIN transactions t ON t.account_id = a.id WHERE a.book_id = ? GROUP BY a.id",
        book_id,
    )


def budgets(database: Database, book_id: int) -> dict[tuple[str, str], Decimal]:
    """The budgeted amounts by (category, month)."""
    return _amounts(
        database,
        "SELECT c.name, b.month, b.amount FROM budgets b "
        "JOIN categories c ON c.id = b.category_id WHERE c.book_id = ?",
        book_id,
    )
