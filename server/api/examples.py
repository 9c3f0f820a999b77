"""Example requests and responses for the OpenAPI document, as the routes really send them.

One made-up household throughout: Alex (user 1, administrator) and Sam (user 2) share the
book "Household" (id 1, EUR) with a checking account (3), a credit card (4) and the usual
categories. A test loads each example through its route's schema.
"""

from __future__ import annotations

from server.version import __version__

AT = "2026-03-02T18:24:05+00:00"
EARLIER = "2026-01-04T09:12:40+00:00"
CSRF = "4f9c1d2e7a8b3c6d5e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
PASSWORD = "correct horse battery staple"  # noqa: S105 (an example, as in the docs)

# Instance, people, sessions and tokens.
HEALTH = {"status": "ok", "version": __version__}
INSTANCE = {"version": __version__, "setup_required": False, "registration_open": False}
INSTANCE_PATCH = {"registration_open": True}
INSTANCE_OPENED = {**INSTANCE, "registration_open": True}
CREDENTIALS = {"username": "alex", "password": PASSWORD}
NEW_USER = {"username": "sam", "password": "tulip lantern orbit 42", "is_admin": False}
ALEX = {"id": 1, "username": "alex", "is_admin": True, "created_at": EARLIER, "language": "de"}
SAM = {"id": 2, "username": "sam", "is_admin": False, "created_at": AT, "language": None}
SIGNED_IN = {"user": ALEX, "csrf_token": CSRF}
REGISTERED = {"user": SAM, "csrf_token": CSRF}
PASSWORD_CHANGE = {"current_password": PASSWORD, "new_password": "tulip lantern orbit 42"}
PASSWORD_CHANGED = {"csrf_token": CSRF}
TOKEN = {
    "id": 1,
    "name": "budget spreadsheet",
    "scope": "read",
    "token_hint": "tb_pat_2eZ6",
    "created_at": EARLIER,
    "expires_at": "2027-01-04T00:00:00+00:00",
    "last_used_at": AT,
}
TOKEN_IN = {"name": "budget spreadsheet", "scope": "read", "expires_at": "2027-01-04T00:00:00Z"}
TOKEN_CREATED = {
    **TOKEN,
    "last_used_at": None,
    "token": "tb_pat_2eZ6AMJO-TJYm8wgtegKnLuu7tFV9tLme-0pDUXIfUg",
}
TOKEN_PAGE = {"items": [TOKEN], "next_cursor": None}

# Books (members and invitations: member_examples.py).
BOOK = {
    "id": 1,
    "name": "Household",
    "currency": "EUR",
    "role": "owner",
    "created_at": EARLIER,
    "updated_at": EARLIER,
}
BOOK_IN = {"name": "Household", "currency": "EUR"}
BOOK_PATCH = {"name": "Household (Alex & Sam)"}
BOOK_RENAMED = {**BOOK, "name": "Household (Alex & Sam)", "updated_at": AT}
BOOK_PAGE = {"items": [BOOK], "next_cursor": None}
DEMO_IN = {"currency": "EUR"}
DEMO_BOOK = {**BOOK, "id": 2, "name": "Demo household", "created_at": AT, "updated_at": AT}

# Transactions.
TRANSACTION = {
    "id": 42,
    "account_id": 3,
    "date": "2026-03-02",
    "amount": "-42.17",
    "currency": "EUR",
    "payee": "Corner Shop",
    "category_id": 9,
    "memo": "Weekly shop",
    "tags": [],
    "status": "cleared",
    "splits": [],
    "transfer_account_id": None,
    "transfer_id": None,
    "import_id": None,
    "etag": '"txn-42-1"',
    "created_at": AT,
    "updated_at": AT,
}
TRANSACTION_IN = {
    "account_id": 3,
    "date": "2026-03-02",
    "amount": "-42.17",
    "payee": "Corner Shop",
    "category_id": 9,
    "memo": "Weekly shop",
    "status": "cleared",
}
TRANSACTION_PATCH = {
    "category_id": None,
    "splits": [
        {"amount": "-30.17", "category_id": 9, "memo": "Food"},
        {"amount": "-12.00", "category_id": 15, "memo": "Socks"},
    ],
    "tags": ["vacation"],
}
TRANSACTION_SPLIT = {
    **TRANSACTION,
    "category_id": None,
    "splits": TRANSACTION_PATCH["splits"],
    "tags": ["vacation"],
    "etag": '"txn-42-2"',
    "updated_at": "2026-03-03T08:01:17+00:00",
}
TRANSACTION_PAGE = {
    "items": [
        {**TRANSACTION, "running_balance": "2841.56"},
        {
            **TRANSACTION,
            "id": 41,
            "date": "2026-03-01",
            "amount": "-950.00",
            "payee": "Landlord",
            "category_id": 4,
            "memo": "",
            "status": "reconciled",
            "etag": '"txn-41-1"',
            "running_balance": "2883.73",
        },
    ],
    "next_cursor": "eyJhZnRlciI6IFsiMjAyNi0wMy0wMSIsIDQxXX0",
}
TRANSACTIONS_CSV = (
    "id,date,account,payee,category,memo,amount,currency,status,tags,transfer_account\r\n"
    "42,2026-03-02,Checking,Corner Shop,Food: Groceries,Weekly shop,-42.17,EUR,cleared,,\r\n"
    "41,2026-03-01,Checking,Landlord,Housing: Rent/Mortgage,,-950.00,EUR,reconciled,,\r\n"
)
BULK_UPDATE = {"ids": [40, 41, 42], "category_id": 9, "add_tags": ["vacation"]}
BULK_DELETE = {"ids": [40, 41]}
BULK_RESULT = {"count": 3}
BULK_DELETED = {"count": 2}

