"""The sums kept for budgets and reports stay exact through every kind of write, including
the bulk ones that keep them in one statement (imports, undo, loading a book file)."""

from __future__ import annotations

from server.db import kept_sums
from tests.api.conftest import BOOKS, post
from tests.api.test_book_file import export
from tests.api.test_imports import file_body


def agree(database) -> None:
    with database.read() as conn:
        assert kept_sums.differences(conn) == []
        assert conn.execute("SELECT count(*) FROM category_months").fetchone()[0] > 0


def schema(database) -> list[tuple]:
    with database.read() as conn:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
        return [tuple(r) for r in rows]


def test_the_triggers_bulk_writes_set_aside_are_made_again_as_the_migrations_made_them(database):
    with database.read() as conn:
        made = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    assert {name: made.get(name) for name in kept_sums.KEPT_TRIGGERS} == kept_sums.KEPT_TRIGGERS
    assert {*kept_sums.AS_ADDED, *kept_sums.AS_DELETED} == set(kept_sums.KEPT_TRIGGERS)


def test_category_sums_follow_imports_undo_rules_category_moves_and_book_files(
    alex, rich_book, database
):
    agree(database)
    before = schema(database)
    base = f"{BOOKS}/{rich_book}"
    accounts = {a["name"]: a["id"] for a in alex.get(base + "/accounts").json["items"]}
    categories = alex.get(base + "/categories").json["items"]
    statement = "Date,Payee,Amount\n" + "".join(
        f"2025-0{1 + i % 3}-1{i % 9},Shop {i % 4},-{i}.25\n" for i in range(40)
    )
    imported = post(alex, base + "/imports", file_body(accounts["Girokonto"], statement))
    agree(database)

    # An imported row split and re-dated, then the import undone with it.
    some = alex.get(f"{base}/transactions?account_id={accounts['Girokonto']}&limit=5").json
    target = next(t for t in some["items"] if t["import_id"] == imported["id"])
    changed = alex.patch(
        f"{base}/transactions/{target['id']}",
        json={
            "date": "2024-12-31",
            "splits": [
                {"amount": "-1.00", "category_id": categories[0]["id"]},
                {"amount": str(float(target["amount"]) + 1), "category_id": categories[1]["id"]},
            ],
        },
        headers={"If-Match": target["etag"]},
    )
    assert changed.status_code == 200, changed.json
    agree(database)
    assert alex.post(f"{base}/imports/{imported['id']}/undo").status_code == 200
    agree(database)

    post(
        alex,
        base + "/rules",
        {
            "name": "Shops",
            "payee_match": "contains",
            "payee_text": "Kauf",
            "set_category_id": categories[2]["id"],
        },
    )
    post(alex, base + "/rules/apply", {}, status=200)
    agree(database)
    used = categories[1]["id"]
    gone = alex.delete(f"{base}/categories/{used}?reassign_to={categories[3]['id']}")
    assert gone.status_code == 204, gone.json
    agree(database)

    copy = post(alex, f"{BOOKS}/import", export(alex, rich_book))["id"]
    agree(database)
    with database.write() as db:  # a whole book going, as its owner's account is deleted
        db.execute("DELETE FROM books WHERE id = ?", [copy])
    agree(database)
    # The triggers the bulk writes set aside are all back, as they were.
    assert schema(database) == before
