"""Example requests and responses of the routes that import several files at once.

The same household as `server.api.examples`: March's files of its checking account (3,
matched by its preset) and of its savings account (its first, so not matched yet).
"""

from __future__ import annotations

from server.api.examples import AT, FILE_IN

SAVINGS_CSV = "RGF0ZSxQYXllZSxBbW91bnQKMjAyNi0wMy0wMSxJTlRFUkVTVCwwLjQyCg=="
BATCH_IN = {
    "files": [
        {key: FILE_IN[key] for key in ("file_name", "content")},
        {"file_name": "savings-march.csv", "content": SAVINGS_CSV},
    ]
}
BATCH_PREVIEW = {
    "items": [
        {
            "file": 0,
            "file_name": "checking-march.csv",
            "statement": None,
            "account_id": 3,
            "matched_by": "preset",
            "format": "csv",
            "statements": [],
            "date_formats": ["%Y-%m-%d"],
            "new": 1,
            "already_there": 1,
            "problems": [],
            "refusals": [],
        },
        {
            "file": 1,
            "file_name": "savings-march.csv",
            "statement": None,
            "account_id": None,
            "matched_by": None,
            "format": "ofx",
            "statements": [
                {
                    "account": "…4421",
                    "kind": "creditcard",
                    "currency": "USD",
                    "rows": 31,
                    "name": "",
                }
            ],
            "date_formats": [],
            "new": 0,
            "already_there": 0,
            "problems": [],
            "refusals": [
                {"field": "files.1.account_id", "message": "savings-march.csv: choose its account."}
            ],
        },
    ]
}
BATCH = {
    "id": 2,
    "import_ids": [6, 7],
    "added": 2,
    "skipped": 1,
    "created_at": AT,
    "undone_at": None,
}