# Categories, payees and tags.
GROUP = {
    "id": 3,
    "name": "Food",
    "position": 2,
    "archived": False,
    "created_at": EARLIER,
    "updated_at": EARLIER,
}
GROUP_IN = {"name": "Food", "position": 2}
GROUP_PATCH = {"name": "Food & drink"}
GROUP_RENAMED = {**GROUP, "name": "Food & drink", "updated_at": AT}
GROUP_PAGE = {
    "items": [{**GROUP, "id": 2, "name": "Housing", "position": 1}, GROUP],
    "next_cursor": "eyJhZnRlciI6IDJ9",
}
CATEGORY = {
    "id": 9,
    "name": "Groceries",
    "group": "Food",
    "group_id": 3,
    "kind": "expense",
    "archived": False,
    "rollover": False,
    "created_at": EARLIER,
    "updated_at": EARLIER,
}
CATEGORY_IN = {"name": "Groceries", "group_id": 3, "kind": "expense"}
CATEGORY_PATCH = {"rollover": True}
CATEGORY_CHANGED = {**CATEGORY, "rollover": True, "updated_at": AT}
CATEGORY_PAGE = {
    "items": [CATEGORY, {**CATEGORY, "id": 10, "name": "Restaurants"}],
    "next_cursor": None,
}
PAYEE = {"id": 12, "name": "Corner Shop", "uses": 0}
PAYEE_IN = {"name": "Corner Shop"}
PAYEE_RENAMED = {"id": 12, "name": "Corner Shop Ltd", "uses": 37}
PAYEE_PATCH = {"name": "Corner Shop Ltd"}
PAYEE_PAGE = {
    "items": [
        {"id": 12, "name": "Corner Shop", "uses": 37},
        {"id": 7, "name": "Landlord", "uses": 3},
    ],
    "next_cursor": None,
}
TAG = {"id": 5, "name": "vacation", "uses": 0}
TAG_IN = {"name": "vacation"}
TAG_PATCH = {"name": "holiday"}
TAG_RENAMED = {"id": 5, "name": "holiday", "uses": 14}
TAG_PAGE = {"items": [{"id": 5, "name": "vacation", "uses": 14}], "next_cursor": None}

# Imports.
FILE_IN = {
    "account_id": 3,
    "file_name": "checking-march.csv",
    "content": "RGF0ZSxEZXNjcmlwdGlvbixBbW91bnQKMjAyNi0wMy0wMixDT1JORVIgU0hPUCAxMTIzLC00Mi4xNwoy"
    "MDI2LTAzLTAzLEFDTUUgUEFZUk9MTCwyNDUwLjAwCg==",
}
IMPORT_IN = {**FILE_IN, "keep_duplicates": []}
PREVIEW = {
    "format": "csv",
    "layout": {
        "delimiter": ",",
        "header_line": 1,
        "headers": ["Date", "Description", "Amount"],
        "columns": {"date": 0, "payee": 1, "amount": 2},
        "date_formats": ["%Y-%m-%d"],
        "decimal_mark": ".",
    },
    "date_formats": ["%Y-%m-%d"],
    "statements": [],
    "statement": None,
    "rows": [
        {
            "line": 2,
            "date": "2026-03-02",
            "amount": "-42.17",
            "payee": "CORNER SHOP 1123",
            "memo": "",
            "bank_id": None,
            "duplicate_of": 42,
            "rule_payee": "Corner Shop",
            "category_id": 9,
            "tags": [],
        },
        {
            "line": 3,
            "date": "2026-03-03",
            "amount": "2450.00",
            "payee": "ACME PAYROLL",
            "memo": "",
            "bank_id": None,
            "duplicate_of": None,
            "rule_payee": None,
            "category_id": None,
            "tags": [],
        },
    ],
    "problems": [],
}
IMPORT = {
    "id": 6,
    "account_id": 3,
    "file_name": "checking-march.csv",
    "format": "csv",
    "added": 1,
    "skipped": 1,
    "created_at": AT,
    "undone_at": None,
    "batch_id": None,
}
JOB = {
    "id": "q8Zr1m0xT3kVb2Ln",
    "state": "running",
    "done": 400,
    "total": 1250,
    "import": None,
    "problem": None,
}
JOB_DONE = {**JOB, "state": "done", "done": 1250, "import": {**IMPORT, "added": 1250}}
IMPORT_LIST = {"items": [IMPORT, {**IMPORT, "id": 5, "file_name": "checking-feb.csv"}]}
UNDONE = {"removed": 23}

