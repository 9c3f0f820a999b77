"""A bank file's names linked to the book: the categories its rows name ("Group:Category"),
matched to the book's or created, and the accounts its transfers name (QIF's `[Savings]`),
matched to the book's or left unlinked; the person may map any of them instead.

Rows that carry such links (or a cleared mark, or a class) are written the way the app writes
transactions (`create_in_write`: splits, transfer pairs, rules where the file names no
category), each linked to its import so the import's undo takes it out. A split line to a
linked account becomes a transfer of its own beside the split (the app's splits are in
categories). A row the other program marks reconciled comes in cleared: reconciled here means
agreed with a statement in a Tallybook reconciliation, which locks the row and would keep the
import from being undone; the person reconciles it here when they next do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

import sqlite_utils

from server.bankfiles.rows import Row
from server.db import Database
from server.domain.categories import CategoryInput, create_category
from server.domain.category_groups import GroupInput, create_group
from server.domain.transaction_rules import SplitInput, TransactionInput
from server.domain.transactions import create_in_write
from server.errors import FieldError, ValidationFailed
from server.translatable import _l

if TYPE_CHECKING:
    from server.domain.imports import PlannedRow

MAPPING_MAX = 1000  # the names a mapping may send
LINK_NAME_MAX = 255  # a name as a file writes it ("Group:Category", an account's full name)
LINK_KINDS = ("category", "account")
# What a link's name comes to, and why.
MATCHED, MAPPED, CREATE, UNLINKED, THIS_ACCOUNT = (
    "matched",
    "mapped",
    "create",
    "unlinked",
    "this account",
)
# The days between the two files' dates of one transfer that still make it one.
TRANSFER_WINDOW_DAYS = 3


@dataclass(frozen=True)
class LinkMapping:
    """The person's choices: a file's category or account name -> the book's id for it."""

    categories: Mapping[str, int] = field(default_factory=dict)
    accounts: Mapping[str, int] = field(default_factory=dict)


class Link(NamedTuple):
    """One name of the file and what it comes to in the book."""

    kind: str  # category or account
    name: str  # as the file writes it
    id: int | None  # the book's category or account; None: created on import, or unlinked
    action: str  # MATCHED, MAPPED, CREATE, UNLINKED or THIS_ACCOUNT (an opening balance)


def carries_links(row: Row) -> bool:
    """Whether a row says more than a bank's plain line: it is then written one by one."""
    return bool(row.category or row.transfer or row.splits or row.cleared or row.tag)


def _names(rows: Iterable[Row]) -> tuple[dict[str, int], list[str]]:
    """The categories the rows name (with the sum of their amounts: its sign says income or
    expense) and the accounts they name, in the file's order."""
    categories: dict[str, int] = {}
    accounts: dict[str, None] = {}
    for row in rows:
        parts = row.splits or ((row.amount, row.category, row.transfer),)
        for amount, category, transfer, *_ in parts:
            if category:
                categories[category] = categories.get(category, 0) + (1 if amount > 0 else -1)
            if transfer:
                accounts[transfer] = None
    return categories, list(accounts)


def _book_categories(conn: sqlite3.Connection, book_id: int) -> dict[str, int]:
    """The book's categories by "group:name" and by name alone (any case; the first wins)."""
    known: dict[str, int] = {}
    for category_id, name, group in conn.execute(
        "SELECT c.id, c.name, g.name FROM categories c JOIN category_groups g "
        "ON g.id = c.group_id WHERE c.book_id = ? ORDER BY c.archived, c.id",
        [book_id],
    ):
        known.setdefault(f"{group}:{name}".casefold(), category_id)
        known.setdefault(name.casefold(), category_id)
    return known


def _book_accounts(conn: sqlite3.Connection, book_id: int) -> dict[str, int]:
    return {
        name.casefold(): account_id
        for account_id, name in conn.execute(
            "SELECT id, name FROM accounts WHERE book_id = ? ORDER BY archived DESC, id DESC",
            [book_id],
        )
    }


