"""Actual Budget's export (a .zip holding its `db.sqlite`), read into a Tallybook book.

The database is Actual's own (loot-core's schema): amounts in cents, dates as YYYYMMDD
integers, a split as a parent row with child rows, a transfer as a row in each account linked
by `transferred_id`, whose payee names the other account (`payees.transfer_acct`). Deleted
rows stay in it as tombstones; merged categories and payees are followed through
`category_mapping` and `payee_mapping`.
"""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

from server.otherapps.book_document import account_kind
from server.otherapps.budget_book import BudgetBook, Part, Row
from server.otherapps.foreign_book import ForeignBook, ForeignBookProblem

APP = "Actual Budget"
SQLITE_MAGIC = b"SQLite format 3\x00"
_TABLES = {"accounts", "categories", "category_groups", "payees", "transactions"}
# Actual's account types (older versions kept one) as Tallybook's.
_TYPES = {
    "checking": "checking",
    "savings": "savings",
    "credit": "credit_card",
    "investment": "investment",
    "mortgage": "loan",
    "debt": "loan",
    "other": "other",
}


def read_actual(data: bytes, file_name: str) -> ForeignBook:
    """Read Actual Budget's exported .zip (or its db.sqlite alone) into a book."""
    database, metadata = _unpack(data, file_name)
    with _opened(database) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        missing = _TABLES - tables
        if missing:
            raise ForeignBookProblem(
                f"{file_name} has a database, but not Actual Budget's: it lacks the "
                f"{', '.join(sorted(missing))} table(s)."
            )
        prefs = _preferences(conn, tables)
        name = str(metadata.get("budgetName") or Path(file_name).stem or APP)
        book = BudgetBook(APP, name, prefs.get("defaultCurrencyCode") or None)
        envelope = _is_envelope(prefs, metadata)
        _accounts(conn, book)
        _categories(conn, book, rollover=envelope)
        _transactions(conn, book)
        if tables >= {"zero_budgets", "reflect_budgets"}:
            _budgets(conn, book, "zero_budgets" if envelope else "reflect_budgets")
        return book.build(_balances(conn))


