"""Reconciling an account over the API: a statement, rows ticked cleared, finish (exactly or
with an adjustment), cancel; the lock on reconciled rows on every path that could move them."""

from __future__ import annotations

import pytest

from tests.api.conftest import BOOKS, post
from tests.api.test_book_file import export, without_moment
from tests.api.test_changes import read_feed
from tests.api.test_imports import file_body
from tests.sharing import share


@pytest.fixture
def checking(alex):
    """(book path, account id): a euro account opened with 100.00 on 1 Nov 2026."""
    book = post(alex, BOOKS, {"name": "Household", "currency": "EUR"})["id"]
    base = f"{BOOKS}/{book}"
    account = post(
        alex,
        base + "/accounts",
        {"name": "Checking", "type": "checking", "opening_balance": "100.00",
         "opening_date": "2026-11-01"},
    )["id"]  # fmt: skip
    return base, account


def add(alex, checking, day: str, amount: str, status: str = "uncleared", **more) -> dict:
    base, account = checking
    body = {"account_id": account, "date": day, "amount": amount, "status": status, **more}
    return post(alex, base + "/transactions", body)


def reconciliations(checking) -> str:
    base, account = checking
    return f"{base}/accounts/{account}/reconciliations"


def start(alex, checking, balance: str, day: str = "2026-11-30") -> dict:
    body = {"statement_date": day, "statement_balance": balance}
    return post(alex, reconciliations(checking), body)


def test_a_statement_is_reconciled_row_by_row_and_kept_in_the_history(alex, checking):
    base, account = checking
    rent = add(alex, checking, "2026-11-03", "-40.00")
    shop = add(alex, checking, "2026-11-12", "-12.50", "cleared")
    add(alex, checking, "2026-12-01", "-9.00", "cleared")  # after the statement: not counted
    statement = {"statement_date": "2026-11-30", "statement_balance": "47.50"}
    opened = alex.post(reconciliations(checking), json=statement)
    assert opened.status_code == 201, opened.json
    assert opened.headers["ETag"] == opened.json["etag"]
    assert {k: opened.json[k] for k in ("cleared_balance", "difference", "state")} == {
        "cleared_balance": "87.50",
        "difference": "-40.00",
        "state": "open",
    }
    too_soon = alex.post(f"{reconciliations(checking)}/{opened.json['id']}/finish", json={})
    assert too_soon.status_code == 409 and "-40.00 EUR" in too_soon.json["detail"]

    alex.patch(f"{base}/transactions/{rent['id']}", json={"status": "cleared"})
    current = alex.get(reconciliations(checking) + "/current").json
    assert alex.get(reconciliations(checking) + "?state=open").json["items"] == [current]
    assert (current["cleared_balance"], current["difference"]) == ("47.50", "0.00")
    done = alex.post(f"{reconciliations(checking)}/{current['id']}/finish", json={"adjust": False})
    assert done.status_code == 200, done.json
    assert (done.json["state"], done.json["finished_by"]) == ("finished", "alex")
    for row in (rent, shop):
        assert alex.get(f"{base}/transactions/{row['id']}").json["status"] == "reconciled"
    account_now = alex.get(f"{base}/accounts/{account}").json
    assert (account_now["reconciled_balance"], account_now["cleared_balance"]) == (
        "47.50",
        "38.50",
    )
    assert alex.get(reconciliations(checking) + "/current").status_code == 404
    assert alex.get(reconciliations(checking) + "?state=open").json["items"] == []
    history = alex.get(reconciliations(checking)).json["items"]
    assert [(r["statement_date"], r["statement_balance"], r["state"]) for r in history] == [
        ("2026-11-30", "47.50", "finished")
    ]


def test_finishing_with_an_adjustment_adds_a_labelled_transaction(alex, checking):
    base, _ = checking
    opened = start(alex, checking, "99.01")
    done = alex.post(f"{reconciliations(checking)}/{opened['id']}/finish", json={"adjust": True})
    assert done.status_code == 200, done.json
    adjustment = alex.get(f"{base}/transactions/{done.json['adjustment_id']}").json
    assert (adjustment["payee"], adjustment["amount"], adjustment["status"]) == (
        "Reconciliation adjustment",
        "-0.99",
        "reconciled",
    )
    assert done.json["difference"] == "0.00"


