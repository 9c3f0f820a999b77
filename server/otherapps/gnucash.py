"""GnuCash books, as GnuCash saves them: SQLite (read-only) or gzip-compressed XML.

Both are read into the same few lists (accounts, transactions with their splits) and then
brought over one way. The tables and elements are GnuCash's own (wiki.gnucash.org/wiki/SQL;
the XML book is the same objects). Amounts are GnuCash's exact fractions.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import sqlite3
import tempfile
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path, PurePath

from server.otherapps.book_builder import BookBuilder, Entry, Posting
from server.otherapps.book_document import account_kind, is_money
from server.otherapps.foreign_book import ForeignBook, ForeignBookProblem

# Account types that hold money, with the Tallybook type when the name says nothing better.
MONEY_TYPES = {
    "BANK": "checking",
    "CASH": "cash",
    "ASSET": "other",
    "CREDIT": "credit_card",
    "LIABILITY": "other",
    "RECEIVABLE": "other",
    "PAYABLE": "other",
}
CATEGORY_TYPES = {"INCOME": "income", "EXPENSE": "expense"}
# GnuCash's reconcile states: not, cleared, reconciled, frozen, void.
STATUSES = {"n": "uncleared", "c": "cleared", "y": "reconciled", "f": "reconciled"}
CURRENCY_SPACES = ("CURRENCY", "ISO4217")  # the XML's old name for it too
MAX_XML_BYTES = 512 * 1024 * 1024  # decompressed: a larger "book" is a bomb, not a book
# What a GnuCash book holds that is not read yet, by table (SQLite) and element (XML).
NOT_READ = {
    "budgets": ("budgets", "gnc:budget"),
    "scheduled transactions": ("schedxactions", "gnc:schedxaction"),
}
NOT_GNUCASH = "This is not a GnuCash book: choose the .gnucash file saved as SQLite or XML."


@dataclass(frozen=True)
class _Account:
    name: str
    kind: str
    commodity: str  # "CURRENCY:USD", or another space for shares
    parent: str | None
    placeholder: bool


@dataclass(frozen=True)
class _Split:
    account: str
    value: Decimal  # in the transaction's currency
    quantity: Decimal  # in the account's commodity
    reconcile: str
    memo: str


@dataclass(frozen=True)
class _Transaction:
    day: date
    currency: str
    num: str
    description: str
    splits: tuple[_Split, ...]


def read_gnucash(data: bytes, file_name: str) -> ForeignBook:
    """Read a GnuCash book (SQLite, or XML, gzip-compressed or not) into a book."""
    if data.startswith(b"SQLite format 3\x00"):
        accounts, transactions, not_read = _read_sqlite(data)
    elif data.startswith(b"\x1f\x8b") or data.lstrip().startswith(b"<?xml"):
        accounts, transactions, not_read = _read_xml(data)
    else:
        raise ForeignBookProblem(NOT_GNUCASH)
    foreign = _build(accounts, transactions, PurePath(file_name).stem or "GnuCash")
    said = [f"Not read yet: {n} GnuCash {what}." for what, n in not_read.items() if n]
    return dataclasses.replace(foreign, notes=(*foreign.notes, *said))


def _fraction(num: int | str, denom: int | str) -> Decimal:
    with localcontext() as exact:
        exact.prec = 40
        return Decimal(int(num)) / Decimal(int(denom))


def _read_sqlite(data: bytes) -> tuple[dict[str, _Account], list[_Transaction], dict[str, int]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.gnucash"
        path.write_bytes(data)
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return _sqlite_rows(conn)
        except sqlite3.DatabaseError:
            raise ForeignBookProblem(NOT_GNUCASH) from None
        finally:
            conn.close()


def _sqlite_rows(
    conn: sqlite3.Connection,
) -> tuple[dict[str, _Account], list[_Transaction], dict[str, int]]:
    not_read = {
        what: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - ours
        for what, (table, _) in NOT_READ.items()
    }
    placeholders = {
        guid
        for (guid,) in conn.execute(
            "SELECT obj_guid FROM slots WHERE name = 'placeholder' AND string_val = 'true'"
        )
    }
    accounts = {
        guid: _Account(
            name, kind, f"{space}:{mnemonic}", parent, placeholder or guid in placeholders
        )
        for guid, name, kind, space, mnemonic, parent, placeholder in conn.execute(
            "SELECT a.guid, a.name, a.account_type, c.namespace, c.mnemonic, a.parent_guid, "
            "a.placeholder FROM accounts a LEFT JOIN commodities c ON c.guid = a.commodity_guid"
        )
    }
    splits = defaultdict(list)
    for row in conn.execute(
        "SELECT tx_guid, account_guid, value_num, value_denom, quantity_num, quantity_denom, "
        "reconcile_state, memo FROM splits"
    ):
        tx, account, value_num, value_denom, quantity_num, quantity_denom, state, memo = row
        splits[tx].append(
            _Split(
                account,
                _fraction(value_num, value_denom),
                _fraction(quantity_num, quantity_denom),
                state,
                memo or "",
            )
        )
    transactions = [
        _Transaction(
            date.fromisoformat(posted[:10]),
            currency,
            num or "",
            description or "",
            tuple(splits[guid]),
        )
        for guid, posted, currency, num, description in conn.execute(
            "SELECT t.guid, t.post_date, c.mnemonic, t.num, t.description FROM transactions t "
            "LEFT JOIN commodities c ON c.guid = t.currency_guid ORDER BY t.post_date, t.rowid"
        )
    ]
    return accounts, transactions, not_read


def _read_xml(data: bytes) -> tuple[dict[str, _Account], list[_Transaction], dict[str, int]]:
    from defusedxml import ElementTree  # only when a book in XML comes (not at start)
    from defusedxml.common import DefusedXmlException

    text = _gunzipped(data) if data.startswith(b"\x1f\x8b") else data
    try:
        root = ElementTree.fromstring(text, forbid_dtd=True)
    except DefusedXmlException:
        raise ForeignBookProblem(
            "This XML declares a DTD or entities, which a GnuCash book never does; it is refused."
        ) from None
    except ElementTree.ParseError as error:
        raise ForeignBookProblem(f"{NOT_GNUCASH} ({error})") from None
    book = root.find("gnc:book", NS)
    if root.tag != "gnc-v2" or book is None:
        raise ForeignBookProblem(NOT_GNUCASH)
    accounts = {}
    for item in book.findall("gnc:account", NS):
        slots = {
            slot.findtext("slot:key", "", NS): slot.findtext("slot:value", "", NS)
            for slot in item.findall("act:slots/slot", NS)
        }
        space = item.findtext("act:commodity/cmdty:space", "", NS)
        accounts[item.findtext("act:id", "", NS)] = _Account(
            item.findtext("act:name", "", NS),
            item.findtext("act:type", "", NS),
            f"{space}:{item.findtext('act:commodity/cmdty:id', '', NS)}",
            item.findtext("act:parent", None, NS),
            slots.get("placeholder") == "true",
        )
    transactions = []
    for item in book.findall("gnc:transaction", NS):
        splits = tuple(
            _Split(
                split.findtext("split:account", "", NS),
                _fraction(*split.findtext("split:value", "0/1", NS).split("/")),
                _fraction(*split.findtext("split:quantity", "0/1", NS).split("/")),
                split.findtext("split:reconciled-state", "n", NS),
                split.findtext("split:memo", "", NS),
            )
            for split in item.findall("trn:splits/trn:split", NS)
        )
        posted = item.findtext("trn:date-posted/ts:date", "", NS)
        transactions.append(
            _Transaction(
                date.fromisoformat(posted[:10]),
                item.findtext("trn:currency/cmdty:id", "", NS),
                item.findtext("trn:num", "", NS),
                item.findtext("trn:description", "", NS),
                splits,
            )
        )
    transactions.sort(key=lambda t: t.day)
    not_read = {what: len(book.findall(tag, NS)) for what, (_, tag) in NOT_READ.items()}
    return accounts, transactions, not_read


NS = {
    name: f"http://www.gnucash.org/XML/{name}"
    for name in ("gnc", "act", "cmdty", "slot", "split", "trn", "ts")
}


def _gunzipped(data: bytes) -> bytes:
    """Decompress, refusing what grows past MAX_XML_BYTES (a gzip bomb)."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(1024 * 1024):
                out.write(chunk)
                if out.tell() > MAX_XML_BYTES:
                    raise ForeignBookProblem(
                        f"This file unpacks to more than {MAX_XML_BYTES // 2**20} MB; "
                        "a GnuCash book is far smaller."
                    )
    except (OSError, EOFError, zlib.error):
        raise ForeignBookProblem(NOT_GNUCASH) from None
    return out.getvalue()


