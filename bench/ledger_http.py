"""The ledger over real HTTP: the server's answer time for the main reads and one write.

    python bench/ledger_data.py --transactions 100000 --data-dir /tmp/tb-bench-100k
    python bench/ledger_http.py --data-dir /tmp/tb-bench-100k --runs 50

Starts the real app under waitress on a free 127.0.0.1 port, signs in with a token of the
`bench` user, and times each request (medians and p95 over `--runs`), next to the same query
in raw sqlite3, so the report shows our time / raw SQL time.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import requests

from server import create_app
from server.auth.tokens import create_token
from server.auth.users import find_user
from server.clock import utcnow
from server.db.kept_sums import SEARCH_ID_BITS
from server.desktop.serving import start_server

REGISTER_SQL = (
    "SELECT * FROM transactions WHERE account_id = ? ORDER BY date DESC, id DESC LIMIT 50"
)
FILTERED_SQL = (
    "SELECT * FROM transactions WHERE book_id = ? AND account_id = ? AND date >= '2020-01-01' "
    "AND amount <= -1000 ORDER BY date DESC, id DESC LIMIT 50"
)
# The search index's rowid is (day, id), newest first (migration m0003).
SEARCH_SQL = (
    "SELECT t.* FROM transactions_fts f CROSS JOIN transactions t ON t.id = (f.rowid & ?) "
    "WHERE transactions_fts MATCH '\"' || ? || '\"*' ORDER BY f.rowid DESC LIMIT 50"
)
ACCOUNTS_SQL = "SELECT * FROM accounts WHERE book_id = ? ORDER BY id"


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Run `action` once to warm up, then `runs` times; return milliseconds each."""
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    """Return the 95th percentile."""
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


Case = tuple[str, Callable[[], object], Callable[[], object] | None]


def print_table(cases: list[Case], runs: int, raw_runs: int | None = None) -> None:
    """Time each (name, our request, the raw SQL or None) and print a line for it."""
    print(f"{'request':22s} {'median':>8s} {'p95':>8s} {'raw SQL':>8s} {'ratio':>7s}")
    for name, ours, theirs in cases:
        times = timed(ours, runs)
        median = statistics.median(times)
        raw_median = statistics.median(timed(theirs, raw_runs or runs)) if theirs else None
        ratio = f"{median / raw_median:6.2f}x" if raw_median else "      -"
        raw_text = f"{raw_median:8.2f}" if raw_median is not None else "       -"
        print(f"{name:22s} {median:8.2f} {p95(times):8.2f} {raw_text} {ratio}")


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    app = create_app({"DATA_DIR": str(args.data_dir)})
    database = app.extensions["tallybook.db"]
    with database.read() as conn:
        user = find_user(conn, "bench")
        book_id = conn.execute("SELECT min(id) FROM books").fetchone()[0]
        account_id = conn.execute(
            "SELECT min(id) FROM accounts WHERE book_id = ?", [book_id]
        ).fetchone()[0]
        count = conn.execute("SELECT count(*) FROM transactions").fetchone()[0]
    _, secret = create_token(database, user.id, name="bench", scope="write", now=utcnow())
    running = start_server(app)
    running.wait_until_ready()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"
    base = f"{running.url}api/v1/books/{book_id}"
    raw = sqlite3.connect(f"{args.data_dir / 'tallybook.sqlite3'}")

    def get(path: str) -> Callable[[], object]:
        def call() -> object:
            response = session.get(base + path, timeout=30)
            response.raise_for_status()
            return response

        return call

    def sql(query: str, *params: object) -> Callable[[], object]:
        return lambda: raw.execute(query, params).fetchall()

    def create() -> object:
        response = session.post(
            base + "/transactions",
            json={
                "account_id": account_id,
                "date": "2026-01-15",
                "amount": "-1.23",
                "payee": "Bench",
                "memo": "benchmark",
            },
            timeout=30,
        )
        response.raise_for_status()
        return response

    mask = (1 << SEARCH_ID_BITS) - 1
    cases = [
        (
            "register page",
            get(f"/transactions?account_id={account_id}"),
            sql(REGISTER_SQL, account_id),
        ),
        (
            "filtered list",
            get(f"/transactions?account_id={account_id}&date_from=2020-01-01&amount_max=-10"),
            sql(FILTERED_SQL, book_id, account_id),
        ),
        ("search, common word", get("/transactions?q=groc"), sql(SEARCH_SQL, mask, "groc")),
        ("search, no match", get("/transactions?q=zyzzyva"), sql(SEARCH_SQL, mask, "zyzzyva")),
        ("accounts + balances", get("/accounts"), sql(ACCOUNTS_SQL, book_id)),
        ("create one", create, None),
    ]
    print(f"{count} transactions, {args.runs} runs each, times in ms (HTTP round trip)")
    try:
        print_table(cases, args.runs)
    finally:
        running.close()
        raw.close()


if __name__ == "__main__":
    main()
