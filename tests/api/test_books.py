"""Books over the API: list, create, read, update with ETags; membership and roles."""

from __future__ import annotations

import pytest

from server.clock import to_iso, utcnow


def add_member(database, book_id, user_id, role):
    with database.write() as db:
        db["book_members"].insert(
            {"book_id": book_id, "user_id": user_id, "role": role, "created_at": to_iso(utcnow())}
        )


def test_create_list_and_read(alex):
    created = alex.post("/api/v1/books", json={"name": "Household", "currency": "EUR"})
    assert created.status_code == 201
    book = created.json
    assert (book["name"], book["currency"], book["role"]) == ("Household", "EUR", "owner")
    assert created.headers["ETag"]
    listed = alex.get("/api/v1/books").json
    assert [b["name"] for b in listed["items"]] == ["alex's book", "Household"]
    assert listed["next_cursor"] is None
    read = alex.get(f"/api/v1/books/{book['id']}")
    assert read.json == book
    assert read.headers["ETag"] == created.headers["ETag"]


def test_paging_with_cursor(alex):
    for i in range(4):
        alex.post("/api/v1/books", json={"name": f"Book {i}"})
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = alex.get("/api/v1/books" + query).json
        seen += [b["id"] for b in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and seen == sorted(set(seen))


@pytest.mark.parametrize("cursor", ["garbage", "eyJhZnRlciI6ICJ4In0", "%00"])
def test_bad_cursor_is_a_field_error(alex, cursor):
    response = alex.get(f"/api/v1/books?cursor={cursor}")
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "currency": "euro"}, "currency"),
        ({"name": "ok", "currency": "eu"}, "currency"),
        ({"name": "ok", "currency": "XYZ"}, "currency"),
        ({"name": "ok", "currency": "eur"}, "currency"),
        ({"currency": "EUR"}, "name"),
        ({"name": 5}, "name"),
    ],
)
def test_invalid_books_are_refused_per_field(alex, body, field):
    response = alex.post("/api/v1/books", json=body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json["errors"]}


def test_update_with_if_match(alex):
    created = alex.post("/api/v1/books", json={"name": "Household"})
    book_id, etag = created.json["id"], created.headers["ETag"]
    renamed = alex.patch(
        f"/api/v1/books/{book_id}", json={"name": "Home"}, headers={"If-Match": etag}
    )
    assert renamed.status_code == 200
    assert renamed.json["name"] == "Home"
    assert renamed.headers["ETag"] != etag
    stale = alex.patch(
        f"/api/v1/books/{book_id}", json={"name": "Lost update"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert alex.get(f"/api/v1/books/{book_id}").json["name"] == "Home"


def test_update_without_if_match_is_allowed(alex):
    book_id = alex.post("/api/v1/books", json={"name": "Household"}).json["id"]
    assert (
        alex.patch(f"/api/v1/books/{book_id}", json={"currency": "CHF"}).json["currency"] == "CHF"
    )


def test_other_peoples_books_are_404(alex, make_user, sign_in):
    book_id = alex.post("/api/v1/books", json={"name": "Private"}).json["id"]
    make_user("bob")
    bob = sign_in("bob")
    assert bob.get(f"/api/v1/books/{book_id}").status_code == 404
    assert bob.patch(f"/api/v1/books/{book_id}", json={"name": "Mine"}).status_code == 404
    assert book_id not in [b["id"] for b in bob.get("/api/v1/books").json["items"]]
    assert bob.get("/api/v1/books/999999").status_code == 404


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_owners_change_a_book(alex, make_user, sign_in, database, role):
    book_id = alex.post("/api/v1/books", json={"name": "Shared"}).json["id"]
    bob_user = make_user("bob")
    add_member(database, book_id, bob_user.id, role)
    bob = sign_in("bob")
    assert bob.get(f"/api/v1/books/{book_id}").json["role"] == role
    response = bob.patch(f"/api/v1/books/{book_id}", json={"name": "Taken over"})
    assert response.status_code == 403
