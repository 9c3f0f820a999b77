"""QIF's categories, splits and transfers through the import routes: matched, created, mapped,
and never doubled when both accounts' files come in (tests/fixtures/qif)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.test_imports import file_body

QUICKEN = (
    (Path(__file__).parent.parent / "fixtures" / "qif" / "quicken_all_accounts.qif")
    .read_bytes()
    .decode()
)


@pytest.fixture
def book(alex):
    """Alex's book with its default categories, and the accounts Checking and Savings."""
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    accounts = {
        name: alex.post(
            f"/api/v1/books/{book}/accounts",
            json={"name": name, "type": name.lower(), "currency": "USD"},
        ).json["id"]
        for name in ("Checking", "Savings")
    }
    return book, accounts


def categories(alex, book) -> dict[str, int]:
    items = alex.get(f"/api/v1/books/{book}/categories?limit=500").json["items"]
    return {f"{c['group']}:{c['name']}": c["id"] for c in items}


def transactions(alex, book, account) -> list[dict]:
    url = f"/api/v1/books/{book}/transactions?account_id={account}&limit=500"
    return sorted(alex.get(url).json["items"], key=lambda t: (t["date"], t["id"]))


def test_the_preview_says_what_each_name_of_the_file_comes_to(alex, book):
    book, accounts = book
    preview = alex.post(
        f"/api/v1/books/{book}/imports/preview",
        json=file_body(accounts["Checking"], QUICKEN, statement=0),
    )
    assert preview.status_code == 200, preview.json
    links = {
        (link["kind"], link["name"]): (link["id"], link["action"]) for link in preview.json["links"]
    }
    known = categories(alex, book)
    assert links == {
        ("category", "Housing:Rent"): (None, "create"),
        ("category", "Income:Salary"): (known["Income:Salary"], "matched"),
        ("category", "Taxes:Federal"): (None, "create"),
        ("category", "Groceries"): (known["Food:Groceries"], "matched"),
        ("account", "Checking"): (None, "this account"),
        ("account", "Savings"): (accounts["Savings"], "matched"),
    }
    pay = preview.json["rows"][2]
    assert (pay["amount"], pay["cleared"], pay["category"]) == ("2300.00", "reconciled", None)
    assert [(s["amount"], s["category"], s["transfer"]) for s in pay["splits"]] == [
        ("3000.00", "Income:Salary", None),
        ("-500.00", "Taxes:Federal", None),
        ("-200.00", None, "Savings"),
    ]
    assert [s["name"] for s in preview.json["statements"]] == ["Checking", "Savings", "Brokerage"]


def test_an_import_creates_categories_splits_and_transfer_pairs(alex, book):
    book, accounts = book
    made = alex.post(
        f"/api/v1/books/{book}/imports", json=file_body(accounts["Checking"], QUICKEN, statement=0)
    )
    assert made.status_code == 201, made.json
    assert (made.json["added"], made.json["skipped"]) == (5, 0)
    known = categories(alex, book)
    assert {"Housing:Rent", "Taxes:Federal"} <= known.keys()
    kinds = {
        c["name"]: c["kind"]
        for c in alex.get(f"/api/v1/books/{book}/categories?limit=500").json["items"]
    }
    assert (kinds["Rent"], kinds["Federal"]) == ("expense", "expense")
    rows = [
        (t["amount"], t["category_id"], t["transfer_account_id"], t["status"], t["memo"], t["tags"])
        for t in transactions(alex, book, accounts["Checking"])
    ]
    assert rows == [
        ("1500.00", None, None, "cleared", "", []),  # the opening balance names Checking itself
        ("-900.00", known["Housing:Rent"], None, "cleared", "January rent (check 1043)", []),
        ("2500.00", None, None, "cleared", "", []),  # the split's categories
        ("-200.00", None, accounts["Savings"], "cleared", "Monthly saving", []),
        ("-54.21", known["Food:Groceries"], None, "uncleared", "", ["Business"]),
        ("-300.00", None, accounts["Savings"], "uncleared", "", []),
    ]
    split = transactions(alex, book, accounts["Checking"])[2]["splits"]
    assert [(s["amount"], s["category_id"], s["memo"]) for s in split] == [
        ("3000.00", known["Income:Salary"], "Gross pay"),
        ("-500.00", known["Taxes:Federal"], ""),
    ]
    savings = alex.get(f"/api/v1/books/{book}/accounts/{accounts['Savings']}").json
    assert savings["balance"] == "500.00"
    assert (
        alex.get(f"/api/v1/books/{book}/transactions?q=1043").json["items"][0]["amount"]
        == "-900.00"
    )
    # Undone, the import takes its transfers' other sides along.
    undone = alex.post(f"/api/v1/books/{book}/imports/{made.json['id']}/undo")
    assert undone.status_code == 200 and undone.json["removed"] == 8
    assert (
        alex.get(f"/api/v1/books/{book}/accounts/{accounts['Savings']}").json["balance"] == "0.00"
    )


