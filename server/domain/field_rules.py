"""What a refused field is told, in one place: each message states the rule the value broke
(its limits, its choices, its form) in plain words, for the API's schemas and the domain's
checks alike. Every message is marked for translation (server.translatable), so a schema's
refusal answers in the request's language as the domain's do."""

from __future__ import annotations

from collections.abc import Sequence

from server.translatable import Text, _l

REQUIRED = _l("This is required: give a value.")
NOT_NULL = _l("Give a value here; null is not taken.")
NOT_TEXT = _l("Use text here.")
NOT_WHOLE_NUMBER = _l("Use a whole number.")
NOT_NUMBER = _l("Use a number.")
NOT_TRUE_OR_FALSE = _l("Use true or false.")
NOT_DATE = _l("Use a date as YYYY-MM-DD.")
NOT_DATE_TIME = _l("Use a date and time as YYYY-MM-DDTHH:MM:SS.")
NOT_LIST = _l("Use a list.")
NOT_OBJECT = _l("Use an object of named fields.")
UNKNOWN_FIELD = _l("This field is not one this request takes.")

# What a length counts, by the name callers give it.
UNITS: dict[str, Text] = {
    "characters": _l("characters"),
    "characters in a tag": _l("characters in a tag"),
    "items": _l("items"),
    "tags": _l("tags"),
}


def count(number: float) -> str:
    """Return a limit as people read it: 1,000 rather than 1000."""
    return f"{number:,}"


def length_rule(
    *, least: int | None = None, most: int | None = None, has: int | None = None, unit: str
) -> Text:
    """Return the rule of a length in `unit` (characters, tags, items), with how many the
    refused value `has`: "Use at most 1,000 characters (this has 1,500)."."""
    values = {
        "least": count(least or 0),
        "most": count(most or 0),
        "unit": UNITS.get(unit, unit),
    }
    if has is not None:
        values["has"] = count(has)
        if least is not None and most is not None:
            if least == most:
                return _l("Use exactly %(most)s %(unit)s (this has %(has)s).", **values)
            return _l("Use %(least)s to %(most)s %(unit)s (this has %(has)s).", **values)
        if most is not None:
            return _l("Use at most %(most)s %(unit)s (this has %(has)s).", **values)
        return _l("Use at least %(least)s %(unit)s (this has %(has)s).", **values)
    if least is not None and most is not None:
        if least == most:
            return _l("Use exactly %(most)s %(unit)s.", **values)
        return _l("Use %(least)s to %(most)s %(unit)s.", **values)
    if most is not None:
        return _l("Use at most %(most)s %(unit)s.", **values)
    return _l("Use at least %(least)s %(unit)s.", **values)


def range_rule(*, least: float | None, most: float | None, whole: bool) -> Text:
    """Return the rule of a number's range: "Use a whole number from 1 to 366."."""
    values = {"least": count(least or 0), "most": count(most or 0)}
    if least is not None and most is not None:
        if whole:
            return _l("Use a whole number from %(least)s to %(most)s.", **values)
        return _l("Use a number from %(least)s to %(most)s.", **values)
    if least is not None:
        if whole:
            return _l("Use a whole number of at least %(least)s.", **values)
        return _l("Use a number of at least %(least)s.", **values)
    if whole:
        return _l("Use a whole number of at most %(most)s.", **values)
    return _l("Use a number of at most %(most)s.", **values)


def choice_rule(options: Sequence[str]) -> Text:
    """Return the rule of a choice: "Use one of: checking, savings or cash."."""
    shown = [str(option) for option in options]
    if len(shown) == 1:
        return _l("Use %(option)s.", option=shown[0])
    return _l("Use one of: %(options)s or %(last)s.", options=", ".join(shown[:-1]), last=shown[-1])
