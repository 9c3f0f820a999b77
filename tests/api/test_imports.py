"""Importing rows into an account: duplicates skipped, one change, undone whole."""

from __future__ import annotations

import base64
import time
from datetime import date
from decimal import Decimal

import pytest

from server.bankfiles.csv_file import Layout
from server.bankfiles.files import BankFile
from server.bankfiles.rows import Row
from server.clock import local_today, utcnow
from server.db.kept_sums import search_key
from server.domain.accounts import AccountInput, create_account, get_account
from server.domain.books import list_books
from server.domain.imports import ImportInput, list_imports, plan_import, run_import, undo_import
from server.domain.transaction_rules import TransactionInput
from server.domain.transactions import create_transaction
from server.errors import Conflict, ValidationFailed

LAYOUT = Layout(",", 1, {"date": 0, "amount": 1, "payee": 2}, ("%Y-%m-%d",), ".")


def csv_file(rows: list[Row]) -> BankFile:
    return BankFile("csv", rows, layout=LAYOUT)


def row(line: int, day: str, amount: str, payee: str = "Shop", bank_id: str | None = None):
    return Row(line, date.fromisoformat(day), Decimal(amount), payee, "", bank_id)


@pytest.fixture
def account(database, make_user):
    alex = make_user("alex", admin=True)
    with database.read() as conn:
        book = list_books(conn, alex.id)[0].id
    checking = create_account(
        database,
        book,
        AccountInput(
            name="Checking",
            type="checking",
            currency="EUR",
            opening_balance="100.00",
            opening_date=date(2025, 1, 1),
        ),
        now=utcnow(),
    )
    return alex, book, checking


def balance(database, book, account_id) -> int:
    with database.read() as conn:
        return get_account(conn, book, account_id, today=local_today()).balance


def test_an_import_adds_what_is_new_once_and_is_undone_whole(database, account):
    alex, book, checking = account
    by_hand = create_transaction(
        database,
        book,
        TransactionInput(
            account_id=checking.id, date=date(2025, 3, 3), amount="-4.50", payee="Bakery"
        ),
        now=utcnow(),
    )
    rows = [
        row(2, "2025-03-01", "-12.00", "Shop", "A1"),
        row(3, "2025-03-05", "-4.50", "bakery"),  # entered by hand two days apart
        row(4, "2025-03-06", "2000.00", "Employer", "A3"),
        row(5, "2025-03-06", "2000.00", "Employer", "A4"),  # the same again, its own id
    ]
    with database.read() as conn:
        planned = plan_import(conn, book, checking.id, rows)
    assert [p.duplicate_of for p in planned] == [None, by_hand.id, None, None]

    first = run_import(
        database,
        book,
        ImportInput(
            account_id=checking.id, bank_file=csv_file(rows), file_name="march.csv", user_id=alex.id
        ),
        now=utcnow(),
    )
    assert (first.added, first.skipped) == (3, 1)
    assert balance(database, book, checking.id) == 10000 - 450 - 1200 + 400000

    again = run_import(
        database,
        book,
        ImportInput(
            account_id=checking.id, bank_file=csv_file(rows), file_name="march.csv", user_id=alex.id
        ),
        now=utcnow(),
    )
    assert (again.added, again.skipped) == (0, 4)

    kept = run_import(
        database,
        book,
        ImportInput(
            account_id=checking.id,
            bank_file=csv_file(rows[1:2]),
            file_name="keep.csv",
            user_id=alex.id,
            keep_duplicates=frozenset({3}),
        ),
        now=utcnow(),
    )
    assert (kept.added, kept.skipped) == (1, 0)

    with database.read() as conn:
        assert [i.file_name for i in list_imports(conn, book)] == [
            "keep.csv",
            "march.csv",
            "march.csv",
        ]
    assert undo_import(database, book, first.id, now=utcnow()) == 3
    assert balance(database, book, checking.id) == 10000 - 450 - 450
    with pytest.raises(Conflict):
        undo_import(database, book, first.id, now=utcnow())


def test_a_refused_row_leaves_nothing_behind(database, account):
    alex, book, checking = account
    rows = [row(2, "2025-03-01", "-12.00"), row(3, "2025-03-02", "-1.001")]
    with pytest.raises(ValidationFailed, match="Line 3"):
        run_import(
            database,
            book,
            ImportInput(
                account_id=checking.id,
                bank_file=csv_file(rows),
                file_name="bad.csv",
                user_id=alex.id,
            ),
            now=utcnow(),
        )
    assert balance(database, book, checking.id) == 10000
    with database.read() as conn:
        assert list_imports(conn, book) == []
        assert conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 0


# Over the API ------------------------------------------------------------------------------

UK = (
    "Date,Description,Money out,Money in\n"
    "03/04/2025,TESCO STORES 2231,12.40,\n"
    "02/04/2025,SALARY APRIL,,2100.00\n"
)


def current_account(alex) -> tuple[int, int]:
    """Alex's book and a new account "Current" in it, made through the API."""
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    account = alex.post(
        f"/api/v1/books/{book}/accounts", json={"name": "Current", "type": "checking"}
    ).json["id"]
    return book, account


