"""Checking a book file (see `book_file`) whole before anything is written, as it is read
(`book_read`): its structure, the refs between its objects, and each object held to the rules
the app holds it to (its fields to validation's parsers, see `book_fields`; the transactions
to `transaction_rules`, the rules to `rules.checked_rule`); `book_load` then writes the plan
at once. The checking stops at the first MAX_PROBLEMS problems."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from server.db.kept_sums import MAX_TOTAL
from server.domain import book_fields as field
from server.domain import transaction_rules as rules
from server.domain import validation as check
from server.domain.accounts import ACCOUNT_TYPES
from server.domain.book_file import FORMAT, VERSION
from server.domain.book_read import BEFORE_THE_TRANSACTIONS, BookFileReader
from server.domain.books import check_book_fields
from server.domain.budgets import check_month
from server.domain.categories import KINDS
from server.domain.currencies import is_currency
from server.domain.goals import GoalInput, checked_goal
from server.domain.imports import BANK_ID_MAX
from server.domain.labels import clean_payee_name, clean_tag_name
from server.domain.reconciliations import STATES
from server.domain.rules import RuleInput, checked_rule
from server.domain.validation import MAX_PROBLEMS, NAME_MAX, Problems
from server.errors import ValidationFailed
from server.translatable import _l

REFUSED = _l("The book file cannot be loaded; nothing was made.")


def check_book_file(data: Any, *, now: datetime) -> tuple[BookPlan, dict[str, Any]]:
    """Check a book file whole; return its plan and the book's own fields (name, currency,
    payees, tags), or refuse it (ValidationFailed naming each problem at its place; past
    MAX_PROBLEMS problems, the checking stops). `data` is the file parsed, or its
    `BookFileReader`: its parts are asked for in the order a book file gives them."""
    if not isinstance(data, dict | BookFileReader) or data.get("format") != FORMAT:
        if isinstance(data, BookFileReader) and data.in_transactions:
            raise ValidationFailed.on("format", BEFORE_THE_TRANSACTIONS)
        raise ValidationFailed.on(
            "format", _l("This is not a Tallybook book file (%(format)s).", format=FORMAT)
        )
    problems = Problems()
    book = data.get("book")
    if not problems.check(isinstance(book, dict), "book", _l("Expected an object.")):
        book = {}
    name = check.name(book.get("name"), "book.name", problems, of="book")
    currency = book.get("currency")
    if not isinstance(currency, str):
        problems.add("book.currency", _l("Expected an ISO 4217 currency code, e.g. EUR."))
        currency = None
    check_book_fields(None, currency, problems.within("book"))
    accounts = list(field.items(data, "accounts", problems))
    groups = list(field.items(data, "category_groups", problems))
    categories = list(field.items(data, "categories", problems))
    account_refs = field.refs_of(accounts, "accounts", problems)
    group_refs = field.refs_of(groups, "category_groups", problems)
    category_refs = field.refs_of(categories, "categories", problems)
    plan = BookPlan(problems, now)
    plan.accounts(accounts)
    plan.groups(groups)
    plan.categories(categories, group_refs)
    plan.transactions(field.items(data, "transactions", problems), account_refs, category_refs)
    own = {
        "name": name,
        "currency": currency,
        "payees": field.names(data, "payees", clean_payee_name, problems),
        "tags": field.names(data, "tags", clean_tag_name, problems),
    }
    plan.rules(field.items(data, "rules", problems), account_refs, category_refs)
    if currency is not None and is_currency(currency):
        plan.budgets(field.items(data, "budgets", problems), category_refs, currency)
        plan.goals(field.items(data, "goals", problems), category_refs, currency)
    plan.schedules(field.items(data, "schedules", problems), account_refs, category_refs)
    plan.reconciliations(field.items(data, "reconciliations", problems), account_refs)
    version = data.get("version")  # asked for last: it may follow the transactions
    right = isinstance(version, int) and not isinstance(version, bool) and version == VERSION
    if not right and not (version is None and problems.full):  # else: not reached
        raise ValidationFailed.on(
            "version",
            _l(
                "This file is of version %(given)r; Tallybook reads %(v)s.",
                given=version,
                v=VERSION,
            ),
        )
    if problems.full:
        raise ValidationFailed(
            _l(
                "%(refused)s The first %(max_problems)s problems are listed; the file "
                "was not checked further.",
                refused=REFUSED,
                max_problems=MAX_PROBLEMS,
            ),
            errors=problems.errors,
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
        self.category_groups: list[int] = []  # each category's group (row)
        self.transaction_rows: list[TransactionRow] = []
        self._texts: dict[str, str] = {}
        self.transaction_refs: dict[int, int] = {}  # ref -> row
        self.rule_rows: list[dict] = []
        self.budget_rows: list[dict] = []
        self.goal_rows: list[dict] = []
        self.schedule_plans: list[dict] = []
        self.reconciliation_rows: list[dict] = []

    def _stamps(self, item: dict, where: str) -> dict[str, str]:
        return {
            "created_at": field.stamp(item, "created_at", where, self.problems, self.now),
            "updated_at": field.stamp(item, "updated_at", where, self.problems, self.now),
        }

    def accounts(self, items: list[tuple[int, dict]]) -> None:
        for index, item in items:
            where = f"accounts[{index}]"
            currency = item.get("currency")
            if not self.problems.check(
                isinstance(currency, str) and is_currency(currency),
                f"{where}.currency",
                _l("Expected an ISO 4217 currency code, e.g. EUR."),
            ):
                currency = "XXX"
            self.account_rows.append(
                {
                    "name": field.name(item, where, self.problems, of="account"),
                    "type": check.choice(
                        item.get("type"), f"{where}.type", self.problems, options=ACCOUNT_TYPES
                    ),
                    "currency": currency,
                    "opening_balance": field.money(
                        item.get("opening_balance", "0"),
                        currency,
                        f"{where}.opening_balance",
                        self.problems,
                    ),
                    "opening_date": field.day(
                        item.get("opening_date"), f"{where}.opening_date", self.problems
                    ),
                    "archived": int(field.flag(item, "archived", where, self.problems)),
                    **self._stamps(item, where),
                }
            )

    def groups(self, items: list[tuple[int, dict]]) -> None:
        for index, item in items:
            where = f"category_groups[{index}]"
            self.group_rows.append(
                {
                    "name": field.name(item, where, self.problems, of="category group"),
                    "position": field.position(item, 0, where, self.problems),
                    "archived": int(field.flag(item, "archived", where, self.problems)),
                    **self._stamps(item, where),
                }
            )

    def categories(self, items: list[tuple[int, dict]], group_refs: dict[int, int]) -> None:
        for index, item in items:
            where = f"categories[{index}]"
            group = field.ref(item, "group", group_refs, where, self.problems)
            self.problems.check(
                group is not None, f"{where}.group", _l("Name the category's group.")
            )
            self.category_groups.append(group or 0)
            self.category_rows.append(
                {
                    "name": field.name(item, where, self.problems, of="category"),
                    "kind": check.choice(
                        item.get("kind"), f"{where}.kind", self.problems, options=KINDS
                    ),
                    "archived": int(field.flag(item, "archived", where, self.problems)),
                    "rollover": int(field.flag(item, "rollover", where, self.problems)),
                    **self._stamps(item, where),
                }
            )

    def transactions(
        self,
        items: Iterable[tuple[int, dict]],
        account_refs: dict[int, int],
        category_refs: dict[int, int],
    ) -> None:
        """Each transaction held to the rules of `transaction_rules`, as the API's are, as it
        is read; the two sides of each transfer once all are."""
        totals: dict[int, int] = {}
        sides: dict[int, _Side] = {}  # row -> its transfer side
        for index, item in items:
            where = f"transactions[{index}]"
            problems = self.problems.within(where)
            row_number = len(self.transaction_rows)
            field.add_ref(self.transaction_refs, item, row_number, where, self.problems)
            account = field.ref(item, "account", account_refs, where, self.problems)
            if account is None:
                problems.add("account", _l("Name the transaction's account."))
                account = 0
            currency = self.account_rows[account]["currency"] if self.account_rows else None
            amount = check.money(item.get("amount"), "amount", problems, currency=currency)
            totals[account] = totals.get(account, 0) + (amount or 0)
            problems.check(
                abs(totals[account]) <= MAX_TOTAL, "amount", _l("The account's total is too large.")
            )
            split_rows = field.splits(item.get("splits"), currency, amount, category_refs, problems)
            category = field.ref(item, "category", category_refs, where, self.problems)
            transfer = item.get("transfer")
            problems.check(
                category is None or (transfer is None and not split_rows),
                "category",
                _l("A transfer or a split transaction has no category of its own."),
            )
            if transfer is not None:
                sides[row_number] = _Side(index, item.get("ref"), transfer, item.get("account"))
            bank_id = item.get("bank_id")
            found = len(problems)
            check.text(bank_id, "bank_id", problems, most=BANK_ID_MAX)
            kept = self._kept  # the same texts once: a million rows share a few thousand
            self.transaction_rows.append(
                TransactionRow(
                    account=account,
                    date=kept(field.day(item.get("date"), f"{where}.date", self.problems)),
                    amount=amount or 0,
                    payee=kept(rules.payee(item.get("payee"), "payee", problems)),
                    category=category,
                    memo=rules.memo(item.get("memo"), "memo", problems),
                    status=kept(rules.status(item.get("status", "uncleared"), "status", problems)),
                    tags=check.tags(item.get("tags"), "tags", problems, each=True) or (),
                    splits=split_rows or (),
                    bank_id=bank_id if len(problems) == found else None,
                    **self._stamps(item, where),
                )
            )
        if not self.problems.full:
            self._pair_transfers(sides)

    def _pair_transfers(self, sides: dict[int, _Side]) -> None:
        """Each side of a transfer names the other, in another account; as the app keeps
        transfers, they move the same money (exactly in one currency; with opposite signs
        between two)."""
        rows = self.transaction_rows
        for row_number, side in sides.items():
            where = f"transactions[{side.index}].transfer"
            other = field.known(side.transfer, self.transaction_refs)
            if other is None:
                self.problems.add(where, _l("No transfer %(ref)r in the file.", ref=side.transfer))
                continue
            partner = sides.get(other)
            if not self.problems.check(
                partner is not None and partner.transfer == side.ref and other != row_number,
                where,
                _l("A transfer's two sides must name each other."),
            ):
                continue
            self.problems.check(
                partner.account != side.account,
                where,
                _l("A transfer's two sides must be in different accounts."),
            )
            rows[row_number].transfer = other
            if self.account_rows:
                rules.check_transfer_sides(
                    rows[row_number].amount,
                    rows[other].amount,
                    same_currency=self._currency(rows[row_number]) == self._currency(rows[other]),
                    field_name=where,
                    problems=self.problems,
                )

    def _currency(self, row: TransactionRow) -> str:
        return self.account_rows[row.account]["currency"]

    def _kept(self, text: Any) -> Any:
        return self._texts.setdefault(text, text) if isinstance(text, str) else text

    def _category_of(self, item: dict, category_refs: dict[int, int], where: str) -> int | None:
        """Return the row of the category an item (a budget, a goal) must name."""
        category = field.ref(item, "category", category_refs, where, self.problems)
        if category is None:
            self.problems.add(f"{where}.category", _l("Name its category."))
        return category

    def budgets(
        self, items: Iterable[tuple[int, dict]], category_refs: dict[int, int], currency: str
    ) -> None:
        seen: set[tuple[int, str]] = set()
        for index, item in items:
            where = f"budgets[{index}]"
            category = self._category_of(item, category_refs, where)
            if category is None:
                continue
            month = item.get("month")
            try:
                check_month(month)
            except ValidationFailed:
                self.problems.add(f"{where}.month", _l("Expected a month as YYYY-MM."))
                continue
            amount = field.money(item.get("amount"), currency, f"{where}.amount", self.problems)
            self.problems.check(amount >= 0, f"{where}.amount", _l("A budget is zero or more."))
            self.problems.check(
                (category, month) not in seen, f"{where}.month", _l("The category has it twice.")
            )
            seen.add((category, month))
            self.budget_rows.append({"category": category, "month": month, "amount": amount})

    def goals(
        self, items: Iterable[tuple[int, dict]], category_refs: dict[int, int], currency: str
    ) -> None:
        seen: set[int] = set()
        for index, item in items:
            where = f"goals[{index}]"
            category = self._category_of(item, category_refs, where)
            if category is None:
                continue
            self.problems.check(
                self.category_rows[category]["kind"] == "expense",
                f"{where}.category",
                _l("Only expense categories have goals."),
            )
            self.problems.check(category not in seen, f"{where}.category", _l("It has two goals."))
            seen.add(category)
            goal = check.from_mapping(GoalInput, item)
            row = checked_goal(goal, currency, self.problems.within(where))
            self.goal_rows.append({"category": category, **row})

    def rules(
        self,
        items: Iterable[tuple[int, dict]],
        account_refs: dict[int, int],
        category_refs: dict[int, int],
    ) -> None:
        for index, item in items:
            where = f"rules[{index}]"
            account = field.ref(item, "account", account_refs, where, self.problems)
            category = field.ref(item, "set_category", category_refs, where, self.problems)
            found = len(self.problems)
            position = field.position(item, index + 1, where, self.problems)
            enabled = field.flag({"enabled": True} | item, "enabled", where, self.problems)
            for key, kind in (("amount_min", str), ("amount_max", str), ("add_tags", list)):
                value = item.get(key)  # of the type the API takes (checked_rule is lenient)
                self.problems.check(
                    value is None or isinstance(value, kind), f"{where}.{key}", _l("Wrong type.")
                )
            values = {**item, "account_id": account, "set_category_id": category}
            row = checked_rule(  # the checks of a rule made in the app (refs checked above)
                None, 0, check.from_mapping(RuleInput, values), self.problems.within(where)
            )
            if len(self.problems) > found:
                continue
            self.rule_rows.append(
                {
                    **row,
                    "enabled": int(enabled),
                    "position": position,
                    "account": account,
                    "set_category": category,
                    **self._stamps(item, where),
                }
            )

    def schedules(
        self,
        items: Iterable[tuple[int, dict]],
        account_refs: dict[int, int],
        category_refs: dict[int, int],
    ) -> None:
        """The refs and occurrences of scheduled transactions; their fields are checked as
        the app checks them once the accounts are in (see `_write_schedules`)."""
        for index, item in items:
            where = f"schedules[{index}]"
            account = field.ref(item, "account", account_refs, where, self.problems)
            self.problems.check(account is not None, f"{where}.account", _l("Name its account."))
            field.flag(item, "auto_enter", where, self.problems)  # its other fields: see above
            next_date = item.get("next_date")
            if next_date is not None:
                next_date = field.day(next_date, f"{where}.next_date", self.problems)
            self.schedule_plans.append(
                {
                    "where": where,
                    "item": item,
                    "account": account,
                    "transfer_account": field.ref(
                        item, "transfer_account", account_refs, where, self.problems
                    ),
                    "category": field.ref(item, "category", category_refs, where, self.problems),
                    "next_date": next_date,
                    "occurrences": self._occurrences(item.get("occurrences"), where),
                    **self._stamps(item, where),
                }
            )

    def reconciliations(
        self, items: Iterable[tuple[int, dict]], account_refs: dict[int, int]
    ) -> None:
        """Reconciliations as the app keeps them: a statement of an account of the file, who
        started (and finished) it and when, at most one open per account."""
        opened: set[int] = set()
        for index, item in items:
            where = f"reconciliations[{index}]"
            account = field.ref(item, "account", account_refs, where, self.problems)
            if not self.problems.check(account is not None, f"{where}.account", _l("Name it.")):
                continue
            currency = self.account_rows[account]["currency"]
            state = check.choice(item.get("state"), f"{where}.state", self.problems, options=STATES)
            finished = state == "finished"
            if state == "open":
                self.problems.check(
                    account not in opened, f"{where}.state", _l("The account has another open.")
                )
                opened.add(account)
            row = {
                "account": account,
                "statement_date": field.day(
                    item.get("statement_date"), f"{where}.statement_date", self.problems
                ),
                "statement_balance": field.money(
                    item.get("statement_balance"),
                    currency,
                    f"{where}.statement_balance",
                    self.problems,
                ),
                "state": state,
                "adjustment": field.ref(
                    item, "adjustment", self.transaction_refs, where, self.problems
                ),
                "started_at": field.stamp(item, "started_at", where, self.problems, self.now),
                "finished_at": field.stamp(item, "finished_at", where, self.problems, self.now)
                if finished
                else None,
            }
            for key in ("started_by", "finished_by"):
                wanted = key == "started_by" or finished
                row[key] = check.text(item.get(key), f"{where}.{key}", self.problems, most=NAME_MAX)
                self.problems.check(
                    (row[key] is not None) == wanted,
                    f"{where}.{key}",
                    "Give who did it." if wanted else "Only a finished one has it.",
                )
            self.reconciliation_rows.append(row)

    def _occurrences(self, occurrences: Any, where: str) -> dict[str, tuple[int, int | None]]:
        """A schedule's occurrences entered (naming their transaction) or skipped, by date."""
        taken: dict[str, tuple[int, int | None]] = {}
        given = {"occurrences": [] if occurrences is None else occurrences}
        for number, occurrence in field.items(given, "occurrences", self.problems.within(where)):
            at = f"{where}.occurrences[{number}]"
            day = field.day(occurrence.get("date"), f"{at}.date", self.problems)
            self.problems.check(day not in taken, f"{at}.date", _l("This date is there twice."))
            taken[day] = (
                int(field.flag(occurrence, "skipped", at, self.problems)),
                field.ref(occurrence, "transaction", self.transaction_refs, at, self.problems),
            )
        return taken


@dataclass(slots=True)
class TransactionRow:
    """A transaction of a book file, checked, as `book_load` inserts it (its account, category
    and transfer as rows of the plan): compact, as there may be millions."""

    account: int
    date: str
    amount: int
    payee: str | None
    category: int | None
    memo: str
    status: str
    tags: Sequence[str]
    splits: Sequence[dict]
    bank_id: str | None
    created_at: str
    updated_at: str
    transfer: int | None = None


class _Side(NamedTuple):
    """One side of a transfer as the file gives it, kept until every transaction is read."""

    index: int  # its place in the file
    ref: Any
    transfer: Any  # the other side's ref
    account: Any  # its account's ref
