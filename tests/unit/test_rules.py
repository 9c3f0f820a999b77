"""What rules make of a transaction: conditions, actions, order."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from server.domain.rules import Rule, RuleSet, Subject

STAMP = datetime(2025, 1, 1, tzinfo=UTC)
ROOT = Path(__file__).parents[2]


def rule(rule_id: int = 1, **fields) -> Rule:
    values = {
        "name": f"Rule {rule_id}",
        "position": rule_id,
        "enabled": True,
        "payee_match": None,
        "payee_text": "",
        "amount_min": None,
        "amount_max": None,
        "account_id": None,
        "set_category_id": None,
        "set_payee": None,
        "add_tags": [],
    } | fields
    return Rule(id=rule_id, revision=1, created_at=STAMP, updated_at=STAMP, **values)


def subject(payee: str = "CORNER GROCER #114", amount: str = "-54.21", **fields) -> Subject:
    return Subject(
        account_id=fields.pop("account_id", 1),
        amount=Decimal(amount),
        payee=payee,
        category_id=fields.pop("category_id", None),
        tags=fields.pop("tags", ()),
        **fields,
    )


@pytest.mark.parametrize(
    ("match", "text", "payee", "expected"),
    [
        ("contains", "grocer", "CORNER GROCER #114", True),
        ("contains", "grocer", "Grocery Outlet", True),
        ("contains", "grocer", "Bakery", False),
        ("contains", "straße", "STRASSE Café", True),  # full case folding: ß is ss
        ("contains", "café", "CAFÉ Müller", True),  # any case, beyond ASCII
        ("equals", "netflix", "NETFLIX", True),
        ("equals", "netflix", "NETFLIX.COM", False),
        ("equals", " netflix ", "Netflix", True),
        ("regex", r"^amzn mktp", "AMZN Mktp US*2K4", True),
        ("regex", r"^amzn mktp", "PAYPAL *AMZN MKTP", False),
        ("regex", r"\d{4}$", "CHECK 1042", True),
        ("regex", r"café|bistro", "CAFÉ MÜLLER", True),
    ],
)
def test_payee_conditions(match, text, payee, expected):
    rules = RuleSet([rule(payee_match=match, payee_text=text, set_category_id=7)])
    assert (rules.run(subject(payee)).category_id == 7) is expected


def test_a_pattern_that_backtracks_forever_elsewhere_answers_at_once():
    """`^(a+)+$` on 64 a's and a b takes a backtracking engine (Python's `re`) 2**64 steps:
    run in a child process, so that a regression fails at the timeout instead of hanging
    the suite."""
    program = (
        "from decimal import Decimal\n"
        "from server.domain.rules import Rule, RuleSet, Subject\n"
        "from tests.unit.test_rules import rule, subject\n"
        "rules = RuleSet([rule(payee_match='regex', payee_text='^(a+)+$', set_category_id=7)])\n"
        "print(rules.run(subject('a' * 64 + 'b')).category_id)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "None"


@pytest.mark.parametrize(
    ("low", "high", "amount", "expected"),
    [
        ("-100", "-20", "-54.21", True),
        ("-100", "-20", "-20", True),  # inclusive
        ("-100", "-20", "-100.00", True),
        ("-100", "-20", "-19.99", False),
        ("-100", "-20", "54.21", False),  # money in is not money out
        (None, "0", "-0.01", True),
        ("1000", None, "999.99", False),
        ("1000", None, "3200.00", True),
    ],
)
def test_amount_range(low, high, amount, expected):
    rules = RuleSet([rule(amount_min=low, amount_max=high, add_tags=["big"])])
    assert (rules.run(subject(amount=amount)).tags == ("big",)) is expected


def test_every_condition_must_hold():
    rules = RuleSet(
        [rule(payee_match="contains", payee_text="grocer", account_id=2, set_category_id=7)]
    )
    assert rules.run(subject(account_id=1)).category_id is None
    assert rules.run(subject(account_id=2)).category_id == 7
    assert rules.run(subject("Bakery", account_id=2)).category_id is None


def test_rules_run_in_order_and_each_sees_what_the_ones_before_made():
    rules = RuleSet(
        [
            rule(1, payee_match="regex", payee_text=r"^amzn", set_payee="Amazon"),
            rule(2, payee_match="equals", payee_text="amazon", set_category_id=5),
            rule(3, payee_match="contains", payee_text="amazon", set_category_id=6),
            rule(4, amount_max="-50", add_tags=["Large", "online"]),
            rule(5, payee_match="contains", payee_text="amaz", add_tags=["LARGE", "shopping"]),
        ]
    )
    after = rules.run(subject("AMZN Mktp US*2K4", "-54.21"))
    assert after.payee == "Amazon"
    assert after.category_id == 6  # the later rule wins
    assert after.tags == ("Large", "online", "shopping")  # each once, the first spelling


def test_disabled_rules_and_uncategorizable_transactions():
    rules = RuleSet(
        [
            rule(1, enabled=False, payee_match="contains", payee_text="grocer", set_payee="X"),
            rule(2, payee_match="contains", payee_text="grocer", set_category_id=7),
        ]
    )
    assert rules.run(subject()).payee == "CORNER GROCER #114"
    transfer = rules.run(subject(categorizable=False, tags=("a",)))
    assert transfer.category_id is None
    assert not RuleSet([rule(enabled=False, payee_match="equals", payee_text="x")])


def test_a_rule_that_changes_nothing_leaves_the_subject_equal():
    rules = RuleSet([rule(payee_match="contains", payee_text="grocer", set_category_id=7)])
    already = subject(category_id=7)
    assert rules.run(already) == already
