"""YNAB 4's budget (a .ynab4 folder, zipped) read into a Tallybook book.

The folder holds Budget.ymeta, naming the data folder ("data1~<id>"); in it each device that
synced the budget has a .ydevice file (its `knowledge`, "A-12,B-40") and, when it holds the
whole budget, a folder with Budget.yfull: JSON with the accounts, masterCategories and their
subCategories, payees, transactions (with subTransactions, and a transfer's
`targetAccountId`) and monthlyBudgets. The device that knows most changes has the latest.
Deleted entities stay in it, marked `isTombstone`.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from babel.numbers import get_territory_currencies

from server.otherapps.budget_book import BudgetBook, Part, Row
from server.otherapps.foreign_book import ForeignBook, ForeignBookProblem

APP = "YNAB 4"
INCOME = "Category/__ImmediateIncome__", "Category/__DeferredIncome__"
HIDDEN = "Hidden Categories"  # its categories are named "Master ` Sub ` id"
_TYPES = {
    "Checking": "checking",
    "Savings": "savings",
    "CreditCard": "credit_card",
    "LineOfCredit": "credit_card",
    "Cash": "cash",
    "InvestmentAccount": "investment",
    "Mortgage": "loan",
    "OtherLiability": "loan",
}
_STATUSES = {"Cleared": "cleared", "Reconciled": "reconciled"}


def read_ynab4(data: bytes, file_name: str) -> ForeignBook:
    """Read a zipped .ynab4 budget folder into a book."""
    budget, name = _latest_budget(data, file_name)
    try:
        return _book(budget, name)
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as error:
        raise ForeignBookProblem(
            f"The budget in {file_name} is not as YNAB 4 writes it (at {error!s})."
        ) from None


def _book(budget: dict[str, Any], name: str) -> ForeignBook:
    meta = budget.get("budgetMetaData") or {}
    book = BudgetBook(APP, name, _currency(meta))
    live = [a for a in budget.get("accounts", []) if not a.get("isTombstone")]
    for account in sorted(live, key=lambda a: a.get("sortableIndex", 0)):
        kind = _TYPES.get(account.get("accountType"), "other")
        book.account(account["entityId"], account["accountName"], kind, closed=account["hidden"])
    book.category(INCOME[0], "Income", "Income", "income")
    _categories(book, budget.get("masterCategories", []))
    payees = {p["entityId"]: p.get("name") for p in budget.get("payees", [])}
    balances = {a["entityId"]: Decimal(0) for a in live}
    for t in sorted(budget.get("transactions", []), key=lambda t: t.get("date", "")):
        if t.get("isTombstone") or t.get("accountId") not in balances:
            continue
        amount = Decimal(t["amount"])
        balances[t["accountId"]] += amount
        _transaction(book, t, amount, payees)
    for month in budget.get("monthlyBudgets", []):
        for b in month.get("monthlySubCategoryBudgets", []):
            if not b.get("isTombstone") and book.has_category(b["categoryId"]) and b["budgeted"]:
                book.budget(b["categoryId"], month["month"][:7], Decimal(b["budgeted"]))
    return book.build(balances)


def _latest_budget(data: bytes, file_name: str) -> tuple[dict[str, Any], str]:
    """The Budget.yfull of the device that knows most, and the budget's name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        meta_name = next((n for n in names if n.endswith("Budget.ymeta")), None)
        if meta_name is None:
            raise ForeignBookProblem(
                f"{file_name} holds no Budget.ymeta: zip the whole .ynab4 folder of the budget."
            )
        root = PurePosixPath(meta_name).parent
        folder = root / _json(archive, meta_name)["relativeDataFolderName"]
        devices = [
            _json(archive, n)
            for n in names
            if PurePosixPath(n).parent == folder / "devices" and n.endswith(".ydevice")
        ]
        full = [d for d in devices if d.get("hasFullKnowledge")]
        if not full:
            raise ForeignBookProblem(f"{file_name} holds no device with the whole budget.")
        latest = max(full, key=lambda d: _changes_known(d.get("knowledge", "")))
        budget = _json(archive, str(folder / latest["deviceGUID"] / "Budget.yfull"))
    except (zipfile.BadZipFile, KeyError, TypeError, ValueError) as error:
        raise ForeignBookProblem(f"{file_name} is not a zipped YNAB 4 budget: {error}.") from None
    name = root.name.split("~")[0].removesuffix(".ynab4") or APP
    return budget, name


def _json(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name).decode("utf-8-sig"), parse_float=Decimal)


def _changes_known(knowledge: str) -> int:
    """How many changes a device knows of ("A-12,B-40": 52)."""
    return sum(int(part.rpartition("-")[2] or 0) for part in knowledge.split(",") if part)


def _currency(meta: dict[str, Any]) -> str | None:
    """The budget's currency: its ISO code, else its locale's country's."""
    if meta.get("currencyISOSymbol"):
        return meta["currencyISOSymbol"]
    territory = str(meta.get("currencyLocale", "")).partition("_")[2]
    found = get_territory_currencies(territory) if territory else []
    return found[0] if found else None


def _categories(book: BudgetBook, masters: list[dict[str, Any]]) -> None:
    for master in sorted(masters, key=lambda m: m.get("sortableIndex", 0)):
        if master.get("isTombstone"):
            continue
        subs = sorted(master.get("subCategories") or [], key=lambda s: s.get("sortableIndex", 0))
        for sub in subs:
            if sub.get("isTombstone"):
                continue
            group, name = master["name"], sub["name"]
            hidden = group == HIDDEN and name.count(" ` ") == 2
            if hidden:
                group, name, _ = name.split(" ` ")
            book.category(sub["entityId"], group, name, "expense", rollover=True, hidden=hidden)


def _transaction(
    book: BudgetBook, t: dict[str, Any], amount: Decimal, payees: dict[str, str | None]
) -> None:
    day = date.fromisoformat(t["date"])
    payee = payees.get(t.get("payeeId"))
    if payee == "Starting Balance":
        book.opening(t["accountId"], amount, day)
        return
    subs = [s for s in t.get("subTransactions") or [] if not s.get("isTombstone")]
    parts = tuple(
        Part(
            Decimal(s["amount"]),
            _category(book, s),
            s.get("memo") or "",
            s.get("targetAccountId"),
            payees.get(s.get("payeeId")),
        )
        for s in subs
    )
    transfer = t.get("targetAccountId")
    status = _STATUSES.get(t.get("cleared", ""), "uncleared")
    book.add(
        Row(
            t["accountId"],
            day,
            amount,
            None if transfer else payee,
            t.get("memo") or "",
            status,
            None if parts or transfer else _category(book, t),
            transfer,
            parts,
        )
    )


def _category(book: BudgetBook, t: dict[str, Any]) -> str | None:
    key = t.get("categoryId")
    if key in INCOME:
        return INCOME[0]
    return key if key is not None and book.has_category(key) else None
