"""Every field of a book file, of the wrong type, is a problem named at its place, never an
error; a hostile file is refused after the first problems, however long it is."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from typing import Any

from server.clock import utcnow
from server.domain.book_load import load_book
from server.domain.validation import MAX_PROBLEMS
from server.errors import ValidationFailed
from tests.api.conftest import BOOKS
from tests.api.test_book_file import export

IGNORED = {"exported_at"}  # what the file says of itself, not of the book
# Values of another type than the field's: text, whole number, yes-or-no, list, object.
WRONG = {
    str: [1, 1.5, True, [], {}, ["x"]],
    int: ["1", 1.5, True, [], {}],
    bool: ["true", 1, [], {}],
    list: ["x", 1, {}, True],
    dict: ["x", 1, [], True],
}


def fields(node: Any, path: str = "") -> Iterator[tuple[str, list, Any]]:
    """Yield (place, keys to it, value) of every field under `node` with a value to replace."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if key in IGNORED:
            continue
        place = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}".lstrip(".")
        if value is not None:
            yield place, [key], value
        if isinstance(value, dict | list) and value:
            for inner, keys, found in fields(value, place):
                yield inner, [key, *keys], found


def cases(document: dict) -> list[tuple[str, list, Any]]:
    found = []
    for place, keys, value in fields(document):
        for wrong in WRONG[type(value)]:
            found.append((place, keys, wrong))
    return found


def with_value(document: dict, keys: list, value: Any) -> dict:
    changed = copy.deepcopy(document)
    node = changed
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    return changed


def load(database, owner: int, document: dict):
    return load_book(database, owner, io.BytesIO(json.dumps(document).encode()), now=utcnow())


def test_every_field_of_the_wrong_type_is_a_problem_at_its_place(alex, rich_book, database):
    document = export(alex, rich_book)
    tried = cases(document)
    assert len(tried) > 500  # every field of every kind of item: not silently none
    unnamed = []
    for place, keys, wrong in tried:
        try:
            load(database, alex.user.id, with_value(document, keys, wrong))
        except ValidationFailed as refused:  # any other error fails the test
            named = {e.field for e in refused.errors if e.field}
        else:
            named = set()  # taken
        # A list's item may be named at the list (the tags of a rule or a schedule are).
        where = (place, place.rsplit("[", 1)[0] if place.endswith("]") else place)
        if not any(f in where or f.startswith((place + ".", place + "[")) for f in named):
            unnamed.append((place, wrong, sorted(named)))
    assert unnamed == [], "\n".join(map(str, unnamed))


def test_a_time_that_is_no_text_is_refused_at_its_place(alex, rich_book):
    document = export(alex, rich_book)
    document["accounts"][0]["created_at"] = 1  # was an AttributeError, answered 500
    document["transactions"][0]["updated_at"] = "2025-01-01T10:00:00"  # no time zone
    response = alex.post(f"{BOOKS}/import", json=document)
    assert response.status_code == 422, response.json
    assert {e["field"] for e in response.json["errors"]} == {
        "accounts[0].created_at",
        "transactions[0].updated_at",
    }


def test_a_hostile_file_is_refused_after_the_first_problems(alex):
    document = {
        "format": "tallybook-book",
        "version": 1,
        "book": {"name": "Hostile", "currency": "EUR"},
        "transactions": [{}] * 200_000,
    }
    before = alex.get(BOOKS).json["items"]
    response = alex.post(f"{BOOKS}/import", json=document)
    assert response.status_code == 422
    assert len(response.json["errors"]) == MAX_PROBLEMS
    assert response.json["detail"].endswith(
        f"The first {MAX_PROBLEMS} problems are listed; the file was not checked further."
    )
    assert alex.get(BOOKS).json["items"] == before


def test_a_file_that_is_no_json_is_a_bad_request(alex, rich_book):
    text = json.dumps(export(alex, rich_book))
    for broken in (text[: len(text) // 2], text + " tail", text.replace("[", "[,", 1)):
        response = alex.post(
            f"{BOOKS}/import", data=broken.encode(), content_type="application/json"
        )
        assert response.status_code == 400, response.json
        assert response.json["detail"] == "The book file is not JSON (RFC 8259, in UTF-8)."


def test_a_book_file_sent_with_an_idempotency_key_loads_once(alex, rich_book):
    document = export(alex, rich_book)  # the key's fingerprint reads the body before the route
    headers = {"Idempotency-Key": "load-household-1"}
    made = alex.post(f"{BOOKS}/import", json=document, headers=headers)
    assert made.status_code == 201, made.json
    again = alex.post(f"{BOOKS}/import", json=document, headers=headers)
    assert (again.status_code, again.json["id"]) == (201, made.json["id"])
    assert again.headers["Idempotent-Replayed"] == "true"
