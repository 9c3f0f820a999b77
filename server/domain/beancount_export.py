"""A whole book as a Beancount ledger, for Fava and the other plain-text tools.

Accounts become `Assets:` or `Liabilities:` accounts in their own currency, categories
`Expenses:<Group>:<Category>` or `Income:<Group>:<Category>`; opening balances come from
`Equity:Opening-Balances`; a transfer is one transaction with a posting in each account (with
a total price `@@` between two currencies). `bean-check` accepts the file and its balances are
Tallybook's.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta

from server.db import Database
from server.domain.book_file import tags_of
from server.domain.money import format_amount

OPENING = "Equity:Opening-Balances"
UNCATEGORIZED = {"expense": "Expenses:Uncategorized", "income": "Income:Uncategorized"}
_LIABILITY_TYPES = ("credit_card", "loan")
# Letters NFKD does not take apart into a base letter and an accent.
_SPELLED_OUT = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L"}
)
_BATCH = 2000


def name_part(text: str, fallback: str) -> str:
    """Turn a name into one valid component of a Beancount account: `Café & Bar` -> `Cafe-Bar`."""
    plain = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT))
    words = re.findall(r"[A-Za-z0-9]+", plain.encode("ascii", "ignore").decode())
    return "-".join(word[0].upper() + word[1:] for word in words) or fallback


def tag_name(text: str) -> str:
    """Turn a tag into one Beancount accepts after `#`."""
    plain = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT))
    return re.sub(r"[^A-Za-z0-9_/.-]+", "-", plain.encode("ascii", "ignore").decode()).strip("-")


def quoted(text: str) -> str:
    """Return `text` as a Beancount string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Names:
    """Unique account names, given in the order asked (so the same book gives the same names)."""

    def __init__(self) -> None:
        self.taken = {OPENING.lower(), *(name.lower() for name in UNCATEGORIZED.values())}

    def unique(self, name: str) -> str:
        candidate, number = name, 1
        while candidate.lower() in self.taken:
            number += 1
            candidate = f"{name}-{number}"
        self.taken.add(candidate.lower())
        return candidate


def beancount_text(database: Database, book_id: int, today: date) -> Iterator[str]:
    """Yield the book as a Beancount ledger, in chunks, read in one snapshot."""
    with database.snapshot() as conn:
        book = conn.execute("SELECT name, currency FROM books WHERE id = ?", [book_id]).fetchone()
        names = _Names()
        accounts = conn.execute(
            "SELECT a.*, min(t.date) AS first_date, max(t.date) AS last_date FROM accounts a "
            "LEFT JOIN transactions t ON t.account_id = a.id "
            "WHERE a.book_id = ? GROUP BY a.id ORDER BY a.id",
            [book_id],
        ).fetchall()
        account_names = {
            a["id"]: names.unique(
                ("Liabilities:" if a["type"] in _LIABILITY_TYPES else "Assets:")
                + name_part(a["name"], "Account")
            )
            for a in accounts
        }
        categories = {
            c["id"]: names.unique(
                ("Income:" if c["kind"] == "income" else "Expenses:")
                + name_part(c["group_name"], "Group")
                + ":"
                + name_part(c["name"], "Category")
            )
            for c in conn.execute(
                "SELECT c.id, c.name, c.kind, g.name AS group_name FROM categories c "
                "JOIN category_groups g ON g.id = c.group_id WHERE c.book_id = ? ORDER BY c.id",
                [book_id],
            )
        }
        dates = [d for a in accounts for d in (a["opening_date"], a["first_date"]) if d]
        start = min(dates, default=today.isoformat())
        last = max([a["last_date"] for a in accounts if a["last_date"]] + dates, default=start)
        end = date.fromisoformat(last) + timedelta(days=1)
        lines = [
            f"; The book {book['name']!r}, exported by Tallybook.",
            f"option {quoted('title')} {quoted(book['name'])}",
            f"option {quoted('operating_currency')} {quoted(book['currency'])}",
            "",
        ]
        for a in accounts:
            opened = min(d for d in (a["opening_date"], a["first_date"]) if d)
            lines.append(f"{opened} open {account_names[a['id']]} {a['currency']}")
        lines += [f"{start} open {name}" for name in (OPENING, *UNCATEGORIZED.values())]
        lines += [f"{start} open {name}" for name in categories.values()]
        for a in accounts:
            if a["opening_balance"]:
                amount = format_amount(a["opening_balance"], a["currency"])
                lines += [
                    "",
                    f"{a['opening_date']} * {quoted('Opening balance')}",
                    f"  {account_names[a['id']]}  {amount} {a['currency']}",
                    f"  {OPENING}",
                ]
        yield "\n".join(lines) + "\n"
        yield from _transactions(conn, book_id, account_names, categories)
        yield "\n".join(_assertions(conn, book_id, accounts, account_names, end)) + "\n"


