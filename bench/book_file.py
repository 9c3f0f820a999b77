"""Loading book files over real HTTP: hostile files refused fast and small, a real book loaded.

    python bench/book_file.py                            # hostile 3 MB and 30 MB, a real 1M book
    python bench/book_file.py --transactions 100000 --only real

Writes each file to a temporary folder, then for each starts `tallybook serve` as a child
process on a free port (a fresh server per file, so that its peak memory is that file's),
posts the file to `POST /api/v1/books/import` with a write token of user `bench`, and prints
the answer, the seconds it took and the server's peak resident memory (VmHWM of the child).

The hostile files are `{"transactions": [{}, {}, ...]}` of about 3 and 30 MB (issue 16: they
took 17 s and 192 s, and 1 GB and 8.4 GB, before the checker stopped early and the file was
streamed). The real book (deterministic, fixed seed) has 10 accounts, 60 categories, 400
payees, 20 tags and N transactions, 1 in 10 split in two and 1 in 20 a transfer pair.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import requests

from server import create_app
from server.auth.tokens import create_token
from server.auth.users import create_user
from server.clock import to_iso, utcnow
from server.domain.book_file import FORMAT, VERSION
from server.domain.books import create_personal_book

SEED = 20261207
ACCOUNTS, GROUPS, CATEGORIES_PER_GROUP, PAYEES, TAGS = 10, 6, 10, 400, 20
MB = 1024 * 1024


def hostile_file(path: Path, megabytes: int) -> None:
    """Write `{"transactions": [{}, {}, ...]}` of about `megabytes` MB."""
    count = megabytes * MB // 3
    with path.open("w") as out:
        out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, ')
        out.write('"book": {"name": "Hostile", "currency": "EUR"}, "transactions": [')
        out.write(",".join(["{}"] * count))
        out.write("]}")


def real_file(path: Path, transactions: int) -> None:
    """Write a book file as Tallybook exports it, of `transactions` transactions."""
    rnd = random.Random(SEED)
    stamp = to_iso(utcnow())
    start = date(2016, 1, 1)
    stamps = {"created_at": stamp, "updated_at": stamp}
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": stamp,
        "book": {"name": "Bench", "currency": "EUR"},
        "accounts": [
            {
                "ref": ref,
                "name": f"Account {ref}",
                "type": "checking",
                "currency": "EUR",
                "opening_balance": "1000.00",
                "opening_date": start.isoformat(),
                "archived": False,
                **stamps,
            }
            for ref in range(1, ACCOUNTS + 1)
        ],
        "category_groups": [
            {"ref": ref, "name": f"Group {ref}", "position": ref, "archived": False, **stamps}
            for ref in range(1, GROUPS + 1)
        ],
        "categories": [
            {
                "ref": ref,
                "group": (ref - 1) // CATEGORIES_PER_GROUP + 1,
                "name": f"Category {ref}",
                "kind": "expense",
                "archived": False,
                "rollover": False,
                **stamps,
            }
            for ref in range(1, GROUPS * CATEGORIES_PER_GROUP + 1)
        ],
        "budgets": [],
        "schedules": [],
        "payees": [f"Payee {n}" for n in range(PAYEES)],
        "tags": [f"tag{n}" for n in range(TAGS)],
        "rules": [],
    }
    text = json.dumps(head, indent=1)
    with path.open("w") as out:
        out.write(text[: text.rindex("}")].rstrip() + ',\n "transactions": [')
        ref = 0
        while ref < transactions:
            day = (start + timedelta(days=rnd.randrange(3650))).isoformat()
            cents = rnd.randrange(1, 50_000)
            common = {
                "date": day,
                "payee": f"Payee {rnd.randrange(PAYEES)}",
                "memo": "coffee" if rnd.random() < 0.3 else None,
                "status": "cleared",
                "tags": [f"tag{rnd.randrange(TAGS)}"] if rnd.random() < 0.2 else [],
                "bank_id": None,
                **stamps,
            }
            items = []
            if rnd.random() < 0.05 and ref + 2 <= transactions:  # a transfer pair
                money = f"{cents / 100:.2f}"
                for side, (account, amount) in enumerate(((1, "-" + money), (2, money))):
                    items.append(
                        {
                            "ref": ref + 1 + side,
                            "account": account,
                            "amount": amount,
                            "category": None,
                            "splits": [],
                            "transfer": ref + 2 - side,
                            **common,
                        }
                    )
            elif rnd.random() < 0.1:  # split in two
                half = cents // 2
                parts = [half, cents - half]
                items.append(
                    {
                        "ref": ref + 1,
                        "account": rnd.randrange(ACCOUNTS) + 1,
                        "amount": f"-{cents / 100:.2f}",
                        "category": None,
                        "splits": [
                            {
                                "amount": f"-{part / 100:.2f}",
                                "category": rnd.randrange(60) + 1,
                                "memo": None,
                            }
                            for part in parts
                        ],
                        "transfer": None,
                        **common,
                    }
                )
            else:
                items.append(
                    {
                        "ref": ref + 1,
                        "account": rnd.randrange(ACCOUNTS) + 1,
                        "amount": f"-{cents / 100:.2f}",
                        "category": rnd.randrange(60) + 1,
                        "splits": [],
                        "transfer": None,
                        **common,
                    }
                )
            for item in items:
                out.write("\n  " if ref == 0 else ",\n  ")
                out.write(json.dumps(item, ensure_ascii=False))
                ref += 1
        out.write("\n ]\n}\n")


def peak_memory(pid: int) -> int:
    """Return the process's peak resident memory (VmHWM) in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM")


