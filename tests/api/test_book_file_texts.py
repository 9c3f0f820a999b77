"""Every text of a book file is held to the API's text parsers: a control character or a lone
surrogate is refused with a 422 naming the field, never stored, never a 500 (issue 16, finding
3; the parsers refuse them since the change of the `no500` branch)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import BOOKS
from tests.api.test_book_file import export

TEXTS = [  # every kind of text a book file holds
    ("book", "name"),
    ("accounts[0]", "name"),
    ("category_groups[0]", "name"),
    ("categories[0]", "name"),
    ("transactions[0]", "payee"),
    ("transactions[0]", "memo"),
    ("transactions[0]", "bank_id"),
    ("transactions[1].splits[0]", "memo"),
    ("rules[0]", "name"),
    ("rules[0]", "payee_text"),
    ("schedules[0]", "name"),
    ("schedules[0]", "payee"),
    ("schedules[0]", "memo"),
]


def item_at(document: dict, place: str) -> dict:
    node: Any = document
    for part in place.replace("]", "").replace("[", ".").split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    return node


@pytest.mark.parametrize("bad", ["\x00Rent", "Re\x07nt", "Re\ud800nt"])
@pytest.mark.parametrize(("place", "key"), TEXTS)
def test_text_with_a_control_character_or_a_lone_surrogate_is_refused(
    alex, rich_book, place, key, bad
):
    document = export(alex, rich_book)
    item_at(document, place)[key] = bad
    response = alex.post(f"{BOOKS}/import", json=document)
    assert response.status_code == 422, response.json
    assert f"{place}.{key}" in {e["field"] for e in response.json["errors"]}


@pytest.mark.parametrize("bad", ["\x00Rent", "Re\ud800nt"])
@pytest.mark.parametrize("names", ["payees", "tags"])
def test_a_payee_or_tag_name_with_a_control_character_is_refused(alex, rich_book, names, bad):
    document = export(alex, rich_book)
    document[names].append(bad)
    document["transactions"][0]["tags"] = [bad]
    response = alex.post(f"{BOOKS}/import", json=document)
    assert response.status_code == 422, response.json
    fields = {e["field"] for e in response.json["errors"]}
    assert {f"{names}[{len(document[names]) - 1}]", "transactions[0].tags[0]"} <= fields
