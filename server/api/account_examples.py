"""Example requests and responses of the account routes.

The same household as `server.api.examples`, read on 2026-03-02: the rent of 1200.00 dated
2026-03-31 lies ahead, so it is in `balance_projected` and not yet in `balance`.
"""

from __future__ import annotations

from server.api.examples import AT, EARLIER

TODAY = AT[:10]

ACCOUNT = {
    "id": 3,
    "name": "Checking",
    "type": "checking",
    "currency": "EUR",
    "opening_balance": "1500.00",
    "opening_date": "2026-01-01",
    "archived": False,
    "as_of": TODAY,
    "balance": "2841.56",
    "cleared_balance": "2790.06",
    "reconciled_balance": "2500.00",
    "balance_projected": "1641.56",
    "upcoming_count": 1,
    "upcoming_total": "-1200.00",
    "etag": '"account-3-4-284156-279006-250000-164156"',
    "created_at": EARLIER,
    "updated_at": AT,
}
ACCOUNT_IN = {
    "name": "Checking",
    "type": "checking",
    "currency": "EUR",
    "opening_balance": "1500.00",
    "opening_date": "2026-01-01",
}
ACCOUNT_NEW = {
    **ACCOUNT,
    "balance": "1500.00",
    "cleared_balance": "1500.00",
    "reconciled_balance": "1500.00",
    "balance_projected": "1500.00",
    "upcoming_count": 0,
    "upcoming_total": "0.00",
    "etag": '"account-3-1-150000-150000-150000-150000"',
    "updated_at": EARLIER,
}
ACCOUNT_PATCH = {"name": "Joint checking"}
ACCOUNT_RENAMED = {
    **ACCOUNT,
    "name": "Joint checking",
    "etag": '"account-3-5-284156-279006-250000-164156"',
}
ACCOUNT_PAGE = {
    "items": [
        ACCOUNT,
        {
            **ACCOUNT,
            "id": 4,
            "name": "Visa card",
            "type": "credit_card",
            "opening_balance": "0.00",
            "balance": "-318.40",
            "cleared_balance": "-276.23",
            "reconciled_balance": "0.00",
            "balance_projected": "-318.40",
            "upcoming_count": 0,
            "upcoming_total": "0.00",
            "etag": '"account-4-2--31840--27623-0--31840"',
        },
    ],
    "next_cursor": None,
}
