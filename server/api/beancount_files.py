"""A whole book as a Beancount ledger, for Fava and the other plain-text tools."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response

from server.api.access import book_access
from server.api.book_files import book_download
from server.api.schemas import errors
from server.auth.web import auth
from server.clock import local_today
from server.domain.beancount_export import beancount_text
from server.request_db import database

bp = APIBlueprint("beancount_files", __name__, tag="Books")

EXAMPLE = """option "title" "Household"
option "operating_currency" "EUR"

2026-01-01 open Assets:Checking EUR
2026-01-01 open Equity:Opening-Balances
2026-01-01 open Expenses:Uncategorized
2026-01-01 open Income:Uncategorized
2026-01-01 open Expenses:Food:Groceries

2026-01-01 * "Opening balance"
  Assets:Checking  1500.00 EUR
  Equity:Opening-Balances

2026-01-05 * "Corner Market" "Weekly shop" #family
  Assets:Checking  -42.10 EUR
  Expenses:Food:Groceries  42.10 EUR

2026-01-06 balance Assets:Checking  1457.90 EUR
"""


@bp.get("/books/<int:book_id>/export.beancount")
@bp.auth_required(auth)
@bp.doc(
    summary="Export a whole book as a Beancount ledger",
    description="A plain-text ledger that `bean-check` accepts and Fava opens: each account "
    "as `Assets:<Name>` (a credit card or loan as `Liabilities:<Name>`) in its own currency, "
    "each category as `Expenses:<Group>:<Category>` or `Income:<Group>:<Category>` (names "
    "made valid: `Café & Bar` is `Cafe-Bar`, a second of the same name gets `-2`), opening "
    "balances from `Equity:Opening-Balances`, rows without a category in "
    "`Expenses:Uncategorized` or `Income:Uncategorized`. Each transaction has its payee, memo, "
    "tags and flag (`*` cleared or reconciled, `!` uncleared), a split has a posting per part, "
    "a transfer is one transaction (with a total price `@@` between two currencies). Balance "
    "assertions follow each finished reconciliation (where the account held the statement's "
    "balance that day) and every account's last transaction.",
    responses=errors(401, 404)
    | {
        200: {
            "description": "The ledger, UTF-8 text",
            "content": {"text/plain": {"schema": {"type": "string"}, "example": EXAMPLE}},
        }
    },
)
@book_access("read")
def export(book_id: int) -> Response:
    """Stream the book as a Beancount ledger."""
    chunks = beancount_text(database(), book_id, local_today())
    return book_download(book_id, chunks, "text/plain", ".beancount")
