"""Payees and tags made on first use, inside the caller's write transaction."""

from __future__ import annotations

import pytest

from server.auth.users import create_user
from server.clock import utcnow
from server.db import Database
from server.db.migrations import apply_migrations
from server.domain.books import create_personal_book
from server.domain.labels import payee_id_for, tag_ids_for
from server.errors import ValidationFailed


@pytest.fixture
def book(tmp_path):
    database = Database(tmp_path / "t.sqlite3")
    apply_migrations(database)
    create_user(
        database,
        "alex",
        "correct horse battery staple",
        now=utcnow(),
        rounds=4,
        personal_book=create_personal_book,
    )
    with database.read() as conn:
        book_id = conn.execute("SELECT id FROM books").fetchone()[0]
    yield database, book_id
    database.close()


def test_payee_is_made_once_and_found_in_any_case(book):
    database, book_id = book
    with database.write() as db:
        first = payee_id_for(db, book_id, "  Corner Shop ")
        assert payee_id_for(db, book_id, "corner shop") == first
        assert payee_id_for(db, book_id, "CORNER SHOP") == first
        assert payee_id_for(db, book_id, "Café Ñandú") == payee_id_for(db, book_id, "CAFÉ ÑANDÚ")
    with database.read() as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM payees ORDER BY id")]
    assert names == ["Corner Shop", "Café Ñandú"]


@pytest.mark.parametrize("name", [None, "", "   ", "\t\n"])
def test_no_payee(book, name):
    database, book_id = book
    with database.write() as db:
        assert payee_id_for(db, book_id, name) is None


def test_payee_too_long_names_the_field(book):
    database, book_id = book
    with database.write() as db:
        assert payee_id_for(db, book_id, "x" * 200)
        with pytest.raises(ValidationFailed) as caught:
            payee_id_for(db, book_id, "x" * 201)
    assert caught.value.errors[0].field == "payee"


def test_payees_are_per_book(book):
    database, book_id = book
    with database.write() as db:
        other = (
            db["books"]
            .insert({"name": "Other", "currency": "EUR", "created_at": "x", "updated_at": "x"})
            .last_pk
        )
        assert payee_id_for(db, book_id, "Shop") != payee_id_for(db, other, "shop")


def test_tags_are_made_deduped_in_order(book):
    database, book_id = book
    with database.write() as db:
        ids = tag_ids_for(db, book_id, ["Trip", " trip ", "Work", "TRIP", "Ärger", "ärger"])
        assert len(ids) == 3
        assert tag_ids_for(db, book_id, ["work", "trip"]) == [ids[1], ids[0]]
        assert tag_ids_for(db, book_id, []) == []
    with database.read() as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM tags ORDER BY id")]
    assert names == ["Trip", "Work", "Ärger"]


@pytest.mark.parametrize("names", [[""], ["  "], ["a,b"], ["x" * 51], [5], ["ok", None]])
def test_bad_tags_name_the_field_and_make_nothing(book, names):
    database, book_id = book
    with pytest.raises(ValidationFailed) as caught, database.write() as db:
        tag_ids_for(db, book_id, names)
    assert caught.value.errors[0].field == "tags"
    with database.read() as conn:
        assert conn.execute("SELECT count(*) FROM tags").fetchone()[0] == 0
