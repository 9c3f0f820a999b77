"""Every text a request sends is refused, naming its field, when it holds a control character or
a lone surrogate; every whole number, when it is 1.5, "1" or true (never read as 1). Nothing
is written, and never a 500.

The fields are read from the OpenAPI document: each string (or integer) of each JSON request
body, nested objects and lists too, sent in the operation's own example with the path's ids
taken from a book that has a bit of everything. Query parameters get the odd texts too.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import BOOKS
from tests.conftest import PASSWORD

BAD = ["\u0000x", "x\ud800", "a\u0007b"]
# The same, as a URL carries them (a surrogate as the UTF-8 bytes it would have, which are none).
BAD_IN_URLS = ["%00x", "x%ED%A0%80", "a%07b"]
PROBLEM = "application/problem+json"
# Rows a refused request may still touch: its session's last use, and the throttle's count of
# a password it checked (a change of password checks the current one first).
UNWATCHED = {"sessions", "sign_in_failures"}
# A whole book file: its items are checked by the book file's own tests.
NOT_HERE = {("POST", "/api/v1/books/import")}
# A password given to be checked is compared, not kept: one holding a control character (which
# an older password may) is a wrong one, counted as a guess (the status it is answered with);
# a lone surrogate is refused as everywhere.
COMPARED = {
    ("POST", "/api/v1/session", ("password",)): 401,
    ("POST", "/api/v1/me/password", ("current_password",)): 422,
}
# Read only for a transfer (the example is none): an amount the amount's parser would refuse.
UNREAD = {
    ("POST", "/api/v1/books/{book_id}/transactions", ("transfer_amount",)),
    ("PATCH", "/api/v1/books/{book_id}/transactions/{transaction_id}", ("transfer_amount",)),
}


def _component(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def fields_of(
    spec: dict[str, Any], node: dict[str, Any], kind: str, at: tuple[Any, ...] = ()
) -> Iterator:
    """Yield the path (keys, and 0 for a list's first item) of each `kind` ("string": text,
    not a date or a choice; "integer") in `node`."""
    node = _component(spec, node)
    for part in node.get("allOf", []) + node.get("anyOf", []) + node.get("oneOf", []):
        yield from fields_of(spec, part, kind, at)
    types = node.get("type")
    types = types if isinstance(types, list) else [types]
    if kind in types and "format" not in node and "enum" not in node:
        yield at
    if "array" in types and "items" in node:
        yield from fields_of(spec, node["items"], kind, (*at, 0))
    for name, sub in node.get("properties", {}).items():
        yield from fields_of(spec, sub, kind, (*at, name))


def with_value(body: Any, at: tuple[Any, ...], value: str) -> Any:
    """Return `body` with `value` at `at` (made where the example has nothing there)."""
    if not at:
        return value
    key, rest = at[0], at[1:]
    if isinstance(key, int):
        items = list(body) if isinstance(body, list) and body else [{} if rest else ""]
        items[0] = with_value(items[0], rest, value)
        return items
    made = dict(body) if isinstance(body, dict) else {}
    made[key] = with_value(made.get(key), rest, value)
    return made


def path_ids(who, book: int) -> dict[str, Any]:
    """Ids of the book's objects, by the name paths give them."""
    base = f"{BOOKS}/{book}"

    def first(what: str) -> int:
        return who.get(f"{base}/{what}").json["items"][0]["id"]

    return {
        "book_id": book,
        "account_id": first("accounts"),
        "category_id": first("categories"),
        "group_id": first("category-groups"),
        "payee_id": first("payees"),
        "tag_id": first("tags"),
        "rule_id": first("rules"),
        "schedule_id": first("schedules"),
        "transaction_id": first("transactions"),
        "user_id": who.user.id,
        "month": "2025-01",
        "name": "no-such-backup.sqlite3",
        "job_id": "no-such-job",
        "app": "gnucash",  # a book from another app (issue 18)
        "import_id": 1,
        "reconciliation_id": 1,
        "handle": "no-such-handle",
    }


def concrete(path: str, values: dict[str, Any]) -> str:
    """Return the OpenAPI `path` with its parameters' `values` in place."""
    return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)


def fitted(body: Any, ids: dict[str, Any]) -> Any:
    """Return an example body with its ids made the book's (the example's name others'), and
    alex's own password as the current one."""
    if isinstance(body, list):
        return [fitted(item, ids) for item in body]
    if not isinstance(body, dict):
        return body
    made = {key: fitted(value, ids) for key, value in body.items()}
    for key, value in made.items():
        if key in ("account_id", "category_id", "group_id") and value is not None:
            made[key] = ids[key]
        elif key == "set_category_id":
            made[key] = ids["category_id"]
        elif key == "current_password":
            made[key] = PASSWORD
        elif key in ("ids", "rule_ids"):
            made[key] = [ids["transaction_id" if key == "ids" else "rule_id"]]
    return made


def snapshot(path: str) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if row[0] not in UNWATCHED
        ]
        return {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}  # noqa: S608


def named(response, at: tuple[Any, ...]) -> bool:
    """Whether the problem names the field at `at` (`splits[0].memo`, `tags.0`, ...)."""
    wanted = [str(part) for part in at]
    for error in response.json.get("errors", []):
        said = re.findall(r"[^.\[\]]+", error["field"] or "")
        if said == wanted or (said == wanted[:-1] and isinstance(at[-1], int)):
            return True
    return False