def file_body(account_id: int, text: str, encoding: str = "utf-8", **extra) -> dict:
    content = base64.b64encode(text.encode(encoding)).decode()
    return {"account_id": account_id, "file_name": "april.csv", "content": content, **extra}


def test_preview_choose_dates_import_and_undo_over_the_api(alex, database):
    book, account = current_account(alex)
    base = f"/api/v1/books/{book}/imports"

    first = alex.post(base + "/preview", json=file_body(account, UK, "cp1252"))
    assert first.status_code == 200, first.json
    assert sorted(first.json["layout"]["date_formats"]) == ["%d/%m/%Y", "%m/%d/%Y"]
    assert first.json["rows"] == []
    refused = alex.post(base, json=file_body(account, UK))
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "date_format"

    chosen = alex.post(base + "/preview", json=file_body(account, UK, date_format="%d/%m/%Y"))
    rows = chosen.json["rows"]
    assert [(r["date"], r["amount"], r["duplicate_of"]) for r in rows] == [
        ("2025-04-03", "-12.40", None),
        ("2025-04-02", "2100.00", None),
    ]
    made = alex.post(base, json=file_body(account, UK, date_format="%d/%m/%Y"))
    assert made.status_code == 201, made.json
    assert (made.json["added"], made.json["skipped"]) == (2, 0)
    again = alex.post(base + "/preview", json=file_body(account, UK, date_format="%d/%m/%Y"))
    assert all(r["duplicate_of"] for r in again.json["rows"])

    # The account remembers how its bank's files read: the next one needs no choice.
    remembered = alex.post(base + "/preview", json=file_body(account, UK))
    assert remembered.json["layout"]["date_formats"] == ["%d/%m/%Y"]
    assert len(remembered.json["rows"]) == 2

    history = alex.get(base).json["items"]
    assert [(i["file_name"], i["added"], i["undone_at"]) for i in history] == [
        ("april.csv", 2, None)
    ]
    undone = alex.post(f"{base}/{made.json['id']}/undo")
    assert undone.status_code == 200 and undone.json == {"removed": 2}
    assert alex.post(f"{base}/{made.json['id']}/undo").status_code == 409
    assert alex.get(f"/api/v1/books/{book}/accounts/{account}").json["balance"] == "0.00"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not base64!", "base64"),
        (base64.b64encode(b"\x00\x01\x02" * 100).decode(), "not a text file"),
        (base64.b64encode(b"Date,Amount\n2025-01-01,lots\n").decode(), "Line 2"),
    ],
)
def test_bad_files_are_refused_at_the_content(alex, content, message):
    book, account = current_account(alex)
    body = {"account_id": account, "file_name": "x.csv", "content": content}
    response = alex.post(f"/api/v1/books/{book}/imports", json=body)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "content"
    assert message in response.json["errors"][0]["message"]
    assert alex.get(f"/api/v1/books/{book}/imports").json["items"] == []


def test_a_file_larger_than_other_bodies_is_accepted(alex):
    book, account = current_account(alex)
    lines = "".join(f"2025-01-{1 + i % 28:02},Shop {i},-{i}.00\n" for i in range(40_000))
    body = file_body(account, "Date,Payee,Amount\n" + lines)
    assert len(body["content"]) > 1_000_000
    response = alex.post(f"/api/v1/books/{book}/imports/preview", json=body)
    assert response.status_code == 200, response.json
    assert len(response.json["rows"]) == 40_000
    other = alex.post("/api/v1/books", json={"name": "x" * 2_000_000, "currency": "EUR"})
    assert other.status_code == 413


def follow(alex, location: str) -> dict:
    """Poll a background import until it ends."""
    for _ in range(200):
        job = alex.get(location)
        assert job.status_code == 200, job.json
        if job.json["state"] in ("done", "failed"):
            return job.json
        time.sleep(0.05)
    raise AssertionError("the import did not end")


def test_a_large_import_runs_in_the_background(alex, make_user, sign_in):
    book, account = current_account(alex)
    base = f"/api/v1/books/{book}/imports"
    lines = "".join(f"2025-01-{1 + i % 28:02d},Shop {i},-{i}.{i % 100:02d}\n" for i in range(12000))
    body = file_body(account, "Date,Payee,Amount\n" + lines)
    started = alex.post(base, json=body, headers={"Prefer": "respond-async"})
    assert started.status_code == 202, started.json
    assert started.headers["Preference-Applied"] == "respond-async"
    assert started.json["state"] in ("queued", "running", "done")
    location = started.headers["Location"]
    assert location == f"{base}/jobs/{started.json['id']}"
    make_user("bob")
    assert sign_in("bob").get(location).status_code == 404  # not a member of the book

    finished = follow(alex, location)
    assert finished["state"] == "done" and finished["problem"] is None
    assert (finished["done"], finished["total"]) == (12000, 12000)
    assert (finished["import"]["added"], finished["import"]["skipped"]) == (12000, 0)
    assert alex.get(base).json["items"][0]["id"] == finished["import"]["id"]


