"""Who may do what in a book: every route of a book against every kind of caller.

The routes are read from the app's url_map (the book itself and everything under
/api/v1/books/{book_id}/), so a route added later is checked without touching this file:

- Routes listed in KNOWN get real objects in their path and a valid body, and a caller who
  may pass must succeed (2xx).
- Any other route gets the objects this file knows how to make (by path parameter name), an
  id that does not exist for the others, and a body made from its input schema; it is held
  to the book's gate only: a caller who may pass is not stopped by authentication (401), a
  role or scope (403) or the book check (404 "No book with id ..."). A 404 for a missing
  sub-object, or a 409/422 about the made-up body, is fine there. Add the route to KNOWN (and
  NEEDS_OWNER if only owners may use it) to check it fully.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any

import pytest
from apiflask import APIFlask, fields
from apiflask.validators import OneOf

from server.api import register_api
from server.auth.access_tokens import issue_access_token
from server.auth.oauth import register_client
from server.auth.oauth_tokens import look_up_code, redeem_code, save_code
from server.auth.web import signing_key
from server.clock import utcnow
from server.domain.books import create_book
from tests.sharing import join

BOOK = "/api/v1/books/<int:book_id>"
MISSING_ID = 999_999
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")

# Who passes the book's checks, for each level a route needs. `ok` means allowed: a known
# route answers 2xx, any other is at least not stopped by 401, 403 or the book's 404.
EXPECTED_TABLE = """
        anonymous  non_member  viewer  editor  owner  read_token  write_token  read_app  write_app
