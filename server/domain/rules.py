"""Rules: when a transaction matches (payee, amount range, account), set its category, rename
its payee, add tags.

Rules run in their order, each seeing what the ones before it made of the transaction (a rule
may rename "AMZN MKTP US*2K4" to "Amazon" and the next categorize "Amazon"). They run on an
import's rows and on new transactions as they come in (`RuleSet.run`), and on demand on what
the book already holds (`server.domain.rule_runs`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

import re2

from server.clock import from_iso, to_iso
from server.db import Database
from server.domain import validation as check
from server.domain.books import check_if_match
from server.domain.field_rules import length_rule
from server.domain.labels import clean_payee_name
from server.domain.validation import Problems
from server.errors import NotFound, ValidationFailed
from server.translatable import _l

PAYEE_MATCHES = ("contains", "equals", "regex")
PATTERN_MAX = 200
MAX_ADDED_TAGS = 20  # a rule adds at most this many tags
MAX_RULES_ORDERED = 10_000  # the rules a new order names (every rule of the book)
REFUSED = _l("The rule cannot be saved as it is.")
# A change to only these moves or switches a rule, leaving what it does alone.
MOVES = frozenset({"enabled", "position"})


@dataclass(frozen=True)
class Rule:
    """A rule of a book: its conditions (all must hold) and its actions."""

    id: int
    name: str
    position: int
    enabled: bool
    payee_match: str | None
    payee_text: str
    amount_min: str | None
    amount_max: str | None
    account_id: int | None
    set_category_id: int | None
    set_payee: str | None
    add_tags: list[str]
    revision: int
    created_at: datetime
    updated_at: datetime

    @property
    def etag(self) -> str:
        return f'"rule-{self.id}-{self.revision}"'


@dataclass(frozen=True)
class RuleInput:
    """A new rule as the client sends it; amounts are decimal strings without a currency."""

    name: str
    enabled: bool = True
    position: int | None = None  # None: after the book's other rules
    payee_match: str | None = None
    payee_text: str = ""
    amount_min: str | None = None
    amount_max: str | None = None
    account_id: int | None = None
    set_category_id: int | None = None
    set_payee: str | None = None
    add_tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RuleChanges:
    """A change to a rule as the client sends it: None leaves a field as it is."""

    name: str | None = None
    enabled: bool | None = None
    position: int | None = None
    payee_match: str | None = None
    payee_text: str | None = None
    amount_min: str | None = None
    amount_max: str | None = None
    account_id: int | None = None
    set_category_id: int | None = None
    set_payee: str | None = None
    add_tags: list[str] | None = None
    # Fields the client sent as null, to clear them, e.g. {"amount_min"}.
    cleared: frozenset[str] = field(default_factory=frozenset)


class Subject(NamedTuple):
    """What a rule looks at in a transaction, and what it may change (a tuple: an import
    makes one per row)."""

    account_id: int
    amount: Decimal
    payee: str
    category_id: int | None
    tags: tuple[str, ...]
    categorizable: bool = True  # transfers and split transactions take no category


def payee_pattern(text: str) -> Callable[[str], bool]:
    """A rule's regular expression as a test of payees, in any case.

    RE2 rather than `re`: it matches in time linear in the payee, so no pattern (say
    `^(a+)+$`) can hold the writer for minutes. It has no backreferences or lookaround;
    such a pattern is refused with RE2's reason (ValueError).
    """
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.never_capture = True
    try:
        compiled = re2.compile(text, options)
    except re2.error as error:
        reason = error.args[0] if error.args else "not understood"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(str(reason)) from None
    return lambda payee: compiled.search(payee) is not None


class _Compiled:
    """A rule made ready to test many transactions."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        text = rule.payee_text
        if rule.payee_match == "regex":
            self._payee = payee_pattern(text)
        elif rule.payee_match == "equals":
            wanted = text.strip().casefold()
            self._payee = lambda payee: payee.strip().casefold() == wanted
        elif rule.payee_match == "contains":
            part = text.casefold()
            self._payee = lambda payee: part in payee.casefold()
        else:
            self._payee = None
        self._min = Decimal(rule.amount_min) if rule.amount_min is not None else None
        self._max = Decimal(rule.amount_max) if rule.amount_max is not None else None

    def matches(self, subject: Subject) -> bool:
        rule = self.rule
        return (
            (rule.account_id is None or rule.account_id == subject.account_id)
            and (self._min is None or subject.amount >= self._min)
            and (self._max is None or subject.amount <= self._max)
            and (self._payee is None or self._payee(subject.payee))
        )

    def apply(self, subject: Subject) -> Subject:
        rule = self.rule
        category = rule.set_category_id if subject.categorizable else None
        return Subject(  # not dataclasses.replace: an import runs this 100k times
            subject.account_id,
            subject.amount,
            rule.set_payee or subject.payee,
            subject.category_id if category is None else category,
            _with_tags(subject.tags, rule.add_tags) if rule.add_tags else subject.tags,
            subject.categorizable,
        )


