"""Several files at once (issue 18): each matched to its account, all or nothing, undone as one."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from server.bankfiles.files import BankFile, StatementInfo
from server.bankfiles.rows import Row
from server.domain.import_batches import MAX_BATCH_FILES, match_account
from tests.unit.test_ofx_import import _sgml, _stmtrs, _stmttrn

NOVEMBER = _sgml(
    _stmtrs("3141592653", "CHECKING", _stmttrn("C1", "20251103", "-12.00", "TO SAVINGS")),
    _stmtrs("2718288979", "SAVINGS", _stmttrn("S1", "20251103", "12.00", "FROM CHECKING")),
)
DECEMBER = _sgml(
    _stmtrs("3141592653", "CHECKING", _stmttrn("C7", "20251202", "-30.00", "GROCER")),
    _stmtrs("2718288979", "SAVINGS", _stmttrn("S7", "20251231", "0.44", "INTEREST")),
)
CARD_HEADER = "Transaction Date,Description,Amount\n"
CARD_NOVEMBER = CARD_HEADER + "2025-11-04,BOOKSHOP,-20.00\n"
CARD_DECEMBER = CARD_HEADER + "2025-12-04,CINEMA,-15.00\n2025-12-09,DINER,-31.50\n"
CASH = "Date,Payee,Amount\n2025-12-01,MARKET,-8.00\n"


def sent(name: str, text: str, **choices) -> dict:
    return {"file_name": name, "content": base64.b64encode(text.encode()).decode(), **choices}


def household(alex) -> tuple[str, dict[str, int]]:
    """Alex's book with four USD accounts, whose November files were imported one by one."""
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    base = f"/api/v1/books/{book}"
    ids = {
        name: alex.post(
            base + "/accounts", json={"name": name, "type": kind, "currency": "USD"}
        ).json["id"]
        for name, kind in [
            ("Checking", "checking"),
            ("Savings", "savings"),
            ("Card", "credit_card"),
            ("Cash", "cash"),
        ]
    }
    for account, statement in (("Checking", 0), ("Savings", 1)):
        body = sent("nov.ofx", NOVEMBER, account_id=ids[account], statement=statement)
        assert alex.post(base + "/imports", json=body).status_code == 201
    card = sent("card-nov.csv", CARD_NOVEMBER, account_id=ids["Card"])
    assert alex.post(base + "/imports", json=card).status_code == 201
    return base, ids


def count(database, table: str) -> int:
    with database.read() as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_each_file_is_matched_previewed_imported_as_one_and_undone_as_one(alex, database):
    base, ids = household(alex)
    files = [sent("dec.ofx", DECEMBER), sent("card-dec.csv", CARD_DECEMBER), sent("cash.csv", CASH)]

    preview = alex.post(base + "/imports/batches/preview", json={"files": files})
    assert preview.status_code == 200, preview.json
    items = preview.json["items"]
    assert [
        (i["file"], i["statement"], i["account_id"], i["matched_by"], i["new"]) for i in items
    ] == [
        (0, 0, ids["Checking"], "statement", 1),  # by the OFX account id of November's file
        (0, 1, ids["Savings"], "statement", 1),
        (1, None, ids["Card"], "preset", 2),  # by the header row of the card's last import
        (2, None, None, None, 0),  # nobody's: asked for
    ]
    assert [s["account"] for s in items[0]["statements"]] == ["…2653", "…8979"]
    assert "3141592653" not in str(preview.json)  # never the whole account number
    assert items[3]["refusals"] == [
        {"field": "files.2.account_id", "message": "cash.csv: choose its account."}
    ]
    assert preview.json["ready"] is False

    before = count(database, "transactions")
    refused = alex.post(base + "/imports/batches", json={"files": files})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["files.2.account_id"]
    assert count(database, "transactions") == before  # nothing of the others either

    files[2]["account_id"] = ids["Cash"]
    made = alex.post(base + "/imports/batches", json={"files": files})
    assert made.status_code == 201, made.json
    assert (made.json["added"], made.json["skipped"], len(made.json["import_ids"])) == (5, 0, 4)
    history = alex.get(base + "/imports").json["items"]
    assert [i["batch_id"] for i in history[:4]] == [made.json["id"]] * 4
    assert history[4]["batch_id"] is None
    balance = alex.get(f"{base}/accounts/{ids['Card']}").json["balance"]
    assert balance == "-66.50"

    undone = alex.post(f"{base}/imports/batches/{made.json['id']}/undo")
    assert undone.status_code == 200 and undone.json == {"removed": 5}
    assert count(database, "transactions") == before
    again = alex.post(f"{base}/imports/batches/{made.json['id']}/undo")
    assert again.status_code == 409
    assert all(i["undone_at"] for i in alex.get(base + "/imports").json["items"][:4])


