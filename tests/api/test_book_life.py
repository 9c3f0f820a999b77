"""A book's whole life over the API: renamed, deleted (after a backup, confirmed by its name,
everything of it gone and nothing else), left by a member; the last owner stays."""

from __future__ import annotations

import base64
import sqlite3
from urllib.parse import quote

import pytest

from server.db import kept_sums
from server.db.backups import list_backups
from tests.api.conftest import BOOKS, post
from tests.security.test_authorization_matrix import app_token
from tests.sharing import join

CSV = base64.b64encode(b"Date,Payee,Amount\n2024-01-15,Corner Shop,-1.00\n").decode()


def delete(client, book_id: int, name: str, **kwargs):
    return client.delete(f"{BOOKS}/{book_id}?confirm_name={quote(name)}", **kwargs)


def _book_tables(conn: sqlite3.Connection) -> list[str]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [
        t for t in tables if "book_id" in {c[1] for c in conn.execute(f"PRAGMA table_info({t})")}
    ]


def rows_of_book(conn: sqlite3.Connection, book_id: int) -> dict[str, int]:
    """Every table with a book_id column: how many rows it holds for the book."""
    counts = {"books": "SELECT count(*) FROM books WHERE id = ?"}
    for table in _book_tables(conn):
        counts[table] = f"SELECT count(*) FROM {table} WHERE book_id = ?"  # noqa: S608
    return {table: conn.execute(sql, [book_id]).fetchone()[0] for table, sql in counts.items()}


@pytest.fixture
def full_book(alex, rich_book, database, make_user, app) -> int:
    """The rich book, with also an import, an invitation, a member, an app let in and an
    idempotency key of a request made in it."""
    base = f"{BOOKS}/{rich_book}"
    account = alex.get(base + "/accounts").json["items"][0]["id"]
    post(alex, base + "/imports", {"account_id": account, "file_name": "a.csv", "content": CSV})
    make_user("sam")
    make_user("kim")
    join(database, rich_book, "kim", "editor", by_user=alex.user.id)
    post(alex, base + "/invitations", {"username": "sam", "role": "viewer"})
    app_token(app, database, alex.user.id, rich_book, "read write")
    keyed = alex.post(
        base + "/payees", json={"name": "Keyed"}, headers={"Idempotency-Key": "delete-me"}
    )
    assert keyed.status_code == 201
    return rich_book


def test_an_owner_renames_a_book(alex, book_id):
    renamed = alex.patch(f"{BOOKS}/{book_id}", json={"name": "  Family  "})
    assert renamed.status_code == 200
    assert renamed.json["name"] == "Family"
    assert alex.get(f"{BOOKS}/{book_id}").json["name"] == "Family"
    blank = alex.patch(f"{BOOKS}/{book_id}", json={"name": "   "})
    assert blank.status_code == 422
    assert blank.json["errors"][0]["field"] == "name"


def test_deleting_needs_the_books_name(alex, book_id, database):
    for wrong in ("household", "Household!", ""):
        response = delete(alex, book_id, wrong)
        assert response.status_code == 422, wrong
        assert [e["field"] for e in response.json["errors"]] == ["confirm_name"]
    missing = alex.delete(f"{BOOKS}/{book_id}")
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json["errors"]] == ["confirm_name"]
    assert "Household" in delete(alex, book_id, "Nope").json["errors"][0]["message"]
    assert alex.get(f"{BOOKS}/{book_id}").status_code == 200
    assert list_backups(database) == []  # nothing is backed up for a refused delete


def test_delete_backs_up_first_and_takes_everything_of_the_book(alex, full_book, database):
    other = post(alex, BOOKS, {"name": "Club", "currency": "EUR"})["id"]
    cash = {"name": "Cash", "type": "cash", "opening_balance": "5"}
    post(alex, f"{BOOKS}/{other}/accounts", cash)
    other_before = alex.get(f"{BOOKS}/{other}/export.json").json
    with database.read() as conn:
        before = rows_of_book(conn, full_book)
        transactions = before["transactions"]
    assert transactions > 0 and before["oauth_grants"] == 1 and before["idempotency_keys"] == 1
    assert before["book_invitations"] == 1 and before["imports"] == 1 and before["changes"] > 0

    response = delete(alex, full_book, " Household ")
    assert response.status_code == 200, response.json
    backup = response.json["backup"]
    assert response.json["id"] == full_book and response.json["name"] == "Household"
    assert backup["reason"] == "before-book-delete"
    assert backup["label"] == "Before deleting the book Household"
    assert [(b.name, b.label) for b in list_backups(database)] == [
        (backup["name"], backup["label"])
    ]
    listed = alex.get("/api/v1/backups").json["items"]
    assert listed[0]["label"] == backup["label"]

    # The backup holds the book as it was.
    (made,) = list_backups(database)
    kept = sqlite3.connect(made.path)
    try:
        assert rows_of_book(kept, full_book) == before
    finally:
        kept.close()

    # Gone, every row of it, for everyone; the kept sums still agree; nothing dangles.
    assert alex.get(f"{BOOKS}/{full_book}").status_code == 404
    with database.read() as conn:
        assert set(rows_of_book(conn, full_book).values()) == {0}
        assert kept_sums.differences(conn) == []
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT count(*) FROM category_months WHERE account_id NOT IN (SELECT id FROM accounts)"
        ).fetchone()[0]
        assert orphans == 0
        assert conn.execute("SELECT count(*) FROM transactions_fts").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM oauth_refresh_tokens").fetchone()[0] == 0
    # The other book is as it was.
    other_after = alex.get(f"{BOOKS}/{other}/export.json").json
    # The other book is untouched: its file is the same but for when it was written.
    assert {**other_after, "exported_at": None} == {**other_before, "exported_at": None}
    assert [b["name"] for b in alex.get(BOOKS).json["items"]] == ["alex's book", "Club"]


