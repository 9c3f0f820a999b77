"""What a refused field is told, in one place: each message states the rule the value broke
(its limits, its choices, its form) in plain words, for the API's schemas and the domain's
checks alike."""

from __future__ import annotations

from collections.abc import Sequence

REQUIRED = "This is required: give a value."
NOT_NULL = "Give a value here; null is not taken."
NOT_TEXT = "Use text here."
NOT_WHOLE_NUMBER = "Use a whole number."
NOT_NUMBER = "Use a number."
NOT_TRUE_OR_FALSE = "Use true or false."
NOT_DATE = "Use a date as YYYY-MM-DD."
NOT_DATE_TIME = "Use a date and time as YYYY-MM-DDTHH:MM:SS."
NOT_LIST = "Use a list."
NOT_OBJECT = "Use an object of named fields."
UNKNOWN_FIELD = "This field is not one this request takes."


def count(number: float) -> str:
    """Return a limit as people read it: 1,000 rather than 1000."""
    return f"{number:,}"


def length_rule(
    *, least: int | None = None, most: int | None = None, has: int | None = None, unit: str
) -> str:
    """Return the rule of a length in `unit` (characters, tags, items), with how many the
    refused value `has`: "Use at most 1,000 characters (this has 1,500)."."""
    if least is not None and most is not None:
        rule = (
            f"Use exactly {count(most)} {unit}"
            if least == most
            else f"Use {count(least)} to {count(most)} {unit}"
        )
    elif most is not None:
        rule = f"Use at most {count(most)} {unit}"
    else:
        rule = f"Use at least {count(least or 0)} {unit}"
    return f"{rule} (this has {count(has)})." if has is not None else f"{rule}."


def range_rule(*, least: float | None, most: float | None, whole: bool) -> str:
    """Return the rule of a number's range: "Use a whole number from 1 to 366."."""
    kind = "a whole number" if whole else "a number"
    if least is not None and most is not None:
        return f"Use {kind} from {count(least)} to {count(most)}."
    if least is not None:
        return f"Use {kind} of at least {count(least)}."
    return f"Use {kind} of at most {count(most or 0)}."


def choice_rule(options: Sequence[str]) -> str:
    """Return the rule of a choice: "Use one of: checking, savings or cash."."""
    shown = [str(option) for option in options]
    if len(shown) == 1:
        return f"Use {shown[0]}."
    return f"Use one of: {', '.join(shown[:-1])} or {shown[-1]}."