def _with_tags(tags: tuple[str, ...], more: Iterable[str]) -> tuple[str, ...]:
    """The tags plus more, each once (any case; the first spelling stays)."""
    seen = {t.casefold() for t in tags}
    result = list(tags)
    for tag in more:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            result.append(tag)
    return tuple(result)


class RuleSet:
    """The enabled rules of a book (or the chosen ones), in order, ready to run."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = [_Compiled(r) for r in rules if r.enabled]

    def __bool__(self) -> bool:
        return bool(self._rules)

    def run(self, subject: Subject) -> Subject:
        for rule in self._rules:
            if rule.matches(subject):
                subject = rule.apply(subject)
        return subject

    def payee_bound(self) -> bool:
        """Whether every rule needs a payee condition to match (so only payees matter)."""
        return all(r.rule.payee_match for r in self._rules)

    def any_payee_matches(self, payee: str) -> bool:
        return any(r._payee is not None and r._payee(payee) for r in self._rules)


# --- storing ------------------------------------------------------------------------------------


def _from_row(row: sqlite3.Row) -> Rule:
    return Rule(
        id=row["id"],
        name=row["name"],
        position=row["position"],
        enabled=bool(row["enabled"]),
        payee_match=row["payee_match"],
        payee_text=row["payee_text"],
        amount_min=row["amount_min"],
        amount_max=row["amount_max"],
        account_id=row["account_id"],
        set_category_id=row["set_category_id"],
        set_payee=row["set_payee"],
        add_tags=json.loads(row["add_tags"]),
        revision=row["revision"],
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )


def list_rules(conn: sqlite3.Connection, book_id: int) -> list[Rule]:
    """The book's rules in the order they run."""
    rows = conn.execute(
        "SELECT * FROM rules WHERE book_id = ? ORDER BY position, id", [book_id]
    ).fetchall()
    return [_from_row(r) for r in rows]


def get_rule(conn: sqlite3.Connection, book_id: int, rule_id: int) -> Rule:
    """Return one rule of the book, or NotFound."""
    row = conn.execute(
        "SELECT * FROM rules WHERE id = ? AND book_id = ?", [rule_id, book_id]
    ).fetchone()
    if row is None:
        raise NotFound(_l("This book has no rule %(rule_id)s.", rule_id=rule_id))
    return _from_row(row)


NO_PAYEE_MATCH = (
    "Choose how the payee should match the text (contains, is or matches), or leave the text empty."
)


def _check_pattern(payee_match: str, payee_text: str, problems: Problems) -> None:
    """Check what a payee condition compares payees with."""
    if not payee_text.strip():
        problems.add("payee_text", _l("Say what the payee should match."))
    elif len(payee_text) > PATTERN_MAX:
        problems.add(
            "payee_text", length_rule(most=PATTERN_MAX, has=len(payee_text), unit="characters")
        )
    elif payee_match == "regex":
        try:
            payee_pattern(payee_text)
        except ValueError as error:
            problems.add(
                "payee_text",
                _l("Not a regular expression Tallybook can use: %(error)s.", error=error),
            )


def checked_rule(
    conn: sqlite3.Connection | None, book_id: int, data: RuleInput, problems: Problems
) -> dict[str, Any]:
    """Check a rule's fields together, each problem collected at its field; return the row to
    store (of use only without problems). Without `conn` its account and category are taken
    as checked already (a book file's refs)."""
    name = check.name(data.name, "name", problems, of="rule")
    payee_match = data.payee_match
    payee_text = data.payee_text or ""
    if not isinstance(payee_text, str):
        problems.add("payee_text", _l("Expected text."))
        payee_text = ""
    elif not check.characters(payee_text, "payee_text", problems):
        payee_text = ""
    if payee_match is None:
        # Text without a way to match it would be dropped without a word: say so instead.
        problems.check(not payee_text.strip(), "payee_match", NO_PAYEE_MATCH)
        payee_text = ""
    elif check.choice(payee_match, "payee_match", problems, options=PAYEE_MATCHES):
        _check_pattern(payee_match, payee_text, problems)
    amount_min = check.decimal(data.amount_min, "amount_min", problems)
    amount_max = check.decimal(data.amount_max, "amount_max", problems)
    if amount_min is not None and amount_max is not None:
        problems.check(
            Decimal(amount_min) <= Decimal(amount_max),
            "amount_max",
            _l("The largest amount is below the smallest."),
        )
    if conn is not None:
        check.account(conn, book_id, data.account_id, "account_id", problems)
        check.category(conn, book_id, data.set_category_id, "set_category_id", problems)
    set_payee = data.set_payee
    if set_payee is not None:
        set_payee = check.label(set_payee, "set_payee", problems, clean=clean_payee_name)
    tags = check.tags(data.add_tags or [], "add_tags", problems, most=MAX_ADDED_TAGS)
    has_condition = payee_match or amount_min or amount_max or data.account_id is not None
    if not has_condition and not problems:
        problems.add("payee_match", _l("Give the rule a condition: payee, amount or account."))
    if data.set_category_id is None and not set_payee and not tags and not problems:
        problems.add("set_category_id", _l("Give the rule an action: category, payee or tags."))
    return {
        "name": name,
        "enabled": int(bool(data.enabled)),
        "payee_match": payee_match,
        "payee_text": payee_text,
        "amount_min": amount_min,
        "amount_max": amount_max,
        "account_id": data.account_id,
        "set_category_id": data.set_category_id,
        "set_payee": set_payee,
        "add_tags": json.dumps(tags, ensure_ascii=False),
    }