def test_importing_the_other_accounts_file_does_not_double_the_transfers(alex, book):
    book, accounts = book
    base = f"/api/v1/books/{book}/imports"
    assert (
        alex.post(base, json=file_body(accounts["Checking"], QUICKEN, statement=0)).status_code
        == 201
    )
    # MS Money and others name the other side's payee their own way.
    savings_file = QUICKEN.replace(
        "PTransfer to savings\r\nL[Checking]", "PFrom checking\r\nL[Checking]"
    )
    preview = alex.post(
        base + "/preview", json=file_body(accounts["Savings"], savings_file, statement=1)
    ).json
    assert [r["duplicate_of"] is not None for r in preview["rows"]] == [False, True, True, False]
    made = alex.post(base, json=file_body(accounts["Savings"], savings_file, statement=1)).json
    assert (made["added"], made["skipped"]) == (2, 2)
    assert [t["amount"] for t in transactions(alex, book, accounts["Savings"])] == [
        "5000.00",
        "200.00",
        "300.00",
        "4.17",
    ]


def test_a_mapping_links_the_files_names_to_the_books_own(alex, book):
    book, accounts = book
    known = categories(alex, book)
    holiday = alex.post(
        f"/api/v1/books/{book}/accounts",
        json={"name": "Holiday fund", "type": "savings", "currency": "USD"},
    ).json["id"]
    mapping = [
        {"kind": "category", "name": "Housing:Rent", "id": known["Housing:Rent/Mortgage"]},
        {"kind": "account", "name": "Savings", "id": holiday},
    ]
    body = file_body(accounts["Checking"], QUICKEN, statement=0, mapping=mapping)
    preview = alex.post(f"/api/v1/books/{book}/imports/preview", json=body).json
    mapped = [(link["name"], link["id"]) for link in preview["links"] if link["action"] == "mapped"]
    assert mapped == [("Housing:Rent", known["Housing:Rent/Mortgage"]), ("Savings", holiday)]
    assert alex.post(f"/api/v1/books/{book}/imports", json=body).status_code == 201
    assert "Housing:Rent" not in categories(alex, book)
    assert alex.get(f"/api/v1/books/{book}/accounts/{holiday}").json["balance"] == "500.00"
    assert (
        transactions(alex, book, accounts["Checking"])[1]["category_id"]
        == known["Housing:Rent/Mortgage"]
    )


@pytest.mark.parametrize(
    ("choice", "field", "message"),
    [
        (
            {"kind": "category", "name": "Travel", "id": 1},
            "mapping",
            "names no category 'Travel'",
        ),
        (
            {"kind": "account", "name": "Savings", "id": 99999},
            "mapping",
            "Savings: this book has no account with id 99999",
        ),
    ],
)
def test_a_mapping_of_what_is_not_there_is_refused(alex, book, choice, field, message):
    book, accounts = book
    body = file_body(accounts["Checking"], QUICKEN, statement=0, mapping=[choice])
    for url in ("/imports/preview", "/imports"):
        refused = alex.post(f"/api/v1/books/{book}{url}", json=body)
        assert refused.status_code == 422
        assert refused.json["errors"][0]["field"] == field
        assert message in refused.json["errors"][0]["message"]
    assert transactions(alex, book, accounts["Checking"]) == []


