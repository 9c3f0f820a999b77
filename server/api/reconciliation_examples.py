"""Example requests and responses of the reconciliation routes, and of the refusal to change a
reconciled row: the household of `server.api.examples`, its checking account (3) reconciled
against the bank's statement of 30 November 2026."""

from __future__ import annotations

STARTED = "2026-12-03T19:02:11+00:00"
FINISHED = "2026-12-03T19:09:40+00:00"

STATEMENT_IN = {"statement_date": "2026-11-30", "statement_balance": "1234.56"}
OPEN = {
    "id": 5,
    "account_id": 3,
    "currency": "EUR",
    "statement_date": "2026-11-30",
    "statement_balance": "1234.56",
    "cleared_balance": "1190.06",
    "difference": "44.50",
    "state": "open",
    "started_by": "alex",
    "started_at": STARTED,
    "finished_by": None,
    "finished_at": None,
    "adjustment_id": None,
    "etag": '"rec-5-open-119006"',
}
FINISH_IN = {"adjust": False}
FINISHED_RECONCILIATION = {
    **OPEN,
    "cleared_balance": "1234.56",
    "difference": "0.00",
    "state": "finished",
    "finished_by": "alex",
    "finished_at": FINISHED,
    "etag": '"rec-5-finished-123456"',
}
HISTORY = {
    "items": [
        {
            **FINISHED_RECONCILIATION,
            "id": 2,
            "statement_date": "2026-10-31",
            "statement_balance": "980.10",
            "cleared_balance": "980.10",
            "started_at": "2026-11-02T08:15:00+00:00",
            "finished_at": "2026-11-02T08:21:37+00:00",
            "adjustment_id": 812,
            "etag": '"rec-2-finished-98010"',
        },
        OPEN,
    ],
    "next_cursor": None,
}
LOCKED_DETAIL = (
    "Transaction 42 was reconciled with the statement of 2026-11-30 (ending balance 1234.56 "
    "EUR): unlock it (`unlock_reconciled`) to change its amount, date, account or status "
    "anyway, breaking that reconciliation."
)
LOCKED_MEMBERS = {
    "transaction_id": 42,
    "reconciliation": {
        "id": 5,
        "account_id": 3,
        "statement_date": "2026-11-30",
        "statement_balance": "1234.56",
        "currency": "EUR",
    },
}
