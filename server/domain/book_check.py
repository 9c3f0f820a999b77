"""Checking a book file (see `book_file`) whole before anything is written: its structure,
the refs between its objects, and each object held to the rules the app holds it to (the
transactions to `transaction_rules`, the rules to `rules.checked_rule`); `book_load` then
writes the plan at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from server.clock import from_iso, to_iso
from server.db.kept_sums import MAX_TOTAL
from server.domain import transaction_rules as rules
from server.domain import validation as check
from server.domain.accounts import ACCOUNT_TYPES
from server.domain.book_file import FORMAT, VERSION
from server.domain.books import check_book_fields
from server.domain.budgets import check_month
from server.domain.categories import KINDS
from server.domain.currencies import is_currency
from server.domain.imports import BANK_ID_MAX
from server.domain.labels import clean_payee_name, clean_tag_name
from server.domain.rules import RuleInput, checked_rule
from server.domain.validation import Problems
from server.errors import ValidationFailed

REFUSED = "The book file cannot be loaded; nothing was made."
REFUSED_DAY = date(2000, 1, 1)  # stands in for a refused date while the rest is checked


def _items(data: dict, key: str, problems: Problems) -> list[dict]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.add(key, "Expected a list of objects.")
        return []
    return items


def _text(item: dict, key: str, where: str, problems: Problems, *, optional=False) -> Any:
    value = item.get(key)
    if value is None and optional:
        return None
    problems.check(isinstance(value, str), f"{where}.{key}", "Expected text.")
    return value if isinstance(value, str) else ""


def _stamp(item: dict, key: str, where: str, problems: Problems, now: datetime) -> str:
    value = item.get(key)
    if value is None:
        return to_iso(now)
    try:
        return to_iso(from_iso(value))
    except (TypeError, ValueError):
        problems.add(f"{where}.{key}", "Expected a time as ISO 8601 with a time zone.")
        return to_iso(now)


def _ref(item: dict, key: str, known: dict[int, Any], where: str, problems: Problems) -> Any:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value not in known:
        problems.add(f"{where}.{key}", f"No {key} with ref {value!r} in the file.")
        return None
    return known[value]


def _names(data: dict, key: str, clean: Callable[[str, str], str], problems: Problems) -> list[str]:
    names = data.get(key, [])
    if not isinstance(names, list):
        problems.add(key, "Expected a list of names.")
        return []
    cleaned = [check.label(n, f"{key}[{i}]", problems, clean=clean) for i, n in enumerate(names)]
    return [n for n in cleaned if n is not None]


def _refs_of(items: list[dict], name: str, problems: Problems) -> dict[int, int]:
    """ref -> index of each item; refs must be distinct integers."""
    found: dict[int, int] = {}
    for index, item in enumerate(items):
        ref = item.get("ref")
        if isinstance(ref, bool) or not isinstance(ref, int) or ref in found:
            problems.add(f"{name}[{index}].ref", "Expected a whole number, once in the list.")
            continue
        found[ref] = index
    return found


def _day(value: Any, where: str, problems: Problems) -> str:
    """A date the file must give, as YYYY-MM-DD (a placeholder when refused: the file is)."""
    if value is None:
        problems.add(where, "Give the date as YYYY-MM-DD.")
    found = check.day(value, where, problems)
    return (found or REFUSED_DAY).isoformat()


def _money(value: Any, currency: str | None, where: str, problems: Problems) -> int:
    """An amount the file must give (0 when refused: the file is)."""
    return check.money(value, where, problems, currency=currency) or 0


def check_book_file(data: Any, *, now: datetime) -> tuple[BookPlan, dict[str, Any]]:
    """Check a book file whole; return its plan and the book's own fields (name, currency,
    payees, tags), or refuse it (ValidationFailed naming each problem at its place)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationFailed.on("format", f"This is not a Tallybook book file ({FORMAT}).")
    if data.get("version") != VERSION:
        raise ValidationFailed.on(
            "version",
            f"This file is of version {data.get('version')!r}; this Tallybook reads {VERSION}.",
        )
    problems = Problems()
    book = data.get("book") if isinstance(data.get("book"), dict) else {}
    name, currency = book.get("name"), book.get("currency")
    check_book_fields(name if isinstance(name, str) else "", currency, problems.within("book"))
    accounts = _items(data, "accounts", problems)
    groups = _items(data, "category_groups", problems)
    categories = _items(data, "categories", problems)
    transactions = _items(data, "transactions", problems)
    rule_items = _items(data, "rules", problems)
    own = {
        "name": name,
        "currency": currency,
        "payees": _names(data, "payees", clean_payee_name, problems),
        "tags": _names(data, "tags", clean_tag_name, problems),
    }
    account_refs = _refs_of(accounts, "accounts", problems)
    group_refs = _refs_of(groups, "category_groups", problems)
    category_refs = _refs_of(categories, "categories", problems)
    transaction_refs = _refs_of(transactions, "transactions", problems)
    plan = BookPlan(problems, now)
    plan.accounts(accounts)
    plan.groups(groups)
    plan.categories(categories, group_refs)
    plan.transactions(transactions, account_refs, category_refs, transaction_refs)
    plan.rules(rule_items, account_refs, category_refs)
    if isinstance(currency, str) and is_currency(currency):
        plan.budgets(_items(data, "budgets", problems), category_refs, currency)
    plan.schedules(
        _items(data, "schedules", problems), account_refs, category_refs, transaction_refs
    )
    problems.raise_if_any(REFUSED)
    return plan, own