@pytest.mark.parametrize("wrong", ["decimals", "other_book"])
def test_a_background_import_that_cannot_work_is_refused_at_once(alex, wrong):
    """What would make the job fail is said in the answer, not by a job failing later."""
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    if wrong == "decimals":
        target = book
        account = alex.post(
            f"/api/v1/books/{book}/accounts",
            json={"name": "Yen", "type": "cash", "currency": "JPY"},
        ).json["id"]
    else:
        account = current_account(alex)[1]
        target = alex.post("/api/v1/books", json={"name": "Other", "currency": "EUR"}).json["id"]
    body = file_body(account, "Date,Payee,Amount\n2025-01-01,Ramen,-12.50\n")
    refused = alex.post(
        f"/api/v1/books/{target}/imports", json=body, headers={"Prefer": "respond-async"}
    )
    assert refused.status_code == 422, refused.json
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert {"decimals": "file", "other_book": "account_id"}[wrong] in {
        e["field"] for e in refused.json["errors"]
    }
    assert alex.get(f"/api/v1/books/{target}/imports").json["items"] == []


def test_a_background_import_that_fails_says_why_and_writes_nothing(alex, database):
    book, account = current_account(alex)
    body = file_body(account, "Date,Payee,Amount\n2025-01-01,Ramen,-12.50\n")
    # The job waits for the writer held here, while its account goes away under it.
    with database.write() as db:
        started = alex.post(
            f"/api/v1/books/{book}/imports", json=body, headers={"Prefer": "respond-async"}
        )
        assert started.status_code == 202, started.json
        db.execute("DELETE FROM accounts WHERE id = ?", [account])
    finished = follow(alex, started.headers["Location"])
    assert finished["state"] == "failed" and finished["import"] is None
    assert finished["problem"]["status"] == 422
    assert finished["problem"]["errors"][0]["field"] == "account_id"
    assert alex.get(f"/api/v1/books/{book}/imports").json["items"] == []
    assert alex.get(f"/api/v1/books/{book}/imports/jobs/nope").status_code == 404


def search_index_matches_the_rows(database) -> None:
    """The search index holds exactly one entry per transaction, with its payee and memo."""
    with database.write() as db:  # FTS5 checks its index against its rows (a "write")
        db.execute("INSERT INTO transactions_fts (transactions_fts) VALUES ('integrity-check')")
    with database.read() as conn:
        indexed = conn.execute(
            "SELECT f.rowid, f.payee, f.memo FROM transactions_fts f ORDER BY 1"
        ).fetchall()
        expected = conn.execute(
            f"SELECT {search_key('t')}, coalesce(p.name, ''), t.memo FROM transactions t "  # noqa: S608
            "LEFT JOIN payees p ON p.id = t.payee_id ORDER BY 1"
        ).fetchall()
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
    assert [tuple(r) for r in indexed] == [tuple(r) for r in expected]
    assert {"transactions_search_insert", "transactions_search_delete"} <= triggers


def test_a_bulk_import_and_its_undo_keep_the_search_index_exact(database, account, sign_in):
    owner, book, checking = account
    alex = sign_in("alex")
    rows = [
        row(n + 2, f"2025-0{1 + n % 9}-1{n % 9}", f"-{n}.50", f"Shop {n % 7}", f"ID{n}")
        for n in range(300)
    ]
    made = run_import(
        database,
        book,
        ImportInput(
            account_id=checking.id, bank_file=csv_file(rows), file_name="x.csv", user_id=owner.id
        ),
        now=utcnow(),
    )
    search_index_matches_the_rows(database)
    found = alex.get(f"/api/v1/books/{book}/transactions?q=shop&limit=500").json["items"]
    assert len(found) == 300
    # A transfer made since from one of the imported rows goes with the undo too.
    with database.read() as conn:
        first = conn.execute(
            "SELECT id FROM transactions WHERE import_id = ?", [made.id]
        ).fetchone()[0]
    savings = create_account(
        database,
        book,
        AccountInput(
            name="Savings",
            type="savings",
            currency="EUR",
            opening_balance="0",
            opening_date=date(2025, 1, 1),
        ),
        now=utcnow(),
    )
    alex.patch(
        f"/api/v1/books/{book}/transactions/{first}", json={"transfer_account_id": savings.id}
    )
    assert undo_import(database, book, made.id, now=utcnow()) == 301
    search_index_matches_the_rows(database)
    assert balance(database, book, checking.id) == 10000
    assert balance(database, book, savings.id) == 0
    with database.read() as conn:
        assert (
            conn.execute("SELECT count(*) FROM account_months WHERE total != 0").fetchone()[0] == 0
        )


@pytest.mark.parametrize("index", [7, -1, 10**12])
def test_a_column_the_file_does_not_have_is_refused(alex, index):
    book, account = current_account(alex)
    body = file_body(
        account, UK, date_format="%d/%m/%Y", columns={"date": 0, "debit": 2, "memo": index}
    )
    response = alex.post(f"/api/v1/books/{book}/imports/preview", json=body)
    assert response.status_code == 422
    assert "there is no column" in response.json["errors"][0]["message"]
