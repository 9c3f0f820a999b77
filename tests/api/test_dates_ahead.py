"""One truth for rows dated ahead: every balance and net worth the API gives (accounts, the
Overview, the reports, the register) equals a brute-force sum over the raw rows as of today;
what lies ahead is only in the projected figures. And a date more than a year ahead is kept
only when the body confirms it."""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from server.clock import local_today
from server.domain.reports import add_months, month_of
from tests.api.conftest import BOOKS, post
from tests.api.ledger import Ledger
from tests.api.test_accounts import fields_of, new_book
from tests.api.test_book_file import export

DIGITS = {"EUR": 2, "USD": 2}


def _money(minor: int, currency: str) -> str:
    return str(Decimal(minor).scaleb(-DIGITS[currency]).quantize(Decimal(1).scaleb(-2)))


def _end_of(month: str) -> dt.date:
    return dt.date.fromisoformat(add_months(month, 1) + "-01") - dt.timedelta(days=1)


class Raw:
    """The book's rows as stored, summed by brute force."""

    def __init__(self, database, book_id: int) -> None:
        with database.read() as conn:
            self.accounts = {
                row["id"]: dict(row)
                for row in conn.execute("SELECT * FROM accounts WHERE book_id = ?", [book_id])
            }
            self.rows = [
                dict(row)
                for row in conn.execute(
                    "SELECT id, account_id, date, amount, status FROM transactions "
                    "WHERE book_id = ? ORDER BY date, id",
                    [book_id],
                )
            ]

    def balance(self, account_id: int, day: dt.date, statuses: tuple[str, ...] = ()) -> int:
        """The account's balance at the end of `day` (only rows of `statuses`, if given)."""
        account = self.accounts[account_id]
        opened = account["opening_balance"] if account["opening_date"] <= day.isoformat() else 0
        return opened + sum(
            r["amount"]
            for r in self.rows
            if r["account_id"] == account_id
            and r["date"] <= day.isoformat()
            and (not statuses or r["status"] in statuses)
        )

    def projected(self, account_id: int) -> int:
        account = self.accounts[account_id]
        moved = sum(r["amount"] for r in self.rows if r["account_id"] == account_id)
        return account["opening_balance"] + moved

    def net_worth(self, day: dt.date) -> dict[str, str]:
        sums: dict[str, int] = defaultdict(int)
        for account_id, account in self.accounts.items():
            sums[account["currency"]] += self.balance(account_id, day)
        return {currency: _money(total, currency) for currency, total in sums.items()}

    def running(self, account_id: int, today: dt.date) -> dict[int, str]:
        """Each row's running balance: the rows up to it, and the opening balance unless its
        date is ahead of both the row and today."""
        account = self.accounts[account_id]
        ahead = account["opening_date"] > today.isoformat()
        counted_from = account["opening_date"] if ahead else ""
        moved, after = 0, {}
        for r in (r for r in self.rows if r["account_id"] == account_id):
            moved += r["amount"]
            opened = account["opening_balance"] if r["date"] >= counted_from else 0
            after[r["id"]] = _money(moved + opened, account["currency"])
        return after


@pytest.fixture
def ahead(alex) -> tuple[Ledger, dict[str, dict]]:
    """A book with rows in the past, today, later this month, next month and years ahead;
    an opening balance dated ahead; transfers and splits on both sides of today; another
    currency; an archived account that still holds money."""
    ledger = Ledger(alex, new_book(alex, "EUR", name="Dated ahead"))
    today = local_today()
    day = lambda n: (today + dt.timedelta(days=n)).isoformat()  # noqa: E731
    accounts = {
        "checking": ledger.account("Checking", "EUR", "1000.00", day(-120)),
        "savings": ledger.account("Savings", "EUR", "5000.00", day(20)),  # opens ahead
        "card": ledger.account("Card", "EUR", "0", day(-400)),
        "far": ledger.account("Far", "EUR", "250.00", day(800)),  # confirmed far ahead
        "dollars": ledger.account("Dollars", "USD", "300.00", day(-30)),
        "old": ledger.account("Old", "EUR", "75.50", day(-700)),
    }
    cats = [c["id"] for c in alex.get(f"{ledger.base}/categories").json["items"][:2]]
    checking, savings, card = accounts["checking"], accounts["savings"], accounts["card"]
    for offset, amount, status in (
        (-90, "-120.40", "reconciled"),
        (-35, "2500.00", "cleared"),
        (-3, "-45.10", "cleared"),
        (0, "-12.00", "uncleared"),
        (1, "-900.00", "uncleared"),
        (12, "-33.33", "cleared"),
        (45, "-1200.00", "uncleared"),
        (400, "-999.99", "uncleared"),
    ):
        ledger.add(checking, amount, day(offset), status=status, confirm_far_date=True)
    ledger.add(card, "-60.00", day(-10), status="cleared")
    ledger.add(card, "-70.00", day(3))
    for offset in (-5, 5):  # transfers on both sides of today
        ledger.add(checking, "-200.00", day(offset), transfer_account_id=savings["id"])
    for offset in (-2, 2):  # splits on both sides of today
        ledger.add(
            checking,
            "-100.00",
            day(offset),
            splits=[
                {"amount": "-30.00", "category_id": cats[0]},
                {"amount": "-70.00", "category_id": cats[1]},
            ],
        )
    ledger.add(accounts["dollars"], "-20.00", day(-1), status="cleared")
    ledger.add(accounts["dollars"], "-80.00", day(30))
    ledger.add(accounts["far"], "10.00", day(-1))
    response = alex.patch(
        f"{ledger.base}/accounts/{accounts['old']['id']}", json={"archived": True}
    )
    assert response.status_code == 200, response.json
    return ledger, accounts


