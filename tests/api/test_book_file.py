"""A whole book out as JSON and back in as a new book: the same, row for row."""

from __future__ import annotations

import copy
import json

import pytest

from tests.api.conftest import BOOKS, post
from tests.api.test_imports import search_index_matches_the_rows


def export(client, book: int) -> dict:
    response = client.get(f"{BOOKS}/{book}/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.get_data(as_text=True))


def without_moment(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "exported_at"}


def kept_months(database, book: int) -> list[tuple]:
    with database.read() as conn:
        rows = conn.execute(
            "SELECT a.name, m.month, m.total FROM account_months m "
            "JOIN accounts a ON a.id = m.account_id WHERE a.book_id = ? ORDER BY 1, 2",
            [book],
        )
        return [tuple(r) for r in rows]


def test_a_book_goes_out_and_comes_back_the_same(alex, rich_book, database):
    original = export(alex, rich_book)
    assert original["format"] == "tallybook-book" and original["version"] == 1
    assert len(original["transactions"]) == 7  # the transfer is two; one rent entered
    assert [b["amount"] for b in original["budgets"]] == ["150.00", "75.50"]
    assert [(g["kind"], g["amount"], g["by_month"]) for g in original["goals"]] == [
        ("spend_up_to", "300.00", None),
        ("target", "1500.00", "2025-08"),
    ]
    rent, savings = original["schedules"]
    assert rent["occurrences"] == [
        {"date": "2025-01-31", "skipped": False, "transaction": 7},
        {"date": "2025-02-28", "skipped": True, "transaction": None},
    ]
    assert (rent["next_date"], savings["transfer_account"], savings["auto_enter"]) == (
        "2025-03-31",
        4,
        True,
    )
    assert [c["name"] for c in original["categories"] if c["rollover"]] == ["Hôtels"]
    transfer = [t for t in original["transactions"] if t["transfer"]]
    assert [(t["amount"], t["transfer"]) for t in transfer] == [("-500.00", 4), ("541.20", 3)]

    made = alex.post(f"{BOOKS}/import", json=original)
    assert made.status_code == 201, made.json
    assert made.json["name"] == "Household" and made.json["role"] == "owner"
    copied = export(alex, made.json["id"])
    assert without_moment(copied) == without_moment(original)

    # What the book keeps for its pages agrees with the rows too.
    def balances(book: int) -> list:
        accounts = alex.get(f"{BOOKS}/{book}/accounts").json["items"]
        return [(a["name"], a["balance"], a["cleared_balance"]) for a in accounts]

    assert balances(made.json["id"]) == balances(rich_book)
    assert balances(rich_book)[0] == ("Girokonto", "-1808.47", "-73.91")
    assert kept_months(database, made.json["id"]) == kept_months(database, rich_book)
    assert len(kept_months(database, rich_book)) == 5
    found = alex.get(f"{BOOKS}/{made.json['id']}/transactions?q=immobilien").json["items"]
    assert [t["payee"] for t in found] == ["Müller Immobilien"] * 2  # January, and its rent
    search_index_matches_the_rows(database)


def test_an_empty_book_round_trips_too(alex):
    book = post(alex, BOOKS, {"name": "Empty", "currency": "JPY"})["id"]
    original = export(alex, book)
    copied = export(alex, post(alex, f"{BOOKS}/import", original)["id"])
    assert without_moment(copied) == without_moment(original)


def a_transfer_between_two_euro_accounts(amount: str):
    """A damage: the transfer's second side moved to a second euro account, with `amount`."""

    def damage(document: dict) -> None:
        second = dict(document["accounts"][0], ref=99, name="Zweitkonto")
        document["accounts"].append(second)
        document["transactions"][3].update(account=99, amount=amount)

    return damage


def test_names_are_kept_as_the_app_keeps_them(alex, rich_book):
    document = export(alex, rich_book)
    document["transactions"][0].update(payee="  Müller Immobilien ", tags=[" home", "Fixed "])
    document["transactions"][4].update(payee="   ")
    document["payees"].append("  Spaced  ")
    made = post(alex, f"{BOOKS}/import", document)["id"]
    copied = export(alex, made)
    assert copied["transactions"][0]["payee"] == "Müller Immobilien"
    assert sorted(copied["transactions"][0]["tags"]) == ["Fixed", "home"]
    assert copied["transactions"][4]["payee"] is None
    assert "Spaced" in copied["payees"]


def test_a_transfer_in_one_currency_loads_when_its_sides_match(alex, rich_book):
    document = export(alex, rich_book)
    a_transfer_between_two_euro_accounts("500.00")(document)
    made = post(alex, f"{BOOKS}/import", document)["id"]
    accounts = alex.get(f"{BOOKS}/{made}/accounts").json["items"]
    assert {a["name"]: a["balance"] for a in accounts}["Zweitkonto"] == "1750.75"


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        (lambda d: d.update(format="something-else"), "format"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d["book"].update(currency="EURO"), "book.currency"),
        (lambda d: d["transactions"][0].update(amount="-1.234"), "transactions[0].amount"),
        (lambda d: d["transactions"][0].update(amount=-1.5), "transactions[0].amount"),
        (lambda d: d["transactions"][0].update(account=77), "transactions[0].account"),
        (lambda d: d["transactions"][0].update(date="31.01.2025"), "transactions[0].date"),
        (
            lambda d: d["transactions"][1]["splits"][0].update(amount="-1.00"),
            "transactions[1].splits",
        ),
        (lambda d: d["transactions"][3].update(transfer=None), "transactions[2].transfer"),
        (lambda d: d["transactions"][3].update(amount="-541.20"), "transactions[2].transfer"),
        (a_transfer_between_two_euro_accounts("500.01"), "transactions[3].transfer"),
        (lambda d: d["transactions"][0].update(payee=" x" * 300), "transactions[0].payee"),
        (lambda d: d["transactions"][0].update(payee=7), "transactions[0].payee"),
        (lambda d: d["transactions"][0].update(tags=["home", "a,b"]), "transactions[0].tags[1]"),
        (lambda d: d["transactions"][0].update(tags=["  "]), "transactions[0].tags[0]"),
        (lambda d: d["tags"].insert(0, "x" * 51), "tags[0]"),
        (lambda d: d["payees"].insert(0, " "), "payees[0]"),
        (
            lambda d: d["transactions"][1].update(
                splits=d["transactions"][1]["splits"][:1], amount="-60.00"
            ),
            "transactions[1].splits",
        ),
        (lambda d: d["transactions"][0].update(status="lost"), "transactions[0].status"),
        (lambda d: d["accounts"][0].update(type="piggy"), "accounts[0].type"),
        (lambda d: d["accounts"].append(dict(d["accounts"][0])), "accounts[4].ref"),
        (lambda d: d["categories"][0].update(group=None), "categories[0].group"),
        (lambda d: d["categories"][0].update(group={}), "categories[0].group"),
        (lambda d: d["transactions"][0].update(account=[1]), "transactions[0].account"),
        (lambda d: d["rules"][0].update(payee_text="("), "rules[0].payee_text"),
        (lambda d: d["rules"][0].update(amount_max="abc"), "rules[0].amount_max"),
        (lambda d: d["rules"][0].update(add_tags="abc"), "rules[0].add_tags"),
        (lambda d: d["rules"][0].update(add_tags=[1]), "rules[0].add_tags"),
        (lambda d: d["rules"][0].update(position="first"), "rules[0].position"),
        (lambda d: d["rules"][0].update(name=["a"]), "rules[0].name"),
        (lambda d: d["budgets"][0].update(month="2025-13"), "budgets[0].month"),
        (lambda d: d["schedules"][0].update(account=None), "schedules[0].account"),
        (lambda d: d["schedules"][0].update(category=77), "schedules[0].category"),
        (lambda d: d["schedules"][0].update(frequency="hourly"), "schedules[0].frequency"),
        (lambda d: d["schedules"][0].update(amount="-1.234"), "schedules[0].amount"),
        (lambda d: d["schedules"][1].update(transfer_account=1), "schedules[1].transfer_account"),
        (
            lambda d: d["schedules"][0]["occurrences"][0].update(transaction=99),
            "schedules[0].occurrences[0].transaction",
        ),
        (
            lambda d: d["schedules"][0]["occurrences"].append(d["schedules"][0]["occurrences"][0]),
            "schedules[0].occurrences[2].date",
        ),
        (lambda d: d["budgets"][0].update(amount="-1.00"), "budgets[0].amount"),
        (lambda d: d["budgets"][0].update(amount="1.001"), "budgets[0].amount"),
        (lambda d: d["budgets"][0].update(category=999), "budgets[0].category"),
        (lambda d: d["budgets"].append(dict(d["budgets"][0])), "budgets[2].month"),
        (lambda d: d["goals"][0].update(kind="yearly"), "goals[0].kind"),
        (lambda d: d["goals"][0].update(amount="0"), "goals[0].amount"),
        (lambda d: d["goals"][0].update(by_month="2025-08"), "goals[0].by_month"),
        (lambda d: d["goals"][1].update(by_month="2025-13"), "goals[1].by_month"),
        (lambda d: d["goals"][0].update(category=999), "goals[0].category"),
        (lambda d: d["goals"].append(dict(d["goals"][0])), "goals[2].category"),
        (lambda d: d["goals"][0].update(category=1), "goals[0].category"),
    ],
)
def test_a_damaged_file_is_refused_whole_at_its_place(alex, rich_book, damage, where):
    document = copy.deepcopy(export(alex, rich_book))
    damage(document)
    before = alex.get(BOOKS).json["items"]
    response = alex.post(f"{BOOKS}/import", json=document)
    assert response.status_code == 422, response.json
    assert response.headers["Content-Type"] == "application/problem+json"
    assert where in {e["field"] for e in response.json["errors"]}, response.json
    assert alex.get(BOOKS).json["items"] == before  # no book half made


def test_names_the_book_may_not_hold_are_refused_without_a_trace(alex, rich_book):
    document = export(alex, rich_book)
    document["accounts"][1]["name"] = document["accounts"][0]["name"].upper()  # taken, any case
    before = alex.get(BOOKS).json["items"]
    response = alex.post(f"{BOOKS}/import", json=document)
    assert response.status_code == 422
    assert alex.get(BOOKS).json["items"] == before


def test_only_members_export_and_viewers_tokens_cannot_import(
    alex, rich_book, make_user, sign_in, make_token
):
    make_user("bob")
    bob = sign_in("bob")
    assert bob.get(f"{BOOKS}/{rich_book}/export.json").status_code == 404
    document = export(alex, rich_book)
    token = make_token(alex.user, "read")
    refused = alex.client.post(
        f"{BOOKS}/import", json=document, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 403
