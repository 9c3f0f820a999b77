"""Importing bank files into an account: preview, confirm, history, undo."""

from __future__ import annotations

import base64
import binascii
from functools import partial
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Date, DateTime, Dict, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from flask import current_app, jsonify, request, url_for

from server.api import examples as ex
from server.api import import_examples as iex
from server.api.access import book_access
from server.api.import_link_schemas import LinkedRowOut, LinkOut, MappedFileIn
from server.api.schemas import Flag, errors
from server.api.uploads import MAX_FILE_BYTES
from server.auth.web import auth, current_principal
from server.bankfiles.dates import DATE_FORMAT_TEXT_MAX, format_words
from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.files import FORMATS, MAX_STATEMENT, BankFile, read_bank_file
from server.bankfiles.header_words import ROLE_WORDS
from server.characters import refuse_odd_characters
from server.clock import local_today, utcnow
from server.domain.accounts import get_account
from server.domain.books import gate
from server.domain.import_hints import suggest_reversal
from server.domain.import_links import mapping_of, plan_links
from server.domain.import_texts import long_texts_as_problems
from server.domain.imports import (
    FILE_NAME_MAX,
    Import,
    ImportInput,
    apply_preset,
    check_importable,
    import_amounts,
    list_imports,
    plan_file,
    run_import,
    undo_import,
)
from server.domain.money import format_amount
from server.errors import ValidationFailed
from server.i18n import say
from server.problems import ERROR_LOG
from server.request_db import database, reader
from server.translatable import _l
from server.workers.jobs import STATES, Job, Jobs, Progress

bp = APIBlueprint("imports", __name__, tag="Imports")
IMPORTS = "/books/<int:book_id>/imports"