read    401        404         ok      ok      ok     ok          ok           ok        ok
write   401        404         403     ok      ok     403         ok           403       ok
people  401        404         ok      ok      ok     ok          ok           403       403
manage  401        404         403     403     ok     403         ok           403       403
"""
# read: GET, any member. write: any other method, editors and owners (a `write` token).
# people: who shares the book and who is invited, any member (not an app: the user let it use
# the book's data).
# manage: the book's settings and its members, owners only (a member leaving the book is
# tested in tests/api/test_members.py; here the member routes target someone else).
# read_app / write_app: an app the owner let into the book (OAuth), with `read` or `write`.
NEEDS_OWNER = {
    ("PATCH", BOOK),
    ("DELETE", BOOK),
    ("POST", BOOK + "/invitations"),
    ("DELETE", BOOK + "/invitations/<int:invitation_id>"),
    ("PATCH", BOOK + "/members/<int:user_id>"),
    ("DELETE", BOOK + "/members/<int:user_id>"),
}


def _parse(table: str) -> dict[str, dict[str, str]]:
    header, *rows = (line.split() for line in table.strip().splitlines())
    return {level: dict(zip(header, outcomes, strict=True)) for level, *outcomes in rows}


EXPECTED = _parse(EXPECTED_TABLE)
PRINCIPALS = tuple(EXPECTED["read"])


@dataclass(frozen=True)
class Ref:
    """An object of the book to create before the request and put in its body."""

    param: str


# Routes checked fully: the body each sends (None: none). Path parameters come from MAKERS.
MATRIX_CSV = base64.b64encode(b"Date,Payee,Amount\n2024-01-15,Corner Shop,-1.00\n").decode()
KNOWN: dict[tuple[str, str], Any] = {
    ("GET", BOOK): None,
    ("PATCH", BOOK): {"name": "Renamed book"},
    ("DELETE", BOOK): None,  # confirmed in KNOWN_QUERY
    ("GET", BOOK + "/members"): None,
    ("GET", BOOK + "/invitations"): None,
    ("POST", BOOK + "/invitations"): {"username": "newbie", "role": "viewer"},
    ("DELETE", BOOK + "/invitations/<int:invitation_id>"): None,
    ("PATCH", BOOK + "/members/<int:user_id>"): {"role": "editor"},
    ("DELETE", BOOK + "/members/<int:user_id>"): None,
    ("GET", BOOK + "/accounts"): None,
    ("POST", BOOK + "/accounts"): {"name": "Savings", "type": "savings"},
    ("GET", BOOK + "/accounts/<int:account_id>"): None,
    ("PATCH", BOOK + "/accounts/<int:account_id>"): {"name": "Renamed account"},
    ("DELETE", BOOK + "/accounts/<int:account_id>"): None,
    ("GET", BOOK + "/transactions"): None,
    ("POST", BOOK + "/transactions"): {
        "account_id": Ref("account_id"),
        "date": "2024-01-15",
        "amount": "-12.34",
        "payee": "Corner Shop",
    },
    ("GET", BOOK + "/transactions/<int:transaction_id>"): None,
    ("PATCH", BOOK + "/transactions/<int:transaction_id>"): {"memo": "changed"},
    ("DELETE", BOOK + "/transactions/<int:transaction_id>"): None,
    ("POST", BOOK + "/transactions/bulk-update"): {
        "ids": [Ref("transaction_id")],
        "status": "cleared",
    },
    ("POST", BOOK + "/transactions/bulk-delete"): {"ids": [Ref("transaction_id")]},
    ("GET", BOOK + "/category-groups"): None,
    ("POST", BOOK + "/category-groups"): {"name": "Matrix new group"},
    ("GET", BOOK + "/category-groups/<int:group_id>"): None,
    ("PATCH", BOOK + "/category-groups/<int:group_id>"): {"name": "Renamed group"},
    ("DELETE", BOOK + "/category-groups/<int:group_id>"): None,
    ("GET", BOOK + "/categories"): None,
    ("POST", BOOK + "/categories"): {"name": "Matrix new", "group_id": Ref("group_id")},
    ("GET", BOOK + "/categories/<int:category_id>"): None,
    ("PATCH", BOOK + "/categories/<int:category_id>"): {"name": "Renamed category"},
    ("DELETE", BOOK + "/categories/<int:category_id>"): None,
    ("GET", BOOK + "/payees"): None,
    ("POST", BOOK + "/payees"): {"name": "New payee"},
    ("PATCH", BOOK + "/payees/<int:payee_id>"): {"name": "Renamed payee"},
    ("DELETE", BOOK + "/payees/<int:payee_id>"): None,
    ("GET", BOOK + "/tags"): None,
    ("POST", BOOK + "/tags"): {"name": "newtag"},
    ("PATCH", BOOK + "/tags/<int:tag_id>"): {"name": "renamedtag"},
    ("DELETE", BOOK + "/tags/<int:tag_id>"): None,
    ("GET", BOOK + "/transactions.csv"): None,
    ("GET", BOOK + "/export.json"): None,
    # issue 18: exports for the plain-text world
    ("GET", BOOK + "/export.beancount"): None,
    ("GET", BOOK + "/imports"): None,
    ("POST", BOOK + "/imports/preview"): {
        "account_id": Ref("account_id"),
        "file_name": "matrix.csv",
        "content": MATRIX_CSV,
    },
    ("POST", BOOK + "/imports"): {
        "account_id": Ref("account_id"),
        "file_name": "matrix.csv",
        "content": MATRIX_CSV,
    },
    ("POST", BOOK + "/imports/<int:import_id>/undo"): None,
    ("GET", BOOK + "/imports/jobs/<job_id>"): None,
    # Several files at once (issue 18.3).
    ("POST", BOOK + "/imports/batches/preview"): {
        "files": [{"account_id": Ref("account_id"), "file_name": "m.csv", "content": MATRIX_CSV}]
    },
    ("POST", BOOK + "/imports/batches"): {
        "files": [{"account_id": Ref("account_id"), "file_name": "m.csv", "content": MATRIX_CSV}]
    },
    ("POST", BOOK + "/imports/batches/<int:batch_id>/undo"): None,
    ("GET", BOOK + "/rules"): None,
    ("POST", BOOK + "/rules"): {
        "name": "Matrix rule",
        "payee_match": "contains",
        "payee_text": "corner",
        "add_tags": ["matrix"],
    },
    ("PUT", BOOK + "/rules/order"): {"rule_ids": []},
    ("GET", BOOK + "/rules/<int:rule_id>"): None,
    ("PATCH", BOOK + "/rules/<int:rule_id>"): {"name": "Renamed rule"},
    ("DELETE", BOOK + "/rules/<int:rule_id>"): None,
    ("POST", BOOK + "/rules/preview"): {},
    ("POST", BOOK + "/rules/apply"): {},
    ("GET", BOOK + "/schedules"): None,
    ("POST", BOOK + "/schedules"): {
        "account_id": Ref("account_id"),
        "amount": "-50.00",
        "frequency": "monthly",
        "start_date": "2024-01-15",
    },
    ("GET", BOOK + "/schedules/upcoming"): None,
    ("GET", BOOK + "/schedules/<int:schedule_id>"): None,
    ("PATCH", BOOK + "/schedules/<int:schedule_id>"): {"memo": "changed"},
    ("DELETE", BOOK + "/schedules/<int:schedule_id>"): None,
    ("POST", BOOK + "/schedules/<int:schedule_id>/enter"): {},
    ("POST", BOOK + "/schedules/<int:schedule_id>/skip"): {},
    ("GET", BOOK + "/budgets/<month>"): None,
    ("PUT", BOOK + "/budgets/<month>/categories/<int:category_id>"): {"amount": "25.00"},
    ("POST", BOOK + "/budgets/<month>/copy"): {"source": "last_month"},
    # Budget goals (issue 17): the matrix's category has one (see _make_category).
    ("GET", BOOK + "/categories/<int:category_id>/goal"): None,
    ("PUT", BOOK + "/categories/<int:category_id>/goal"): {"kind": "monthly", "amount": "25.00"},
    ("DELETE", BOOK + "/categories/<int:category_id>/goal"): None,
    ("GET", BOOK + "/reports/spending"): None,
    ("GET", BOOK + "/reports/income-expense"): None,
    ("GET", BOOK + "/reports/net-worth"): None,
    ("GET", BOOK + "/reports/cash-flow"): None,
    ("GET", BOOK + "/dashboard"): None,
    ("GET", BOOK + "/changes"): None,
    ("GET", BOOK + "/undo"): None,
    ("POST", BOOK + "/undo"): None,
    ("POST", BOOK + "/redo"): None,
    # Reconciliations (issue 17).
    ("POST", BOOK + "/accounts/<int:account_id>/reconciliations"): {
        "statement_date": "2099-12-31",
        "statement_balance": "0.00",
    },
    ("GET", BOOK + "/accounts/<int:account_id>/reconciliations"): None,
    ("GET", BOOK + "/accounts/<int:account_id>/reconciliations/current"): None,
    ("GET", BOOK + "/accounts/<int:account_id>/reconciliations/<int:reconciliation_id>"): None,
    (
        "POST",
        BOOK + "/accounts/<int:account_id>/reconciliations/<int:reconciliation_id>/finish",
    ): {},
    ("DELETE", BOOK + "/accounts/<int:account_id>/reconciliations/<int:reconciliation_id>"): None,
}
# The query string of the known routes that take one.
KNOWN_QUERY: dict[tuple[str, str], dict[str, Any]] = {
    ("DELETE", BOOK): {"confirm_name": "Shared"},
}

# The people of the book under test (and one outsider), and who is signed in as whom.
OWNER, EDITOR, VIEWER, OUTSIDER = "olivia", "edith", "victor", "nadia"
TARGET, NEWCOMER = "sam", "newbie"  # a viewer the member routes act on; a user to invite
SESSIONS = {"non_member": OUTSIDER, "viewer": VIEWER, "editor": EDITOR, "owner": OWNER}


def level(method: str, rule: str) -> str:
    """Return what a route needs: read, write, people or manage."""
    if (method, rule) in NEEDS_OWNER:
        return "manage"
    if (method, rule) in {("GET", BOOK + "/members"), ("GET", BOOK + "/invitations")}:
        return "people"
    return "read" if method == "GET" else "write"


def _book_routes_of(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule == BOOK or rule.rule.startswith(BOOK + "/"):
            found |= {(method, rule.rule) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


@cache
def book_routes() -> tuple[tuple[str, str], ...]:
    """Return (method, rule) of every route of a book, as the API registers them.

    Read at collection from an app without a data folder; a test below holds the real app's
    routes to the same list.
    """
    bare = APIFlask(__name__)
    register_api(bare)
    return tuple(sorted(_book_routes_of(bare), key=lambda route: (route[1], route[0])))


def _route_id(route: tuple[str, str]) -> str:
    method, rule = route
    path = PARAMETER.sub(r"{\1}", rule.removeprefix("/api/v1"))
    return f"{method} {path}"


# ---------------------------------------------------------------------------- the book


@dataclass
class World:
    """A book with an owner, an editor and two viewers; objects made on first use."""

    app: Any
    sign_in: Any
    book_id: int
    users: dict[str, Any]
    tokens: dict[str, str]
    made: dict[str, int] = field(default_factory=dict)

    def owner_api(self, path: str, body: dict[str, Any]) -> int:
        """Create something in the book as its owner (write token); return its id."""
        response = self.app.test_client().post(
            f"/api/v1/books/{self.book_id}{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.tokens['write_token']}"},
        )
        assert response.status_code == 201, (path, response.json)
        return response.json["id"]

    def object_id(self, param: str) -> int:
        """Return the id for a path parameter: a fresh object of the book, or MISSING_ID."""
        if param not in self.made:
            maker = MAKERS.get(param)
            self.made[param] = maker(self) if maker else MISSING_ID
        return self.made[param]

    def resolve(self, value: Any) -> Any:
        """Replace the Refs in a body by the ids of fresh objects."""
        if isinstance(value, Ref):
            return self.object_id(value.param)
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    def url(self, rule: str) -> str:
        """Fill a rule's path parameters."""

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return str(self.book_id if name == "book_id" else self.object_id(name))

        return PARAMETER.sub(fill, rule)


