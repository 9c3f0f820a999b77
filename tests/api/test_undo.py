"""Undo and redo over HTTP: the caller's own last change in a book, every kind of change a
person makes, refused (409) when a row it touched was changed since, editors and owners only.

Each change is checked the same way: the book's rows (every tracked table, without the
columns that only count versions) after undo are those before the change, after redo those
after it, and the kept sums and the change feed stay exact."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from server.api.access import CHANGE_HEADER
from server.db import kept_sums
from server.domain.undo import KEEP_ACTIONS
from server.domain.undo_rows import BOOKKEEPING, ROW_KEYS
from tests.api.ledger import Ledger, bulk
from tests.sharing import share


def _act(who, book_id: int, what: str = "undo", status: int = 200) -> dict:
    response = who.post(f"/api/v1/books/{book_id}/{what}")
    assert response.status_code == status, response.json
    return response.json


def _next(who, book_id: int) -> dict:
    response = who.get(f"/api/v1/books/{book_id}/undo")
    assert response.status_code == 200, response.json
    return response.json


def _content(item: dict) -> dict:
    """An object without what says when or how often it changed."""
    return {k: v for k, v in item.items() if k not in ("etag", "revision", "updated_at")}


def _rows(database) -> dict[str, list[tuple]]:
    """Every tracked table's rows, without bookkeeping columns; the kept sums checked."""
    with database.read() as conn:
        assert kept_sums.differences(conn) == []
        found = {}
        for table in ROW_KEYS:
            rows = [dict(r) for r in conn.execute(f"SELECT * FROM {table}")]  # noqa: S608
            found[table] = sorted(
                tuple((k, v) for k, v in r.items() if k not in BOOKKEEPING) for r in rows
            )
        found["balances"] = conn.execute(
            "SELECT id, total, cleared_total, reconciled_total FROM accounts ORDER BY id"
        ).fetchall()
        found["balances"] = [tuple(r) for r in found["balances"]]
        return found


def _feed(who, book_id: int, since: str = "") -> tuple[set[tuple[str, str]], str]:
    page = who.get(f"/api/v1/books/{book_id}/changes?since={since}&limit=1000").json
    return {(c["kind"], c["id"]) for c in page["changes"]}, page["next_cursor"]


@pytest.fixture
def book(alex, book_id, database) -> dict[str, Any]:
    """A book with an account, categories, a few transactions, a rule, a schedule, budgets."""
    ledger = Ledger(alex, book_id)
    checking = ledger.account("Checking", opening="1000.00")
    savings = ledger.account("Savings")
    named = {c["name"]: c["id"] for c in alex.get(f"{ledger.base}/categories").json["items"]}
    food, rent, fun = named["Groceries"], named["Rent/Mortgage"], named["Entertainment"]
    base = ledger.base
    shop = ledger.add(checking, "-12.50", "2026-11-03", payee="Corner Shop", tags=["weekly"])
    ledger.add(checking, "-800.00", "2026-11-01", payee="Landlord", category_id=rent)
    ledger.add(
        checking,
        "-30.00",
        "2026-11-05",
        payee="Market",
        splits=[
            {"amount": "-20.00", "category_id": food},
            {"amount": "-10.00", "category_id": fun},
        ],
    )
    ledger.add(checking, "-100.00", "2026-11-06", transfer_account_id=savings["id"])
    for category, amount in ((food, "300.00"), (rent, "800.00")):
        assert alex.put(f"{base}/budgets/2026-10/categories/{category}", json={"amount": amount})
    rule = alex.post(
        f"{base}/rules",
        json={
            "name": "Shops",
            "payee_match": "contains",
            "payee_text": "shop",
            "set_category_id": food,
        },
    ).json
    schedule = alex.post(
        f"{base}/schedules",
        json={
            "name": "Rent",
            "account_id": checking["id"],
            "amount": "-800.00",
            "payee": "Landlord",
            "category_id": rent,
            "frequency": "monthly",
            "start_date": "2026-12-01",
        },
    ).json
    return {
        "ledger": ledger,
        "checking": checking,
        "savings": savings,
        "categories": (food, rent, fun),
        "shop": shop,
        "rule": rule,
        "schedule": schedule,
    }


def _ok(response: Any) -> Any:
    assert response.status_code < 300, response.json
    assert response.headers.get(CHANGE_HEADER), "a recorded change names its action"
    return response


def _label_id(alex, b: dict, kind: str, name: str) -> int:
    items = alex.get(f"{b['ledger'].base}/{kind}").json["items"]
    return next(item["id"] for item in items if item["name"] == name)