def post_to_a_fresh_server(data_dir: Path, token: str, file: Path) -> tuple[str, float, int, int]:
    """Start a server, post `file`, stop it; return (answer, seconds, peak bytes, idle bytes)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", "0", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = ""
        while "serving" not in url:
            url = server.stdout.readline()
            if not url:
                raise RuntimeError("the server did not start")
        base = url.split("serving ")[1].strip()
        idle = peak_memory(server.pid)
        started = time.perf_counter()
        with file.open("rb") as body:
            response = requests.post(
                f"{base}api/v1/books/import",
                data=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                timeout=3600,
            )
        seconds = time.perf_counter() - started
        peak = peak_memory(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    answer = f"{response.status_code}"
    if response.status_code == 422:
        answer += f", {len(response.json().get('errors', []))} problems listed"
    return answer, seconds, peak, idle


def main() -> None:
    """Make the files, post each to its own server, print a line for each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--only", nargs="*", choices=["hostile-3", "hostile-30", "real"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tb-bench-book-") as folder:
        root = Path(folder)
        data_dir = root / "data"
        app = create_app({"DATA_DIR": str(data_dir), "AUTOMATIC_BACKUPS": False})
        database = app.extensions["tallybook.db"]
        now = utcnow()
        user = create_user(
            database,
            "bench",
            "bench passphrase 2026",
            now=now,
            rounds=4,
            personal_book=create_personal_book,
        )
        _, token = create_token(database, user.id, name="bench", scope="write", now=now)
        database.close()
        cases = {
            "hostile-3": lambda path: hostile_file(path, 3),
            "hostile-30": lambda path: hostile_file(path, 30),
            "real": lambda path: real_file(path, args.transactions),
        }
        columns = ("MB", "answer", "seconds", "peak MB", "idle MB")
        widths = (7, 24, 8, 8, 8)
        print(f"{'file':12s}", *(f"{c:>{w}s}" for c, w in zip(columns, widths, strict=True)))
        for name, make in cases.items():
            if args.only and name not in args.only:
                continue
            path = root / f"{name}.json"
            make(path)
            answer, seconds, peak, idle = post_to_a_fresh_server(data_dir, token, path)
            size = path.stat().st_size / MB
            print(
                f"{name:12s} {size:7.1f} {answer:>24s} {seconds:8.1f} {peak / MB:8.0f} "
                f"{idle / MB:8.0f}",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
