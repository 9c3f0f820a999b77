"""What the transaction tests share: one book seen through one client (`Ledger`), and
short-hands for amounts and categories. The fixtures that make them are in conftest.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from server.clock import to_iso, utcnow

API = "/api/v1/books"
DIGITS = {"EUR": 2, "USD": 2, "CHF": 2, "JPY": 0, "KWD": 3}


def decimal_text(minor: int, currency: str) -> str:
    """Minor units as the decimal string a client would send (independent of the server)."""
    return str(Decimal(minor).scaleb(-DIGITS[currency]))


def category_ids(database, book_id: int, count: int = 3) -> list[int]:
    """Ids of `count` categories of the book, made straight in the tables if it has too few."""
    with database.write() as db:
        found = [
            row[0]
            for row in db.execute(
                "SELECT id FROM categories WHERE book_id = ? ORDER BY id", [book_id]
            ).fetchall()
        ]
        if len(found) < count:
            now = to_iso(utcnow())
            group_id = (
                db["category_groups"]
                .insert(
                    {
                        "book_id": book_id,
                        "name": f"Test group {len(found)}",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                .last_pk
            )
            for i in range(count - len(found)):
                found.append(
                    db["categories"]
                    .insert(
                        {
                            "book_id": book_id,
                            "group_id": group_id,
                            "name": f"Test category {i}",
                            "kind": "expense",
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                    .last_pk
                )
    return found[:count]


@dataclass
class Ledger:
    """One book seen through one signed-in client, with short-hands for its resources."""

    who: Any
    id: int

    @property
    def base(self) -> str:
        return f"{API}/{self.id}"

    def account(
        self, name: str, currency: str | None = None, opening: str = "0", opened: str | None = None
    ) -> dict:
        body = {"name": name, "type": "checking", "opening_balance": opening}
        if currency:
            body["currency"] = currency
        if opened:  # any date, far ahead too
            body |= {"opening_date": opened, "confirm_far_date": True}
        response = self.who.post(f"{self.base}/accounts", json=body)
        assert response.status_code == 201, response.json
        return response.json

    def read_account(self, account_id: int) -> dict:
        response = self.who.get(f"{self.base}/accounts/{account_id}")
        assert response.status_code == 200, response.json
        return response.json

    def balance(self, account: dict) -> str:
        return self.read_account(account["id"])["balance"]

    def post(self, body: dict, **kwargs: Any) -> Any:
        return self.who.post(f"{self.base}/transactions", json=body, **kwargs)

    def add(self, account: dict, amount: str, day: str = "2024-03-01", **fields: Any) -> dict:
        response = self.post({"account_id": account["id"], "date": day, "amount": amount, **fields})
        assert response.status_code == 201, response.json
        return response.json

    def get(self, transaction_id: int) -> Any:
        return self.who.get(f"{self.base}/transactions/{transaction_id}")

    def read(self, transaction_id: int) -> dict:
        response = self.get(transaction_id)
        assert response.status_code == 200, response.json
        return response.json

    def patch(self, transaction_id: int, body: dict, **headers: str) -> Any:
        return self.who.patch(
            f"{self.base}/transactions/{transaction_id}", json=body, headers=headers
        )

    def change(self, transaction_id: int, **body: Any) -> dict:
        response = self.patch(transaction_id, body)
        assert response.status_code == 200, response.json
        return response.json

    def delete(self, transaction_id: int, **headers: str) -> Any:
        return self.who.delete(f"{self.base}/transactions/{transaction_id}", headers=headers)

    def page(self, query: str = "") -> Any:
        return self.who.get(f"{self.base}/transactions?{query}")

    def all(self, query: str = "", limit: int = 500) -> list[dict]:
        """Every row of a list, following `next_cursor` to the end."""
        rows, cursor = [], None
        while True:
            params = f"limit={limit}" + (f"&{query}" if query else "")
            response = self.page(params + (f"&cursor={cursor}" if cursor else ""))
            assert response.status_code == 200, response.json
            rows += response.json["items"]
            cursor = response.json["next_cursor"]
            if cursor is None:
                return rows

    def ids(self, query: str = "") -> set[int]:
        return {t["id"] for t in self.all(query)}


def bulk(ledger: Ledger, action: str, **body: Any) -> Any:
    return ledger.who.post(f"{ledger.base}/transactions/{action}", json=body)