def test_a_deleted_books_change_feed_and_keys_are_gone(alex, full_book):
    assert delete(alex, full_book, "Household").status_code == 200
    assert alex.get(f"{BOOKS}/{full_book}/changes").status_code == 404
    # The stored answer of the keyed request went with the book: a retry is refused by the
    # book's gate instead of replayed.
    keyed = {"Idempotency-Key": "delete-me"}
    again = alex.post(f"{BOOKS}/{full_book}/payees", json={"name": "Keyed"}, headers=keyed)
    assert again.status_code == 404
    assert "Idempotent-Replayed" not in again.headers


def test_a_stale_etag_refuses_the_delete(alex, book_id):
    etag = alex.get(f"{BOOKS}/{book_id}").headers["ETag"]
    assert alex.patch(f"{BOOKS}/{book_id}", json={"name": "Home"}).status_code == 200
    assert delete(alex, book_id, "Home", headers={"If-Match": etag}).status_code == 412
    assert delete(alex, book_id, "Home").status_code == 200


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_owners_delete_a_book(alex, book_id, people, database, role):
    sam = people("sam")
    join(database, book_id, "sam", role, by_user=alex.user.id)
    response = delete(sam, book_id, "Household")
    assert response.status_code == 403
    assert alex.get(f"{BOOKS}/{book_id}").status_code == 200
    outsider = people("kim")
    assert delete(outsider, book_id, "Household").status_code == 404
    assert list_backups(database) == []


def test_a_shared_book_deleted_is_gone_for_every_member(alex, book_id, people, database):
    sam = people("sam")
    join(database, book_id, "sam", "editor", by_user=alex.user.id)
    assert delete(alex, book_id, "Household").status_code == 200
    assert sam.get(f"{BOOKS}/{book_id}").status_code == 404
    assert [b["name"] for b in sam.get(BOOKS).json["items"]] == ["sam's book"]


def test_one_may_delete_ones_last_book(alex):
    (personal,) = alex.get(BOOKS).json["items"]
    assert delete(alex, personal["id"], "alex's book").status_code == 200
    assert alex.get(BOOKS).json["items"] == []
    assert post(alex, BOOKS, {"name": "Fresh start"})["name"] == "Fresh start"


def test_a_token_may_delete_but_an_app_may_not(alex, book_id, app, database, make_token):
    app_access = app_token(app, database, alex.user.id, book_id, "read write")
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {app_access}"}
    assert delete(client, book_id, "Household", headers=bearer).status_code == 403
    read = {"Authorization": f"Bearer {make_token(alex.user, 'read')}"}
    assert delete(client, book_id, "Household", headers=read).status_code == 403
    write = {"Authorization": f"Bearer {make_token(alex.user, 'write')}"}
    assert delete(client, book_id, "Household", headers=write).status_code == 200


def test_a_member_leaves_and_the_last_owner_cannot(alex, book_id, people, database):
    sam = people("sam")
    join(database, book_id, "sam", "viewer", by_user=alex.user.id)
    left = sam.delete(f"{BOOKS}/{book_id}/members/{sam.user.id}")
    assert left.status_code == 204
    assert sam.get(f"{BOOKS}/{book_id}").status_code == 404
    stays = alex.delete(f"{BOOKS}/{book_id}/members/{alex.user.id}")
    assert stays.status_code == 409
    assert stays.json["detail"] == (
        "You are the last owner of this book: make another member an owner before you "
        "leave it, or delete the book."
    )
    assert alex.get(f"{BOOKS}/{book_id}").status_code == 200


def test_a_dropped_backup_takes_its_label_along(alex, database):
    assert alex.patch("/api/v1/backup-settings", json={"keep": 1}).status_code == 200
    for name in ("One", "Two"):
        book = post(alex, BOOKS, {"name": name})["id"]
        assert delete(alex, book, name).status_code == 200
    (kept,) = list_backups(database)
    assert kept.label == "Before deleting the book Two"
    assert sorted(p.name for p in kept.path.parent.iterdir()) == [
        kept.name,
        kept.name + ".label.txt",
    ]
