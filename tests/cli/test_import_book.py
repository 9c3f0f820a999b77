"""`tallybook import-book`: another app's whole book as a new book, its balances printed."""

from __future__ import annotations

from tests.api.test_other_books import BEANCOUNT, GNUCASH
from tests.cli.test_cli import run  # noqa: F401 - the fixture
from tests.conftest import PASSWORD


def test_import_a_gnucash_book_and_a_beancount_ledger(run):  # noqa: F811
    made = run("user", "create", "--username", "alex", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.exit_code == 0, made.output

    def bring(app, path, *more):
        return run("import-book", "--from", app, str(path), "--username", "alex", *more)

    done = bring("gnucash", GNUCASH / "household.gnucash", "--name", "From GnuCash")
    assert done.exit_code == 0, done.output
    assert "Made the book 'From GnuCash'" in done.stdout
    assert "Checking Account: 4510.25 USD (source 4510.25) =" in done.stdout
    assert "Note: Not brought over" in done.stdout

    ledger = bring("beancount", BEANCOUNT / "household.beancount")
    assert ledger.exit_code == 0, ledger.output
    assert "Visa: -89.80 EUR (source -89.80) =" in ledger.stdout
    assert "Balance assertion failed" in ledger.stdout

    refused = bring("gnucash", BEANCOUNT / "household.beancount")
    assert refused.exit_code == 1
    assert "not a GnuCash book" in refused.stderr