def _make_transaction(world: World) -> int:
    account_id = world.owner_api("/accounts", {"name": "Matrix wallet", "type": "cash"})
    return world.owner_api(
        "/transactions",
        {"account_id": account_id, "date": "2024-01-10", "amount": "-5.00", "payee": "Bakery"},
    )


def _make_category(world: World) -> int:
    group_id = world.owner_api("/category-groups", {"name": "Matrix parent"})
    category_id = world.owner_api("/categories", {"name": "Matrix category", "group_id": group_id})
    # With a goal, for the goal's routes to read and take away.
    goal = world.app.test_client().put(
        f"/api/v1/books/{world.book_id}/categories/{category_id}/goal",
        json={"kind": "monthly", "amount": "10.00"},
        headers={"Authorization": f"Bearer {world.tokens['write_token']}"},
    )
    assert goal.status_code == 200, goal.json
    return category_id


def _make_schedule(world: World) -> int:
    account_id = world.owner_api("/accounts", {"name": "Scheduled", "type": "checking"})
    return world.owner_api(
        "/schedules",
        {
            "account_id": account_id,
            "amount": "-5.00",
            "frequency": "monthly",
            "start_date": "2024-01-10",
        },
    )


def _start_import_job(world: World) -> str:
    response = world.app.test_client().post(
        f"/api/v1/books/{world.book_id}/imports",
        json={
            "account_id": world.owner_api("/accounts", {"name": "Job", "type": "checking"}),
            "file_name": "matrix.csv",
            "content": MATRIX_CSV,
        },
        headers={
            "Authorization": f"Bearer {world.tokens['write_token']}",
            "Prefer": "respond-async",
        },
    )
    assert response.status_code == 202, response.json
    return response.json["id"]