def test_a_transfer_to_an_account_the_book_does_not_have_stays_a_plain_row(alex, book):
    book, accounts = book
    checking = accounts["Checking"]
    renamed = alex.patch(
        f"/api/v1/books/{book}/accounts/{accounts['Savings']}", json={"name": "Rainy day"}
    )
    assert renamed.status_code == 200, renamed.json
    body = file_body(checking, QUICKEN, statement=0)
    links = alex.post(f"/api/v1/books/{book}/imports/preview", json=body).json["links"]
    assert ("Savings", "unlinked") in [(link["name"], link["action"]) for link in links]
    assert alex.post(f"/api/v1/books/{book}/imports", json=body).status_code == 201
    stored = transactions(alex, book, checking)
    assert [(t["amount"], t["transfer_account_id"], t["memo"]) for t in stored][-1] == (
        "-300.00",
        None,
        "[Savings]",
    )
    assert [(s["amount"], s["category_id"], s["memo"]) for s in stored[2]["splits"]][-1] == (
        "-200.00",
        None,
        "Monthly saving [Savings]",
    )


def test_the_investment_account_of_a_file_is_refused_by_name(alex, book):
    book, accounts = book
    refused = alex.post(
        f"/api/v1/books/{book}/imports", json=file_body(accounts["Checking"], QUICKEN, statement=2)
    )
    assert refused.status_code == 422
    assert "Brokerage is an investment account" in refused.json["errors"][0]["message"]
    unchosen = alex.post(
        f"/api/v1/books/{book}/imports", json=file_body(accounts["Checking"], QUICKEN)
    )
    assert unchosen.status_code == 422 and unchosen.json["errors"][0]["field"] == "statement"
    assert "0: Checking (bank, 5 transactions)" in unchosen.json["errors"][0]["message"]


def test_quickens_all_accounts_file_goes_into_each_account_at_once(alex, book):
    # The batch takes each bank account of the file by its name, as one change; the file's
    # investment account is left out (listed among the file's statements as such).
    book_id, accounts = book
    base = f"/api/v1/books/{book_id}/imports/batches"
    whole = {"files": [file_body(None, QUICKEN, file_name="all.qif")]}
    del whole["files"][0]["account_id"]
    preview = alex.post(base + "/preview", json=whole)
    assert preview.status_code == 200, preview.json
    items = preview.json["items"]
    statements = items[0]["statements"]
    names = [s["name"] for s in statements]
    assert statements[names.index("Brokerage")]["kind"] == "investment"
    matched = {names[i["statement"]]: (i["account_id"], i["matched_by"]) for i in items}
    assert matched == {
        "Checking": (accounts["Checking"], "name"),
        "Savings": (accounts["Savings"], "name"),
    }
    done = alex.post(base, json=whole)
    assert done.status_code == 201, done.json
    checking = transactions(alex, book_id, accounts["Checking"])
    savings = transactions(alex, book_id, accounts["Savings"])
    assert checking and savings
    # Each transfer between the two is one pair: Savings' own record of it was not added twice.
    to_savings = [t for t in checking if t.get("transfer_account_id") == accounts["Savings"]]
    from_checking = [t for t in savings if t.get("transfer_account_id") == accounts["Checking"]]
    assert to_savings and len(to_savings) == len(from_checking)
    chosen_brokerage = {"files": [{**whole["files"][0], "statement": names.index("Brokerage")}]}
    refused = alex.post(base + "/preview", json=chosen_brokerage)
    assert "Brokerage is an investment account" in str(refused.json)
