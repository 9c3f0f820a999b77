"""Deterministic ledger data for benchmarks: a book of N transactions over 10 years.

    python bench/ledger_data.py --transactions 100000 --data-dir /tmp/tb-bench-100k

Creates user `bench` (password `bench passphrase 2026`), a book with 10 accounts, 60 categories
in 6 groups, 400 payees and 20 tags, and N transactions (about 1 in 10 split, 1 in 20 a transfer
pair) spread over 10 years, with a fixed seed. Rows go in with bulk SQL; the kept totals and
per-month totals are then made from them as `tallybook doctor --repair` makes them (the
category sums and the search index follow the rows through their triggers).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from pathlib import Path

from server import create_app
from server.auth.users import create_user
from server.clock import to_iso, utcnow
from server.db.kept_sums import rebuild_account_totals
from server.domain.books import create_personal_book

USERNAME, PASSWORD = "bench", "bench passphrase 2026"
SEED = 20261124
ACCOUNTS = 10
GROUPS, CATEGORIES_PER_GROUP = 6, 10
PAYEES, TAGS = 400, 20
YEARS = 10
WORDS = [
    "coffee",
    "rent",
    "groceries",
    "fuel",
    "cinema",
    "pharmacy",
    "bakery",
    "train",
    "gift",
    "insurance",
    "phone",
    "gym",
]


def generate(data_dir: Path, transactions: int) -> None:
    """Fill a new data folder with one user and one book of `transactions` rows."""
    rnd = random.Random(SEED)
    app = create_app({"DATA_DIR": str(data_dir), "BCRYPT_ROUNDS": 4})
    database = app.extensions["tallybook.db"]
    now = utcnow()
    stamp = to_iso(now)
    user = create_user(
        database, USERNAME, PASSWORD, now=now, rounds=4, personal_book=create_personal_book
    )
    start = date.today() - timedelta(days=365 * YEARS)
    with database.write() as db:
        book_id = db.execute(
            "SELECT book_id FROM book_members WHERE user_id = ?", [user.id]
        ).fetchone()[0]
        db.execute("DELETE FROM categories WHERE book_id = ?", [book_id])
        db.execute("DELETE FROM category_groups WHERE book_id = ?", [book_id])
        accounts = [
            db["accounts"]
            .insert(
                {
                    "book_id": book_id,
                    "name": f"Account {i}",
                    "type": "checking",
                    "currency": "EUR",
                    "opening_balance": 100_000,
                    "opening_date": start.isoformat(),
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            .last_pk
            for i in range(ACCOUNTS)
        ]
        categories = []
        for g in range(GROUPS):
            group_id = (
                db["category_groups"]
                .insert(
                    {
                        "book_id": book_id,
                        "name": f"Group {g}",
                        "position": g,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
                .last_pk
            )
            for c in range(CATEGORIES_PER_GROUP):
                categories.append(
                    db["categories"]
                    .insert(
                        {
                            "book_id": book_id,
                            "group_id": group_id,
                            "name": f"Category {g}.{c}",
                            "kind": "income" if g == 0 else "expense",
                            "created_at": stamp,
                            "updated_at": stamp,
                        }
                    )
                    .last_pk
                )
        payees = [
            db["payees"].insert({"book_id": book_id, "name": f"Payee {p}"}).last_pk
            for p in range(PAYEES)
        ]
        tags = [
            db["tags"].insert({"book_id": book_id, "name": f"tag{t}"}).last_pk for t in range(TAGS)
        ]
        rows, splits, tagged = [], [], []
        next_id = 1
        days = 365 * YEARS
        while next_id <= transactions:
            day = (start + timedelta(days=rnd.randrange(days))).isoformat()
            account = rnd.choice(accounts)
            amount = rnd.randrange(-50_000, 20_000) or -1
            status = rnd.choice(("uncleared", "cleared", "reconciled"))
            memo = " ".join(rnd.sample(WORDS, 2))
            kind = rnd.random()
            if kind < 0.05 and next_id + 1 <= transactions:  # a transfer pair
                other = rnd.choice([a for a in accounts if a != account])
                rows.append(
                    (next_id, book_id, account, day, amount, None, None, memo, status, next_id + 1)
                )
                rows.append(
                    (next_id + 1, book_id, other, day, -amount, None, None, memo, status, next_id)
                )
                next_id += 2
                continue
            category = None
            if kind < 0.15:  # a split in two
                first = amount // 2
                splits.append((next_id, rnd.choice(categories), first, 0))
                splits.append((next_id, rnd.choice(categories), amount - first, 1))
            else:
                category = rnd.choice(categories)
            rows.append(
                (
                    next_id,
                    book_id,
                    account,
                    day,
                    amount,
                    rnd.choice(payees),
                    category,
                    memo,
                    status,
                    None,
                )
            )
            if rnd.random() < 0.2:
                tagged.append((next_id, rnd.choice(tags)))
            next_id += 1
        conn = db.conn
        conn.executemany(
            "INSERT INTO transactions (id, book_id, account_id, date, amount, payee_id, "
            "category_id, memo, status, transfer_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, stamp, stamp) for row in rows],
        )
        conn.executemany(
            "INSERT INTO splits (transaction_id, category_id, amount, position) VALUES (?,?,?,?)",
            splits,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO transaction_tags (transaction_id, tag_id) VALUES (?, ?)", tagged
        )
        rebuild_account_totals(db)
    database.close()


def main() -> None:
    """Parse the options and generate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=10_000)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    if args.data_dir.exists() and any(args.data_dir.iterdir()):
        parser.error(f"{args.data_dir} is not empty")
    started = time.perf_counter()
    generate(args.data_dir, args.transactions)
    print(
        f"{args.transactions} transactions in {args.data_dir} "
        f"({time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
