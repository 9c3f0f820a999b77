"""Example request and answer of bringing a whole book from another app."""

from __future__ import annotations

from server.api.examples import AT

OTHER_BOOK_IN = {
    "file_name": "household.beancount",
    "content": "MjAyNi0wMS0wMSBvcGVuIEFzc2V0czpCYW5rOkNoZWNraW5nIEVVUgo=",
    "name": "Household",
}
OTHER_BOOK_OUT = {
    "book": {
        "id": 3,
        "name": "Household",
        "currency": "EUR",
        "role": "owner",
        "created_at": AT,
        "updated_at": AT,
    },
    "app": "beancount",
    "accounts": [
        {
            "account": "Checking",
            "currency": "EUR",
            "source_balance": "1520.40",
            "balance": "1520.40",
            "equal": True,
        },
        {
            "account": "Visa",
            "currency": "EUR",
            "source_balance": "-212.10",
            "balance": "-212.10",
            "equal": True,
        },
    ],
    "mismatches": 0,
    "notes": [
        "All 4 balance assertions of the Beancount file hold.",
        "Left out: 36 price entries (Tallybook keeps none).",
    ],
}
