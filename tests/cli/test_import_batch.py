"""`tallybook import A B C` (issue 18.3): each file into the account it matches, as one change."""

from __future__ import annotations

from server.request_db import database
from tests.api.test_import_batches import DECEMBER, NOVEMBER
from tests.cli.test_cli import _account_of_new_user, add_account, open_app, run  # noqa: F401  (its fixture)


def _counts(data_dir) -> tuple[int, int]:
    app = open_app(data_dir)
    with app.app_context():
        with database().read() as conn:
            found = conn.execute(
                "SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM import_batches)"
            ).fetchone()
        database().close()
    return tuple(found)


def test_several_files_go_each_into_its_account_or_none_does(run, data_dir, tmp_path):  # noqa: F811
    current = _account_of_new_user(run, data_dir, "USD")
    savings = add_account(data_dir, "Savings", "USD")
    november, december = tmp_path / "nov.ofx", tmp_path / "dec.qfx"
    november.write_text(NOVEMBER)
    december.write_text(DECEMBER)
    for account, statement in ((current, "0"), (savings, "1")):
        args = ("--account", str(account), "--statement", statement, "--username", "alex")
        assert run("import", str(november), *args).exit_code == 0

    cash = tmp_path / "cash.csv"
    cash.write_text("Date,Payee,Amount\n2025-12-01,MARKET,-8.00\n")
    refused = run("import", str(december), str(cash), "--username", "alex")
    assert refused.exit_code == 1
    assert "matches cash.csv:" in refused.stderr and "Nothing was imported" in refused.stderr
    assert _counts(data_dir) == (2, 0)
    two = run("import", str(december), str(cash), "--account", str(current), "--username", "alex")
    assert two.exit_code == 2 and "--account takes one file" in two.stderr

    done = run("import", str(december), "--username", "alex")
    assert done.exit_code == 0, done.output
    assert "dec.qfx (…2653) -> Current" in done.stdout
    assert "dec.qfx (…8979) -> Savings" in done.stdout
    assert "Imported 2 transactions from 2 statements; skipped 0" in done.stdout
    assert _counts(data_dir) == (4, 1)

    # With a second book, say which book's accounts the files are matched to.
    assert run("demo", "--username", "alex").exit_code == 0
    which = run("import", str(december), "--username", "alex")
    assert which.exit_code == 1 and "has 2 books: say which with --book ID" in which.stderr
    again = run("import", str(december), "--book", "1", "--username", "alex")
    assert again.exit_code == 0, again.output
    assert "Imported 0 transactions from 2 statements; skipped 2" in again.stdout
