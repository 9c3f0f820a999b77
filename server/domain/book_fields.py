"""The fields of a book file's items, each read with the parsers of `validation` (as the
API's input is) into what the book keeps; `book_check` puts them together. A field of the
wrong type, or refused, is a problem at its place, never an error."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from server.clock import from_iso, to_iso
from server.domain import transaction_rules as rules
from server.domain import validation as check
from server.domain.validation import MAX_POSITION, Problems
from server.translatable import _l

REFUSED_DAY = date(2000, 1, 1)  # stands in for a refused date while the rest is checked


def items(data: dict, key: str, problems: Problems) -> Iterator[tuple[int, dict]]:
    """Yield (place, item) of a list of objects, until the problems fill the report: a long
    list is not checked past the first MAX_PROBLEMS problems."""
    given = data.get(key, [])
    if isinstance(given, dict | str | bytes) or not isinstance(given, Iterable):
        problems.add(key, _l("Expected a list of objects."))
        return
    for index, item in enumerate(given):
        if problems.full:
            return
        if problems.check(isinstance(item, dict), f"{key}[{index}]", _l("Expected an object.")):
            yield index, item


def name(item: dict, where: str, problems: Problems, *, of: str) -> str:
    """Return an item's name (of an account, say), as the app takes one."""
    return check.name(item.get("name"), f"{where}.name", problems, of=of)


def flag(item: dict, key: str, where: str, problems: Problems) -> bool:
    """Return a yes-or-no field (false when left out)."""
    value = item.get(key, False)
    if not isinstance(value, bool):
        problems.add(f"{where}.{key}", _l("Expected true or false."))
        return False
    return value


def stamp(item: dict, key: str, where: str, problems: Problems, now: datetime) -> str:
    """Return when an item was made or changed, as the book keeps it (`now` when left out)."""
    value = item.get(key)
    if value is None:
        return to_iso(now)
    kept = _moment(value) if isinstance(value, str) else None
    if kept is None:
        problems.add(f"{where}.{key}", _l("Expected a time as ISO 8601 with a time zone."))
        return to_iso(now)
    return kept


@lru_cache(maxsize=4096)  # the rows of one import, or of one day, share their times
def _moment(text: str) -> str | None:
    try:
        moment = from_iso(text)
    except ValueError:
        return None
    return to_iso(moment) if moment.tzinfo is not None else None


def known(value: Any, refs: dict[int, Any]) -> Any:
    """Return what the ref `value` names in `refs`; None if it is no ref there."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return refs.get(value)


def ref(item: dict, key: str, refs: dict[int, Any], where: str, problems: Problems) -> Any:
    """Return what the item's `key` names in `refs` (None when left out, or refused)."""
    value = item.get(key)
    if value is None:
        return None
    found = known(value, refs)
    if found is None:
        problems.add(
            f"{where}.{key}",
            _l("No %(key)s with ref %(value)s in the file.", key=key, value=repr(value)),
        )
    return found


def names(data: dict, key: str, clean: Callable[[str, str], str], problems: Problems) -> list[str]:
    """Return a list of payees' or tags' names, each as the book keeps it (`clean`)."""
    given = data.get(key, [])
    if not isinstance(given, list):
        problems.add(key, _l("Expected a list of names."))
        return []
    cleaned = []
    for index, value in enumerate(given):
        if problems.full:
            break
        cleaned.append(check.label(value, f"{key}[{index}]", problems, clean=clean))
    return [n for n in cleaned if n is not None]


def refs_of(places: list[tuple[int, dict]], key: str, problems: Problems) -> dict[int, int]:
    """Return ref -> row of each item of a list; refs must be distinct integers."""
    found: dict[int, int] = {}
    for row, (index, item) in enumerate(places):
        add_ref(found, item, row, f"{key}[{index}]", problems)
    return found


def add_ref(found: dict[int, int], item: dict, row: int, where: str, problems: Problems) -> None:
    """Add the item's ref to `found`, naming `row`; a ref not a whole number, or taken, is a
    problem."""
    ref = item.get("ref")
    if isinstance(ref, bool) or not isinstance(ref, int) or ref in found:
        problems.add(f"{where}.ref", _l("Expected a whole number, once in the list."))
    else:
        found[ref] = row


def day(value: Any, where: str, problems: Problems) -> str:
    """Return a date the file must give, as YYYY-MM-DD (a placeholder when refused)."""
    if value is None:
        problems.add(where, _l("Give the date as YYYY-MM-DD."))
    found = check.day(value, where, problems)
    return (found or REFUSED_DAY).isoformat()


def money(value: Any, currency: str | None, where: str, problems: Problems) -> int:
    """Return an amount the file must give, in minor units (0 when refused)."""
    return check.money(value, where, problems, currency=currency) or 0


def position(item: dict, default: int, where: str, problems: Problems) -> int:
    """Return a sort key (a category group's, a rule's)."""
    found = check.whole(
        item.get("position", default),
        f"{where}.position",
        problems,
        least=-MAX_POSITION,
        most=MAX_POSITION,
    )
    return default if found is None else found


def splits(
    value: Any,
    currency: str | None,
    amount: int | None,
    category_refs: dict[int, int],
    problems: Problems,
) -> list[dict]:
    """Return a transaction's split parts (`problems`, the transaction's view, names them at
    their places)."""
    if value is None:
        return []
    if not problems.check(isinstance(value, list), "splits", _l("Expected a list of parts.")):
        return []
    rules.check_split_count(len(value), "splits", problems)
    rows = []
    for number, part in enumerate(value[: rules.MAX_SPLITS]):
        at = f"splits[{number}]"
        if not problems.check(isinstance(part, dict), at, _l("Expected an object.")):
            continue
        rows.append(
            {
                "amount": check.money(
                    part.get("amount"), f"{at}.amount", problems, currency=currency
                ),
                "category": ref(part, "category", category_refs, at, problems),
                "memo": rules.memo(part.get("memo"), f"{at}.memo", problems),
                "position": number,
            }
        )
    rules.check_splits_add_up([s["amount"] for s in rows], amount, "splits", problems)
    return [{**s, "amount": s["amount"] or 0} for s in rows]