def test_every_balance_and_net_worth_equals_a_brute_force_sum_as_of_today(alex, database, ahead):
    ledger, _ = ahead
    raw = Raw(database, ledger.id)
    today = local_today()
    month = month_of(today)
    listed = alex.get(f"{ledger.base}/accounts?include_archived=true").json["items"]
    assert len(listed) == len(raw.accounts)
    for account in listed:
        currency, account_id = account["currency"], account["id"]
        assert account["as_of"] == today.isoformat()
        assert account["balance"] == _money(raw.balance(account_id, today), currency)
        assert account["cleared_balance"] == _money(
            raw.balance(account_id, today, ("cleared", "reconciled")), currency
        )
        assert account["reconciled_balance"] == _money(
            raw.balance(account_id, today, ("reconciled",)), currency
        )
        assert account["balance_projected"] == _money(raw.projected(account_id), currency)
        ahead_rows = [r for r in raw.rows if r["account_id"] == account_id]
        assert account["upcoming_count"] == sum(r["date"] > today.isoformat() for r in ahead_rows)
        assert Decimal(account["upcoming_total"]) == Decimal(
            account["balance_projected"]
        ) - Decimal(account["balance"])
        assert ledger.read_account(account_id) == account
        # The register: every row's running balance; the balance sits on the newest row of
        # today or before, the rows dated ahead above it.
        rows = ledger.all(f"account_id={account_id}", limit=4)
        assert {r["id"]: r["running_balance"] for r in rows} == raw.running(account_id, today)
        so_far = [r for r in rows if r["date"] <= today.isoformat()]
        if so_far:
            assert so_far[0]["running_balance"] == account["balance"]
    # Something lies ahead in this book, so the figures below would differ if it counted.
    assert raw.net_worth(today) != raw.net_worth(dt.date(9999, 12, 31))

    # The Accounts page adds up every account (archived ones too): so do the reports.
    worth = raw.net_worth(today)
    page_sum: dict[str, Decimal] = defaultdict(Decimal)
    for account in listed:
        page_sum[account["currency"]] += Decimal(account["balance"])
    assert {c: str(v) for c, v in page_sum.items()} == worth

    board = alex.get(f"{ledger.base}/dashboard").json
    assert {part["currency"]: part["amount"] for part in board["net_worth"]} == worth
    open_ones = {a["id"]: a for a in listed if not a["archived"]}
    assert {a["id"]: a for a in board["accounts"]} == open_ones

    start, end = add_months(month, -15), add_months(month, 30)
    report = alex.get(f"{ledger.base}/reports/net-worth?start={start}&end={end}").json
    flow = alex.get(f"{ledger.base}/reports/cash-flow?start={start}&end={end}").json
    flow_ends = {
        (part["currency"], m["month"]): m["balance"]
        for part in flow["parts"]
        for m in part["months"]
    }
    for part in report["parts"]:
        for point in part["months"]:
            # Past months at their end, this month as of today, months to come projected.
            day = today if point["month"] == month else _end_of(point["month"])
            expected = raw.net_worth(day)[part["currency"]]
            assert point["amount"] == expected, point
            assert flow_ends[part["currency"], point["month"]] == expected
    this_month = {
        part["currency"]: next(m["amount"] for m in part["months"] if m["month"] == month)
        for part in report["parts"]
    }
    assert this_month == worth
    default = alex.get(f"{ledger.base}/reports/net-worth").json
    assert {p["currency"]: p["months"][-1]["amount"] for p in default["parts"]} == worth