# How to make the object a path parameter names: each unused, so deleting it succeeds.
MAKERS = {
    "account_id": lambda w: w.owner_api("/accounts", {"name": "Matrix", "type": "checking"}),
    "transaction_id": _make_transaction,
    "group_id": lambda w: w.owner_api("/category-groups", {"name": "Matrix group"}),
    "category_id": _make_category,
    "payee_id": lambda w: w.owner_api("/payees", {"name": "Matrix payee"}),
    "tag_id": lambda w: w.owner_api("/tags", {"name": "matrix"}),
    "user_id": lambda w: w.users[TARGET].id,
    "invitation_id": lambda w: w.owner_api(
        "/invitations", {"username": NEWCOMER, "role": "viewer"}
    ),
    "job_id": _start_import_job,
    "schedule_id": _make_schedule,
    "month": lambda w: "2025-03",
    "rule_id": lambda w: w.owner_api(
        "/rules", {"name": "Matrix", "payee_match": "equals", "payee_text": "x", "add_tags": ["m"]}
    ),
    "import_id": lambda w: w.owner_api(
        "/imports",
        {
            "account_id": w.owner_api("/accounts", {"name": "Imported", "type": "checking"}),
            "file_name": "matrix.csv",
            "content": MATRIX_CSV,
        },
    ),
}