def _transactions(
    conn: sqlite3.Connection, book_id: int, accounts: dict[int, str], categories: dict[int, str]
) -> Iterator[str]:
    """Each transaction once (a transfer from its first side), by date."""
    cursor = conn.execute(
        "SELECT t.id, t.date, t.amount, t.memo, t.status, t.account_id, t.category_id, "
        "a.currency, p.name AS payee, o.account_id AS other_account, o.amount AS other_amount, "
        "o.status AS other_status, oa.currency AS other_currency FROM transactions t "
        "JOIN accounts a ON a.id = t.account_id LEFT JOIN payees p ON p.id = t.payee_id "
        "LEFT JOIN transactions o ON o.id = t.transfer_id "
        "LEFT JOIN accounts oa ON oa.id = o.account_id "
        "WHERE t.book_id = ? AND (t.transfer_id IS NULL OR t.id < t.transfer_id) "
        "ORDER BY t.date, t.id",
        [book_id],
    )
    while batch := cursor.fetchmany(_BATCH):
        ids = json.dumps([t["id"] for t in batch])
        splits: dict[int, list[sqlite3.Row]] = {}
        for s in conn.execute(
            "SELECT * FROM splits WHERE transaction_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY transaction_id, position",
            [ids],
        ):
            splits.setdefault(s["transaction_id"], []).append(s)
        tags = tags_of(conn, ids)
        chunk = [
            _entry(t, accounts, categories, splits.get(t["id"], []), tags.get(t["id"], []))
            for t in batch
        ]
        yield "".join(chunk)


def _flag(status: str) -> str:
    return "!" if status == "uncleared" else "*"


def _entry(
    t: sqlite3.Row,
    accounts: dict[int, str],
    categories: dict[int, str],
    splits: list[sqlite3.Row],
    tags: list[str],
) -> str:
    """One transaction: its account's posting, then the other side's (the partner account,
    the split's categories, or the category)."""
    currency = t["currency"]
    words = [_flag(t["status"])]
    words += [quoted(t["payee"])] if t["payee"] else []
    words.append(quoted(t["memo"]))
    words += [f"#{name}" for name in map(tag_name, tags) if name]
    lines = [f"\n{t['date']} " + " ".join(words)]
    amount = format_amount(t["amount"], currency)
    if t["other_account"] is not None:
        partner = accounts[t["other_account"]]
        other = format_amount(t["other_amount"], t["other_currency"])
        price = ""
        if t["other_currency"] != currency:  # what was given for what: a total price
            price = f" @@ {format_amount(abs(t['other_amount']), t['other_currency'])}"
            price += f" {t['other_currency']}"
        lines.append(f"  {accounts[t['account_id']]}  {amount} {currency}{price}")
        flag = "" if t["other_status"] == t["status"] else _flag(t["other_status"]) + " "
        lines.append(f"  {flag}{partner}  {other} {t['other_currency']}")
        return "\n".join(lines) + "\n"
    lines.append(f"  {accounts[t['account_id']]}  {amount} {currency}")
    parts = [(s["category_id"], s["amount"], s["memo"]) for s in splits]
    for category_id, part, memo in parts or [(t["category_id"], t["amount"], "")]:
        kind = "income" if part > 0 else "expense"
        category = categories.get(category_id) or UNCATEGORIZED[kind]
        lines.append(f"  {category}  {format_amount(-part, currency)} {currency}")
        if memo:
            lines.append(f"    memo: {quoted(memo)}")
    return "\n".join(lines) + "\n"


def _assertions(
    conn: sqlite3.Connection,
    book_id: int,
    accounts: list[sqlite3.Row],
    names: dict[int, str],
    end: date,
) -> Iterator[str]:
    """Each finished reconciliation's statement balance where the account held exactly that
    at the end of the statement's day (uncleared rows dated before it make them differ), and
    every account's balance after its last transaction."""
    yield ""
    currencies = {a["id"]: a["currency"] for a in accounts}
    for r in conn.execute(
        "SELECT r.account_id, r.statement_date, r.statement_balance, "
        "iif(a.opening_date <= r.statement_date, a.opening_balance, 0) + "
        "(SELECT coalesce(sum(t.amount), 0) FROM transactions t WHERE t.account_id = "
        "r.account_id AND t.date <= r.statement_date) AS held FROM reconciliations r "
        "JOIN accounts a ON a.id = r.account_id WHERE r.book_id = ? AND r.state = 'finished' "
        "ORDER BY r.statement_date, r.id",
        [book_id],
    ):
        currency = currencies[r["account_id"]]
        amount = f"{format_amount(r['statement_balance'], currency)} {currency}"
        day = date.fromisoformat(r["statement_date"]) + timedelta(days=1)
        if r["held"] == r["statement_balance"]:
            yield f"{day} balance {names[r['account_id']]}  {amount}"
        else:
            yield f"; {names[r['account_id']]} had a statement of {amount} on {r['statement_date']}"
    for a in accounts:
        total = (
            a["opening_balance"]
            + conn.execute(
                "SELECT coalesce(sum(amount), 0) FROM transactions WHERE account_id = ?", [a["id"]]
            ).fetchone()[0]
        )
        amount = f"{format_amount(total, a['currency'])} {a['currency']}"
        yield f"{end} balance {names[a['id']]}  {amount}"