def _check_mapping(
    conn: sqlite3.Connection, book_id: int, mapping: LinkMapping, categories: dict, accounts: list
) -> None:
    """Refuse a mapping of names the file does not use, or to ids the book does not have."""
    errors = []
    for kind, chosen, named, table in (
        ("category", mapping.categories, categories, "categories"),
        ("account", mapping.accounts, accounts, "accounts"),
    ):
        for name, target in chosen.items():
            if name not in named:
                errors.append(
                    FieldError(
                        "mapping",
                        _l("The file names no %(kind)s %(name)s.", kind=kind, name=repr(name)),
                    )
                )
            elif not conn.execute(
                f"SELECT 1 FROM {table} WHERE id = ? AND book_id = ?",  # noqa: S608 (fixed names)
                [target, book_id],
            ).fetchone():
                errors.append(
                    FieldError(
                        "mapping",
                        _l(
                            "%(name)s: this book has no %(kind)s with id %(target)s.",
                            name=name,
                            kind=kind,
                            target=target,
                        ),
                    )
                )
    if errors:
        raise ValidationFailed(_l("The mapping names what is not there."), errors=errors[:50])


def plan_links(
    conn: sqlite3.Connection,
    book_id: int,
    account_id: int,
    rows: list[Row],
    mapping: LinkMapping,
) -> list[Link]:
    """What each category and account the rows name comes to in the book: mapped, matched
    (by "Group:Category" or the category's name; by the account's name, or the last part of
    a full name such as GnuCash's "Assets:Current Assets:Savings"), else created (a category,
    in its group) or left unlinked (an account: the row stays a plain one)."""
    categories, accounts = _names(rows)
    _check_mapping(conn, book_id, mapping, categories, accounts)
    links = []
    known = _book_categories(conn, book_id)
    for name in categories:
        if name in mapping.categories:
            links.append(Link("category", name, mapping.categories[name], MAPPED))
            continue
        found = known.get(name.casefold()) or known.get(name.rpartition(":")[2].casefold())
        links.append(Link("category", name, found, MATCHED if found else CREATE))
    book_accounts = _book_accounts(conn, book_id)
    for name in accounts:
        if name in mapping.accounts:
            found, action = mapping.accounts[name], MAPPED
        else:
            found = book_accounts.get(name.casefold()) or book_accounts.get(
                name.rpartition(":")[2].strip().casefold()
            )
            action = MATCHED if found else UNLINKED
        if found == account_id:
            found, action = None, THIS_ACCOUNT  # Quicken's opening balance names its own account
        links.append(Link("account", name, found, action))
    return links


def _group_id(database: Database, book_id: int, name: str, now: datetime) -> int:
    with database.write() as db:
        row = db.execute(
            "SELECT id FROM category_groups WHERE book_id = ? AND name = ?", [book_id, name]
        ).fetchone()
    return row[0] if row else create_group(database, book_id, GroupInput(name), now=now).id


def create_categories(
    database: Database, book_id: int, links: list[Link], rows: list[Row], *, now: datetime
) -> dict[str, int]:
    """Create the categories the links leave to create that the rows use (each in the group
    its name starts with, made too where the book has none of that name; income where the
    rows' amounts in it are mostly money in); return the linked categories' ids by name."""
    signs, _ = _names(rows)
    ids = {link.name: link.id for link in links if link.kind == "category" and link.id}
    for link in links:
        if link.kind == "category" and link.action == CREATE and link.name in signs:
            group, _, name = link.name.rpartition(":")
            kind = "income" if signs[link.name] > 0 else "expense"
            group_id = _group_id(database, book_id, group.strip() or "Imported", now)
            ids[link.name] = create_category(
                database, book_id, CategoryInput(name.strip(), group_id, kind), now=now
            ).id
    return ids


def known_transfers(
    conn: sqlite3.Connection, account_id: int, planned: list[PlannedRow], links: list[Link]
) -> list[PlannedRow]:
    """Mark as already there the transfers the other account's file brought in before: its
    side in this account, of the same amount a few days apart, whatever its payee."""
    accounts = {link.name: link.id for link in links if link.kind == "account" and link.id}
    taken = {p.duplicate_of for p in planned if p.duplicate_of is not None}
    marked = []
    for p in planned:
        other = accounts.get(p.row.transfer or "")
        if p.duplicate_of is None and other is not None:
            match = conn.execute(
                "SELECT t.id FROM transactions t JOIN transactions o ON o.id = t.transfer_id "
                "WHERE t.account_id = ? AND o.account_id = ? AND t.amount = ? "
                "AND abs(julianday(t.date) - julianday(?)) <= ? "
                "AND t.id NOT IN (SELECT value FROM json_each(?)) "
                "ORDER BY abs(julianday(t.date) - julianday(?)) LIMIT 1",
                [
                    account_id,
                    other,
                    p.amount,
                    p.row.date.isoformat(),
                    TRANSFER_WINDOW_DAYS,
                    f"[{','.join(str(i) for i in taken)}]",
                    p.row.date.isoformat(),
                ],
            ).fetchone()
            if match is not None:
                taken.add(match[0])
                p = p._replace(duplicate_of=match[0])
        marked.append(p)
    return marked


