"""Words for recorded changes: a label for a change ("Deleted 3 transactions") and a name for
a row ("transaction 'Rent' of 2026-11-01"), made from the row images and the book as it is."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from server.domain.undo_rows import KINDS, PARTS, RowImage, content, net

# The order a change's parts are named in: what a person acted on first, what followed after.
_ORDER = (
    "imports",
    "reconciliations",
    "category_groups",
    "categories",
    "accounts",
    "payees",
    "tags",
    "transactions",
    "budgets",
    "budget_goals",
    "rules",
    "schedules",
)
_VERBS = {"add": "added", "change": "changed", "delete": "deleted"}
LABEL_MAX = 200
_ON_THE_WAY = {("payees", "add"), ("tags", "add")}


def _name_of(db: sqlite_utils.Database, table: str, row_id: Any, column: str = "name") -> str:
    found = db.execute(
        f"SELECT {column} FROM {table} WHERE id = ?",  # noqa: S608 (our own names)
        [row_id],
    ).fetchone()
    return "" if found is None or found[0] is None else str(found[0])


def _quoted(text: str) -> str:
    return f" '{text}'" if text else ""


def describe(db: sqlite_utils.Database, table: str, image: dict[str, Any]) -> str:
    """Name one row for a person, e.g. "transaction 'Rent' of 2026-11-01"."""
    if table in PARTS:
        whole, column = PARTS[table]
        row = db.execute(
            f"SELECT * FROM {whole} WHERE id = ?",  # noqa: S608 (our own names)
            [image[column]],
        ).fetchone()
        if row is None:
            return f"a part of a {KINDS[whole][1]}"
        return describe(db, whole, dict(row))
    if table == "transactions":
        payee = _name_of(db, "payees", image["payee_id"]) if image["payee_id"] else ""
        return f"transaction{_quoted(payee)} of {image['date']}"
    if table == "budgets":
        category = _name_of(db, "categories", image["category_id"])
        return f"the budget of {category or 'a category'} for {image['month']}"
    if table == "budget_goals":
        category = _name_of(db, "categories", image["category_id"])
        return f"the budget goal of {category or 'a category'}"
    if table == "schedules":
        return f"schedule{_quoted(image['name'] or image['payee'] or '')}"
    if table == "imports":
        return f"import of '{image['file_name']}'"
    if table == "reconciliations":
        account = _name_of(db, "accounts", image["account_id"]) or "an account"
        return f"reconciling {account} with the statement of {image['statement_date']}"
    return f"{KINDS[table][1]}{_quoted(image.get('name') or '')}"


def _changed_rows(steps: list[RowImage]) -> dict[str, dict[str, list[Any]]]:
    """What the steps did, net, per table of a whole and per what: add, change or delete;
    a part's row counts as a change of its whole (unless the whole was added or deleted)."""
    done: dict[str, dict[str, list[Any]]] = {}
    wholes: set[tuple[str, Any]] = set()
    for (table, key), (before, after) in net(steps).items():
        if table in PARTS:
            continue
        if content(before) == content(after):
            continue
        what = "add" if before is None else "delete" if after is None else "change"
        done.setdefault(table, {}).setdefault(what, []).append(after or before)
        wholes.add((table, key[0]))
    for (table, _key), (before, after) in net(steps).items():
        if table not in PARTS or content(before) == content(after):
            continue
        whole, column = PARTS[table]
        whole_id = (after or before)[column]
        if (whole, whole_id) not in wholes:
            wholes.add((whole, whole_id))
            done.setdefault(whole, {}).setdefault("change", []).append({"id": whole_id})
    return done


def _phrase(db: sqlite_utils.Database, table: str, what: str, rows: list[dict]) -> str:
    if table == "budgets":
        if len(rows) == 1:
            return "changed " + describe(db, table, rows[0])
        return f"changed {len(rows)} budgets"
    if table == "reconciliations" and len(rows) == 1:
        verb = {"add": "started", "delete": "cancelled"}.get(what)
        verb = verb or ("finished" if rows[0]["state"] == "finished" else "changed")
        return f"{verb} {describe(db, table, rows[0])}"
    if table == "budget_goals" and len(rows) == 1:
        return f"{_VERBS[what]} {describe(db, table, rows[0])}"
    if len(rows) == 1:
        row = rows[0]
        whole = db.execute(
            f"SELECT * FROM {table} WHERE id = ?",  # noqa: S608 (our own names)
            [row["id"]],
        ).fetchone()
        return f"{_VERBS[what]} {describe(db, table, dict(whole) if whole else row)}"
    return f"{_VERBS[what]} {len(rows)} {KINDS[table][2]}"


def _occurrences(db: sqlite_utils.Database, steps: list[RowImage]) -> str | None:
    """Entering or skipping a schedule's occurrences (and what that made) in a person's words."""
    made = [
        after
        for (table, _), (before, after) in net(steps).items()
        if table == "schedule_occurrences" and before is None and after is not None
    ]
    if not made:
        return None
    verb, at = ("skipped", "on") if made[0]["skipped"] else ("entered", "for")
    row = db.execute("SELECT * FROM schedules WHERE id = ?", [made[0]["schedule_id"]]).fetchone()
    schedule = "a schedule" if row is None else describe(db, "schedules", dict(row))
    if len(made) == 1:
        return f"{verb[:1].upper()}{verb[1:]} {schedule} {at} {made[0]['date']}"
    return f"{verb[:1].upper()}{verb[1:]} {len(made)} occurrences of {schedule}"


def label(db: sqlite_utils.Database, steps: list[RowImage]) -> str:
    """A person's words for what the steps did, e.g. "Deleted 3 transactions"."""
    occurrences = _occurrences(db, steps)
    if occurrences:
        return occurrences
    done = _changed_rows(steps)
    phrases = [
        (table, what, _phrase(db, table, what, done[table][what]))
        for table in _ORDER
        if table in done
        for what in ("delete", "add", "change")
        if what in done[table]
    ]
    # Payees and tags made on the way are not what the person did, when there is more.
    main = [p for table, what, p in phrases if (table, what) not in _ON_THE_WAY]
    main = main or [p for _, _, p in phrases]
    text = ", ".join(main[:2]) + (" and more" if len(main) > 2 else "")
    text = text[:1].upper() + text[1:]
    if len(text) > LABEL_MAX:
        text = text[: LABEL_MAX - 1] + "…"
    return text or "Changed the book"


def changed_objects(steps: list[RowImage]) -> dict[str, list[str]]:
    """Which objects the steps touched, by change-feed kind, with their feed ids."""
    kinds: dict[str, set[str]] = {}
    for (table, key), (before, after) in net(steps).items():
        image = after or before or {}
        if table in PARTS:
            whole, column = PARTS[table]
            kinds.setdefault(KINDS[whole][0], set()).add(str(image[column]))
        elif table == "budgets":
            kinds.setdefault("budget", set()).add(f"{key[0]}/{key[1]}")
        else:
            kinds.setdefault(KINDS[table][0], set()).add(str(key[0]))
    return {kind: sorted(ids, key=lambda i: (len(i), i)) for kind, ids in sorted(kinds.items())}
