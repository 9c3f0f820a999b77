"""Making a new book from a book file (see `book_file`): checked whole, then written at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlite_utils

from server.clock import from_iso, to_iso
from server.db import Database
from server.db.kept_sums import MAX_TOTAL, rebuild_account_totals
from server.domain.accounts import ACCOUNT_TYPES
from server.domain.book_file import FORMAT, VERSION
from server.domain.books import Book, book_problems, get_book
from server.domain.budgets import check_month
from server.domain.bulk import kept_in_bulk
from server.domain.categories import KINDS
from server.domain.currencies import is_currency
from server.domain.labels import clean_payee_name, clean_tag_name
from server.domain.money import AmountError, parse_amount
from server.domain.rules import validated_rule
from server.domain.schedules import validated_schedule
from server.domain.transaction_rules import MAX_SPLITS, STATUSES
from server.errors import FieldError, ValidationFailed

_MAX_PROBLEMS = 50
# A scheduled transaction's own fields in a book file (its refs and occurrences apart).
SCHEDULE_FIELDS = (
    "name",
    "amount",
    "payee",
    "memo",
    "tags",
    "frequency",
    "interval",
    "start_date",
    "end_date",
    "count",
    "auto_enter",
)


@dataclass
class _Problems:
    """Problems found in a file, each at its place (`transactions[12].amount`)."""

    found: list[FieldError] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        if len(self.found) < _MAX_PROBLEMS:
            self.found.append(FieldError(where, message))

    def check(self, ok: bool, where: str, message: str) -> bool:
        if not ok:
            self.add(where, message)
        return ok


def _items(data: dict, key: str, problems: _Problems) -> list[dict]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.add(key, "Expected a list of objects.")
        return []
    return items


def _text(item: dict, key: str, where: str, problems: _Problems, *, optional=False) -> Any:
    value = item.get(key)
    if value is None and optional:
        return None
    problems.check(isinstance(value, str), f"{where}.{key}", "Expected text.")
    return value if isinstance(value, str) else ""


def _day(value: Any, where: str, problems: _Problems) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        problems.add(where, "Expected a date as YYYY-MM-DD.")
        return "2000-01-01"


def _stamp(item: dict, key: str, where: str, problems: _Problems, now: datetime) -> str:
    value = item.get(key)
    if value is None:
        return to_iso(now)
    try:
        return to_iso(from_iso(value))
    except (TypeError, ValueError):
        problems.add(f"{where}.{key}", "Expected a time as ISO 8601 with a time zone.")
        return to_iso(now)


def _money(value: Any, currency: str, where: str, problems: _Problems) -> int:
    if not isinstance(value, str):
        problems.add(where, 'Expected an amount as a decimal string, e.g. "-12.34".')
        return 0
    try:
        return parse_amount(value, currency)
    except AmountError as error:
        problems.add(where, str(error))
        return 0


def _label(
    clean: Callable[[str, str], str], name: Any, where: str, problems: _Problems
) -> str | None:
    """A payee's or tag's name as the book keeps it (see `labels`); None if refused."""
    if not isinstance(name, str):
        problems.add(where, "Expected text.")
        return None
    try:
        return clean(name, where)
    except ValidationFailed as refusal:
        for error in refusal.errors:
            problems.add(error.field, error.message)
        return None


def _ref(item: dict, key: str, known: dict[int, Any], where: str, problems: _Problems) -> Any:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value not in known:
        problems.add(f"{where}.{key}", f"No {key} with ref {value!r} in the file.")
        return None
    return known[value]


def _names(
    data: dict, key: str, clean: Callable[[str, str], str], problems: _Problems
) -> list[str]:
    names = data.get(key, [])
    if not isinstance(names, list):
        problems.add(key, "Expected a list of names.")
        return []
    cleaned = [_label(clean, n, f"{key}[{i}]", problems) for i, n in enumerate(names)]
    return [n for n in cleaned if n is not None]


def _refs_of(items: list[dict], name: str, problems: _Problems) -> dict[int, int]:
    """ref -> index of each item; refs must be distinct integers."""
    found: dict[int, int] = {}
    for index, item in enumerate(items):
        ref = item.get("ref")
        if isinstance(ref, bool) or not isinstance(ref, int) or ref in found:
            problems.add(f"{name}[{index}].ref", "Expected a whole number, once in the list.")
            continue
        found[ref] = index
    return found


def load_book(database: Database, owner_id: int, data: Any, *, now: datetime) -> Book:
    """Make a new book, owned by `owner_id`, holding what the file holds; all or nothing.

    Everything is checked first (refs, amounts in their accounts' currencies, splits adding
    up, transfers in pairs); a file with any problem is refused whole, each problem named.
    """
    problems = _Problems()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationFailed.on("format", f"This is not a Tallybook book file ({FORMAT}).")
    if data.get("version") != VERSION:
        raise ValidationFailed.on(
            "version",
            f"This file is of version {data.get('version')!r}; this Tallybook reads {VERSION}.",
        )
    book = data.get("book") if isinstance(data.get("book"), dict) else {}
    name, currency = book.get("name"), book.get("currency")
    problems.found.extend(
        FieldError(f"book.{e.field}", e.message)
        for e in book_problems(name if isinstance(name, str) else "", currency)
    )
    accounts = _items(data, "accounts", problems)
    groups = _items(data, "category_groups", problems)
    categories = _items(data, "categories", problems)
    transactions = _items(data, "transactions", problems)
    rules = _items(data, "rules", problems)
    payees = _names(data, "payees", clean_payee_name, problems)
    tags = _names(data, "tags", clean_tag_name, problems)
    account_refs = _refs_of(accounts, "accounts", problems)
    group_refs = _refs_of(groups, "category_groups", problems)
    category_refs = _refs_of(categories, "categories", problems)
    transaction_refs = _refs_of(transactions, "transactions", problems)
    plan = _Plan(problems, now)
    plan.accounts(accounts)
    plan.groups(groups)
    plan.categories(categories, group_refs)
    plan.transactions(transactions, account_refs, category_refs, transaction_refs)
    plan.rules(rules, account_refs, category_refs)
    if isinstance(currency, str) and is_currency(currency):
        plan.budgets(_items(data, "budgets", problems), category_refs, currency)
    plan.schedules(
        _items(data, "schedules", problems), account_refs, category_refs, transaction_refs
    )
    if problems.found:
        raise ValidationFailed(
            "The book file cannot be loaded; nothing was made.", errors=problems.found
        )
    with database.write() as db:
        book_id = plan.write(db, owner_id, name, currency, payees, tags)
    with database.read() as conn:
        return get_book(conn, owner_id, book_id)


class _Plan:
    """The file's objects checked and turned into rows, ready to insert."""

    def __init__(self, problems: _Problems, now: datetime) -> None:
        self.problems = problems
        self.now = now
        self.account_rows: list[dict] = []
        self.group_rows: list[dict] = []
        self.category_rows: list[dict] = []
        self.category_groups: list[int] = []  # each category's group (index)
        self.transaction_rows: list[dict] = []
        self.rule_rows: list[dict] = []
        self.budget_rows: list[dict] = []
        self.schedule_plans: list[dict] = []

    def _stamps(self, item: dict, where: str) -> dict[str, str]:
        return {
            "created_at": _stamp(item, "created_at", where, self.problems, self.now),
            "updated_at": _stamp(item, "updated_at", where, self.problems, self.now),
        }

    def accounts(self, items: list[dict]) -> None:
        for index, item in enumerate(items):
            where = f"accounts[{index}]"
            currency = item.get("currency")
            if not self.problems.check(
                isinstance(currency, str) and is_currency(currency),
                f"{where}.currency",
                "Expected an ISO 4217 currency code, e.g. EUR.",
            ):
                currency = "XXX"
            self.problems.check(
                item.get("type") in ACCOUNT_TYPES, f"{where}.type", "Not an account type."
            )
            self.account_rows.append(
                {
                    "name": _text(item, "name", where, self.problems),
                    "type": item.get("type"),
                    "currency": currency,
                    "opening_balance": _money(
                        item.get("opening_balance", "0"),
                        currency,
                        f"{where}.opening_balance",
                        self.problems,
                    ),
                    "opening_date": _day(
                        item.get("opening_date"), f"{where}.opening_date", self.problems
                    ),
                    "archived": int(bool(item.get("archived"))),
                    **self._stamps(item, where),
                }
            )

    def groups(self, items: list[dict]) -> None:
        for index, item in enumerate(items):
            where = f"category_groups[{index}]"
            position = item.get("position", 0)
            self.problems.check(
                isinstance(position, int) and abs(position) <= 1_000_000,
                f"{where}.position",
                "Expected a whole number.",
            )
            self.group_rows.append(
                {
                    "name": _text(item, "name", where, self.problems),
                    "position": position,
                    "archived": int(bool(item.get("archived"))),
                    **self._stamps(item, where),
                }
            )

    def categories(self, items: list[dict], group_refs: dict[int, int]) -> None:
        for index, item in enumerate(items):
            where = f"categories[{index}]"
            group = _ref(item, "group", group_refs, where, self.problems)
            self.problems.check(group is not None, f"{where}.group", "Name the category's group.")
            self.problems.check(
                item.get("kind") in KINDS, f"{where}.kind", "Not expense or income."
            )
            self.category_groups.append(group or 0)
            self.category_rows.append(
                {
                    "name": _text(item, "name", where, self.problems),
                    "kind": item.get("kind"),
                    "archived": int(bool(item.get("archived"))),
                    "rollover": int(bool(item.get("rollover"))),
                    **self._stamps(item, where),
                }
            )

    def transactions(
        self,
        items: list[dict],
        account_refs: dict[int, int],
        category_refs: dict[int, int],
        transaction_refs: dict[int, int],
    ) -> None:
        totals: dict[int, int] = {}
        for index, item in enumerate(items):
            where = f"transactions[{index}]"
            account = _ref(item, "account", account_refs, where, self.problems)
            if account is None:
                self.problems.add(f"{where}.account", "Name the transaction's account.")
                account = 0
            currency = self.account_rows[account]["currency"] if self.account_rows else "XXX"
            amount = _money(item.get("amount"), currency, f"{where}.amount", self.problems)
            totals[account] = totals.get(account, 0) + amount
            self.problems.check(
                abs(totals[account]) <= MAX_TOTAL,
                f"{where}.amount",
                "The account's total is too large.",
            )
            status = item.get("status", "uncleared")
            self.problems.check(status in STATUSES, f"{where}.status", "Not a status.")
            splits = item.get("splits") or []
            split_rows = []
            if self.problems.check(
                isinstance(splits, list) and len(splits) <= MAX_SPLITS,
                f"{where}.splits",
                f"Expected a list of up to {MAX_SPLITS} parts.",
            ):
                for number, part in enumerate(splits):
                    at = f"{where}.splits[{number}]"
                    if not self.problems.check(isinstance(part, dict), at, "Expected an object."):
                        continue
                    split_rows.append(
                        {
                            "amount": _money(
                                part.get("amount"), currency, f"{at}.amount", self.problems
                            ),
                            "category": _ref(part, "category", category_refs, at, self.problems),
                            "memo": _text(part, "memo", at, self.problems, optional=True) or "",
                            "position": number,
                        }
                    )
                self.problems.check(
                    len(split_rows) != 1, f"{where}.splits", "A split needs at least two parts."
                )
                self.problems.check(
                    not split_rows or sum(s["amount"] for s in split_rows) == amount,
                    f"{where}.splits",
                    "The parts do not add up to the amount.",
                )
            transfer = _ref(item, "transfer", transaction_refs, where, self.problems)
            category = _ref(item, "category", category_refs, where, self.problems)
            self.problems.check(
                category is None or (transfer is None and not split_rows),
                f"{where}.category",
                "A transfer or a split transaction has no category of its own.",
            )
            if transfer is not None:
                other = items[transfer]
                self.problems.check(
                    other.get("transfer") == item.get("ref") and transfer != index,
                    f"{where}.transfer",
                    "A transfer's two sides must name each other.",
                )
                self.problems.check(
                    other.get("account") != item.get("account"),
                    f"{where}.transfer",
                    "A transfer's two sides must be in different accounts.",
                )
            tag_names = item.get("tags") or []
            if self.problems.check(
                isinstance(tag_names, list), f"{where}.tags", "Expected a list of tag names."
            ):
                tag_names = [
                    _label(clean_tag_name, name, f"{where}.tags[{number}]", self.problems)
                    for number, name in enumerate(tag_names)
                ]
            else:
                tag_names = []
            payee = item.get("payee")
            if payee is not None and not (isinstance(payee, str) and not payee.strip()):
                payee = _label(clean_payee_name, payee, f"{where}.payee", self.problems)
            else:
                payee = None  # no payee, as the app makes of a blank one
            bank_id = item.get("bank_id")
            self.problems.check(
                bank_id is None or (isinstance(bank_id, str) and len(bank_id) <= 255),
                f"{where}.bank_id",
                "Expected text of up to 255 characters.",
            )
            self.transaction_rows.append(
                {
                    "account": account,
                    "date": _day(item.get("date"), f"{where}.date", self.problems),
                    "amount": amount,
                    "payee": payee,
                    "category": category,
                    "memo": _text(item, "memo", where, self.problems, optional=True) or "",
                    "status": status,
                    "tags": tag_names,
                    "splits": split_rows,
                    "transfer": transfer,
                    "bank_id": bank_id,
                    **self._stamps(item, where),
                }
            )
        self._check_transfer_amounts()

    def _check_transfer_amounts(self) -> None:
        """As the app keeps transfers: the same money going out of one account and into the
        other (exactly, in one currency; with opposite signs between two currencies)."""
        rows = self.transaction_rows
        for index, row in enumerate(rows):
            if row["transfer"] is None or not self.account_rows:
                continue
            other = rows[row["transfer"]]
            mine, theirs = row["amount"], other["amount"]
            if self._currency(row) == self._currency(other):
                ok, message = mine == -theirs, "A transfer's two sides are opposite amounts."
            else:
                ok = not (mine and theirs and (mine > 0) == (theirs > 0))
                message = "A transfer's two sides have opposite signs."
            self.problems.check(ok, f"transactions[{index}].transfer", message)

    def _currency(self, row: dict) -> str:
        return self.account_rows[row["account"]]["currency"]

    def budgets(self, items: list[dict], category_refs: dict[int, int], currency: str) -> None:
        seen: set[tuple[int, str]] = set()
        for index, item in enumerate(items):
            where = f"budgets[{index}]"
            category = _ref(item, "category", category_refs, where, self.problems)
            if category is None:
                self.problems.add(f"{where}.category", "Name the budget's category.")
                continue
            month = item.get("month")
            try:
                check_month(month)
            except ValidationFailed:
                self.problems.add(f"{where}.month", "Expected a month as YYYY-MM.")
                continue
            amount = _money(item.get("amount"), currency, f"{where}.amount", self.problems)
            self.problems.check(amount >= 0, f"{where}.amount", "A budget is zero or more.")
            self.problems.check(
                (category, month) not in seen, f"{where}.month", "The category has it twice."
            )
            seen.add((category, month))
            self.budget_rows.append({"category": category, "month": month, "amount": amount})

    def rules(
        self, items: list[dict], account_refs: dict[int, int], category_refs: dict[int, int]
    ) -> None:
        for index, item in enumerate(items):
            where = f"rules[{index}]"
            account = _ref(item, "account", account_refs, where, self.problems)
            category = _ref(item, "set_category", category_refs, where, self.problems)
            position = item.get("position", index + 1)
            self.problems.check(
                isinstance(position, int) and not isinstance(position, bool),
                f"{where}.position",
                "Expected a whole number.",
            )
            try:  # the same checks as a rule made in the app (its refs are checked above)
                row = validated_rule(
                    None, 0, {**item, "account_id": account, "set_category_id": category}
                )
            except ValidationFailed as refusal:
                for error in refusal.errors:
                    self.problems.add(f"{where}.{error.field}", error.message)
                continue
            self.rule_rows.append(
                {
                    **row,
                    "position": position,
                    "account": account,
                    "set_category": category,
                    **self._stamps(item, where),
                }
            )

    def schedules(
        self,
        items: list[dict],
        account_refs: dict[int, int],
        category_refs: dict[int, int],
        transaction_refs: dict[int, int],
    ) -> None:
        """The refs and occurrences of scheduled transactions; their fields are checked as
        the app checks them once the accounts are in (see `_write_schedules`)."""
        for index, item in enumerate(items):
            where = f"schedules[{index}]"
            account = _ref(item, "account", account_refs, where, self.problems)
            self.problems.check(account is not None, f"{where}.account", "Name its account.")
            next_date = item.get("next_date")
            if next_date is not None:
                next_date = _day(next_date, f"{where}.next_date", self.problems)
            occurrences = item.get("occurrences") or []
            if not self.problems.check(
                isinstance(occurrences, list) and all(isinstance(o, dict) for o in occurrences),
                f"{where}.occurrences",
                "Expected a list of objects.",
            ):
                occurrences = []
            taken = {}
            for number, occurrence in enumerate(occurrences):
                at = f"{where}.occurrences[{number}]"
                day = _day(occurrence.get("date"), f"{at}.date", self.problems)
                self.problems.check(day not in taken, f"{at}.date", "This date is there twice.")
                taken[day] = (
                    int(bool(occurrence.get("skipped"))),
                    _ref(occurrence, "transaction", transaction_refs, at, self.problems),
                )
            self.schedule_plans.append(
                {
                    "where": where,
                    "item": item,
                    "account": account,
                    "transfer_account": _ref(
                        item, "transfer_account", account_refs, where, self.problems
                    ),
                    "category": _ref(item, "category", category_refs, where, self.problems),
                    "next_date": next_date,
                    "occurrences": taken,
                    **self._stamps(item, where),
                }
            )

    def write(
        self,
        db: sqlite_utils.Database,
        owner_id: int,
        name: str,
        currency: str,
        payees: list[str],
        tags: list[str],
    ) -> int:
        """Insert everything into a new book inside the caller's write transaction."""
        stamp = to_iso(self.now)
        book_id = (
            db["books"]
            .insert(
                {
                    "name": name.strip(),
                    "currency": currency,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            .last_pk
        )
        db["book_members"].insert(
            {"book_id": book_id, "user_id": owner_id, "role": "owner", "created_at": stamp}
        )
        try:
            return self._write_contents(db, book_id, payees, tags)
        except sqlite3.IntegrityError as error:  # a name too long, a duplicate name, ...
            raise ValidationFailed.on(
                "file", f"The book file breaks a rule of the book: {error}."
            ) from None

    def _write_contents(
        self, db: sqlite_utils.Database, book_id: int, payees: list[str], tags: list[str]
    ) -> int:
        def insert(table: str, rows: list[dict]) -> list[int]:
            return [db[table].insert({**row, "book_id": book_id}).last_pk for row in rows]

        account_ids = insert("accounts", [{**a, "archived": 0} for a in self.account_rows])
        group_ids = insert("category_groups", self.group_rows)
        category_ids = insert(
            "categories",
            [
                {**row, "group_id": group_ids[group]}
                for row, group in zip(self.category_rows, self.category_groups, strict=True)
            ],
        )
        # Names are one in any case, as in the book (the file's first spelling is kept).
        named: dict[tuple[str, str], int] = {}

        def label_id(table: str, name: str) -> int:
            key = (table, name.casefold())
            if key not in named:
                named[key] = db[table].insert({"book_id": book_id, "name": name}).last_pk
            return named[key]

        for payee in payees:
            label_id("payees", payee)
        for tag in tags:
            label_id("tags", tag)

        def payee_id(name: str | None) -> int | None:
            return label_id("payees", name) if name else None

        def tag_id(name: str) -> int:
            return label_id("tags", name)

        def category_id(index: int | None) -> int | None:
            return None if index is None else category_ids[index]

        rows = self.transaction_rows
        with kept_in_bulk(db):
            db.conn.executemany(
                "INSERT INTO transactions (book_id, account_id, date, amount, payee_id, "
                "category_id, memo, status, bank_id, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        book_id,
                        account_ids[r["account"]],
                        r["date"],
                        r["amount"],
                        payee_id(r["payee"]),
                        category_id(r["category"]),
                        r["memo"],
                        r["status"],
                        r["bank_id"],
                        r["created_at"],
                        r["updated_at"],
                    )
                    for r in rows
                ),
            )
        ids = [
            i
            for (i,) in db.execute(
                "SELECT id FROM transactions WHERE book_id = ? ORDER BY id", [book_id]
            ).fetchall()
        ]
        db.conn.executemany(
            "UPDATE transactions SET transfer_id = ? WHERE id = ?",
            (
                (ids[r["transfer"]], i)
                for i, r in zip(ids, rows, strict=True)
                if r["transfer"] is not None
            ),
        )
        db.conn.executemany(
            "INSERT INTO splits (transaction_id, category_id, amount, memo, position) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                (i, category_id(s["category"]), s["amount"], s["memo"], s["position"])
                for i, r in zip(ids, rows, strict=True)
                for s in r["splits"]
            ),
        )
        db.conn.executemany(
            "INSERT OR IGNORE INTO transaction_tags (transaction_id, tag_id) VALUES (?, ?)",
            ((i, tag_id(t)) for i, r in zip(ids, rows, strict=True) for t in r["tags"]),
        )
        rebuild_account_totals(db, book_id)
        db.conn.executemany(
            "INSERT INTO budgets (category_id, month, amount) VALUES (?, ?, ?)",
            [(category_id(b["category"]), b["month"], b["amount"]) for b in self.budget_rows],
        )
        self._write_schedules(db, book_id, account_ids, category_id, ids)
        archived = [account_ids[i] for i, row in enumerate(self.account_rows) if row["archived"]]
        db.conn.executemany(  # only now: a schedule may belong to an archived account
            "UPDATE accounts SET archived = 1 WHERE id = ?", [(i,) for i in archived]
        )
        for rule in self.rule_rows:
            account, category = rule.pop("account"), rule.pop("set_category")
            db["rules"].insert(
                {
                    **rule,
                    "book_id": book_id,
                    "account_id": None if account is None else account_ids[account],
                    "set_category_id": category_id(category),
                }
            )
        return book_id

    def _write_schedules(
        self,
        db: sqlite_utils.Database,
        book_id: int,
        account_ids: list[int],
        category_id: Callable[[int | None], int | None],
        transaction_ids: list[int],
    ) -> None:
        """Insert the scheduled transactions, checked as the app checks a new one (a refusal
        undoes the whole load, as the caller's write transaction ends)."""
        file_names = {
            "account_id": "account",
            "transfer_account_id": "transfer_account",
            "category_id": "category",
        }
        for plan in self.schedule_plans:
            item = plan["item"]
            other = plan["transfer_account"]
            values = {
                **{name: item.get(name) for name in SCHEDULE_FIELDS},
                "account_id": account_ids[plan["account"]],
                "transfer_account_id": None if other is None else account_ids[other],
                "category_id": category_id(plan["category"]),
            }
            try:
                row = validated_schedule(db.conn, book_id, values)
            except ValidationFailed as refusal:
                raise ValidationFailed(
                    "The book file cannot be loaded; nothing was made.",
                    errors=[
                        FieldError(f"{plan['where']}.{file_names.get(e.field, e.field)}", e.message)
                        for e in refusal.errors
                    ],
                ) from None
            schedule_id = (
                db["schedules"]
                .insert(
                    row
                    | {
                        "book_id": book_id,
                        "next_date": plan["next_date"],
                        "created_at": plan["created_at"],
                        "updated_at": plan["updated_at"],
                    }
                )
                .last_pk
            )
            db.conn.executemany(
                "INSERT INTO schedule_occurrences (schedule_id, date, transaction_id, skipped) "
                "VALUES (?, ?, ?, ?)",
                [
                    (schedule_id, day, None if ref is None else transaction_ids[ref], skipped)
                    for day, (skipped, ref) in plan["occurrences"].items()
                ],
            )