def _path(accounts: dict[str, _Account], guid: str) -> list[str]:
    """The account's names from the top (the root left out)."""
    names = []
    while guid in accounts and accounts[guid].kind != "ROOT":
        names.append(accounts[guid].name)
        guid = accounts[guid].parent or ""
    return names[::-1]


def _build(
    accounts: dict[str, _Account], transactions: list[_Transaction], name: str
) -> ForeignBook:
    builder = BookBuilder("gnucash")
    others: list[str] = []
    for guid, account in accounts.items():
        path = _path(accounts, guid)
        full = ":".join(path)
        space, _, currency = account.commodity.partition(":")
        if account.kind in MONEY_TYPES and not account.placeholder:
            if space in CURRENCY_SPACES and is_money(currency):
                kind = MONEY_TYPES[account.kind]
                if account.kind in ("BANK", "ASSET", "LIABILITY"):  # the name may say more
                    kind = account_kind(account.name, kind)
                builder.account(guid, account.name, kind, currency)
            else:
                others.append(f"{full} ({account.kind}, {currency})")
        elif account.kind in CATEGORY_TYPES:
            parent = accounts.get(account.parent or "")
            group = parent.name if parent and parent.kind in CATEGORY_TYPES else account.name
            if account.placeholder:
                builder.group(group if parent and parent.kind != "ROOT" else account.name)
            else:
                builder.category(guid, group, account.name, CATEGORY_TYPES[account.kind])
        elif account.kind == "EQUITY" and "opening" in account.name.casefold():
            builder.opening(guid)
        elif account.kind not in ("ROOT", "EQUITY") and not account.placeholder:
            others.append(f"{full} ({account.kind}, {currency})")
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for transaction in transactions:
        for split in transaction.splits:
            balances[split.account] += split.quantity
        builder.add(_entry(transaction, builder, accounts))
    if others:
        builder.notes.append(
            "Not brought over: accounts of shares, funds and other commodities, which Tallybook "
            "does not keep: " + ", ".join(others) + ". The money that bought or sold them stays "
            "on its account, uncategorised."
        )
    return builder.build(name[:100], dict(balances))


def _entry(transaction: _Transaction, builder: BookBuilder, accounts: dict[str, _Account]) -> Entry:
    """A GnuCash transaction as the builder takes it: accounts' splits by their quantity
    (in the account's currency), categories' by their value (in the transaction's)."""
    postings = tuple(
        Posting(
            account=split.account,
            amount=split.quantity if builder.is_account(split.account) else split.value,
            currency=accounts[split.account].commodity.partition(":")[2]
            if builder.is_account(split.account)
            else transaction.currency,
            status=STATUSES.get(split.reconcile, "uncleared"),
            memo=split.memo,
        )
        for split in transaction.splits
    )
    number = f"No. {transaction.num}" if transaction.num else ""
    return Entry(
        day=transaction.day,
        payee=transaction.description or None,
        memo=number,
        status="uncleared",
        tags=(),
        postings=postings,
    )