class FileIn(MappedFileIn):
    account_id = Integer(required=True)
    file_name = String(required=True, validate=Length(min=1, max=FILE_NAME_MAX))
    content = String(
        required=True,
        metadata={
            "description": "The file's bytes, base64-encoded (any encoding inside).",
            "format": "byte",
            "minLength": 1,
        },
    )
    date_format = String(
        validate=Length(max=DATE_FORMAT_TEXT_MAX),
        metadata={"description": "How to read its dates, when the preview offered a choice."},
    )
    statement = Integer(
        validate=Range(min=0, max=MAX_STATEMENT),
        metadata={
            "description": "Which statement of an OFX file holding several, or which account "
            "of a QIF file (from 0)."
        },
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
    amounts_reversed = Flag(
        metadata={
            "description": "CSV: the file writes money out as positive (card charges): flip "
            "every amount's sign. Default: as the account's last import of this layout read it "
            "(kept in its preset), else false. Refused (422) for OFX and QIF files."
        }
    )


class ImportIn(FileIn):
    keep_duplicates = List(
        Integer(),
        load_default=[],
        metadata={"description": "Lines to import although they look already there."},
    )
    skip_unreadable = Flag(
        load_default=False,
        metadata={
            "description": "Import the lines that can be read and skip the others, which are "
            "kept with the import (`unreadable`). Without it, any unreadable line refuses the "
            "whole file (422, each line named)."
        },
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
    amounts_reversed = Boolean(metadata={"description": "Every amount's sign is flipped."})


class PreviewRow(LinkedRowOut):
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


class StatementOut(Schema):
    account = String(
        metadata={"description": "The bank's account number, masked: …1234 (QIF: its name)."}
    )
    kind = String(metadata={"description": "bank or creditcard (QIF: or investment, refused)"})
    currency = String(metadata={"description": "Empty where the file does not say (QIF)."})
    rows = Integer()
    name = String(metadata={"description": "QIF: the account's name, to match an account by."})


class PreviewOut(Schema):
    format = String(validate=OneOf(FORMATS), metadata={"description": "As read from the bytes."})
    layout = Nested(LayoutOut, allow_none=True, metadata={"description": "CSV: how it reads."})
    date_formats = List(
        String(), metadata={"description": "More than one: choose with `date_format`."}
    )
    statements = List(
        Nested(StatementOut), metadata={"description": "OFX: its statements; QIF: its accounts."}
    )
    statement = Integer(
        allow_none=True,
        metadata={"description": "The statement read; null: choose with `statement`."},
    )
    links = List(
        Nested(LinkOut),
        metadata={"description": "What the file's categories and accounts come to (QIF)."},
    )
    date_format_words = Dict(
        keys=String(),
        values=String(),
        metadata={"description": "Each of `date_formats` as a person reads it, with an example."},
    )
    reversal_suggested = String(
        allow_none=True,
        metadata={
            "description": "Why to send `amounts_reversed: true` (a credit card's file that "
            "seems to write charges as positive); null: no reason to."
        },
    )
    rows = List(Nested(PreviewRow))
    problems = List(
        Nested(RowProblemOut),
        metadata={"description": "What cannot be read; `line` counts transactions in OFX."},
    )


class ImportOut(Schema):
    id = Integer()
    account_id = Integer()
    batch_id = Integer(
        allow_none=True,
        metadata={"description": "Imported with other files as one change: undone with them."},
    )
    file_name = String()
    format = String(validate=OneOf(FORMATS))
    added = Integer()
    skipped = Integer()
    created_at = DateTime()
    undone_at = DateTime(allow_none=True)
    unreadable = List(
        Nested(RowProblemOut),
        metadata={"description": "Lines skipped as unreadable (`skip_unreadable`), and why."},
    )


class ProblemOut(Schema):
    status = Integer()
    title = String()
    code = String()
    detail = String()
    errors = List(Nested(Schema.from_dict({"field": String(allow_none=True), "message": String()})))


class JobOut(Schema):
    id = String()
    state = String(metadata={"description": "One of: " + ", ".join(STATES) + "."})
    done = Integer(metadata={"description": "Rows added so far."})
    total = Integer(metadata={"description": "Rows to add (0 until it is known)."})
    import_ = Nested(ImportOut, data_key="import", attribute="import", allow_none=True)
    problem = Nested(ProblemOut, allow_none=True)


class ImportList(Schema):
    items = List(Nested(ImportOut))


class Undone(Schema):
    removed = Integer(metadata={"description": "How many transactions went."})


def _read(body: dict[str, Any]) -> BankFile:
    """The file of a request read as its choices say; ImportProblem as a 422 on `content`."""
    refuse_odd_characters(
        {name: body[name] for name in ("file_name", "date_format") if body.get(name) is not None}
    )
    try:
        bank_file = read_bank_file(
            file_bytes(body["content"], "content"),
            date_format=body.get("date_format"),
            columns=body.get("columns"),
            statement=body.get("statement"),
            amounts_reversed=body.get("amounts_reversed"),
            preset=partial(apply_preset, reader(), body["account_id"]),
        )
    except ImportProblem as problem:
        raise ValidationFailed.on(problem.field, str(problem)) from None
    return long_texts_as_problems(bank_file)


def file_bytes(content: str, field: str) -> bytes:
    """The bytes of a file sent base64-encoded, refused (422 at `field`) if not or too large."""
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed.on(field, _l("Send the file's bytes base64-encoded.")) from None
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed.on(
            field, _l("The file is over %(value)s MB.", value=MAX_FILE_BYTES // 2**20)
        )
    return data


def undo_errors(undone_already: str) -> dict[int, Any]:
    """The errors an undo of imports answers; `undone_already` is the 409's example."""
    return errors(
        401,
        403,
        404,
        why={
            409: (
                "Undone already, or some of its transactions were reconciled since",
                undone_already,
            )
        },
    )


def _import_json(item: Import) -> dict[str, Any]:
    return item.__dict__


@bp.post(IMPORTS + "/preview")
@bp.auth_required(auth, roles=["write"])
@bp.input(FileIn, arg_name="body", example=iex.FILE_IN)
@bp.output(PreviewOut, example=iex.PREVIEW)
@bp.doc(
    summary="Preview an import",
    description="Reads the file as the import would: OFX/QFX, QIF or CSV (its layout "
    "detected, or as given), and marks the rows already in the account; writes nothing. "
    "Editors and owners.",
    responses=errors(401, 403, 404, 422, why={413: "The file is over 15 MB"}),
)
@book_access("write", writes=False)
def preview(book_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Show what importing the file would do."""
    bank_file, account_id = _read(body), body["account_id"]
    planned, links = plan_file(
        reader(), book_id, account_id, bank_file, mapping_of(body["mapping"])
    )
    account = get_account(reader(), book_id, account_id, today=local_today())
    return {
        "format": bank_file.format,
        "layout": bank_file.layout.__dict__ if bank_file.layout else None,
        "date_formats": list(bank_file.date_formats),
        "date_format_words": {f: format_words(f) for f in bank_file.date_formats},
        "reversal_suggested": suggest_reversal(account, bank_file),
        "statements": [s.__dict__ for s in bank_file.statements],
        "statement": bank_file.statement,
        "rows": [
            {
                **p.row._asdict(),
                "amount": format_amount(p.amount, account.currency),
                "duplicate_of": p.duplicate_of,
                "rule_payee": p.payee if p.payee != p.row.payee else None,
                "category_id": p.category_id,
                "tags": list(p.tags),
            }
            for p in planned
        ],
        "problems": [{**p.__dict__, "message": say(p.message)} for p in bank_file.problems],
        "links": [link._asdict() for link in links],
    }


@bp.post(IMPORTS)
@bp.auth_required(auth, roles=["write"])
@bp.input(ImportIn, arg_name="body", example=iex.IMPORT_IN)
@bp.output(ImportOut, status_code=201, example=iex.IMPORT)
@bp.doc(
    summary="Import a file",
    description="All or nothing: refused (422, each line named) while any line cannot be "
    "read, unless `skip_unreadable` (the lines skipped are kept with the import); rows "
    "already in the account are skipped unless their line is in "
    "`keep_duplicates`. Recorded, so it can be undone. Editors and owners. With the header "
    "`Prefer: respond-async` the file is read and checked at once, then imported in the "
    "background: the answer is 202 with a job to follow at its `Location`.",
    responses=errors(401, 403, 404, 422, why={413: "The file is over 15 MB"})
    | {
        202: {
            "description": "Accepted (with `Prefer: respond-async`): importing in the "
            "background; follow the job at its `Location`",
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/JobOut"},
                    "example": {**ex.JOB, "state": "queued", "done": 0, "total": 0},
                }
            },
        }
    },
)
@book_access("write", writes=False)
def create(book_id: int, body: dict[str, Any]) -> Any:
    """Import the file."""
    # Read before the writer is taken (a large file takes a while); the import itself passes
    # the gate again in its own transaction.
    bank_file = _read(body)
    user_id, db, now = current_principal().user.id, database(), utcnow()
    order = ImportInput(
        account_id=body["account_id"],
        bank_file=bank_file,
        file_name=body["file_name"],
        user_id=user_id,
        keep_duplicates=frozenset(body["keep_duplicates"]),
        mapping=mapping_of(body["mapping"]),
        skip_unreadable=body["skip_unreadable"],
    )

    def work(progress: Progress | None = None) -> Import:
        with gate(db, user_id, book_id, "write"):  # now, or when the job runs
            return run_import(db, book_id, order, now=now, progress=progress)

    if "respond-async" not in request.headers.get("Prefer", ""):
        return _import_json(work()), 201
    # What would refuse the import is said now, not by a job that fails later (run_import
    # checks the file itself when it runs at once).
    check_importable(bank_file, skip_unreadable=body["skip_unreadable"])
    import_amounts(reader(), book_id, body["account_id"], bank_file.rows, bank_file.currency)
    plan_links(reader(), book_id, body["account_id"], bank_file.rows, order.mapping)
    job = jobs().submit(book_id, work)
    accepted = jsonify(_job_json(job))  # not the route's 201 schema
    accepted.status_code = 202
    accepted.headers["Location"] = url_for("imports.job", book_id=book_id, job_id=job.id)
    accepted.headers["Preference-Applied"] = "respond-async"
    return accepted


def jobs() -> Jobs:
    """The app's background jobs."""
    return current_app.extensions.setdefault(
        "tallybook.jobs", Jobs(current_app.extensions[ERROR_LOG])
    )


def _job_json(job: Job) -> dict[str, Any]:
    problem = job.problem
    return {
        "id": job.id,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "import": _import_json(job.result) if job.result else None,
        "problem": None
        if problem is None
        else {
            "status": problem.status,
            "title": problem.title,
            "code": problem.code,
            "detail": problem.detail,
            "errors": [e.__dict__ for e in problem.errors],
        },
    }


@bp.get(IMPORTS + "/jobs/<job_id>")
@bp.auth_required(auth)
@bp.output(JobOut, example=iex.JOB_DONE)
@bp.doc(
    summary="Follow an import running in the background",
    description="Poll until `state` is `done` (the import is in `import`) or `failed` (why is "
    "in `problem`). Kept for an hour after it ends.",
    responses=errors(
        401,
        why={
            404: (
                "No such book, or no such job (they are kept an hour after they end)",
                "There is no import job q8Zr1m0xT3kVb2Ln in this book.",
            )
        },
    ),
)
@book_access("read")
def job(book_id: int, job_id: str) -> dict[str, Any]:
    """How far a background import got."""
    return _job_json(jobs().get(book_id, job_id))


@bp.get(IMPORTS)
@bp.auth_required(auth)
@bp.output(ImportList, example=iex.IMPORT_LIST)
@bp.doc(
    summary="List the imports",
    description="Newest first, undone ones included.",
    responses=errors(401, 404),
)
@book_access("read")
def list_all(book_id: int) -> dict[str, Any]:
    """The book's import history."""
    return {"items": [_import_json(i) for i in list_imports(reader(), book_id)]}


@bp.post(IMPORTS + "/<int:import_id>/undo")
@bp.auth_required(auth, roles=["write"])
@bp.output(Undone, example=ex.UNDONE)
@bp.doc(
    summary="Undo an import",
    description="Deletes every transaction it added (changed since or not), as one change, "
    "with the other files of its batch if it was imported with others; "
    "not once any of them was reconciled (409, code `reconciled`, naming the reconciliation). "
    "Editors and owners.",
    responses=undo_errors("This import was undone already."),
)
@book_access("write")
def undo(book_id: int, import_id: int) -> dict[str, int]:
    """Take an import out again."""
    removed = undo_import(database(), book_id, import_id, now=utcnow())
    return {"removed": removed}
