"""A whole book brought from another finance app: read by that app's reader
(`server.otherapps`), made a new book at once (`book_load`, all or nothing), then each
account's balance compared with what the other app says it holds."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from server.clock import local_date
from server.db import Database
from server.domain.accounts import list_accounts
from server.domain.book_load import load_book
from server.domain.books import Book
from server.domain.currencies import minor_digits
from server.domain.money import format_amount
from server.errors import NotFound, ValidationFailed
from server.otherapps.foreign_book import ForeignBook, ForeignBookProblem
from server.otherapps.registry import APPS
from server.translatable import _l

MAX_OTHER_BOOK_BYTES = 64 * 1024 * 1024  # a GnuCash SQLite book of decades is some 30 MB


@dataclass(frozen=True)
class OtherAppFile:
    """A file exported from another app, to make a new book of."""

    app: str  # a key of `server.otherapps.registry.APPS`
    file_name: str
    content: bytes
    name: str | None = None  # the new book's name; the source's own when left out


@dataclass(frozen=True)
class AccountCheck:
    """One account's balance in the new book against the other app's."""

    account: str
    currency: str
    source_balance: str
    balance: str
    equal: bool


@dataclass(frozen=True)
class BroughtBook:
    """The new book, each account's balance checked, and what the reader noted."""

    book: Book
    app: str
    accounts: tuple[AccountCheck, ...]
    notes: tuple[str, ...]

    @property
    def mismatches(self) -> int:
        """How many accounts' balances differ from the other app's."""
        return sum(not check.equal for check in self.accounts)


def read_other_book(brought: OtherAppFile) -> ForeignBook:
    """Read the file with its app's reader; a file it cannot read is refused on `content`."""
    app = APPS.get(brought.app)
    if app is None:
        raise NotFound(
            _l(
                "Tallybook brings books from: %(join)s; not %(app)s.",
                join=", ".join(APPS),
                app=repr(brought.app),
            )
        )
    missing = app.missing()
    if missing:
        raise ValidationFailed.on("app", missing)
    if len(brought.content) > MAX_OTHER_BOOK_BYTES:
        raise ValidationFailed.on(
            "content", _l("The file is over %(value)s MB.", value=MAX_OTHER_BOOK_BYTES // 2**20)
        )
    try:
        foreign = app.reader(brought.content, brought.file_name)
    except ForeignBookProblem as problem:
        raise ValidationFailed.on("content", str(problem)) from None
    if brought.name:
        book = {**foreign.document["book"], "name": brought.name}
        foreign = dataclasses.replace(foreign, document={**foreign.document, "book": book})
    return foreign


def bring_book(
    database: Database, owner_id: int, brought: OtherAppFile, *, now: datetime
) -> BroughtBook:
    """Make a new book, owned by `owner_id`, from another app's file; all or nothing; then
    compare each account's balance with the source's (a difference is reported, not hidden)."""
    foreign = read_other_book(brought)
    book = load_book(database, owner_id, foreign.book_file(), now=now)
    with database.read() as conn:
        accounts = list_accounts(conn, book.id, today=local_date(now))
    checks = []
    for account in accounts:
        ours = Decimal(format_amount(account.balance_projected, account.currency))
        theirs = foreign.balances.get(account.name, Decimal(0))
        checks.append(
            AccountCheck(
                account=account.name,
                currency=account.currency,
                source_balance=_shown(theirs, account.currency),
                balance=format_amount(account.balance_projected, account.currency),
                equal=ours == theirs,
            )
        )
    return BroughtBook(book=book, app=brought.app, accounts=tuple(checks), notes=foreign.notes)


def _shown(amount: Decimal, currency: str) -> str:
    """The source's balance as the book shows amounts (as given, when it is finer)."""
    minor = amount.scaleb(minor_digits(currency))
    if minor != minor.to_integral_value():
        return str(amount)
    return format_amount(int(minor), currency)