CHANGES: dict[str, tuple[str, Callable[[Any, dict], Any]]] = {
    "add a transaction": (
        "Added transaction 'Baker' of 2026-11-09",
        lambda alex, b: _ok(
            b["ledger"].post(
                {
                    "account_id": b["checking"]["id"],
                    "date": "2026-11-09",
                    "amount": "-4.20",
                    "payee": "Baker",
                    "tags": ["bread"],
                }
            )
        ),
    ),
    "edit a transaction": (
        "Changed transaction 'Corner Shop' of 2026-11-03",
        lambda alex, b: _ok(
            b["ledger"].patch(
                b["shop"]["id"], {"amount": "-15.00", "status": "cleared", "tags": ["other"]}
            )
        ),
    ),
    "delete a transaction": (
        "Deleted transaction 'Corner Shop' of 2026-11-03",
        lambda alex, b: _ok(b["ledger"].delete(b["shop"]["id"])),
    ),
    "delete in bulk": (
        "Deleted 5 transactions",
        lambda alex, b: _ok(bulk(b["ledger"], "bulk-delete", ids=sorted(b["ledger"].ids()))),
    ),
    "categorize and tag in bulk": (
        "Changed 2 transactions",
        lambda alex, b: _ok(
            bulk(
                b["ledger"],
                "bulk-update",
                ids=sorted(b["ledger"].ids())[:2],
                category_id=b["categories"][2],
                add_tags=["checked"],
            )
        ),
    ),
    "budget a category": (
        "Changed the budget of Groceries for 2026-11",
        lambda alex, b: _ok(
            alex.put(
                f"{b['ledger'].base}/budgets/2026-11/categories/{b['categories'][0]}",
                json={"amount": "250.00"},
            )
        ),
    ),
    "set a budget goal": (
        "Added the budget goal of Groceries",
        lambda alex, b: _ok(
            alex.put(
                f"{b['ledger'].base}/categories/{b['categories'][0]}/goal",
                json={"kind": "monthly", "amount": "120.00"},
            )
        ),
    ),
    "fill this month": (
        "Changed 2 budgets",
        lambda alex, b: _ok(
            alex.post(f"{b['ledger'].base}/budgets/2026-11/copy", json={"source": "last_month"})
        ),
    ),
    "apply rules to existing transactions": (
        "Changed transaction 'Corner Shop' of 2026-11-03",
        lambda alex, b: _ok(alex.post(f"{b['ledger'].base}/rules/apply", json={})),
    ),
    "enter a scheduled transaction": (
        "Entered schedule 'Rent' for 2026-12-01",
        lambda alex, b: _ok(
            alex.post(f"{b['ledger'].base}/schedules/{b['schedule']['id']}/enter", json={})
        ),
    ),
    "skip a scheduled transaction": (
        "Skipped schedule 'Rent' on 2026-12-01",
        lambda alex, b: _ok(
            alex.post(f"{b['ledger'].base}/schedules/{b['schedule']['id']}/skip", json={})
        ),
    ),
    "merge a category into another": (
        "Deleted category 'Groceries', changed transaction 'Market' of 2026-11-05 and more",
        lambda alex, b: _ok(
            alex.delete(
                f"{b['ledger'].base}/categories/{b['categories'][0]}"
                f"?reassign_to={b['categories'][2]}"
            )
        ),
    ),
    "delete a rule": (
        "Deleted rule 'Shops'",
        lambda alex, b: _ok(alex.delete(f"{b['ledger'].base}/rules/{b['rule']['id']}")),
    ),
    "rename a payee": (
        "Changed payee 'Corner Store'",
        lambda alex, b: _ok(
            alex.patch(
                f"{b['ledger'].base}/payees/{_label_id(alex, b, 'payees', 'Corner Shop')}",
                json={"name": "Corner Store"},
            )
        ),
    ),
    "delete a tag": (
        "Deleted tag 'weekly', changed transaction 'Corner Shop' of 2026-11-03",
        lambda alex, b: _ok(
            alex.delete(f"{b['ledger'].base}/tags/{_label_id(alex, b, 'tags', 'weekly')}")
        ),
    ),
    "rename an account": (
        "Changed account 'Giro'",
        lambda alex, b: _ok(
            alex.patch(f"{b['ledger'].base}/accounts/{b['checking']['id']}", json={"name": "Giro"})
        ),
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_kind_of_change_is_undone_and_redone_exactly(alex, book, database, change):
    label, make = CHANGES[change]
    book_id = book["ledger"].id
    before = _rows(database)
    make(alex, book)
    after = _rows(database)
    assert after != before
    assert _next(alex, book_id)["undo"]["label"] == label
    _, cursor = _feed(alex, book_id)

    undone = _act(alex, book_id)
    assert undone["action"]["label"] == label
    assert _rows(database) == before
    noted, cursor = _feed(alex, book_id, cursor)
    touched = {(kind, i) for kind, ids in undone["changed"].items() for i in ids}
    assert touched <= noted | {("import", i) for _, i in touched}, "the feed notes each object"

    redone = _act(alex, book_id, "redo")
    assert redone == undone
    assert _rows(database) == after
    noted, _ = _feed(alex, book_id, cursor)
    assert touched <= noted
    assert _next(alex, book_id)["redo"] is None


def test_undo_goes_back_step_by_step_and_a_new_change_ends_redo(alex, book):
    ledger, book_id = book["ledger"], book["ledger"].id
    shop = book["shop"]["id"]
    for memo in ("one", "two", "three"):
        ledger.change(shop, memo=memo)
    assert _act(alex, book_id)["action"]["label"].startswith("Changed transaction")
    assert ledger.read(shop)["memo"] == "two"
    _act(alex, book_id)
    assert ledger.read(shop)["memo"] == "one"
    _act(alex, book_id, "redo")
    assert ledger.read(shop)["memo"] == "two"
    ledger.change(shop, memo="four")  # the redo of "three" is gone with it
    assert _next(alex, book_id)["redo"] is None
    _act(alex, book_id, "redo", status=404)
    _act(alex, book_id)
    assert ledger.read(shop)["memo"] == "two"


def test_an_old_etag_never_matches_again_after_undo(alex, book):
    ledger, shop = book["ledger"], book["shop"]["id"]
    first = ledger.read(shop)["etag"]
    changed = ledger.change(shop, memo="changed")
    _act(alex, ledger.id)
    assert ledger.patch(shop, {"memo": "x"}, **{"If-Match": changed["etag"]}).status_code == 412
    assert ledger.patch(shop, {"memo": "x"}, **{"If-Match": first}).status_code == 412
    now = ledger.read(shop)["etag"]
    assert now not in (first, changed["etag"])
    assert ledger.patch(shop, {"memo": "x"}, **{"If-Match": now}).status_code == 200


def test_finishing_a_reconciliation_is_undone_and_redone(alex, book, database):
    ledger, book_id = book["ledger"], book["ledger"].id
    reconciliations = f"{ledger.base}/accounts/{book['checking']['id']}/reconciliations"
    ledger.change(book["shop"]["id"], status="cleared")
    # After the account's opening date, which is the day the test runs.
    statement = {"statement_date": "2099-12-31", "statement_balance": "1.00"}
    started = _ok(alex.post(reconciliations, json=statement)).json
    assert _next(alex, book_id)["undo"]["label"] == (
        "Started reconciling Checking with the statement of 2099-12-31"
    )
    before = _rows(database)
    _ok(alex.post(f"{reconciliations}/{started['id']}/finish", json={"adjust": True}))
    after = _rows(database)
    assert after != before
    assert _next(alex, book_id)["undo"]["label"].startswith(
        "Finished reconciling Checking with the statement of 2099-12-31"
    )

    _act(alex, book_id)
    assert _rows(database) == before
    assert alex.get(f"{reconciliations}/current").json["state"] == "open"
    _act(alex, book_id, "redo")
    assert _rows(database) == after
    assert alex.get(f"{reconciliations}/current").status_code == 404


def test_a_change_someone_built_on_is_refused_naming_what_changed(alex, book, people):
    ledger, book_id = book["ledger"], book["ledger"].id
    sam = people("sam")
    share(alex, sam, book_id, "editor")
    ledger.change(book["shop"]["id"], amount="-20.00")
    Ledger(sam, book_id).change(book["shop"]["id"], memo="sam was here")
    before = ledger.read(book["shop"]["id"])

    refused = alex.post(f"/api/v1/books/{book_id}/undo")
    assert refused.status_code == 409
    assert refused.content_type == "application/problem+json"
    detail = refused.json["detail"]
    assert "Transaction 'Corner Shop' of 2026-11-03 was changed since (by sam at " in detail
    assert ledger.read(book["shop"]["id"]) == before  # nothing written

    # Sam's own change is Sam's to undo; then Alex's can be undone again.
    assert _next(sam, book_id)["undo"]["label"] == "Changed transaction 'Corner Shop' of 2026-11-03"
    _act(sam, book_id)
    _act(alex, book_id)
    assert ledger.read(book["shop"]["id"])["amount"] == "-12.50"


def test_a_deleted_row_whose_id_was_taken_again_is_refused(alex, book, people, database):
    ledger, book_id = book["ledger"], book["ledger"].id
    newest = ledger.add(book["checking"], "-2.00", payee="Newest")["id"]
    assert ledger.delete(newest).status_code == 204
    sam = people("sam")
    share(alex, sam, book_id, "editor")
    again = Ledger(sam, book_id).add(book["checking"], "-1.00", payee="Kiosk")
    assert again["id"] == newest  # SQLite gives the free id again
    refused = alex.post(f"/api/v1/books/{book_id}/undo")
    assert refused.status_code == 409
    assert "was added since (by sam at " in refused.json["detail"]


def test_each_person_undoes_only_their_own_changes(alex, book, people):
    ledger, book_id = book["ledger"], book["ledger"].id
    sam = people("sam")
    share(alex, sam, book_id, "editor")
    Ledger(sam, book_id).add(book["checking"], "-3.00", payee="Sam's coffee")
    assert _next(alex, book_id)["undo"]["label"] == "Added schedule 'Rent'"
    _act(alex, book_id)  # Alex's last: the schedule
    assert {t["payee"] for t in ledger.all()} >= {"Sam's coffee"}
    assert _next(sam, book_id)["undo"]["label"] == "Added transaction 'Sam's coffee' of 2024-03-01"


def test_viewers_and_strangers_cannot_undo(alex, book, people):
    book_id = book["ledger"].id
    viewer, stranger = people("vera", "stan")
    share(alex, viewer, book_id, "viewer")
    assert viewer.post(f"/api/v1/books/{book_id}/undo").status_code == 403
    assert viewer.post(f"/api/v1/books/{book_id}/redo").status_code == 403
    assert _next(viewer, book_id) == {"undo": None, "redo": None}
    for path in ("undo", "redo"):
        assert stranger.post(f"/api/v1/books/{book_id}/{path}").status_code == 404
    assert stranger.get(f"/api/v1/books/{book_id}/undo").status_code == 404


def test_nothing_to_undo_is_404_and_writes_outside_a_book_record_nothing(alex, book_id):
    _act(alex, book_id, status=404)
    _act(alex, book_id, "redo", status=404)
    renamed = alex.patch(f"/api/v1/books/{book_id}", json={"name": "Renamed"})
    assert renamed.status_code == 200
    assert CHANGE_HEADER not in renamed.headers  # the book's own row is not undone
    assert _next(alex, book_id) == {"undo": None, "redo": None}


def test_old_changes_are_pruned_beyond_both_the_count_and_the_day(alex, book, database):
    ledger = book["ledger"]

    def change_and_count(times: int) -> int:
        for i in range(times):
            ledger.change(book["shop"]["id"], memo=f"memo {i}")
        with database.read() as conn:
            return conn.execute("SELECT count(*) FROM undo_actions").fetchone()[0]

    assert change_and_count(KEEP_ACTIONS) > KEEP_ACTIONS  # the book's setup too: all of today
    with database.write() as db:
        db.execute("UPDATE undo_actions SET created_at = '2020-01-01T00:00:00+00:00'")
    assert change_and_count(1) == KEEP_ACTIONS  # older than a day and beyond the last 100


def test_an_import_is_not_undone_here_but_undoing_it_is(alex, book, database):
    ledger = book["ledger"]
    text = "Date,Amount,Payee\n2026-11-20,-3.50,Kiosk\n2026-11-21,-4.50,Kiosk\n"
    body = {
        "account_id": book["checking"]["id"],
        "file_name": "november.csv",
        "content": base64.b64encode(text.encode()).decode(),
    }
    made = alex.post(f"{ledger.base}/imports", json=body)
    assert made.status_code == 201, made.json
    assert CHANGE_HEADER not in made.headers  # an import has an undo of its own
    assert _next(alex, ledger.id)["undo"]["label"] == "Added schedule 'Rent'"
    before = _rows(database)
    _ok(alex.post(f"{ledger.base}/imports/{made.json['id']}/undo"))
    label = "Changed import of 'november.csv', deleted 2 transactions"
    assert _next(alex, ledger.id)["undo"]["label"] == label
    _act(alex, ledger.id)
    assert _rows(database) == before
    assert alex.get(f"{ledger.base}/imports").json["items"][0]["undone_at"] is None


def test_a_change_whose_new_payee_someone_used_since_is_refused(alex, book, people):
    ledger, book_id = book["ledger"], book["ledger"].id
    sam = people("sam")
    share(alex, sam, book_id, "editor")
    ledger.add(book["checking"], "-1.00", payee="Brand New Payee")
    Ledger(sam, book_id).add(book["checking"], "-2.00", payee="Brand New Payee")
    refused = alex.post(f"/api/v1/books/{book_id}/undo")
    assert refused.status_code == 409
    assert "something changed since depends on it" in refused.json["detail"]
    assert {t["payee"] for t in ledger.all()} >= {"Brand New Payee"}