# Rules.
RULE = {
    "id": 2,
    "name": "Groceries",
    "position": 1,
    "enabled": True,
    "payee_match": "contains",
    "payee_text": "corner shop",
    "amount_min": None,
    "amount_max": None,
    "account_id": None,
    "set_category_id": 9,
    "set_payee": "Corner Shop",
    "add_tags": [],
    "etag": '"rule-2-1"',
    "created_at": EARLIER,
    "updated_at": EARLIER,
}
RULE_IN = {
    "name": "Groceries",
    "payee_match": "contains",
    "payee_text": "corner shop",
    "set_category_id": 9,
    "set_payee": "Corner Shop",
}
RULE_PATCH = {"enabled": False}
RULE_CHANGED = {**RULE, "enabled": False, "etag": '"rule-2-2"', "updated_at": AT}
RULE_LIST = {
    "items": [
        RULE,
        {
            **RULE,
            "id": 3,
            "name": "Salary",
            "position": 2,
            "payee_text": "acme payroll",
            "amount_min": "1000.00",
            "set_category_id": 1,
            "set_payee": "ACME",
            "etag": '"rule-3-1"',
        },
    ]
}
RULE_ORDER = {"rule_ids": [2, 3]}
RULE_RUN = {"rule_ids": [2]}
RULE_PREVIEW = {
    "changes": [
        {
            "transaction_id": 38,
            "date": "2026-02-23",
            "account_id": 3,
            "amount": "-56.90",
            "payee_before": "CORNER SHOP 1123",
            "payee_after": "Corner Shop",
            "category_before": None,
            "category_after": 9,
            "tags_added": [],
        }
    ],
    "total": 1,
}
RULE_APPLIED = {"changed": 1}

# Scheduled transactions.
SCHEDULE = {
    "id": 2,
    "name": "Rent",
    "account_id": 3,
    "currency": "EUR",
    "amount": "-950.00",
    "payee": "Landlord",
    "category_id": 4,
    "memo": "",
    "tags": [],
    "transfer_account_id": None,
    "frequency": "monthly",
    "interval": 1,
    "start_date": "2026-01-01",
    "end_date": None,
    "count": None,
    "next_date": "2026-04-01",
    "auto_enter": True,
    "overdue": 0,
    "auto_enter_held": False,
    "etag": '"schedule-2-3"',
    "created_at": EARLIER,
    "updated_at": AT,
}
SCHEDULE_IN = {
    "name": "Rent",
    "account_id": 3,
    "amount": "-950.00",
    "payee": "Landlord",
    "category_id": 4,
    "frequency": "monthly",
    "interval": 1,
    "start_date": "2026-01-01",
    "auto_enter": True,
}
SCHEDULE_NEW = {**SCHEDULE, "next_date": "2026-01-01", "overdue": 3, "etag": '"schedule-2-1"'}
SCHEDULE_PATCH = {"amount": "-975.00"}
SCHEDULE_CHANGED = {**SCHEDULE, "amount": "-975.00", "etag": '"schedule-2-4"'}
SCHEDULE_LIST = {"items": [SCHEDULE]}
UPCOMING = {
    "items": [
        {
            "schedule_id": 2,
            "name": "Rent",
            "date": "2026-04-01",
            "account_id": 3,
            "amount": "-950.00",
            "currency": "EUR",
            "payee": "Landlord",
            "category_id": 4,
            "transfer_account_id": None,
            "auto_enter": True,
        }
    ]
}
OCCURRENCE = {"date": "2026-04-01"}
ENTERED = {
    **TRANSACTION,
    "id": 57,
    "date": "2026-04-01",
    "amount": "-950.00",
    "payee": "Landlord",
    "category_id": 4,
    "memo": "",
    "status": "uncleared",
    "etag": '"txn-57-1"',
}
SKIPPED = {**SCHEDULE, "next_date": "2026-05-01", "etag": '"schedule-2-4"'}

# Backups.
BACKUP = {
    "name": "tallybook-20260302T182405000000Z-manual.sqlite3",
    "created_at": AT,
    "reason": "manual",
    "size": 692224,
    "label": None,
}
BACKUP_LIST = {
    "items": [
        BACKUP,
        {
            "name": "tallybook-20260302T031500000000Z-daily.sqlite3",
            "created_at": "2026-03-02T03:15:00+00:00",
            "reason": "daily",
            "size": 688128,
            "label": None,
        },
    ],
    "keep": 30,
}
BACKUP_SETTINGS = {"keep": 30}
RESTORED = {
    "restored": "tallybook-20260302T031500000000Z-daily.sqlite3",
    "saved_as": {
        "name": "tallybook-20260302T190211000000Z-before-restore.sqlite3",
        "created_at": "2026-03-02T19:02:11+00:00",
        "reason": "before-restore",
        "size": 696320,
        "label": None,
    },
}
