"""`tallybook import` brings a QIF file's categories, splits and transfers too (issue 18)."""

from __future__ import annotations

from pathlib import Path

from server.request_db import database
from tests.cli.test_cli import _account_of_new_user, open_app, run  # noqa: F401 (a fixture)

QUICKEN = Path(__file__).parent.parent / "fixtures" / "qif" / "quicken_all_accounts.qif"


def test_import_a_quicken_account_with_its_categories_splits_and_transfers(run, data_dir):  # noqa: F811
    account = _account_of_new_user(run, data_dir, "USD")
    args = ("import", str(QUICKEN), "--account", str(account), "--username", "alex")
    asked = run(*args)
    assert asked.exit_code == 1
    assert "0: Checking (bank, 5 transactions)" in asked.stderr
    assert "2: Brokerage (investment, 1 transactions)" in asked.stderr
    refused = run(*args, "--statement", "2")
    assert refused.exit_code == 1 and "Brokerage is an investment account" in refused.stderr
    done = run(*args, "--statement", "0")
    assert done.exit_code == 0, done.output
    assert "Imported 5 transactions; skipped 0" in done.stdout
    with open_app(data_dir).app_context(), database().read() as conn:
        categories = [
            tuple(row)
            for row in conn.execute(
                "SELECT g.name, c.name, count(DISTINCT t.id) + count(DISTINCT s.id) "
                "FROM categories c JOIN category_groups g ON g.id = c.group_id "
                "LEFT JOIN transactions t ON t.category_id = c.id "
                "LEFT JOIN splits s ON s.category_id = c.id "
                "WHERE c.name IN ('Rent', 'Federal', 'Salary', 'Groceries') GROUP BY c.id "
                "ORDER BY g.name, c.name"
            )
        ]
        # No account in the book is named Savings: the transfers stay plain rows.
        memos = [
            r[0] for r in conn.execute("SELECT memo FROM transactions WHERE memo LIKE '%[Savings]'")
        ]
    assert categories == [
        ("Food", "Groceries", 1),
        ("Housing", "Rent", 1),
        ("Income", "Salary", 1),
        ("Taxes", "Federal", 1),
    ]
    assert memos == ["[Savings]"]