class BookPlan:
    """A book file's objects checked and turned into rows, ready to insert (`book_load`)."""

    def __init__(self, problems: Problems, now: datetime) -> None:
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
        """Each transaction held to the rules of `transaction_rules`, as the API's are."""
        totals: dict[int, int] = {}
        for index, item in enumerate(items):
            where = f"transactions[{index}]"
            problems = self.problems.within(where)
            account = _ref(item, "account", account_refs, where, self.problems)
            if account is None:
                problems.add("account", "Name the transaction's account.")
                account = 0
            currency = self.account_rows[account]["currency"] if self.account_rows else None
            amount = check.money(item.get("amount"), "amount", problems, currency=currency)
            totals[account] = totals.get(account, 0) + (amount or 0)
            problems.check(
                abs(totals[account]) <= MAX_TOTAL, "amount", "The account's total is too large."
            )
            splits = item.get("splits") or []
            split_rows = []
            if problems.check(isinstance(splits, list), "splits", "Expected a list of parts."):
                rules.check_split_count(len(splits), "splits", problems)
                for number, part in enumerate(splits[: rules.MAX_SPLITS]):
                    at = f"splits[{number}]"
                    if not problems.check(isinstance(part, dict), at, "Expected an object."):
                        continue
                    split_rows.append(
                        {
                            "amount": check.money(
                                part.get("amount"), f"{at}.amount", problems, currency=currency
                            ),
                            "category": _ref(part, "category", category_refs, at, problems),
                            "memo": rules.memo(part.get("memo"), f"{at}.memo", problems),
                            "position": number,
                        }
                    )
                parts = [s["amount"] for s in split_rows]
                rules.check_splits_add_up(parts, amount, "splits", problems)
            transfer = _ref(item, "transfer", transaction_refs, where, self.problems)
            category = _ref(item, "category", category_refs, where, self.problems)
            problems.check(
                category is None or (transfer is None and not split_rows),
                "category",
                "A transfer or a split transaction has no category of its own.",
            )
            if transfer is not None:
                other = items[transfer]
                problems.check(
                    other.get("transfer") == item.get("ref") and transfer != index,
                    "transfer",
                    "A transfer's two sides must name each other.",
                )
                problems.check(
                    other.get("account") != item.get("account"),
                    "transfer",
                    "A transfer's two sides must be in different accounts.",
                )
            bank_id = item.get("bank_id")
            problems.check(
                bank_id is None or (isinstance(bank_id, str) and len(bank_id) <= BANK_ID_MAX),
                "bank_id",
                f"Expected text of up to {BANK_ID_MAX} characters.",
            )
            self.transaction_rows.append(
                {
                    "account": account,
                    "date": _day(item.get("date"), f"{where}.date", self.problems),
                    "amount": amount or 0,
                    "payee": rules.payee(item.get("payee"), "payee", problems),
                    "category": category,
                    "memo": rules.memo(item.get("memo"), "memo", problems),
                    "status": rules.status(item.get("status", "uncleared"), "status", problems),
                    "tags": check.tags(item.get("tags"), "tags", problems, each=True),
                    "splits": [{**s, "amount": s["amount"] or 0} for s in split_rows],
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
            rules.check_transfer_sides(
                row["amount"],
                other["amount"],
                same_currency=self._currency(row) == self._currency(other),
                field_name=f"transactions[{index}].transfer",
                problems=self.problems,
            )

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
            found = len(self.problems)
            values = {**item, "account_id": account, "set_category_id": category}
            row = checked_rule(  # the checks of a rule made in the app (refs checked above)
                None, 0, check.from_mapping(RuleInput, values), self.problems.within(where)
            )
            if len(self.problems) > found:
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
