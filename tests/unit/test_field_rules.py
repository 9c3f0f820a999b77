"""The words a refused field is told state its rule (issue 19)."""

from __future__ import annotations

import pytest

from server.domain.field_rules import choice_rule, count, length_rule, range_rule


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"most": 1000, "has": 1500}, "Use at most 1,000 characters (this has 1,500)."),
        ({"least": 3, "most": 32}, "Use 3 to 32 characters."),
        ({"least": 8}, "Use at least 8 characters."),
        ({"least": 2, "most": 2, "has": 3}, "Use exactly 2 characters (this has 3)."),
    ],
)
def test_a_length_rule_names_its_limits_and_what_was_sent(limits, message):
    assert length_rule(unit="characters", **limits) == message


def test_a_range_rule_names_its_bounds():
    assert range_rule(least=1, most=366, whole=True) == "Use a whole number from 1 to 366."
    assert range_rule(least=0, most=None, whole=False) == "Use a number of at least 0."
    assert (
        range_rule(least=None, most=10_000, whole=True) == "Use a whole number of at most 10,000."
    )


def test_a_choice_rule_lists_the_choices():
    assert choice_rule(["read", "write"]) == "Use one of: read or write."
    assert choice_rule(["a", "b", "c"]) == "Use one of: a, b or c."
    assert choice_rule(["only"]) == "Use only."


def test_counts_read_as_people_write_them():
    assert count(1000) == "1,000"
    assert count(7) == "7"