def _unpack(data: bytes, file_name: str) -> tuple[bytes, dict]:
    """Return the database and the metadata of the export (none for a db.sqlite alone)."""
    if data.startswith(SQLITE_MAGIC):
        return data, {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {Path(n).name: n for n in archive.namelist()}
        if "db.sqlite" not in names:
            raise ForeignBookProblem(
                f"{file_name} holds no db.sqlite: choose the .zip Actual Budget's Export gives."
            )
        metadata = {}
        if "metadata.json" in names:
            metadata = json.loads(archive.read(names["metadata.json"]))
        return archive.read(names["db.sqlite"]), metadata if isinstance(metadata, dict) else {}
    except (zipfile.BadZipFile, ValueError) as error:
        raise ForeignBookProblem(
            f"{file_name} is not an Actual Budget export (a .zip holding db.sqlite): {error}."
        ) from None


@contextmanager
def _opened(database: bytes) -> Iterator[sqlite3.Connection]:
    """Open a copy of the database read-only (sqlite3 reads files, not bytes)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "db.sqlite")
        path.write_bytes(database)
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        except sqlite3.Error as error:
            raise ForeignBookProblem(f"The db.sqlite cannot be opened: {error}.") from None
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        except sqlite3.DatabaseError as error:
            raise ForeignBookProblem(f"The db.sqlite cannot be read: {error}.") from None
        except (IndexError, ValueError, TypeError) as error:  # a column missing, a bad date
            raise ForeignBookProblem(
                f"The db.sqlite is not as Actual Budget writes it ({error})."
            ) from None
        finally:
            conn.close()


def _preferences(conn: sqlite3.Connection, tables: set[str]) -> dict[str, str]:
    if "preferences" not in tables:
        return {}
    return {row["id"]: row["value"] for row in conn.execute("SELECT id, value FROM preferences")}


def _is_envelope(prefs: dict[str, str], metadata: dict) -> bool:
    """Whether the budget is an envelope one (Actual's default) rather than a tracking one
    (newer versions keep the choice in preferences, older ones in metadata.json)."""
    kind = prefs.get("budgetType") or metadata.get("budgetType") or "envelope"
    return kind not in ("tracking", "report")


def _accounts(conn: sqlite3.Connection, book: BudgetBook) -> None:
    for a in conn.execute("SELECT * FROM accounts WHERE tombstone = 0 ORDER BY sort_order, name"):
        fallback = "other" if a["offbudget"] else "checking"
        kind = _TYPES.get(a["type"] or "") or account_kind(a["name"], fallback)
        book.account(a["id"], a["name"], kind, closed=bool(a["closed"]))


def _categories(conn: sqlite3.Connection, book: BudgetBook, *, rollover: bool) -> None:
    for c in conn.execute(
        "SELECT c.id, c.name, c.is_income, c.hidden OR g.hidden AS hidden, g.name AS grp, "
        "g.is_income AS group_income "
        "FROM categories c JOIN category_groups g ON g.id = c.cat_group "
        "WHERE c.tombstone = 0 AND g.tombstone = 0 ORDER BY g.sort_order, c.sort_order"
    ):
        income = bool(c["is_income"] or c["group_income"])
        kind = "income" if income else "expense"
        hidden = bool(c["hidden"])
        book.category(
            c["id"], c["grp"], c["name"], kind, rollover=rollover and not income, hidden=hidden
        )


def _transactions(conn: sqlite3.Connection, book: BudgetBook) -> None:
    categories = _mapping(conn, "category_mapping", "transferId")
    payee_ids = _mapping(conn, "payee_mapping", "targetId")
    payees = {p["id"]: p for p in conn.execute("SELECT id, name, transfer_acct FROM payees")}

    def payee(row: sqlite3.Row) -> tuple[str | None, str | None]:
        """The row's payee's name, or the account a transfer goes to."""
        found = payees.get(payee_ids.get(row["description"], row["description"]))
        if found is None:
            return None, None
        if found["transfer_acct"]:
            return None, found["transfer_acct"]
        return found["name"] or None, None

    def category(row: sqlite3.Row) -> str | None:
        key = categories.get(row["category"], row["category"])
        if key is not None and not book.has_category(key):
            book.count("amounts in a deleted category, kept uncategorised")
            return None
        return key

    def part(child: sqlite3.Row) -> Part:
        name, transfer = payee(child)
        amount = _cents(child["amount"])
        return Part(amount, category(child), child["notes"] or "", transfer, name)

    children: dict[str, list[sqlite3.Row]] = {}
    for child in conn.execute(
        "SELECT * FROM transactions WHERE isChild = 1 AND tombstone = 0 ORDER BY sort_order DESC"
    ):
        children.setdefault(child["parent_id"], []).append(child)
    for t in conn.execute(
        "SELECT * FROM transactions WHERE isChild = 0 AND tombstone = 0 "
        "ORDER BY date, sort_order DESC"
    ):
        if not book.has_account(t["acct"]):
            book.count("transactions in deleted accounts, left out")
            continue
        day = _day(t["date"])
        if t["starting_balance_flag"]:
            book.opening(t["acct"], _cents(t["amount"]), day)
            continue
        name, transfer = payee(t)
        parts = tuple(part(c) for c in children.get(t["id"], [])) if t["isParent"] else ()
        book.add(
            Row(
                account=t["acct"],
                day=day,
                amount=_cents(t["amount"]),
                payee=name,
                memo=t["notes"] or "",
                status="reconciled"
                if t["reconciled"]
                else "cleared"
                if t["cleared"]
                else "uncleared",
                category=None if parts else category(t),
                transfer=transfer,
                parts=parts,
            )
        )


def _budgets(conn: sqlite3.Connection, book: BudgetBook, table: str) -> None:
    categories = _mapping(conn, "category_mapping", "transferId")
    for b in conn.execute(f"SELECT month, category, amount FROM {table} WHERE amount != 0"):  # noqa: S608
        key = categories.get(b["category"], b["category"])
        if book.has_category(key):
            month = str(b["month"])
            book.budget(key, f"{month[:4]}-{month[4:6]}", _cents(b["amount"]))


def _balances(conn: sqlite3.Connection) -> dict[str, Decimal]:
    """Each open account's balance as Actual sums it: live rows, a split by its parts."""
    return {
        row["acct"]: _cents(row["total"])
        for row in conn.execute(
            "SELECT a.id AS acct, sum(t.amount) AS total FROM accounts a "
            "LEFT JOIN transactions t ON t.acct = a.id AND t.tombstone = 0 AND t.isParent = 0 "
            "AND (t.isChild = 0 OR t.parent_id IN "
            "(SELECT id FROM transactions WHERE tombstone = 0)) "
            "WHERE a.tombstone = 0 GROUP BY a.id"
        )
    }


def _mapping(conn: sqlite3.Connection, table: str, column: str) -> dict[str, str]:
    try:
        return dict(conn.execute(f"SELECT id, {column} FROM {table}").fetchall())  # noqa: S608
    except sqlite3.OperationalError:  # an old budget without the table
        return {}


def _day(value: int) -> date:
    text = str(value)
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _cents(value: int | None) -> Decimal:
    return Decimal(value or 0).scaleb(-2)
