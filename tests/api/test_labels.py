"""Payees and tags over the API: autocomplete, rename and merge, delete, roles."""

from __future__ import annotations

import pytest

from server.domain.labels import payee_id_for, tag_ids_for
from tests.api.test_categories import add_member, insert_transaction, items, new_book

API = "/api/v1/books"


@pytest.fixture
def book(alex):
    return new_book(alex)


def payees(database, book_id, *names):
    with database.write() as db:
        return [payee_id_for(db, book_id, name) for name in names]


def tag(database, transaction_id, book_id, *names):
    with database.write() as db:
        for tag_id in tag_ids_for(db, book_id, list(names)):
            db["transaction_tags"].insert({"transaction_id": transaction_id, "tag_id": tag_id})


# Payees ------------------------------------------------------------------------------------


def test_payees_most_used_first_with_prefix_search(alex, book, database):
    shop, market, cafe, _ = payees(database, book, "Corner Shop", "Cornmarket", "Café", "Zoo")
    for _ in range(2):
        insert_transaction(database, book, payee_id=market)
    insert_transaction(database, book, payee_id=shop)
    listed = items(alex, f"{API}/{book}/payees")
    assert [(p["name"], p["uses"]) for p in listed] == [
        ("Cornmarket", 2),
        ("Corner Shop", 1),
        ("Café", 0),
        ("Zoo", 0),
    ]
    assert [p["name"] for p in items(alex, f"{API}/{book}/payees?q=corn")] == [
        "Cornmarket",
        "Corner Shop",
    ]
    assert [p["name"] for p in items(alex, f"{API}/{book}/payees?q=CORNER")] == ["Corner Shop"]
    assert [p["id"] for p in items(alex, f"{API}/{book}/payees?q=CAFÉ")] == [cafe]
    assert items(alex, f"{API}/{book}/payees?q=%25") == []
    assert items(alex, f"{API}/{book}/payees?q=_") == []