@pytest.mark.parametrize("bad", BAD, ids=["nul", "surrogate", "bell"])
def test_every_text_field_refuses_control_characters_and_surrogates(app, alex, rich_book, bad):
    spec = alex.get("/api/v1/openapi.json").json
    ids = path_ids(alex, rich_book)
    failures, checked = [], 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media is None or (method.upper(), path) in NOT_HERE:
                continue
            url = concrete(path, ids)
            example = fitted(media.get("example", {}), ids)
            for at in fields_of(spec, media["schema"], "string"):
                if (method.upper(), path, at) in UNREAD:
                    continue
                before = snapshot(app.config["DATABASE"])
                # A change sends the field alone: the example's others may not fit the object.
                base = example if method != "patch" or len(at) > 2 else {}
                if at[0] == "splits" and "splits" not in base:  # one to hold the memo
                    split = {"amount": base.get("amount"), "category_id": ids["category_id"]}
                    base = {**base, "splits": [split]}
                body = with_value(base, at, bad)
                response = alex.client.open(
                    url, method=method.upper(), json=body, headers={"X-CSRF-Token": alex.csrf_token}
                )
                checked += 1
                where = (method.upper(), path, at, response.status_code, response.json)
                refused = response.status_code == 422 and response.content_type == PROBLEM
                compared = (method.upper(), path, at) in COMPARED and bad != "x\ud800"
                if compared:
                    refused = response.status_code == COMPARED[method.upper(), path, at]
                elif refused:
                    refused = named(response, at)
                if not refused:
                    failures.append(where)
                elif not compared and snapshot(app.config["DATABASE"]) != before:
                    failures.append((*where, "wrote"))
    assert failures == [], [failure[:4] + failure[5:] for failure in failures]
    assert checked >= 60


def test_query_parameters_refuse_them_too(app, alex, rich_book):
    spec = alex.get("/api/v1/openapi.json").json
    ids = path_ids(alex, rich_book)
    failures, checked = [], 0
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None or not path.startswith("/api/v1/"):
            continue
        url = concrete(path, ids)
        for parameter in operation.get("parameters", []):
            if parameter.get("in") != "query":
                continue
            for bad in BAD_IN_URLS:
                response = alex.get(f"{url}?{parameter['name']}={bad}")
                response.close()  # a file is streamed
                checked += 1
                if not 400 <= response.status_code < 500:
                    failures.append((path, parameter["name"], bad, response.status_code))
    assert failures == []
    assert checked >= 30


def test_memos_keep_tabs_and_line_breaks(alex, ledger, eur):
    body = {"account_id": eur["id"], "date": "2026-01-01", "amount": "-1.00"}
    answer = alex.post(f"{ledger.base}/transactions", json={**body, "memo": "one\n\ttwo\r\nend"})
    assert answer.status_code == 201, answer.json
    assert answer.json["memo"] == "one\n\ttwo\r\nend"
    refused = alex.post(f"{ledger.base}/transactions", json={**body, "payee": "one\ntwo"})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "payee"


def json_bodies(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (method, path, media) of each operation that takes a JSON body."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media is not None and (method.upper(), path) not in NOT_HERE:
                yield method.upper(), path, media


@pytest.mark.parametrize("written", ["12.0", "1.2e1", "120E-1"])
def test_a_whole_number_written_with_a_fraction_or_exponent_is_that_number(alex, written):
    """JSON Schema's integer is any number with no fraction: 12.0 is 12 (as a fuzzer sends it)."""
    response = alex.patch(
        "/api/v1/backup-settings",
        data=f'{{"keep": {written}}}',
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json == {"keep": 12}, response.json


@pytest.mark.parametrize("odd", [1.5, "1", True], ids=["fraction", "text", "boolean"])
def test_every_whole_number_refuses_what_is_not_one(app, alex, rich_book, odd):
    spec = alex.get("/api/v1/openapi.json").json
    ids = path_ids(alex, rich_book)
    failures, checked = [], 0
    for method, path, media in json_bodies(spec):
        url = concrete(path, ids)
        example = fitted(media.get("example", {}), ids)
        for at in fields_of(spec, media["schema"], "integer"):
            before = snapshot(app.config["DATABASE"])
            response = alex.client.open(
                url,
                method=method,
                json=with_value(example, at, odd),
                headers={"X-CSRF-Token": alex.csrf_token},
            )
            checked += 1
            refused = response.status_code == 422 and named(response, at)
            if not refused or snapshot(app.config["DATABASE"]) != before:
                failures.append((method, path, at, response.status_code))
    assert failures == []
    assert checked >= 40


def test_path_parameters_refuse_them_too(alex, rich_book):
    """A text in a path (a backup's name, a month, a job's id) with the odd values: 4xx."""
    spec = alex.get("/api/v1/openapi.json").json
    ids = path_ids(alex, rich_book)
    failures, checked = [], 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            texts = [
                p["name"]
                for p in operation.get("parameters", [])
                if p.get("in") == "path" and p["schema"].get("type") == "string"
            ]
            for name in texts:
                for bad in BAD_IN_URLS:
                    url = concrete(path, {**ids, name: bad})
                    response = alex.client.open(
                        url, method=method.upper(), headers={"X-CSRF-Token": alex.csrf_token}
                    )
                    checked += 1
                    if not 400 <= response.status_code < 500:
                        failures.append((method, path, bad, response.status_code))
    assert failures == []
    assert checked >= 15