def _import_batch(world: World) -> int:
    account_id = world.owner_api("/accounts", {"name": "Batched", "type": "checking"})
    files = [{"account_id": account_id, "file_name": "m.csv", "content": MATRIX_CSV}]
    return world.owner_api("/imports/batches", {"files": files})


MAKERS["batch_id"] = _import_batch


def _open_reconciliation(world: World) -> int:
    account_id = world.object_id("account_id")
    statement = {"statement_date": "2099-12-31", "statement_balance": "0.00"}
    return world.owner_api(f"/accounts/{account_id}/reconciliations", statement)


MAKERS["reconciliation_id"] = _open_reconciliation


def _a_change(world: World, first: Callable[..., Any]) -> None:
    first("POST", "/payees", {"name": "Matrix undo"})


# Known routes that answer 2xx only once the book holds more than their path's objects: what
# is done first, by the owner (through `world`) or by the caller (requests sent with `first`,
# their results aside).
PREPARED: dict[tuple[str, str], Callable[[World, Callable[..., Any]], Any]] = {
    ("GET", BOOK + "/accounts/<int:account_id>/reconciliations/current"): lambda world, _: (
        _open_reconciliation(world)
    ),
    ("POST", BOOK + "/undo"): _a_change,
    ("POST", BOOK + "/redo"): lambda world, first: (
        _a_change(world, first),
        first("POST", "/undo", None),
    ),
}


@pytest.fixture
def world(app, database, make_user, make_token, sign_in) -> World:
    """A shared book: Olivia owns it, Edith edits, Victor and Sam view; Nadia is outside."""
    users = {name: make_user(name) for name in (OWNER, EDITOR, VIEWER, OUTSIDER, TARGET, NEWCOMER)}
    now = utcnow()
    book_id = create_book(database, users[OWNER].id, name="Shared", currency="EUR", now=now).id
    for name, role in ((EDITOR, "editor"), (VIEWER, "viewer"), (TARGET, "viewer")):
        join(database, book_id, name, role, by_user=users[OWNER].id)
    tokens = {
        "read_token": make_token(users[OWNER], "read"),
        "write_token": make_token(users[OWNER], "write"),
        "read_app": app_token(app, database, users[OWNER].id, book_id, "read"),
        "write_app": app_token(app, database, users[OWNER].id, book_id, "read write"),
    }
    return World(app, sign_in, book_id, users, tokens)


def app_token(app, database, user_id: int, book_id: int, scope: str) -> str:
    """An access token of an app the user let into the book with `scope` (what the token
    endpoint gives after the consent page; the flow itself is tested in
    tests/api/test_oauth_*.py)."""
    now = utcnow()
    client, _ = register_client(
        database,
        name=f"Matrix app ({scope})",
        redirect_uris=["http://127.0.0.1/cb"],
        confidential=False,
        now=now,
    )
    code = f"matrix-code-{scope}"
    save_code(
        database,
        code,
        client=client,
        user_id=user_id,
        book_id=book_id,
        scope=scope,
        redirect_uri="http://127.0.0.1:5000/cb",
        code_challenge="c" * 43,
        now=now,
        lifetime=timedelta(minutes=2),
    )
    grant = redeem_code(database, look_up_code(database, code, client, now), now)
    with app.app_context():
        return issue_access_token(signing_key(), grant, scope, now, 300)


# ---------------------------------------------------------------------------- requests


def example_value(schema_field: fields.Field) -> Any:
    """Return a plausible value for a field of an input schema."""
    for validator in schema_field.validators:
        if isinstance(validator, OneOf):
            return next(iter(validator.choices))
    if isinstance(schema_field, fields.Nested):
        return example_input(schema_field.schema)
    if isinstance(schema_field, fields.List):
        return [example_value(schema_field.inner)]
    if isinstance(schema_field, fields.Boolean):
        return True
    if isinstance(schema_field, fields.Integer | fields.Float | fields.Decimal):
        return 1
    if isinstance(schema_field, fields.DateTime):
        return "2024-01-15T12:00:00Z"
    if isinstance(schema_field, fields.Date):
        return "2024-01-15"
    return "Matrix"