def test_payees_page_with_limit_and_cursor(alex, book, database):
    payees(database, book, *[f"Payee {i:02}" for i in range(7)])
    seen, cursor = [], None
    while True:
        page = alex.get(
            f"{API}/{book}/payees?limit=3" + (f"&cursor={cursor}" if cursor else "")
        ).json
        seen += [p["name"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Payee {i:02}" for i in range(7)]
    assert alex.get(f"{API}/{book}/payees?limit=0").status_code == 422
    assert alex.get(f"{API}/{book}/payees?limit=501").status_code == 422


def test_create_and_rename_a_payee(alex, book):
    created = alex.post(f"{API}/{book}/payees", json={"name": " Bakery "})
    assert created.status_code == 201
    assert created.json["name"] == "Bakery"
    assert alex.post(f"{API}/{book}/payees", json={"name": "BAKERY"}).status_code == 422
    path = f"{API}/{book}/payees/{created.json['id']}"
    renamed = alex.patch(path, json={"name": "The Bakery"})
    assert renamed.status_code == 200
    assert renamed.json == {"id": created.json["id"], "name": "The Bakery", "uses": 0}
    for name in ("", "   ", "x" * 201):
        bad = alex.patch(path, json={"name": name})
        assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "name"


def found(who, book: int, words: str) -> set[int]:
    """The ids of the transactions a search finds."""
    response = who.get(f"{API}/{book}/transactions", query_string={"q": words, "limit": 500})
    assert response.status_code == 200, response.json
    return {t["id"] for t in response.json["items"]}


def test_rename_onto_another_payee_merges(alex, book, database):
    amzn, amazon = payees(database, book, "AMZN Mktp", "Amazon")
    moved = insert_transaction(database, book, payee_id=amzn)
    kept = insert_transaction(database, book, payee_id=amazon)
    assert found(alex, book, "amzn") == {moved}
    merged = alex.patch(f"{API}/{book}/payees/{amzn}", json={"name": "amazon"})
    assert merged.status_code == 200
    assert merged.json == {"id": amazon, "name": "Amazon", "uses": 2}
    assert alex.patch(f"{API}/{book}/payees/{amzn}", json={"name": "x"}).status_code == 404
    with database.read() as conn:
        rows = dict(conn.execute("SELECT id, payee_id FROM transactions").fetchall())
        revisions = dict(conn.execute("SELECT id, revision FROM transactions").fetchall())
    assert rows == {moved: amazon, kept: amazon}
    assert revisions == {moved: 2, kept: 1}
    # Search knows the merged name at once.
    assert found(alex, book, "amazon") == {moved, kept}
    assert found(alex, book, "amzn") == set()


def test_search_follows_a_renamed_payee(alex, book, database):
    [landlord] = payees(database, book, "Landlord")
    rent = insert_transaction(database, book, payee_id=landlord)
    renamed = alex.patch(f"{API}/{book}/payees/{landlord}", json={"name": "City Flats"})
    assert renamed.status_code == 200
    assert found(alex, book, "flats") == {rent}
    assert found(alex, book, "landlord") == set()


def test_delete_only_an_unused_payee(alex, book, database):
    used, unused = payees(database, book, "Landlord", "Nobody")
    insert_transaction(database, book, payee_id=used)
    refused = alex.delete(f"{API}/{book}/payees/{used}")
    assert refused.status_code == 409
    assert "used by 1 transaction" in refused.json["detail"]
    assert alex.delete(f"{API}/{book}/payees/{unused}").status_code == 204
    assert [p["name"] for p in items(alex, f"{API}/{book}/payees")] == ["Landlord"]


# Tags --------------------------------------------------------------------------------------


def test_create_list_and_validate_tags(alex, book, database):
    created = alex.post(f"{API}/{book}/tags", json={"name": " trip "})
    assert created.status_code == 201
    assert created.json == {"id": created.json["id"], "name": "trip", "uses": 0}
    for name in ("TRIP", "", "a,b", "x" * 51):
        bad = alex.post(f"{API}/{book}/tags", json={"name": name})
        assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "name"
    first = insert_transaction(database, book)
    tag(database, first, book, "work", "Trip")
    listed = items(alex, f"{API}/{book}/tags")
    assert [(t["name"], t["uses"]) for t in listed] == [("trip", 1), ("work", 1)]


def test_rename_a_tag_and_merge_on_clash(alex, book, database):
    both = insert_transaction(database, book)
    only_old = insert_transaction(database, book)
    tag(database, both, book, "holiday", "vacation")
    tag(database, only_old, book, "holiday")
    listed = {t["name"]: t["id"] for t in items(alex, f"{API}/{book}/tags")}
    renamed = alex.patch(f"{API}/{book}/tags/{listed['holiday']}", json={"name": "Holidays"})
    assert renamed.json == {"id": listed["holiday"], "name": "Holidays", "uses": 2}
    merged = alex.patch(f"{API}/{book}/tags/{listed['holiday']}", json={"name": "VACATION"})
    assert merged.status_code == 200
    assert merged.json == {"id": listed["vacation"], "name": "vacation", "uses": 2}
    assert [t["name"] for t in items(alex, f"{API}/{book}/tags")] == ["vacation"]
    with database.read() as conn:
        links = conn.execute("SELECT transaction_id, tag_id FROM transaction_tags").fetchall()
    assert sorted(tuple(r) for r in links) == [
        (both, listed["vacation"]),
        (only_old, listed["vacation"]),
    ]
    bad = alex.patch(f"{API}/{book}/tags/{listed['vacation']}", json={"name": "a,b"})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "name"


def test_delete_a_tag_takes_it_off_transactions(alex, book, database):
    tagged = insert_transaction(database, book)
    tag(database, tagged, book, "work", "keep")
    work = next(t for t in items(alex, f"{API}/{book}/tags") if t["name"] == "work")
    assert alex.delete(f"{API}/{book}/tags/{work['id']}").status_code == 204
    assert alex.delete(f"{API}/{book}/tags/{work['id']}").status_code == 404
    with database.read() as conn:
        left = conn.execute(
            "SELECT g.name FROM transaction_tags x JOIN tags g ON g.id = x.tag_id"
        ).fetchall()
        revision = conn.execute("SELECT revision FROM transactions").fetchone()[0]
    assert [r[0] for r in left] == ["keep"]
    assert revision == 2


# Who may do what ---------------------------------------------------------------------------


def test_labels_of_another_book_are_not_found(alex, book, database):
    other = new_book(alex, "Other")
    (payee,) = payees(database, other, "Elsewhere")
    with database.write() as db:
        (tag_id,) = tag_ids_for(db, other, ["elsewhere"])
    for method, path in [
        ("patch", f"{API}/{book}/payees/{payee}"),
        ("delete", f"{API}/{book}/payees/{payee}"),
        ("patch", f"{API}/{book}/tags/{tag_id}"),
        ("delete", f"{API}/{book}/tags/{tag_id}"),
    ]:
        kwargs = {"json": {"name": "Stolen"}} if method == "patch" else {}
        assert getattr(alex, method)(path, **kwargs).status_code == 404, (method, path)
    assert items(alex, f"{API}/{book}/payees") == []
    assert [p["name"] for p in items(alex, f"{API}/{other}/payees")] == ["Elsewhere"]


def test_non_members_get_404_and_viewers_cannot_write(alex, book, make_user, sign_in, database):
    sam_user = make_user("sam")
    sam = sign_in("sam")
    (payee,) = payees(database, book, "Shop")
    with database.write() as db:
        (tag_id,) = tag_ids_for(db, book, ["work"])
    for path in (f"{API}/{book}/payees", f"{API}/{book}/tags"):
        assert sam.get(path).status_code == 404
    assert sam.delete(f"{API}/{book}/tags/{tag_id}").status_code == 404

    add_member(database, book, sam_user.id, "viewer")
    assert len(items(sam, f"{API}/{book}/payees")) == 1
    assert len(items(sam, f"{API}/{book}/tags")) == 1
    for response in (
        sam.post(f"{API}/{book}/payees", json={"name": "X"}),
        sam.patch(f"{API}/{book}/payees/{payee}", json={"name": "X"}),
        sam.delete(f"{API}/{book}/payees/{payee}"),
        sam.post(f"{API}/{book}/tags", json={"name": "X"}),
        sam.patch(f"{API}/{book}/tags/{tag_id}", json={"name": "X"}),
        sam.delete(f"{API}/{book}/tags/{tag_id}"),
    ):
        assert response.status_code == 403
