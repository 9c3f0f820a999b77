"""Importing a large CSV into a large book, end to end: parse, dedup, rules, insert, search index.

    python bench/ledger_data.py --transactions 1000000 --data-dir /tmp/tb-1m
    cp -r /tmp/tb-1m /tmp/tb-1m-import
    python bench/import.py --data-dir /tmp/tb-1m-import --rows 100000 --repeat 3

Each round writes a fresh statement of `--rows` rows (a year of a bank's CSV, 1 in 4 rows
matched by one of the book's rules), imports it into the book's first account as the wizard
does, prints the time of each stage and rows per second, and undoes the import again so the
next round starts from the same book. Prints the median of the rounds at the end.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from server import create_app
from server.bankfiles.files import read_bank_file
from server.clock import utcnow
from server.domain.imports import ImportInput, apply_preset, plan_import, run_import, undo_import
from server.domain.rules import RuleInput, create_rule

PAYEES = ["CORNER GROCER #114", "ACME FUEL 22", "CITY TRANSIT", "NETFLIX.COM", "PHARMACY 9"]


def statement(rows: int, seed: int) -> bytes:
    """A bank's CSV export of `rows` transactions over the last year."""
    rnd = random.Random(seed)
    start = date.today() - timedelta(days=365)
    lines = ["Date,Description,Amount,Transaction ID"]
    for number in range(rows):
        day = start + timedelta(days=rnd.randrange(365))
        payee = f"{rnd.choice(PAYEES)} {rnd.randrange(10_000)}"
        amount = f"-{rnd.randrange(1, 50_000) / 100:.2f}"
        lines.append(f"{day:%m/%d/%Y},{payee},{amount},B{seed}-{number}")
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    app = create_app({"DATA_DIR": str(args.data_dir), "AUTOMATIC_BACKUPS": False})
    database = app.extensions["tallybook.db"]
    with database.read() as conn:
        user_id, book_id = conn.execute(
            "SELECT user_id, book_id FROM book_members ORDER BY book_id LIMIT 1"
        ).fetchone()
        account_id = conn.execute(
            "SELECT id FROM accounts WHERE book_id = ? ORDER BY id LIMIT 1", [book_id]
        ).fetchone()[0]
        existing = conn.execute(
            "SELECT count(*) FROM transactions WHERE book_id = ?", [book_id]
        ).fetchone()[0]
        category_id = conn.execute(
            "SELECT id FROM categories WHERE book_id = ? LIMIT 1", [book_id]
        ).fetchone()[0]
        has_rule = conn.execute("SELECT 1 FROM rules WHERE book_id = ?", [book_id]).fetchone()
    if not has_rule:
        create_rule(
            database,
            book_id,
            RuleInput(
                name="Groceries",
                payee_match="contains",
                payee_text="grocer",
                set_category_id=category_id,
                add_tags=["food"],
            ),
            now=utcnow(),
        )
    print(f"book {book_id}: {existing:,} transactions; importing {args.rows:,} rows")

    totals = []
    for round_number in range(args.repeat):
        data = statement(args.rows, seed=round_number)
        began = time.perf_counter()
        with database.read() as conn:
            bank_file = read_bank_file(
                data, preset=lambda layout, conn=conn: apply_preset(conn, account_id, layout)
            )
        parsed = time.perf_counter()
        with database.read() as conn:
            plan_import(conn, book_id, account_id, bank_file.rows)
        planned = time.perf_counter()
        result = run_import(
            database,
            book_id,
            ImportInput(
                account_id=account_id, bank_file=bank_file, file_name="bench.csv", user_id=user_id
            ),
            now=utcnow(),
        )
        done = time.perf_counter()
        total = (parsed - began) + (done - planned)  # the preview's plan is not the import's
        totals.append(total)
        print(
            f"round {round_number + 1}: parse {parsed - began:.2f} s, dedup+rules (preview) "
            f"{planned - parsed:.2f} s, import {done - planned:.2f} s; end to end {total:.2f} s "
            f"= {result.added / total:,.0f} rows/s ({result.added:,} added)"
        )
        undo_import(database, book_id, result.id, now=utcnow())
    median = statistics.median(totals)
    print(f"median end to end: {median:.2f} s = {args.rows / median:,.0f} rows/s")


if __name__ == "__main__":
    main()
