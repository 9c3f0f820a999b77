"""Transactions out as a CSV file, plain or the way a locale's spreadsheet reads it."""

from __future__ import annotations

from itertools import chain
from typing import Any

from apiflask import APIBlueprint
from apiflask.fields import String
from apiflask.validators import Length
from flask import Response, stream_with_context

from server.api import examples as ex
from server.api.access import book_access
from server.api.schemas import errors
from server.api.transactions import TransactionFilters, transaction_filters
from server.auth.web import auth
from server.domain.csv_locale import LOCALE_MAX, PLAIN, csv_style, locale_tags
from server.domain.export import transactions_csv
from server.request_db import database

bp = APIBlueprint("transactions_csv", __name__, tag="Transactions")

GERMAN_CSV = (
    "id;date;account;payee;category;memo;amount;currency;status;tags;transfer_account\r\n"
    "42;02.03.2026;Girokonto;Eckladen;Food: Groceries;Wocheneinkauf;-42,17;EUR;cleared;;\r\n"
    "41;01.03.2026;Girokonto;Vermieter;Housing: Rent/Mortgage;;-950,00;EUR;reconciled;;\r\n"
)

EXAMPLES = {
    "plain": {"summary": "Without locale", "value": ex.TRANSACTIONS_CSV},
    "de": {"summary": "locale=de", "value": GERMAN_CSV},
}


class TransactionCsvQuery(TransactionFilters):
    locale = String(
        validate=Length(max=LOCALE_MAX),
        metadata={
            "description": "Write the file the way this locale's spreadsheets read it (a tag "
            "such as `de`, `de-AT`, `fr` or `en-US`): its short date with the whole year, its "
            "decimal mark, and semicolons between cells where the decimal mark is a comma "
            "(`de`: `31.01.2026;-12,34`). Without it: ISO dates, a dot, commas. The browser's "
            "form of a tag (`en_US`, `zh-CN`) is understood too.",
            "example": "de",
            "enum": locale_tags(),
        },
    )


@bp.get("/books/<int:book_id>/transactions.csv")
@bp.auth_required(auth)
@bp.input(TransactionCsvQuery, location="query", arg_name="query")
@bp.doc(
    summary="Export transactions as CSV",
    description="Every transaction the filters of the list select (no paging), newest first, "
    "as UTF-8 CSV (with a byte order mark, so Excel reads it as UTF-8) with a header row; a "
    "split transaction has a line per part. Cells that a spreadsheet would run as a formula "
    "start with `'`. `locale` writes it in a locale's conventions; an unknown one is a 422.",
    responses=errors(401, 404, 422)
    | {
        200: {
            "description": "The CSV file",
            "content": {"text/csv": {"schema": {"type": "string"}, "examples": EXAMPLES}},
        }
    },
)
@book_access("read")
def export_csv(book_id: int, query: dict[str, Any]) -> Response:
    """Stream the filtered transactions as CSV."""
    style = csv_style(query["locale"]) if "locale" in query else PLAIN
    rows = transactions_csv(database(), book_id, transaction_filters(query), style)
    first = next(rows)  # here, so bad filters are a 422, not a broken download
    # A byte order mark first: spreadsheets then read the file as UTF-8.
    body = stream_with_context(chain(["\ufeff", first], rows))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="transactions.csv"'},
    )