def example_input(schema: Any) -> dict[str, Any]:
    """Return the required fields of an input schema, each with a plausible value."""
    return {
        schema_field.data_key or name: example_value(schema_field)
        for name, schema_field in schema.fields.items()
        if schema_field.required
    }


def _request_parts(app, method: str, rule: str) -> tuple[Any, dict[str, Any]]:
    """Return the body and query of a request to a route: KNOWN, or made from its schemas."""
    if (method, rule) in KNOWN:
        return KNOWN[method, rule], KNOWN_QUERY.get((method, rule), {})
    endpoint = next(
        r.endpoint for r in app.url_map.iter_rules() if r.rule == rule and method in r.methods
    )
    spec = getattr(app.view_functions[endpoint], "_spec", {})
    body = example_input(spec["body"]) if spec.get("body") is not None else None
    query: dict[str, Any] = {}
    for schema, location in spec.get("args") or []:
        if location == "query":
            query.update(example_input(schema))
    return body, query


def send(world: World, principal: str, method: str, rule: str):
    """Send the route's request as `principal`."""
    body, query = _request_parts(world.app, method, rule)
    url, body = world.url(rule), world.resolve(body)
    headers = {}
    if principal == "anonymous":
        client = world.app.test_client()
    elif principal in world.tokens:
        client = world.app.test_client()
        headers["Authorization"] = f"Bearer {world.tokens[principal]}"
    else:
        signed = world.sign_in(SESSIONS[principal])
        client = signed.client
        if method != "GET":
            headers["X-CSRF-Token"] = signed.csrf_token
    if (method, rule) in PREPARED:

        def first(first_method: str, path: str, first_body: Any) -> None:
            client.open(
                world.url(BOOK + path), method=first_method, json=first_body, headers=headers
            )

        PREPARED[method, rule](world, first)
    return client.open(url, method=method, json=body, query_string=query, headers=headers)


def _stopped_by_the_book(response, book_id: int) -> bool:
    detail = (response.get_json(silent=True) or {}).get("detail")
    return response.status_code == 404 and detail == f"No book with id {book_id}."


# ---------------------------------------------------------------------------- the matrix


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("route", book_routes(), ids=_route_id)
def test_matrix(world, route, principal):
    method, rule = route
    needs = level(method, rule)
    expected = EXPECTED[needs][principal]
    response = send(world, principal, method, rule)
    status = response.status_code
    problem = response.get_json(silent=True) or {}
    where = f"{method} {rule} as {principal} (needs {needs}): {status} {problem}"
    if (method, rule) not in KNOWN:
        where += " [a route this matrix does not know: add it to KNOWN with a valid body]"
    assert status < 500, where
    if expected == "401":
        assert status == 401, where
        assert problem["code"] == "unauthorized", where
    elif expected == "404":
        assert _stopped_by_the_book(response, world.book_id), where
    elif expected == "403":
        assert status == 403, where
        assert problem["code"] == "forbidden", where  # not a CSRF failure of the harness
    elif (method, rule) in KNOWN:
        assert 200 <= status < 300, where
    else:
        assert status not in (401, 403), where
        assert not _stopped_by_the_book(response, world.book_id), where


def test_the_matrix_covers_every_route_of_the_app(app):
    routes = _book_routes_of(app)
    assert routes == set(book_routes()), "a book route is registered outside register_api()"
    assert {("GET", BOOK), ("PATCH", BOOK)} <= routes
    assert {route for route in KNOWN if route[0] != "GET"} & routes  # writes are in the matrix


def test_every_known_route_exists(app):
    missing = set(KNOWN) - _book_routes_of(app)
    assert not missing, f"KNOWN lists routes the app no longer has: {sorted(missing)}"
    assert set(NEEDS_OWNER) <= set(KNOWN)


def test_the_expected_table_is_complete():
    assert set(EXPECTED) == {"read", "write", "people", "manage"}
    assert PRINCIPALS == (
        "anonymous",
        "non_member",
        "viewer",
        "editor",
        "owner",
        "read_token",
        "write_token",
        "read_app",
        "write_app",
    )
    assert all(
        outcome in {"ok", "401", "403", "404"}
        for row in EXPECTED.values()
        for outcome in row.values()
    )