def test_an_open_reconciliation_is_cancelled_and_one_at_a_time(alex, checking):
    opened = start(alex, checking, "100.00")
    again = alex.post(
        reconciliations(checking), json={"statement_date": "2026-11-30", "statement_balance": "1"}
    )
    assert again.status_code == 409
    url = f"{reconciliations(checking)}/{opened['id']}"
    assert alex.delete(url, headers={"If-Match": '"rec-0-open-0"'}).status_code == 412
    assert alex.delete(url).status_code == 204
    assert alex.get(url).status_code == 404
    assert alex.get(reconciliations(checking)).json["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"statement_date": "2026-11-30", "statement_balance": "1.234"}, "statement_balance"),
        ({"statement_date": "2026-10-31", "statement_balance": "1.00"}, "statement_date"),
        ({"statement_date": "2026-11-30"}, "statement_balance"),
    ],
)
def test_a_bad_statement_names_its_field(alex, checking, body, field):
    refused = alex.post(reconciliations(checking), json=body)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == [field]


def test_a_viewer_reads_but_does_not_reconcile(alex, checking, people):
    base, _ = checking
    start(alex, checking, "100.00")
    vic = people("vic")
    share(alex, vic, int(base.rsplit("/", 1)[1]), "viewer")
    assert vic.get(reconciliations(checking) + "/current").status_code == 200
    refused = vic.post(
        reconciliations(checking), json={"statement_date": "2026-12-31", "statement_balance": "1"}
    )
    assert refused.status_code == 403


@pytest.fixture
def locked(alex, checking):
    """A finished reconciliation over a cleared row and a transfer's side: (row, transfer)."""
    base, _ = checking
    savings = post(
        alex, base + "/accounts",
        {"name": "Savings", "type": "savings", "opening_date": "2026-11-01"},
    )["id"]  # fmt: skip
    row = add(alex, checking, "2026-11-05", "-20.00", "cleared", payee="Bakery")
    sent = add(
        alex, checking, "2026-11-06", "-30.00", "cleared", transfer_account_id=savings
    )  # fmt: skip
    opened = start(alex, checking, "50.00")
    alex.post(f"{reconciliations(checking)}/{opened['id']}/finish", json={})
    return row, sent


def is_locked(response) -> None:
    assert response.status_code == 409, response.json
    assert response.json["code"] == "reconciled"
    assert response.json["reconciliation"]["statement_date"] == "2026-11-30"
    assert response.json["reconciliation"]["statement_balance"] == "50.00"
    assert "statement of 2026-11-30 (ending balance 50.00 EUR)" in response.json["detail"]


@pytest.mark.parametrize(
    "change",
    [{"amount": "-21.00"}, {"date": "2026-11-04"}, {"status": "cleared"}, {"account": True}],
    ids=["amount", "date", "status", "account"],
)
def test_changing_a_reconciled_row_is_refused_until_unlocked(alex, checking, locked, change):
    base, _ = checking
    row, _ = locked
    if "account" in change:
        other = post(alex, base + "/accounts", {"name": "Cash", "type": "cash"})["id"]
        change = {"account_id": other}
    url = f"{base}/transactions/{row['id']}"
    is_locked(alex.patch(url, json=change))
    kept = alex.get(url).json
    assert (kept["amount"], kept["date"], kept["status"]) == ("-20.00", "2026-11-05", "reconciled")
    strict = alex.patch(url, json={**change, "unlock_reconciled": "yes"})
    assert strict.status_code == 422
    unlocked = alex.patch(url, json={**change, "unlock_reconciled": True})
    assert unlocked.status_code == 200, unlocked.json
    # The reconciliation stays in the history; its figures show what changed since.
    history = alex.get(reconciliations(checking)).json["items"]
    assert history[0]["state"] == "finished"


def test_payee_memo_tags_and_category_stay_free(alex, checking, locked):
    base, _ = checking
    row, _ = locked
    changed = alex.patch(
        f"{base}/transactions/{row['id']}",
        json={"payee": "Corner bakery", "memo": "bread", "tags": ["food"], "category_id": None},
    )
    assert changed.status_code == 200, changed.json


