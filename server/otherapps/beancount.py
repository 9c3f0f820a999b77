"""Beancount ledgers (what Fava users keep), read with Beancount's own loader.

Beancount is GPL-2.0 and an optional extra (`pip install 'tallybook[beancount]'`), so it is
imported inside the reader and never bundled. Assets and Liabilities become accounts,
Income and Expenses categories (the middle part of the name as the group), the opening-balance
equity account the accounts' opening balances; `balance` assertions are checked by the loader
and reported.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from server.otherapps.book_builder import BookBuilder, Entry, Posting
from server.otherapps.book_document import account_kind, is_money
from server.otherapps.foreign_book import ForeignBook, ForeignBookProblem

MISSING = (
    "Reading Beancount files needs Beancount, an optional part of Tallybook: install it with "
    "pip install 'tallybook[beancount]' and start Tallybook again."
)
# Plugins are programs: only Beancount's own run; a ledger naming another is refused.
OWN_PLUGINS = ("beancount.plugins.", "beancount.ops.")
# The flags that mean a transaction has gone through: Beancount's "*" and the pad's "P".
CLEARED_FLAGS = ("*", "P")
SHOWN_ERRORS = 3


def beancount_installed() -> bool:
    """Whether the optional Beancount extra is there to read with."""
    try:
        import beancount.loader  # noqa: F401 - only whether it imports
    except ImportError:
        return False
    return True


def read_beancount(data: bytes, file_name: str) -> ForeignBook:
    """Read a Beancount ledger file into a book."""
    try:
        from beancount import loader
        from beancount.core import convert
        from beancount.core import data as directives
        from beancount.ops.balance import BalanceError
        from beancount.parser import parser
    except ImportError:
        raise ForeignBookProblem(MISSING) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ForeignBookProblem("A Beancount file is text in UTF-8; this one is not.") from None
    _refuse_outside_reads(parser.parse_string(text)[2])
    entries, errors, options = loader.load_string(text)
    broken = [e for e in errors if type(e).__name__ in ("LexerError", "ParserSyntaxError")]
    if broken or not any(isinstance(e, directives.Transaction | directives.Open) for e in entries):
        raise ForeignBookProblem(
            "This is not a Beancount ledger Tallybook can read: "
            + (_listed(broken) if broken else "it holds no accounts or transactions.")
        )
    roots = {key: options[f"name_{key}"] for key in ("assets", "liabilities", "income", "expenses")}
    builder = BookBuilder("beancount")
    transactions = [e for e in entries if isinstance(e, directives.Transaction)]
    held_at_cost = {
        p.units.currency for t in transactions for p in t.postings if p.cost is not None
    }
    currencies = _account_currencies(entries, directives, held_at_cost)
    for account, currency in currencies.items():
        _declare(builder, account, currency, roots, options["name_equity"])
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for transaction in transactions:
        for posting in transaction.postings:
            if currencies.get(posting.account) == posting.units.currency:
                balances[posting.account] += posting.units.number
        builder.add(_entry(transaction, builder, convert))
    _note_the_rest(builder, entries, directives, held_at_cost)
    for entry in entries:
        if isinstance(entry, directives.Close) and builder.is_account(entry.account):
            builder.close(entry.account)
    assertions = [e for e in entries if isinstance(e, directives.Balance)]
    failed = [e for e in errors if isinstance(e, BalanceError)]
    others = [e for e in errors if not isinstance(e, BalanceError) and e not in broken]
    notes = [f"Balance assertion failed in the Beancount file: {e.message}" for e in failed]
    if assertions and not failed:
        notes.append(f"All {len(assertions)} balance assertions of the Beancount file hold.")
    notes += [f"Beancount says: {e.message}" for e in others[:SHOWN_ERRORS]]
    name = options.get("title") or PurePath(file_name).stem or "Beancount"
    return builder.build(name.strip()[:100] or "Beancount", dict(balances), notes)


def _refuse_outside_reads(options: dict[str, Any]) -> None:
    """Refuse a ledger that would read other files (include) or run other programs (plugin):
    the file comes alone, and a plugin is code."""
    if options["include"]:
        raise ForeignBookProblem(
            f"This ledger includes other files ({', '.join(options['include'][:3])}); Tallybook "
            "reads one file. Put the included files' contents into it, or bring the main file "
            "after running bean-format on the whole ledger."
        )
    foreign = [name for name, _ in options["plugin"] if not name.startswith(OWN_PLUGINS)]
    if foreign:
        raise ForeignBookProblem(
            f"This ledger uses the plugin {foreign[0]}, which Tallybook does not run (a plugin "
            "is a program). Take its plugin line out of a copy of the file and bring that."
        )


def _listed(errors: list[Any]) -> str:
    shown = "; ".join(f"line {e.source.get('lineno')}: {e.message}" for e in errors[:SHOWN_ERRORS])
    more = len(errors) - SHOWN_ERRORS
    return shown + (f"; and {more} more." if more > 0 else ".")


def _account_currencies(entries: list, directives: Any, held_at_cost: set[str]) -> dict[str, str]:
    """Each account's money: its first declared currency, else the one it holds most often
    (commodities held at cost, such as shares, are not money)."""
    declared = {
        e.account: next((c for c in e.currencies or () if _is_money(c, held_at_cost)), None)
        for e in entries
        if isinstance(e, directives.Open)
    }
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        if isinstance(entry, directives.Transaction):
            for posting in entry.postings:
                currency = posting.units.currency
                if _is_money(currency, held_at_cost):
                    seen[posting.account][currency] += 1
    accounts = {}
    for account in [*declared, *seen]:
        currency = declared.get(account) or (seen[account].most_common(1) or [(None,)])[0][0]
        accounts[account] = currency
    return accounts


def _is_money(currency: str, held_at_cost: set[str]) -> bool:
    return is_money(currency) and currency not in held_at_cost


def _declare(
    builder: BookBuilder, account: str, currency: str | None, roots: dict[str, str], equity: str
) -> None:
    """Bring one Beancount account over as what its root makes it."""
    root, *parts = account.split(":")
    if root == equity:
        if "opening" in account.casefold():
            builder.opening(account)
    elif root in (roots["assets"], roots["liabilities"]):
        if currency is None:  # a parent without postings of its own, or shares
            builder.without_money.append(account)
            return
        name = parts[-1] if parts else account
        builder.account(account, name, account_kind(account, "other"), currency)
    elif root in (roots["income"], roots["expenses"]):
        group = parts[0] if len(parts) > 1 else root
        name = ":".join(parts[1:]) if len(parts) > 1 else (parts[0] if parts else root)
        builder.category(account, group, name, "income" if root == roots["income"] else "expense")


def _entry(transaction: Any, builder: BookBuilder, convert: Any) -> Entry:
    """A Beancount transaction as the builder takes it: accounts' legs in their own units,
    categories' legs by their weight (what they cost in the transaction's money)."""
    postings = []
    for posting in transaction.postings:
        amount = (
            posting.units if builder.is_account(posting.account) else convert.get_weight(posting)
        )
        postings.append(
            Posting(
                account=posting.account,
                amount=amount.number,
                currency=amount.currency,
                status=None if posting.flag is None else _status(posting.flag),
            )
        )
    if transaction.links:
        builder.leave_out("links (^…) between transactions")
    return Entry(
        day=transaction.date,
        payee=transaction.payee,
        memo=transaction.narration or "",
        status=_status(transaction.flag),
        tags=tuple(sorted(transaction.tags or ())),
        postings=tuple(postings),
    )


def _status(flag: str) -> str:
    return "cleared" if flag in CLEARED_FLAGS else "uncleared"


def _note_the_rest(
    builder: BookBuilder, entries: list, directives: Any, held_at_cost: set[str]
) -> None:
    """Say what a Tallybook book does not keep: prices, lots, events, notes, documents."""
    kept = (directives.Transaction, directives.Open, directives.Close, directives.Balance)
    kinds = Counter(type(e).__name__ for e in entries if not isinstance(e, kept))
    for kind, count in sorted(kinds.items()):
        if kind != "Pad":  # a pad's own transaction came over
            builder.leave_out(f"{kind.lower()} entries (Tallybook keeps none)", count)
    if held_at_cost:
        builder.notes.append(
            "Shares and other lots held at cost ("
            + ", ".join(sorted(held_at_cost))
            + ") are not brought over: Tallybook keeps money, not lots; the money that bought "
            "or sold them stays on its account, uncategorised."
        )