class _Part(NamedTuple):
    amount: Decimal
    category_id: int | None
    account_id: int | None
    memo: str


def _text(amount: Decimal) -> str:
    """An amount as the API reads it: `1500.00` as `1500` (a currency without cents takes
    it), `12.50` as it is (refused, naming its line, where the currency has no cents)."""
    return format(amount.quantize(1) if amount == amount.to_integral_value() else amount, "f")


def _inputs(
    p: PlannedRow, account_id: int, categories: dict, accounts: dict, unknown: set[str]
) -> list[TransactionInput]:
    """The transactions a row becomes: itself (plain, categorized, split or a transfer), and
    one transfer for each split line that goes to a linked account."""
    row = p.row

    def unlinked(memo: str, name: str | None) -> str:
        """A transfer to an account the book does not have keeps the name in its memo."""
        return f"{memo} [{name}]".strip() if name in unknown else memo

    parts = [
        _Part(
            s.amount,
            categories.get(s.category or ""),
            accounts.get(s.transfer or ""),
            unlinked(s.memo, s.transfer),
        )
        for s in row.splits
    ] or [
        _Part(
            row.amount,
            categories.get(row.category or "") or p.category_id,
            accounts.get(row.transfer or ""),
            unlinked(row.memo, row.transfer),
        )
    ]
    common = {
        "account_id": account_id,
        "date": row.date,
        "payee": row.payee.strip() or None,
        "tags": [row.tag] if row.tag else [],
        # Reconciled in the other program is cleared here: see plan_links's module docstring.
        "status": "cleared" if row.cleared else "uncleared",
        "confirm_far_date": True,
    }
    made = [
        TransactionInput(
            **common,
            amount=_text(part.amount),
            memo=part.memo or row.memo,
            transfer_account_id=part.account_id,
        )
        for part in parts
        if part.account_id is not None
    ]
    kept = [part for part in parts if part.account_id is None]
    if len(kept) == 1:
        made.insert(
            0,
            TransactionInput(
                **common,
                amount=_text(kept[0].amount),
                memo=kept[0].memo or row.memo,
                category_id=kept[0].category_id,
            ),
        )
    elif kept:
        made.insert(
            0,
            TransactionInput(
                **common,
                amount=_text(sum(part.amount for part in kept)),
                memo=row.memo,
                splits=[
                    SplitInput(_text(part.amount), part.category_id, part.memo) for part in kept
                ],
            ),
        )
    return made


def add_linked(
    db: sqlite_utils.Database,
    book_id: int,
    account_id: int,
    planned: list[PlannedRow],
    links: list[Link],
    categories: dict[str, int],
    *,
    import_id: int,
    now: datetime,
) -> None:
    """Write the rows that carry links inside the caller's write transaction, as part of the
    import `import_id`."""
    accounts = {link.name: link.id for link in links if link.kind == "account" and link.id}
    unknown = {link.name for link in links if link.action == UNLINKED}
    added: list[int] = []
    for p in sorted(planned, key=lambda p: (p.row.date, p.row.line)):
        for data in _inputs(p, account_id, categories, accounts, unknown):
            try:
                added.append(create_in_write(db, book_id, data, now).id)
            except ValidationFailed as refused:
                where = f"Line {p.row.line}: "
                raise ValidationFailed(
                    where + refused.detail,
                    errors=[FieldError("file", where + e.message) for e in refused.errors],
                ) from None
    db.execute(
        "UPDATE transactions SET import_id = ? WHERE id IN (SELECT value FROM json_each(?))",
        [import_id, f"[{','.join(map(str, added))}]"],
    )


def mapping_of(choices: Iterable[Mapping[str, object]]) -> LinkMapping:
    """A mapping from the person's choices: each `{"kind", "name", "id"}`."""
    picked: dict[str, dict[str, int]] = {"category": {}, "account": {}}
    for choice in choices:
        picked[str(choice["kind"])][str(choice["name"])] = int(choice["id"])
    return LinkMapping(picked["category"], picked["account"])
