"""Importing bank files into an account: preview, confirm, history, undo."""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Date, DateTime, Dict, Integer, List, Nested, String
from apiflask.validators import Length

from server.api.access import can_read
from server.api.uploads import MAX_FILE_BYTES
from server.auth.web import auth, current_principal
from server.clock import utcnow
from server.db.request import database, reader
from server.domain.accounts import get_account
from server.domain.books import CAN_WRITE, require_role
from server.domain.imports import (
    Import,
    apply_preset,
    list_imports,
    plan_import,
    run_import,
    undo_import,
)
from server.domain.money import format_amount
from server.errors import FieldError, ValidationFailed
from server.imports.csv_file import ROLE_WORDS, Layout, detect_layout, read_rows
from server.imports.problems import ImportProblem
from server.imports.text import decode

bp = APIBlueprint("imports", __name__, tag="Imports")
IMPORTS = "/books/<int:book_id>/imports"


class FileIn(Schema):
    account_id = Integer(required=True)
    file_name = String(required=True, validate=Length(min=1, max=255))
    content = String(
        required=True,
        metadata={"description": "The file's bytes, base64-encoded (any encoding inside)."},
    )
    date_format = String(
        validate=Length(max=20),
        metadata={"description": "How to read its dates, when the preview offered a choice."},
    )
    columns = Dict(
        keys=String(),
        values=Integer(),
        metadata={
            "description": "Which column (0-based) holds each of: "
            + ", ".join(ROLE_WORDS)
            + "; default: as detected."
        },
    )


class ImportIn(FileIn):
    keep_duplicates = List(
        Integer(),
        load_default=[],
        metadata={"description": "Lines to import although they look already there."},
    )


class LayoutOut(Schema):
    delimiter = String()
    header_line = Integer()
    headers = List(String())
    columns = Dict(keys=String(), values=Integer())
    date_formats = List(
        String(), metadata={"description": "More than one: choose with `date_format`."}
    )
    decimal_mark = String()


class PreviewRow(Schema):
    line = Integer()
    date = Date()
    amount = String(metadata={"description": "In the account's currency."})
    payee = String()
    memo = String()
    bank_id = String(allow_none=True)
    duplicate_of = Integer(
        allow_none=True, metadata={"description": "The transaction it matches: skipped."}
    )
    rule_payee = String(
        allow_none=True, metadata={"description": "The payee a rule renames it to, if any."}
    )
    category_id = Integer(allow_none=True, metadata={"description": "As the rules set it."})
    tags = List(String(), metadata={"description": "As the rules add them."})


class RowProblemOut(Schema):
    line = Integer()
    message = String()


class PreviewOut(Schema):
    layout = Nested(LayoutOut)
    rows = List(Nested(PreviewRow))
    problems = List(Nested(RowProblemOut))


class ImportOut(Schema):
    id = Integer()
    account_id = Integer()
    file_name = String()
    added = Integer()
    skipped = Integer()
    created_at = DateTime()
    undone_at = DateTime(allow_none=True)


class ImportList(Schema):
    items = List(Nested(ImportOut))


class Undone(Schema):
    removed = Integer(metadata={"description": "How many transactions went."})


def _read(body: dict[str, Any]) -> tuple[Layout, list, list]:
    """The file of a request read as its layout says; ImportProblem as a 422 on `content`."""
    try:
        data = base64.b64decode(body["content"], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed.on("content", "Send the file's bytes base64-encoded.") from None
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed.on("content", f"The file is over {MAX_FILE_BYTES // 2**20} MB.")
    try:
        text, _ = decode(data)
        layout = apply_preset(reader(), body["account_id"], detect_layout(text))
        if body.get("columns"):
            layout = replace(layout, columns=dict(body["columns"]))
        if body.get("date_format"):
            layout = layout.with_date_format(body["date_format"])
        if layout.ambiguous_dates:
            return layout, [], []
        rows, problems = read_rows(text, layout)
    except ImportProblem as problem:
        raise ValidationFailed.on("content", str(problem)) from None
    return layout, rows, problems


def _import_json(item: Import) -> dict[str, Any]:
    return item.__dict__


@bp.post(IMPORTS + "/preview")
@bp.auth_required(auth, roles=["write"])
@bp.input(FileIn, arg_name="body")
@bp.output(PreviewOut)
@bp.doc(
    summary="Preview an import",
    description="Reads the file as the import would (layout detected, or as given) and "
    "marks the rows already in the account; writes nothing. Editors and owners.",
)
def preview(book_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Show what importing the file would do."""
    require_role(reader(), current_principal().user.id, book_id, CAN_WRITE)
    layout, rows, problems = _read(body)
    planned = plan_import(reader(), book_id, body["account_id"], rows)
    currency = get_account(reader(), book_id, body["account_id"]).currency
    return {
        "layout": layout.__dict__,
        "rows": [
            {
                **p.row.__dict__,
                "amount": format_amount(p.amount, currency),
                "duplicate_of": p.duplicate_of,
                "rule_payee": p.payee if p.payee != p.row.payee else None,
                "category_id": p.category_id,
                "tags": list(p.tags),
            }
            for p in planned
        ],
        "problems": [p.__dict__ for p in problems],
    }


@bp.post(IMPORTS)
@bp.auth_required(auth, roles=["write"])
@bp.input(ImportIn, arg_name="body")
@bp.output(ImportOut, status_code=201)
@bp.doc(
    summary="Import a file",
    description="All or nothing: refused (422, each line named) while any line cannot be "
    "read; rows already in the account are skipped unless their line is in "
    "`keep_duplicates`. Recorded, so it can be undone. Editors and owners.",
)
def create(book_id: int, body: dict[str, Any]) -> Any:
    """Import the file."""
    # Who may, before reading the file (run_import checks again in its transaction).
    require_role(reader(), current_principal().user.id, book_id, CAN_WRITE)
    layout, rows, problems = _read(body)
    if layout.ambiguous_dates:
        choices = " or ".join(layout.date_formats)
        raise ValidationFailed.on("date_format", f"The dates can be read as {choices}: choose.")
    if problems:
        raise ValidationFailed(
            "Some lines of the file cannot be read; nothing was imported.",
            errors=[_line_error(p.line, p.message) for p in problems[:50]],
        )
    result = run_import(
        database(),
        current_principal().user.id,
        book_id,
        body["account_id"],
        rows,
        layout=layout,
        file_name=body["file_name"],
        now=utcnow(),
        keep_duplicates=frozenset(body["keep_duplicates"]),
    )
    return _import_json(result), 201


def _line_error(line: int, message: str) -> FieldError:
    return FieldError("content", f"Line {line}: {message}")


@bp.get(IMPORTS)
@bp.auth_required(auth)
@bp.output(ImportList)
@bp.doc(summary="List the imports", description="Newest first, undone ones included.")
def list_all(book_id: int) -> dict[str, Any]:
    """The book's import history."""
    can_read(book_id)
    return {"items": [_import_json(i) for i in list_imports(reader(), book_id)]}


@bp.post(IMPORTS + "/<int:import_id>/undo")
@bp.auth_required(auth, roles=["write"])
@bp.output(Undone)
@bp.doc(
    summary="Undo an import",
    description="Deletes every transaction it added (changed since or not), as one change. "
    "Editors and owners.",
    responses={409: "Undone already"},
)
def undo(book_id: int, import_id: int) -> dict[str, int]:
    """Take an import out again."""
    removed = undo_import(database(), current_principal().user.id, book_id, import_id, utcnow())
    return {"removed": removed}
