"""The apps whose whole books Tallybook brings over: one entry each, by the key the API,
the command line and the Books page use (`POST /books/import/{app}`, `--from`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from server.otherapps.actual import read_actual
from server.otherapps.beancount import MISSING, beancount_installed, read_beancount
from server.otherapps.firefly import read_firefly
from server.otherapps.foreign_book import ForeignBook
from server.otherapps.gnucash import read_gnucash
from server.otherapps.ynab import read_ynab
from server.otherapps.ynab4 import read_ynab4


def _always_ready() -> str | None:
    return None


@dataclass(frozen=True)
class App:
    """Another finance app, its files and the reader that makes a book of one."""

    key: str
    name: str  # as a person reads it
    files: str  # which of its files Tallybook takes, in plain words (a sentence)
    extensions: tuple[str, ...]  # for the file chooser, e.g. (".beancount",)
    reader: Callable[[bytes, str], ForeignBook]
    how_to_export: str  # one line: how to get that file out of the app
    missing: Callable[[], str | None] = _always_ready  # what to install first, when it is needed


APPS: dict[str, App] = {
    app.key: app
    for app in (
        App(
            key="beancount",
            name="Beancount (Fava)",
            files="The main ledger file (.beancount), in one file",
            extensions=(".beancount", ".bean", ".ledger", ".txt"),
            reader=read_beancount,
            how_to_export="Choose your ledger file itself; Fava reads the same file.",
            missing=lambda: None if beancount_installed() else MISSING,
        ),
        App(
            key="gnucash",
            name="GnuCash",
            files="A GnuCash book saved as SQLite or as compressed XML (.gnucash)",
            extensions=(".gnucash", ".sqlite", ".gcm", ".xml", ".gz"),
            reader=read_gnucash,
            how_to_export="Choose your .gnucash file (File > Save As keeps a copy in either "
            "format); close it in GnuCash first.",
        ),
        App(
            key="ynab",
            name="YNAB",
            files="The .zip YNAB's Export budget data gives (or the Register CSV in it)",
            extensions=(".zip", ".csv"),
            reader=read_ynab,
            how_to_export="In YNAB, open the menu under your budget's name and choose "
            "Export budget data.",
        ),
        App(
            key="ynab4",
            name="YNAB 4 (classic)",
            files="The budget's .ynab4 folder, zipped",
            extensions=(".zip",),
            reader=read_ynab4,
            how_to_export="Zip the budget's folder (My Budget~1A2B3C4D.ynab4, in Dropbox/YNAB "
            "or Documents/YNAB) and choose the zip.",
        ),
        App(
            key="actual",
            name="Actual Budget",
            files="The .zip Actual's Export gives (it holds db.sqlite)",
            extensions=(".zip", ".sqlite"),
            reader=read_actual,
            how_to_export="In Actual, choose Settings, then Export data.",
        ),
        App(
            key="firefly",
            name="Firefly III",
            files="The CSV file of Firefly III's Export transactions",
            extensions=(".csv",),
            reader=read_firefly,
            how_to_export="In Firefly III, open Export data and choose Export transactions.",
        ),
    )
}
