"""Account balances kept by the transactions, checked against a brute-force sum of the rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from server.clock import local_today
from tests.api.ledger import DIGITS, Ledger, category_ids, decimal_text
from tests.api.test_accounts import fields_of, new_book

BRUTE_ACCOUNTS = (("A", "EUR"), ("B", "EUR"), ("Y", "JPY"), ("K", "KWD"))
STATUSES = ("uncleared", "cleared", "reconciled")


# Creating weighs more than the rest so that examples have something to change.
ACTIONS = (
    *("create", "create", "split", "transfer", "update", "update", "move", "delete"),
    *("bulk", "unlink", "refused"),
)


def check_ledger(ledger: Ledger, accounts: list[dict]) -> None:
    """Each account's balances equal a brute-force sum of its rows as of today (the opening
    balance once its date has come), and the projected one of all of them, read through the
    list endpoint a few rows at a time; running balances agree; transfer pairs agree."""
    everything = {t["id"]: t for t in ledger.all(limit=500)}
    today = local_today().isoformat()
    seen = 0
    for account in accounts:
        rows = ledger.all(f"account_id={account['id']}", limit=3)
        seen += len(rows)
        ids = [t["id"] for t in rows]
        assert len(ids) == len(set(ids))
        assert rows == sorted(rows, key=lambda t: (t["date"], t["id"]), reverse=True)
        opening = Decimal(account["opening_balance"])
        opened = opening if account["opening_date"] <= today else 0
        so_far = [t for t in rows if t["date"] <= today]
        total = {s: sum(Decimal(t["amount"]) for t in so_far if t["status"] == s) for s in STATUSES}
        now = ledger.read_account(account["id"])
        assert now["as_of"] == today
        assert Decimal(now["balance"]) == opened + sum(total.values())
        assert Decimal(now["cleared_balance"]) == opened + total["cleared"] + total["reconciled"]
        assert Decimal(now["reconciled_balance"]) == opened + total["reconciled"]
        projected = opening + sum(Decimal(t["amount"]) for t in rows)
        assert Decimal(now["balance_projected"]) == projected
        assert now["upcoming_count"] == len(rows) - len(so_far)
        assert Decimal(now["upcoming_total"]) == projected - Decimal(now["balance"])
        for name in ("balance", "cleared_balance", "reconciled_balance", "balance_projected"):
            decimals = len(now[name].partition(".")[2])
            assert decimals == DIGITS[account["currency"]]
        # The register: each row's balance after it, oldest first, the opening balance counted
        # unless its date is ahead of both the row and today; the newest row of today or
        # before shows the balance.
        ahead = account["opening_date"] > today
        counted_from = account["opening_date"] if ahead else ""
        moved = Decimal(0)
        for row in reversed(rows):
            moved += Decimal(row["amount"])
            expected = moved + (opening if row["date"] >= counted_from else 0)
            assert Decimal(row["running_balance"]) == expected, row
        if so_far:
            assert so_far[0]["running_balance"] == now["balance"]
        for row in rows:
            assert row["currency"] == account["currency"]
            assert everything[row["id"]] == {**row, "running_balance": None}
    assert seen == len(everything)
    for row in everything.values():
        if row["transfer_id"] is None:
            assert row["transfer_account_id"] is None
            continue
        other = everything[row["transfer_id"]]
        assert other["transfer_id"] == row["id"]
        assert other["account_id"] == row["transfer_account_id"]
        assert row["account_id"] == other["transfer_account_id"]
        assert other["date"] == row["date"]
        if other["currency"] == row["currency"]:
            assert Decimal(other["amount"]) == -Decimal(row["amount"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_balances_equal_a_brute_force_sum(alex, database, data):
    ledger = Ledger(alex, new_book(alex, "EUR", name="Brute force"))
    openings = data.draw(st.lists(st.integers(-(10**6), 10**6), min_size=4, max_size=4))
    # Rows and opening dates from the past to beyond a year ahead (confirmed, when sent).
    days = st.dates(date(2023, 11, 1), local_today() + timedelta(days=400)).map(date.isoformat)
    accounts = [
        ledger.account(name, currency, decimal_text(opening, currency), data.draw(days))
        for (name, currency), opening in zip(BRUTE_ACCOUNTS, openings, strict=True)
    ]
    cats = category_ids(database, ledger.id, 3)
    minor = st.builds(
        lambda sign, size: sign * size, st.sampled_from([-1, 1]), st.integers(1, 10**7)
    )
    live: dict[int, dict] = {}

    def refresh() -> None:
        live.clear()
        live.update({t["id"]: t for t in ledger.all(limit=500)})

    def amount_for(account: dict, sign: int | None = None) -> str:
        value = data.draw(minor)
        if sign is not None:
            value = sign * abs(value)
        return decimal_text(value, account["currency"])

    for _ in range(data.draw(st.integers(1, 20))):
        action = data.draw(st.sampled_from(ACTIONS))
        event(action)
        if action in ("create", "split", "transfer"):
            account = data.draw(st.sampled_from(accounts))
            body = {
                "account_id": account["id"],
                "date": data.draw(days),
                "amount": amount_for(account),
                "status": data.draw(st.sampled_from(STATUSES)),
                "payee": data.draw(st.sampled_from(["Shop", "shop", "Bank", None])),
                "confirm_far_date": True,
            }
            if action == "create":
                body["category_id"] = data.draw(st.sampled_from([None, *cats]))
            elif action == "split":
                units = int(Decimal(body["amount"]).scaleb(DIGITS[account["currency"]]))
                part = data.draw(st.integers(-(10**7), 10**7))
                body["splits"] = [
                    {"amount": decimal_text(part, account["currency"]), "category_id": cats[0]},
                    {"amount": decimal_text(units - part, account["currency"])},
                ]
            else:
                target = data.draw(st.sampled_from([a for a in accounts if a is not account]))
                body["transfer_account_id"] = target["id"]
                if target["currency"] != account["currency"]:
                    sign = -1 if body["amount"].startswith("-") else 1
                    body["transfer_amount"] = amount_for(target, -sign)
            response = ledger.post(body)
            assert response.status_code == 201, response.json
            refresh()
            continue
        refresh()
        if not live:
            continue
        chosen = data.draw(st.sampled_from(sorted(live)))
        current = live[chosen]
        account = next(a for a in accounts if a["id"] == current["account_id"])
        if action == "delete":
            response = ledger.who.delete(
                f"{ledger.base}/transactions/{chosen}?unlock_reconciled=true"
            )
            assert response.status_code == 204, response.json
        elif action == "update":
            change: dict[str, Any] = {"unlock_reconciled": True}  # the lock: see its tests
            if data.draw(st.booleans()):
                change["status"] = data.draw(st.sampled_from(STATUSES))
            if data.draw(st.booleans()):
                change |= {"date": data.draw(days), "confirm_far_date": True}
            if not current["splits"] and data.draw(st.booleans()):
                change["amount"] = amount_for(account)
                partner = current["transfer_account_id"]
                other = next((a for a in accounts if a["id"] == partner), None)
                if other and other["currency"] != account["currency"]:
                    sign = -1 if change["amount"].startswith("-") else 1
                    change["transfer_amount"] = amount_for(other, -sign)
            response = ledger.patch(chosen, change)
            assert response.status_code == 200, response.json
        elif action == "move":
            # Within one currency only: across currencies see the tests above.
            same = [
                a
                for a in accounts
                if a["currency"] == account["currency"]
                and a["id"] not in (account["id"], current["transfer_account_id"])
            ]
            if same:
                move = {"account_id": same[0]["id"], "unlock_reconciled": True}
                response = ledger.patch(chosen, move)
                assert response.status_code == 200, response.json
        elif action == "bulk":
            ids = data.draw(st.lists(st.sampled_from(sorted(live)), min_size=1, unique=True))
            response = ledger.who.post(
                f"{ledger.base}/transactions/bulk-update",
                json={
                    "ids": ids,
                    "status": data.draw(st.sampled_from(STATUSES)),
                    "unlock_reconciled": True,
                },
            )
            assert response.status_code == 200, response.json
        elif action == "unlink" and current["transfer_id"] is not None:
            unlink = {"transfer_account_id": None, "unlock_reconciled": True}
            response = ledger.patch(chosen, unlink)
            assert response.status_code == 200, response.json
        elif action == "refused":
            # A change that fails half-way (a bad tag) must leave no trace.
            bad_tag = {"amount": amount_for(account), "tags": ["a,b"], "unlock_reconciled": True}
            response = ledger.patch(chosen, bad_tag)
            assert response.status_code == 422
            assert {**ledger.read(chosen), "running_balance": None} == current
    check_ledger(ledger, accounts)


def test_a_balance_beyond_64_bits_is_refused_not_stored_as_a_float(ledger, eur, database):
    # Stands in for ~9,224 transactions of 9999999999999.99 each (too slow to post here).
    near_the_limit = 2**63 - 1000
    with database.write() as db:
        db.execute("UPDATE accounts SET total = ? WHERE id = ?", [near_the_limit, eur["id"]])
    response = ledger.post(
        {"account_id": eur["id"], "date": "2024-03-01", "amount": "9999999999999.99"}
    )
    assert response.status_code == 422, response.json
    assert response.headers["Content-Type"] == "application/problem+json"
    assert fields_of(response) == {"amount"}
    assert "beyond what Tallybook can hold" in response.json["errors"][0]["message"]
    # Nothing of the refused transaction is kept, and the total is still an exact integer.
    assert ledger.all() == []
    account = ledger.read_account(eur["id"])
    assert Decimal(account["balance"]) == Decimal(near_the_limit).scaleb(-2)
    with database.read() as db:
        total, kind = db.execute(
            "SELECT total, typeof(total) FROM accounts WHERE id = ?", [eur["id"]]
        ).fetchone()
        months = db.execute(
            "SELECT count(*) FROM account_months WHERE account_id = ?", [eur["id"]]
        ).fetchone()[0]
    assert (total, kind, months) == (near_the_limit, "integer", 0)
