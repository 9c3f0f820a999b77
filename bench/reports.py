"""Reports, the budget and the dashboard over real HTTP, at the size of a book.

    python bench/ledger_data.py --transactions 1000000 --data-dir /tmp/tb-1m
    python bench/reports.py --data-dir /tmp/tb-1m --runs 30

Starts the real app under waitress on a free 127.0.0.1 port and times each route (median and
p95 over `--runs`, HTTP round trip, so an upper bound of the server's time), next to the plain
SQL that would answer roughly the same question from the transactions themselves, without the
sums Tallybook keeps: the ratio shows what the kept sums are worth.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from pathlib import Path

import requests
from ledger_http import print_table

from server import create_app
from server.auth.tokens import create_token
from server.auth.users import find_user
from server.clock import utcnow
from server.desktop.serving import start_server

# The same questions asked of the raw rows (splits and currencies left aside: a lower bound).
SPENDING_SQL = (
    "SELECT category_id, sum(amount) FROM transactions WHERE book_id = ? AND transfer_id IS NULL "
    "AND date BETWEEN ? AND ? GROUP BY category_id"
)
MONTHS_SQL = (
    "SELECT substr(date, 1, 7), sum(max(amount, 0)), sum(min(amount, 0)) FROM transactions "
    "WHERE book_id = ? AND transfer_id IS NULL AND date BETWEEN ? AND ? GROUP BY 1"
)
NET_WORTH_SQL = (
    "SELECT substr(date, 1, 7), sum(amount) FROM transactions WHERE book_id = ? GROUP BY 1"
)
BUDGET_SQL = (
    "SELECT category_id, sum(amount) FROM transactions WHERE book_id = ? "
    "AND transfer_id IS NULL AND date <= ? GROUP BY category_id, substr(date, 1, 7) = ?"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    app = create_app({"DATA_DIR": str(args.data_dir), "AUTOMATIC_BACKUPS": False})
    database = app.extensions["tallybook.db"]
    with database.read() as conn:
        user = find_user(conn, "bench")
        book_id = conn.execute("SELECT min(id) FROM books").fetchone()[0]
        count = conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
        last = conn.execute(
            "SELECT max(date) FROM transactions WHERE book_id = ?", [book_id]
        ).fetchone()[0]
    end = last[:7]
    start = f"{int(end[:4]) - 1}-{end[5:]}"  # twelve months and one
    _, secret = create_token(database, user.id, name="bench", scope="read", now=utcnow())
    running = start_server(app)
    running.wait_until_ready()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"
    base = f"{running.url}api/v1/books/{book_id}"
    raw = sqlite3.connect(f"{args.data_dir / 'tallybook.sqlite3'}")
    period = {"start": start, "end": end}

    def get(path: str, **params: str) -> Callable[[], object]:
        def call() -> object:
            response = session.get(base + path, params=params, timeout=60)
            response.raise_for_status()
            return response

        return call

    def sql(query: str, *params: object) -> Callable[[], object]:
        return lambda: raw.execute(query, params).fetchall()

    first_day, last_day = f"{start}-01", f"{end}-31"
    cases = [
        (
            "spending, 12 months",
            get("/reports/spending", **period),
            sql(SPENDING_SQL, book_id, first_day, last_day),
        ),
        (
            "spending, all years",
            get("/reports/spending", start="2000-01", end=end),
            sql(SPENDING_SQL, book_id, "2000-01-01", last_day),
        ),
        (
            "income vs expense",
            get("/reports/income-expense", **period),
            sql(MONTHS_SQL, book_id, first_day, last_day),
        ),
        (
            "net worth, 10 years",
            get("/reports/net-worth", start=f"{int(end[:4]) - 10}-{end[5:]}", end=end),
            sql(NET_WORTH_SQL, book_id),
        ),
        (
            "cash flow",
            get("/reports/cash-flow", **period),
            sql(MONTHS_SQL, book_id, first_day, last_day),
        ),
        ("budget month", get(f"/budgets/{end}"), sql(BUDGET_SQL, book_id, last_day, end)),
        ("dashboard", get("/dashboard"), None),
    ]
    print(f"{count} transactions, {args.runs} runs each, times in ms (HTTP round trip)")
    try:
        print_table(cases, args.runs, raw_runs=3)
    finally:
        running.close()
        raw.close()


if __name__ == "__main__":
    main()