def test_undoing_one_import_of_a_batch_undoes_the_batch(alex, database):
    base, _ = household(alex)
    before = count(database, "transactions")
    files = [sent("dec.ofx", DECEMBER), sent("card-dec.csv", CARD_DECEMBER)]
    made = alex.post(base + "/imports/batches", json={"files": files}).json
    one = made["import_ids"][1]
    assert alex.post(f"{base}/imports/{one}/undo").json == {"removed": 4}
    assert count(database, "transactions") == before
    assert alex.post(f"{base}/imports/batches/{made['id']}/undo").status_code == 409


def test_one_refused_file_imports_nothing_and_is_named(alex, database):
    base, ids = household(alex)
    before = [count(database, t) for t in ("transactions", "imports", "import_batches")]
    broken = sent("broken.csv", "Date,Payee,Amount\n2025-12-01,A,1.00\n2025-12-02,B,lots\n")
    files = [sent("card-dec.csv", CARD_DECEMBER), {**broken, "account_id": ids["Cash"]}]
    refused = alex.post(base + "/imports/batches", json={"files": files})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["files.1.content"]
    assert "broken.csv: Line 3" in refused.json["errors"][0]["message"]
    assert [count(database, t) for t in ("transactions", "imports", "import_batches")] == before
    # Another book's account is not this one's to choose.
    foreign = alex.post("/api/v1/books", json={"name": "Other"}).json["id"]
    theirs = alex.post(
        f"/api/v1/books/{foreign}/accounts", json={"name": "X", "type": "cash", "currency": "USD"}
    ).json["id"]
    stranger = alex.post(
        base + "/imports/batches", json={"files": [sent("cash.csv", CASH, account_id=theirs)]}
    )
    assert stranger.status_code == 422
    assert stranger.json["errors"][0]["field"] == "files.0.account_id"


def test_a_batch_states_its_limits(alex):
    base, _ = household(alex)
    many = {"files": [sent("cash.csv", CASH)] * (MAX_BATCH_FILES + 1)}
    too_many = alex.post(base + "/imports/batches/preview", json=many)
    assert too_many.status_code == 422 and too_many.json["errors"][0]["field"] == "files"
    none = alex.post(base + "/imports/batches", json={"files": []})
    assert none.status_code == 422 and none.json["errors"][0]["field"] == "files"
    bad = alex.post(
        base + "/imports/batches", json={"files": [{**sent("a.csv", CASH), "content": "!"}]}
    )
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "files.0.content"


def test_a_qif_account_is_matched_by_its_name(alex, database):
    base, ids = household(alex)
    book = int(base.rsplit("/", 1)[1])
    row = Row(3, date(2025, 12, 1), Decimal("-8.00"), "MARKET", "", None)
    qif = BankFile(
        "qif",
        [row],
        statements=(
            StatementInfo("savings", "bank", "", 1),
            StatementInfo("Shoebox", "cash", "", 0),
        ),
        statement=0,
    )
    with database.read() as conn:
        assert match_account(conn, book, qif) == (ids["Savings"], "name")
        assert (
            match_account(
                conn, book, BankFile("qif", [row], statements=qif.statements, statement=1)
            )
            is None
        )


def test_each_file_keeps_its_own_reading_choices(alex, database):
    # Reversed amounts and skipping unreadable lines are each file's choice in a batch too.
    base, ids = household(alex)
    charges = CARD_HEADER + "2025-12-04,CINEMA,15.00\n2025-12-09,DINER,31.50\n"
    torn = "Date,Payee,Amount\n2025-12-01,MARKET,-8.00\n2025-13-40,TORN,-1.00\n"
    files = [
        sent("card-dec.csv", charges, amounts_reversed=True),
        sent("cash.csv", torn, account_id=ids["Cash"]),
    ]
    before = count(database, "transactions")
    refused = alex.post(base + "/imports/batches", json={"files": files})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["files.1.content"]
    assert count(database, "transactions") == before

    files[1]["skip_unreadable"] = True
    made = alex.post(base + "/imports/batches", json={"files": files})
    assert made.status_code == 201, made.json
    assert made.json["added"] == 3
    card = alex.get(f"{base}/accounts/{ids['Card']}").json["balance"]
    assert card == "-66.50"  # November's -20.00, then December's charges as money out
    cash = next(
        i for i in alex.get(base + "/imports").json["items"] if i["file_name"] == "cash.csv"
    )
    assert [p["line"] for p in cash["unreadable"]] == [3]
