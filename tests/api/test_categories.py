"""Category groups and categories over the API: defaults, CRUD, ETags, roles, delete in use."""

from __future__ import annotations

import pytest

from server.clock import to_iso, utcnow
from server.domain.category_defaults import DEFAULT_CATEGORIES

API = "/api/v1/books"


def add_member(database, book_id, user_id, role):
    with database.write() as db:
        db["book_members"].insert(
            {"book_id": book_id, "user_id": user_id, "role": role, "created_at": to_iso(utcnow())}
        )


def insert_transaction(database, book_id, *, category_id=None, payee_id=None, splits=()):
    """Insert an account (once per book) and a transaction straight into the tables."""
    now = to_iso(utcnow())
    with database.write() as db:
        row = db.execute("SELECT id FROM accounts WHERE book_id = ?", [book_id]).fetchone()
        account_id = (
            row[0]
            if row
            else db["accounts"]
            .insert(
                {
                    "book_id": book_id,
                    "name": "Checking",
                    "type": "checking",
                    "currency": "USD",
                    "opening_date": "2026-01-01",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            .last_pk
        )
        transaction_id = (
            db["transactions"]
            .insert(
                {
                    "book_id": book_id,
                    "account_id": account_id,
                    "date": "2026-02-03",
                    "amount": -1000 * max(1, len(splits)),
                    "category_id": category_id,
                    "payee_id": payee_id,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            .last_pk
        )
        for position, split_category in enumerate(splits):
            db["splits"].insert(
                {
                    "transaction_id": transaction_id,
                    "category_id": split_category,
                    "amount": -1000,
                    "position": position,
                }
            )
    return transaction_id


def new_book(client, name="Home"):
    response = client.post(API, json={"name": name})
    assert response.status_code == 201
    return response.json["id"]


def items(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.json
    return response.json["items"]


def category_named(client, book_id, name):
    found = items(client, f"{API}/{book_id}/categories?include_archived=1&limit=500")
    return next(c for c in found if c["name"] == name)


def make_group(client, book_id, name="Kids", **extra):
    response = client.post(f"{API}/{book_id}/category-groups", json={"name": name, **extra})
    assert response.status_code == 201, response.json
    return response.json


def make_category(client, book_id, group_id, name="Toys", kind="expense"):
    response = client.post(
        f"{API}/{book_id}/categories", json={"name": name, "group_id": group_id, "kind": kind}
    )
    assert response.status_code == 201, response.json
    return response


@pytest.fixture
def book(alex):
    return new_book(alex)


# Defaults ----------------------------------------------------------------------------------


def test_a_new_book_starts_with_the_default_categories(alex, book):
    groups = items(alex, f"{API}/{book}/category-groups")
    assert [g["name"] for g in groups] == [group for group, _, _ in DEFAULT_CATEGORIES]
    categories = items(alex, f"{API}/{book}/categories")
    expected = [
        (g, n, k) for g, k, names in DEFAULT_CATEGORIES for n in sorted(names, key=str.lower)
    ]
    assert [(c["group"], c["name"], c["kind"]) for c in categories] == expected
    names = {c["name"] for c in categories}
    assert {"Salary", "Other income", "Rent/Mortgage", "Groceries", "Fuel", "Health"} <= names
    assert {c["kind"] for c in categories if c["group"] == "Income"} == {"income"}
    assert not any(c["archived"] for c in categories)


def test_the_personal_book_has_the_defaults_too(alex):
    personal = items(alex, API)[0]["id"]
    assert category_named(alex, personal, "Groceries")["group"] == "Food"


# Categories --------------------------------------------------------------------------------


def test_create_read_and_list_a_category(alex, book):
    group = make_group(alex, book, "Kids")
    created = make_category(alex, book, group["id"], "  Toys ")
    body = created.json
    assert {k: body[k] for k in ("name", "group", "group_id", "kind", "archived")} == {
        "name": "Toys",
        "group": "Kids",
        "group_id": group["id"],
        "kind": "expense",
        "archived": False,
    }
    assert created.headers["ETag"]
    read = alex.get(f"{API}/{book}/categories/{body['id']}")
    assert read.json == body
    assert read.headers["ETag"] == created.headers["ETag"]
    assert items(alex, f"{API}/{book}/categories")[-1]["name"] == "Toys"


def test_kind_defaults_to_expense_and_filters_the_list(alex, book):
    group = make_group(alex, book)
    response = alex.post(
        f"{API}/{book}/categories", json={"name": "Pocket", "group_id": group["id"]}
    )
    assert response.json["kind"] == "expense"
    income = items(alex, f"{API}/{book}/categories?kind=income")
    assert [c["name"] for c in income] == ["Interest", "Other income", "Salary"]
    assert all(c["kind"] == "expense" for c in items(alex, f"{API}/{book}/categories?kind=expense"))
    assert alex.get(f"{API}/{book}/categories?kind=other").status_code == 422


def test_names_are_unique_in_a_group_in_any_case(alex, book):
    food = category_named(alex, book, "Groceries")["group_id"]
    response = alex.post(f"{API}/{book}/categories", json={"name": "GROCERIES", "group_id": food})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["name"]
    elsewhere = make_group(alex, book)
    make_category(alex, book, elsewhere["id"], "Groceries")
    accented = make_category(alex, book, elsewhere["id"], "Café").json
    clash = alex.post(
        f"{API}/{book}/categories", json={"name": "CAFÉ", "group_id": elsewhere["id"]}
    )
    assert clash.status_code == 422
    assert accented["name"] == "Café"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "group_id": "G"}, "name"),
        ({"name": "   ", "group_id": "G"}, "name"),
        ({"name": "x" * 101, "group_id": "G"}, "name"),
        ({"name": 5, "group_id": "G"}, "name"),
        ({"group_id": "G"}, "name"),
        ({"name": "Ok"}, "group_id"),
        ({"name": "Ok", "group_id": "nope"}, "group_id"),
        ({"name": "Ok", "group_id": 999_999}, "group_id"),
        ({"name": "Ok", "group_id": "G", "kind": "transfer"}, "kind"),
    ],
)
def test_invalid_categories_name_the_field(alex, book, body, field):
    group = make_group(alex, book)
    body = {k: group["id"] if v == "G" else v for k, v in body.items()}
    response = alex.post(f"{API}/{book}/categories", json=body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json["errors"]}


def test_a_group_of_another_book_is_refused(alex, book):
    other = new_book(alex, "Other")
    foreign = make_group(alex, other)
    response = alex.post(f"{API}/{book}/categories", json={"name": "X", "group_id": foreign["id"]})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "group_id"
    groceries = category_named(alex, book, "Groceries")
    moved = alex.patch(
        f"{API}/{book}/categories/{groceries['id']}", json={"group_id": foreign["id"]}
    )
    assert moved.status_code == 422


def test_update_with_if_match(alex, book):
    groceries = category_named(alex, book, "Groceries")
    path = f"{API}/{book}/categories/{groceries['id']}"
    etag = alex.get(path).headers["ETag"]
    housing = category_named(alex, book, "Utilities")["group_id"]
    changed = alex.patch(
        path, json={"name": "Food shopping", "group_id": housing}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200
    assert (changed.json["name"], changed.json["group"]) == ("Food shopping", "Housing")
    assert changed.headers["ETag"] != etag
    stale = alex.patch(path, json={"name": "Again"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.content_type == "application/problem+json"
    assert alex.get(path).json["name"] == "Food shopping"
    stale_delete = alex.delete(path, headers={"If-Match": etag})
    assert stale_delete.status_code == 412


def test_rename_onto_a_sibling_is_refused(alex, book):
    fuel = category_named(alex, book, "Fuel")
    response = alex.patch(f"{API}/{book}/categories/{fuel['id']}", json={"name": "car"})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "name"
    same = alex.patch(f"{API}/{book}/categories/{fuel['id']}", json={"name": "FUEL"})
    assert same.status_code == 200 and same.json["name"] == "FUEL"


def test_archive_hides_and_include_archived_shows(alex, book):
    gifts = category_named(alex, book, "Gifts")
    archived = alex.patch(f"{API}/{book}/categories/{gifts['id']}", json={"archived": True})
    assert archived.json["archived"] is True
    assert "Gifts" not in {c["name"] for c in items(alex, f"{API}/{book}/categories")}
    every = items(alex, f"{API}/{book}/categories?include_archived=true")
    assert "Gifts" in {c["name"] for c in every}
    alex.patch(f"{API}/{book}/categories/{gifts['id']}", json={"archived": False})
    assert "Gifts" in {c["name"] for c in items(alex, f"{API}/{book}/categories")}


def test_paging_categories(alex, book):
    seen, cursor = [], None
    while True:
        page = alex.get(
            f"{API}/{book}/categories?limit=7" + (f"&cursor={cursor}" if cursor else "")
        ).json
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [c["id"] for c in items(alex, f"{API}/{book}/categories?limit=500")]
    assert alex.get(f"{API}/{book}/categories?cursor=garbage").status_code == 422


# Deleting ----------------------------------------------------------------------------------


def test_delete_an_unused_category(alex, book):
    toys = category_named(alex, book, "Gifts")
    assert alex.delete(f"{API}/{book}/categories/{toys['id']}").status_code == 204
    assert alex.get(f"{API}/{book}/categories/{toys['id']}").status_code == 404
    assert alex.delete(f"{API}/{book}/categories/{toys['id']}").status_code == 404


def test_delete_in_use_is_refused_then_reassigned(alex, book, database):
    groceries = category_named(alex, book, "Groceries")["id"]
    restaurants = category_named(alex, book, "Restaurants")["id"]
    health = category_named(alex, book, "Health")["id"]
    plain = insert_transaction(database, book, category_id=groceries)
    split = insert_transaction(database, book, splits=[groceries, health])
    untouched = insert_transaction(database, book, category_id=health)

    refused = alex.delete(f"{API}/{book}/categories/{groceries}")
    assert refused.status_code == 409
    assert refused.content_type == "application/problem+json"
    detail = refused.json["detail"]
    assert "used by 1 transaction and 1 split" in detail
    assert "archive" in detail and "reassign_to" in detail
    assert alex.get(f"{API}/{book}/categories/{groceries}").status_code == 200

    moved = alex.delete(f"{API}/{book}/categories/{groceries}?reassign_to={restaurants}")
    assert moved.status_code == 204
    assert alex.get(f"{API}/{book}/categories/{groceries}").status_code == 404
    with database.read() as conn:
        rows = dict(conn.execute("SELECT id, category_id FROM transactions").fetchall())
        splits = [r[0] for r in conn.execute("SELECT category_id FROM splits ORDER BY position")]
        revisions = dict(conn.execute("SELECT id, revision FROM transactions").fetchall())
    assert rows == {plain: restaurants, split: None, untouched: health}
    assert splits == [restaurants, health]
    assert revisions == {plain: 2, split: 2, untouched: 1}


def test_reassign_to_must_be_another_category_of_the_book(alex, book, database):
    groceries = category_named(alex, book, "Groceries")["id"]
    insert_transaction(database, book, category_id=groceries)
    other_book = new_book(alex, "Other")
    foreign = category_named(alex, other_book, "Restaurants")["id"]
    for target in (groceries, foreign, 999_999):
        response = alex.delete(f"{API}/{book}/categories/{groceries}?reassign_to={target}")
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "reassign_to"
    bad = alex.delete(f"{API}/{book}/categories/{groceries}?reassign_to=x")
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "reassign_to"
    assert alex.get(f"{API}/{book}/categories/{groceries}").status_code == 200


# Groups ------------------------------------------------------------------------------------


def test_groups_create_rename_reorder_archive(alex, book):
    kids = make_group(alex, book, "Kids")
    assert kids["position"] == len(DEFAULT_CATEGORIES)
    first = make_group(alex, book, "Pets", position=-1)
    names = [g["name"] for g in items(alex, f"{API}/{book}/category-groups")]
    assert names[0] == "Pets" and names[-1] == "Kids"

    path = f"{API}/{book}/category-groups/{kids['id']}"
    toys = make_category(alex, book, kids["id"], "Toys")
    etag = alex.get(path).headers["ETag"]
    renamed = alex.patch(
        path, json={"name": "Children", "position": -5}, headers={"If-Match": etag}
    )
    assert renamed.status_code == 200
    assert items(alex, f"{API}/{book}/category-groups")[0]["name"] == "Children"
    assert alex.patch(path, json={"name": "x"}, headers={"If-Match": etag}).status_code == 412
    category = alex.get(f"{API}/{book}/categories/{toys.json['id']}")
    assert category.json["group"] == "Children"
    assert category.headers["ETag"] != toys.headers["ETag"]

    clash = alex.patch(path, json={"name": "pets"})
    assert clash.status_code == 422 and clash.json["errors"][0]["field"] == "name"
    duplicate = alex.post(f"{API}/{book}/category-groups", json={"name": "FOOD"})
    assert duplicate.status_code == 422 and duplicate.json["errors"][0]["field"] == "name"

    assert alex.patch(path, json={"archived": True}).json["archived"] is True
    assert "Children" not in {g["name"] for g in items(alex, f"{API}/{book}/category-groups")}
    every = items(alex, f"{API}/{book}/category-groups?include_archived=true")
    assert "Children" in {g["name"] for g in every}
    assert "Toys" not in {c["name"] for c in items(alex, f"{API}/{book}/categories")}
    assert alex.get(f"{API}/{book}/category-groups/{first['id']}").json["name"] == "Pets"


@pytest.mark.parametrize(
    "body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": "ok", "position": "a"}]
)
def test_invalid_groups_name_the_field(alex, book, body):
    response = alex.post(f"{API}/{book}/category-groups", json=body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} <= {"name", "position"}
    assert response.json["errors"]


def test_delete_a_group_only_when_empty(alex, book):
    food = category_named(alex, book, "Groceries")["group_id"]
    refused = alex.delete(f"{API}/{book}/category-groups/{food}")
    assert refused.status_code == 409
    assert "2 categories" in refused.json["detail"]
    empty = make_group(alex, book)
    assert alex.delete(f"{API}/{book}/category-groups/{empty['id']}").status_code == 204
    assert alex.get(f"{API}/{book}/category-groups/{empty['id']}").status_code == 404


# Who may do what ---------------------------------------------------------------------------


def test_ids_of_another_book_are_not_found(alex, book):
    other = new_book(alex, "Other")
    category = category_named(alex, other, "Groceries")
    group = category["group_id"]
    for method, path in [
        ("get", f"{API}/{book}/categories/{category['id']}"),
        ("patch", f"{API}/{book}/categories/{category['id']}"),
        ("delete", f"{API}/{book}/categories/{category['id']}"),
        ("get", f"{API}/{book}/category-groups/{group}"),
        ("patch", f"{API}/{book}/category-groups/{group}"),
        ("delete", f"{API}/{book}/category-groups/{group}"),
    ]:
        kwargs = {"json": {"name": "Stolen"}} if method == "patch" else {}
        response = getattr(alex, method)(path, **kwargs)
        assert response.status_code == 404, (method, path)
    assert category_named(alex, other, "Groceries")["name"] == "Groceries"


def test_non_members_get_404_and_viewers_cannot_write(alex, book, make_user, sign_in, database):
    sam_user = make_user("sam")
    sam = sign_in("sam")
    groceries = category_named(alex, book, "Groceries")
    paths = [
        f"{API}/{book}/categories",
        f"{API}/{book}/categories/{groceries['id']}",
        f"{API}/{book}/category-groups",
        f"{API}/{book}/category-groups/{groceries['group_id']}",
    ]
    for path in paths:
        assert sam.get(path).status_code == 404
    assert sam.delete(paths[1]).status_code == 404

    add_member(database, book, sam_user.id, "viewer")
    for path in paths:
        assert sam.get(path).status_code == 200
    assert (
        sam.post(paths[0], json={"name": "X", "group_id": groceries["group_id"]}).status_code == 403
    )
    assert sam.patch(paths[1], json={"name": "X"}).status_code == 403
    assert sam.delete(paths[1]).status_code == 403
    assert sam.post(paths[2], json={"name": "X"}).status_code == 403
    assert sam.patch(paths[3], json={"name": "X"}).status_code == 403
    assert sam.delete(paths[3]).status_code == 403


def test_an_editor_can_write_and_a_read_token_cannot(
    alex, book, make_user, sign_in, make_token, app, database
):
    sam_user = make_user("sam")
    add_member(database, book, sam_user.id, "editor")
    sam = sign_in("sam")
    group = category_named(alex, book, "Groceries")["group_id"]
    assert make_category(sam, book, group, "Snacks").json["name"] == "Snacks"

    client = app.test_client()
    for scope, status in (("read", 403), ("write", 201)):
        headers = {"Authorization": f"Bearer {make_token(alex.user, scope)}"}
        assert client.get(f"{API}/{book}/categories", headers=headers).status_code == 200
        response = client.post(
            f"{API}/{book}/categories",
            json={"name": f"By {scope}", "group_id": group},
            headers=headers,
        )
        assert response.status_code == status