def test_deleting_a_reconciled_row_is_refused_until_unlocked(alex, checking, locked):
    base, _ = checking
    row, sent = locked
    is_locked(alex.delete(f"{base}/transactions/{row['id']}"))
    is_locked(alex.post(f"{base}/transactions/bulk-delete", json={"ids": [row["id"]]}))
    unclear = {"ids": [row["id"]], "status": "uncleared"}
    is_locked(alex.post(f"{base}/transactions/bulk-update", json=unclear))
    # The other side of a transfer moves its reconciled side with it.
    is_locked(alex.patch(f"{base}/transactions/{sent['transfer_id']}", json={"amount": "31.00"}))
    is_locked(alex.delete(f"{base}/transactions/{sent['transfer_id']}"))
    assert alex.delete(f"{base}/transactions/{row['id']}?unlock_reconciled=true").status_code == 204
    deleted = alex.post(
        f"{base}/transactions/bulk-delete", json={"ids": [sent["id"]], "unlock_reconciled": True}
    )
    assert deleted.json == {"count": 2}


def test_an_import_with_reconciled_rows_is_not_undone(alex, checking):
    base, account = checking
    statement = "Date,Payee,Amount\n2026-11-10,Corner Shop,-5.00\n2026-11-11,Kiosk,-2.00\n"
    imported = post(alex, base + "/imports", file_body(account, statement))
    shop = alex.get(f"{base}/transactions?payee=Corner Shop").json["items"][0]
    alex.patch(f"{base}/transactions/{shop['id']}", json={"status": "cleared"})
    opened = start(alex, checking, "95.00")
    alex.post(f"{reconciliations(checking)}/{opened['id']}/finish", json={})
    refused = alex.post(f"{base}/imports/{imported['id']}/undo")
    assert refused.status_code == 409
    assert refused.json["reconciliation"]["id"] == opened["id"]
    assert "the import cannot be undone" in refused.json["detail"]
    assert len(alex.get(f"{base}/transactions").json["items"]) == 2


def test_the_change_feed_gives_reconciliations(alex, checking):
    base, _ = checking
    _, cursor = read_feed(alex, int(base.rsplit("/", 1)[1]))
    opened = start(alex, checking, "100.00")
    changes, cursor = read_feed(alex, int(base.rsplit("/", 1)[1]), cursor)
    assert [(c["kind"], c["id"], c["object"]["state"]) for c in changes] == [
        ("reconciliation", str(opened["id"]), "open")
    ]
    alex.delete(f"{reconciliations(checking)}/{opened['id']}")
    changes, _ = read_feed(alex, int(base.rsplit("/", 1)[1]), cursor)
    assert [(c["kind"], c["deleted"]) for c in changes] == [("reconciliation", True)]


def test_reconciliations_go_out_in_a_book_file_and_come_back_the_same(alex, checking, locked):
    base, _ = checking
    start(alex, checking, "50.00", "2026-12-31")  # and one open
    book = int(base.rsplit("/", 1)[1])
    original = export(alex, book)
    assert [(r["state"], r["statement_balance"]) for r in original["reconciliations"]] == [
        ("finished", "50.00"),
        ("open", "50.00"),
    ]
    made = post(alex, f"{BOOKS}/import", original)["id"]
    assert without_moment(export(alex, made)) == without_moment(original)
    copied = f"{BOOKS}/{made}/accounts"
    account_id = alex.get(copied).json["items"][0]["id"]
    history = alex.get(f"{copied}/{account_id}/reconciliations").json["items"]
    assert [(r["state"], r["difference"]) for r in history] == [
        ("finished", "0.00"),
        ("open", "0.00"),
    ]
    rows = alex.get(f"{BOOKS}/{made}/transactions?status=reconciled").json["items"]
    assert len(rows) == 2  # the row and the transfer's side in the account reconciled
    locked_again = alex.patch(
        f"{BOOKS}/{made}/transactions/{rows[0]['id']}", json={"amount": "1.00"}
    )
    assert locked_again.status_code == 409


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        (lambda r: r.update(account=99), "reconciliations[0].account"),
        (lambda r: r.update(statement_balance="1.234"), "reconciliations[0].statement_balance"),
        (lambda r: r.update(state="done"), "reconciliations[0].state"),
        (lambda r: r.update(finished_by=None), "reconciliations[0].finished_by"),
        (lambda r: r.update(adjustment=999), "reconciliations[0].adjustment"),
    ],
)
def test_a_bad_reconciliation_in_a_book_file_is_named(alex, checking, locked, damage, where):
    document = export(alex, int(checking[0].rsplit("/", 1)[1]))
    damage(document["reconciliations"][0])
    refused = alex.post(f"{BOOKS}/import", json=document)
    assert refused.status_code == 422, refused.json
    assert where in [e["field"] for e in refused.json["errors"]]