def _checked(conn: sqlite3.Connection | None, book_id: int, data: RuleInput) -> dict[str, Any]:
    problems = Problems()
    row = checked_rule(conn, book_id, data, problems)
    problems.raise_if_any(REFUSED)
    return row


def create_rule(database: Database, book_id: int, data: RuleInput, *, now: datetime) -> Rule:
    """Add a rule, after the book's others (it runs last) unless `data` gives its position."""
    with database.write() as db:
        row = _checked(db.conn, book_id, data)
        (last,) = db.execute(
            "SELECT coalesce(max(position), 0) FROM rules WHERE book_id = ?", [book_id]
        ).fetchone()
        position = last + 1 if data.position is None else data.position
        stamp = to_iso(now)
        rule_id = (
            db["rules"]
            .insert(
                {
                    **row,
                    "book_id": book_id,
                    "position": position,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            .last_pk
        )
        return get_rule(db.conn, book_id, rule_id)


def update_rule(
    database: Database,
    book_id: int,
    rule_id: int,
    changes: RuleChanges,
    *,
    now: datetime,
    if_match: str | None = None,
) -> Rule:
    """Change some of a rule's fields (those `changes` sets or clears)."""
    with database.write() as db:
        current = get_rule(db.conn, book_id, rule_id)
        check_if_match(if_match, current.etag, "rule")
        sent = check.given(changes)
        if sent <= MOVES:
            # Moving or switching a rule leaves what it does alone, even a rule whose
            # category was deleted and which has no action left, until it is enabled.
            row = {name: getattr(changes, name) for name in sent}
            if row.get("enabled") and not _has_action(current):
                raise ValidationFailed.on(
                    "set_category_id", _l("Give the rule an action before enabling it.")
                )
        else:
            kept = RuleInput(**{f.name: getattr(current, f.name) for f in fields(RuleInput)})
            if "payee_match" in changes.cleared and changes.payee_text is None:
                kept = replace(kept, payee_text="")  # no payee condition: its text goes too
            row = _checked(db.conn, book_id, check.changed(kept, changes))
            if changes.position is not None:
                row["position"] = changes.position
        db["rules"].update(
            rule_id, {**row, "revision": current.revision + 1, "updated_at": to_iso(now)}
        )
        return get_rule(db.conn, book_id, rule_id)


def _has_action(rule: Rule) -> bool:
    return rule.set_category_id is not None or bool(rule.set_payee) or bool(rule.add_tags)


def reorder_rules(
    database: Database, book_id: int, rule_ids: list[int], *, now: datetime
) -> list[Rule]:
    """Put the book's rules in the order of `rule_ids` (each of them once) at once."""
    with database.write() as db:
        current = list_rules(db.conn, book_id)
        if sorted(rule_ids) != sorted(r.id for r in current):
            raise ValidationFailed.on(
                "rule_ids",
                _l("List every rule of the book once (they may have changed: reload them)."),
            )
        positions = {r.id: r.position for r in current}
        stamp = to_iso(now)
        db.conn.executemany(
            "UPDATE rules SET position = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
            [
                (position, stamp, rule_id)
                for position, rule_id in enumerate(rule_ids, start=1)
                if positions[rule_id] != position
            ],
        )
        return list_rules(db.conn, book_id)


def delete_rule(
    database: Database, book_id: int, rule_id: int, *, if_match: str | None = None
) -> None:
    """Delete a rule; what it changed stays as it is."""
    with database.write() as db:
        current = get_rule(db.conn, book_id, rule_id)
        check_if_match(if_match, current.etag, "rule")
        db.execute("DELETE FROM rules WHERE id = ?", [rule_id])


def rule_set(conn: sqlite3.Connection, book_id: int, rule_ids: list[int] | None = None) -> RuleSet:
    """The book's enabled rules, or only those of `rule_ids` (each must exist)."""
    rules = list_rules(conn, book_id)
    if rule_ids is None:
        return RuleSet(rules)
    known = {r.id for r in rules}
    missing = [i for i in rule_ids if i not in known]
    if missing:
        raise ValidationFailed.on(
            "rule_ids", _l("This book has no rule %(value)s.", value=missing[0])
        )
    return RuleSet(r for r in rules if r.id in set(rule_ids))