def test_a_date_more_than_a_year_ahead_needs_the_bodys_confirmation(alex, ledger, eur):
    today = local_today()
    far = (today + dt.timedelta(days=400)).isoformat()
    body = {"account_id": eur["id"], "date": far, "amount": "-1.00"}
    refused = ledger.post(body)
    assert refused.status_code == 422, refused.json
    assert fields_of(refused) == {"date", "confirm_far_date"}
    message = next(e["message"] for e in refused.json["errors"] if e["field"] == "date")
    assert "more than a year ahead" in message
    assert ledger.all() == []
    # Not a boolean true: refused as any bad flag is.
    assert ledger.post({**body, "confirm_far_date": "yes"}).status_code == 422
    kept = ledger.post({**body, "confirm_far_date": True})
    assert kept.status_code == 201, kept.json
    # Within a year (a year to the day included) needs nothing.
    near = today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today
    assert ledger.post({**body, "date": near.isoformat()}).status_code == 201
    # Moving a row far ahead needs it too; leaving its far date as it is does not.
    first = ledger.add(eur, "-2.00", today.isoformat())
    moved = ledger.patch(first["id"], {"date": far})
    assert moved.status_code == 422 and fields_of(moved) == {"date", "confirm_far_date"}
    assert ledger.patch(first["id"], {"date": far, "confirm_far_date": True}).status_code == 200
    assert ledger.patch(first["id"], {"memo": "rent, paid early"}).status_code == 200


def test_an_opening_date_more_than_a_year_ahead_needs_the_bodys_confirmation(alex, ledger):
    far = (local_today() + dt.timedelta(days=800)).isoformat()
    base = f"{ledger.base}/accounts"
    body = {"name": "Future", "type": "savings", "opening_balance": "10", "opening_date": far}
    refused = alex.post(base, json=body)
    assert refused.status_code == 422, refused.json
    assert fields_of(refused) == {"opening_date", "confirm_far_date"}
    account = post(alex, base, {**body, "confirm_far_date": True})
    assert (account["balance"], account["balance_projected"]) == ("0.00", "10.00")
    assert account["upcoming_total"] == "10.00" and account["upcoming_count"] == 0
    path = f"{base}/{account['id']}"
    today = local_today().isoformat()
    assert alex.patch(path, json={"opening_date": today}).status_code == 200
    moved = alex.patch(path, json={"opening_date": far})
    assert moved.status_code == 422 and fields_of(moved) == {"opening_date", "confirm_far_date"}
    assert alex.patch(path, json={"name": "Later"}).status_code == 200


def test_entering_a_schedule_far_ahead_and_importing_need_no_confirmation(alex, ledger, eur):
    # A schedule's dates are its plan, not a slip of the year: entering one early is kept.
    start = (local_today() + dt.timedelta(days=500)).isoformat()
    schedule = post(
        alex,
        f"{BOOKS}/{ledger.id}/schedules",
        {"account_id": eur["id"], "amount": "-5.00", "frequency": "monthly", "start_date": start},
    )
    entered = alex.post(
        f"{BOOKS}/{ledger.id}/schedules/{schedule['id']}/enter", json={"date": start}
    )
    assert entered.status_code in (200, 201), entered.json
    assert [t["date"] for t in ledger.all()] == [start]


def test_a_bank_file_and_a_book_file_keep_their_dates_far_ahead(alex, database, rich_book):
    # A bank file is the bank's word; a book file is a book as it was kept: neither is asked.
    far = (local_today() + dt.timedelta(days=900)).isoformat()
    document = export(alex, rich_book)
    document["transactions"][0]["date"] = far
    document["accounts"][0]["opening_date"] = far
    made = post(alex, f"{BOOKS}/import", document)["id"]
    assert far in {t["date"] for t in Ledger(alex, made).all()}
    account = alex.get(f"{BOOKS}/{made}/accounts").json["items"][0]
    assert account["opening_date"] == far and account["upcoming_total"] != "0.00"

    accounts = alex.get(f"{BOOKS}/{made}/accounts").json["items"]
    csv = f"Date,Amount,Payee\n{far},-9.99,Shop\n"
    body = {
        "account_id": accounts[1]["id"],
        "file_name": "far.csv",
        "content": base64.b64encode(csv.encode()).decode(),
    }
    imported = alex.post(f"{BOOKS}/{made}/imports", json=body)
    assert imported.status_code == 201, imported.json
    dates = [t["date"] for t in Ledger(alex, made).all(f"account_id={accounts[1]['id']}")]
    assert far in dates
