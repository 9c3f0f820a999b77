"""Firefly III's CSV export of transactions (Export data -> Export transactions) as a book.

Firefly books every journal from a source account to a destination account. Asset accounts and
liabilities (loans, debts, mortgages) are the household's own: they become accounts. The other
side of a withdrawal (an expense account) or a deposit (a revenue account) is the payee; a
journal between two own accounts is a transfer; an opening balance comes from Firefly's initial
balance account. The journals of one group (a split) in one account become one transaction with
a part per journal. The export writes a withdrawal's amount negative and the rest positive;
money always moves from the source to the destination, so only the size is read here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.text import decode
from server.otherapps.book_document import BookDocument
from server.otherapps.foreign_book import ForeignBook, ForeignBookProblem

APP = "Firefly III"
NEEDED = (
    "group_id",
    "type",
    "amount",
    "currency_code",
    "foreign_amount",
    "foreign_currency_code",
    "description",
    "date",
    "source_name",
    "source_type",
    "destination_name",
    "destination_type",
)
# Firefly's types of the household's own accounts, and the kind of account each becomes.
OWN_TYPES = {
    "Asset account": "checking",
    "Default account": "checking",  # what older versions call an asset account
    "Loan": "loan",
    "Debt": "loan",
    "Mortgage": "loan",
}
OPENING_TYPES = ("Opening balance", "Liability credit")
GROUPS = {"expense": "Expenses", "income": "Income"}


@dataclass(frozen=True)
class _Journal:
    line: int
    group: str
    kind: str
    title: str
    day: date
    amount: Decimal  # its size: it moves from the source to the destination
    received: Decimal  # what the destination gets (the foreign amount between currencies)
    currency: str
    received_currency: str
    source: tuple[str, str]  # name, Firefly's type
    destination: tuple[str, str]
    description: str
    reconciled: bool
    category: str
    tags: tuple[str, ...]
    memo: str


def read_firefly(data: bytes, file_name: str) -> ForeignBook:
    """Read Firefly III's export of transactions (a CSV file) as a new book."""
    try:
        text, _ = decode(data)
    except ImportProblem as problem:
        raise ForeignBookProblem(f"{file_name}: {problem}") from None
    rows = csv.DictReader(io.StringIO(text))
    missing = [name for name in NEEDED if name not in (rows.fieldnames or [])]
    if missing:
        raise ForeignBookProblem(
            f"{file_name} is not Firefly III's export of transactions: it has no "
            f"{', '.join(missing)} column. In Firefly III, open Export data and choose "
            "Export transactions."
        )
    journals = [_journal(row, line) for line, row in enumerate(rows, 2)]
    if not journals:
        raise ForeignBookProblem(f"{file_name} holds no transactions.")
    return _book(journals)


def _journal(row: dict[str, Any], line: int) -> _Journal:
    def amount(column: str) -> Decimal:
        try:
            return abs(Decimal(row[column].strip()))
        except (InvalidOperation, AttributeError):
            raise ForeignBookProblem(
                f"Line {line}: the {column} {row[column]!r} is not an amount."
            ) from None

    try:
        day = date.fromisoformat((row["date"] or "")[:10])
    except ValueError:
        raise ForeignBookProblem(f"Line {line}: {row['date']!r} is not a date.") from None
    currency = (row["currency_code"] or "").strip()
    if not currency:
        raise ForeignBookProblem(f"Line {line}: the currency_code is empty.")
    foreign = (row["foreign_currency_code"] or "").strip()
    notes = (row.get("notes") or "").strip()
    description = (row["description"] or "").strip()
    return _Journal(
        line=line,
        group=row["group_id"],
        kind=row["type"],
        title=(row.get("group_title") or "").strip(),
        day=day,
        amount=amount("amount"),
        received=amount("foreign_amount") if foreign else amount("amount"),
        currency=currency,
        received_currency=foreign or currency,
        source=(row["source_name"], row["source_type"]),
        destination=(row["destination_name"], row["destination_type"]),
        description=description,
        reconciled=(row.get("reconciled") or "").strip().lower() in ("1", "true"),
        category=(row.get("category") or "").strip(),
        tags=tuple(t.strip() for t in (row.get("tags") or "").split(",") if t.strip()),
        memo=" — ".join(part for part in (description, " ".join(notes.split())) if part),
    )


def _book(journals: list[_Journal]) -> ForeignBook:
    """The accounts, categories and transactions of the journals, as a book file."""
    book = BookDocument(APP)
    held: dict[str, Decimal] = {}  # what Firefly shows each account holds
    spent = {j.category for j in journals if j.kind != "Deposit"}
    categories = {
        j.category: "expense" if j.category in spent else "income" for j in journals if j.category
    }
    for kind in sorted(set(categories.values())):
        book.group(GROUPS[kind])
    for name, kind in categories.items():
        book.category(name, GROUPS[kind], name, kind)
    parts: dict[tuple[str, str], list[tuple[_Journal, Decimal]]] = {}
    for j in journals:
        own = [side for side in (j.source, j.destination) if side[1] in OWN_TYPES]
        for name, kind in own:
            if name not in book.accounts:
                received = name == j.destination[0]
                currency = j.received_currency if received else j.currency
                book.account(name, name, OWN_TYPES[kind], currency)
                held[name] = Decimal(0)
            book.open(name, Decimal(0), j.day)
        if len(own) == 2 and j.kind not in OPENING_TYPES:
            source, destination = j.source[0], j.destination[0]
            held[source] -= j.amount
            held[destination] += j.received
            out = _transaction(book, [(j, -j.amount)], source, None, transfer=True)
            book.pair(out, _transaction(book, [(j, j.received)], destination, None, transfer=True))
        elif len(own) == 1:
            name = own[0][0]
            change = j.received if name == j.destination[0] else -j.amount
            held[name] += change
            if j.kind in OPENING_TYPES:
                book.open(name, change, j.day)
            else:
                parts.setdefault((j.group, name), []).append((j, change))
        else:
            book.notes.append(
                f"Line {j.line}: {j.description!r} moves money between no accounts of "
                "yours (or two of them as an opening balance); left out."
            )
    for (_, name), group in parts.items():
        first = group[0][0]
        payee = first.destination[0] if first.destination[0] != name else first.source[0]
        _transaction(
            book, group, name, "Reconciliation" if first.kind == "Reconciliation" else payee
        )
    return book.build(APP, None, held)


def _transaction(
    book: BookDocument,
    group: list[tuple[_Journal, Decimal]],
    account: str,
    payee: str | None,
    *,
    transfer: bool = False,
) -> dict[str, Any]:
    """One transaction for a group's journals in one account: a split when several, with no
    category when it is a side of a transfer."""
    first = group[0][0]
    several = len(group) > 1
    return book.transaction(
        account,
        first.day,
        sum((change for _, change in group), Decimal(0)),
        payee=payee,
        memo=first.title if several else first.memo,
        status="reconciled" if all(j.reconciled for j, _ in group) else "cleared",
        tags=list(first.tags) if transfer else sorted({tag for j, _ in group for tag in j.tags}),
        category=None if several or transfer else first.category or None,
        parts=[(change, j.category or None, j.memo) for j, change in group] if several else (),
    )
