"""Importing several bank files at once: each matched to its account, previewed, imported as
one change and undone as one."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, DateTime, Integer, List, Nested, String
from apiflask.validators import Length, OneOf

from server.api import import_batch_examples as ex
from server.api.access import book_access
from server.api.examples import UNDONE
from server.api.imports import (
    IMPORTS,
    ImportIn,
    RowProblemOut,
    StatementOut,
    Undone,
    file_bytes,
    undo_errors,
)
from server.api.schemas import FieldProblem, errors
from server.api.uploads import MAX_BATCH_BYTES
from server.auth.web import auth, current_principal
from server.bankfiles.files import FORMATS
from server.characters import refuse_odd_characters
from server.clock import utcnow
from server.domain.books import gate
from server.domain.import_batches import (
    MAX_BATCH_FILES,
    Batch,
    BatchFile,
    BatchInput,
    BatchItem,
    read_batch,
    run_batch,
    undo_batch,
)
from server.domain.import_links import mapping_of
from server.errors import ValidationFailed
from server.request_db import database, reader
from server.translatable import _l

bp = APIBlueprint("import_batches", __name__, tag="Imports")
BATCHES = IMPORTS + "/batches"
MATCHED_BY = ("chosen", "statement", "preset", "name")
SHOWN_PROBLEMS = 50  # the lines that cannot be read, per file


class BatchFileIn(ImportIn):
    account_id = Integer(
        allow_none=True,
        load_default=None,
        metadata={"description": "Its account; default: the account it matches, if any."},
    )


class BatchIn(Schema):
    files = List(
        Nested(BatchFileIn),
        required=True,
        validate=Length(min=1, max=MAX_BATCH_FILES),
        metadata={
            "description": "The files; a file holding several statements without `statement` "
            f"is one item per statement. At most {MAX_BATCH_BYTES // 2**20} MB in all."
        },
    )


class BatchItemOut(Schema):
    file = Integer(metadata={"description": "Its file's place in `files` (from 0)."})
    file_name = String()
    statement = Integer(allow_none=True, metadata={"description": "OFX: which statement."})
    account_id = Integer(allow_none=True, metadata={"description": "null: choose one."})
    matched_by = String(
        allow_none=True,
        validate=OneOf(MATCHED_BY),
        metadata={
            "description": "How the account was known: chosen (sent), statement (the OFX "
            "account id of its earlier statements), preset (the CSV header row of its "
            "earlier imports), name (the QIF account's name); null: by none."
        },
    )
    format = String(allow_none=True, validate=OneOf(FORMATS))
    statements = List(Nested(StatementOut))
    date_formats = List(
        String(), metadata={"description": "More than one: choose with `date_format`."}
    )
    new = Integer(metadata={"description": "Rows the import adds."})
    already_there = Integer(metadata={"description": "Rows already in the account: skipped."})
    problems = List(Nested(RowProblemOut), metadata={"description": "Lines that cannot be read."})
    refusals = List(
        Nested(FieldProblem),
        metadata={"description": "What stops it from being imported as it is; empty: ready."},
    )


class BatchPreviewOut(Schema):
    items = List(Nested(BatchItemOut))
    ready = Boolean(metadata={"description": "Whether every item can be imported as it is."})


class BatchOut(Schema):
    id = Integer()
    import_ids = List(Integer(), metadata={"description": "Its imports, one per statement."})
    added = Integer()
    skipped = Integer()
    created_at = DateTime()
    undone_at = DateTime(allow_none=True)


def _files(body: dict[str, Any]) -> tuple[BatchFile, ...]:
    """The request's files, decoded; 422 naming the file's field when one is not."""
    files, total = [], 0
    for index, sent in enumerate(body["files"]):
        refuse_odd_characters(
            {
                f"files.{index}.{name}": sent[name]
                for name in ("file_name", "date_format")
                if sent.get(name) is not None
            }
        )
        data = file_bytes(sent["content"], f"files.{index}.content")
        total += len(data)
        if total > MAX_BATCH_BYTES:
            raise ValidationFailed.on(
                "files",
                _l("The files are over %(value)s MB in all.", value=MAX_BATCH_BYTES // 2**20),
            )
        files.append(
            BatchFile(
                file_name=sent["file_name"],
                data=data,
                account_id=sent["account_id"],
                statement=sent.get("statement"),
                date_format=sent.get("date_format"),
                columns=sent.get("columns"),
                keep_duplicates=frozenset(sent["keep_duplicates"]),
                mapping=mapping_of(sent["mapping"]),
                amounts_reversed=sent.get("amounts_reversed"),
                skip_unreadable=sent["skip_unreadable"],
            )
        )
    return tuple(files)


def _item_json(item: BatchItem) -> dict[str, Any]:
    read = item.bank_file
    fresh = sum(1 for p in item.planned if p.duplicate_of is None)
    return {
        "file": item.file,
        "file_name": item.file_name,
        "statement": item.statement,
        "account_id": item.account_id,
        "matched_by": item.matched_by,
        "format": read.format if read else None,
        "statements": [s.__dict__ for s in read.statements] if read else [],
        "date_formats": list(read.date_formats) if read else [],
        "new": fresh,
        "already_there": len(item.planned) - fresh,
        "problems": [p.__dict__ for p in read.problems[:SHOWN_PROBLEMS]] if read else [],
        "refusals": [r.__dict__ for r in item.refusals()],
    }


def _batch_json(batch: Batch) -> dict[str, Any]:
    return batch.__dict__


@bp.post(BATCHES + "/preview")
@bp.auth_required(auth, roles=["write"])
@bp.input(BatchIn, arg_name="body", example=ex.BATCH_IN)
@bp.output(BatchPreviewOut, example={**ex.BATCH_PREVIEW, "ready": False})
@bp.doc(
    summary="Preview importing several files",
    description="Reads each file as one import would, one item per statement, and matches "
    "each to its account (by the OFX account id of the statements imported into it before, by "
    "the CSV header row of its import preset, or by a QIF account's name), unless "
    "`account_id` says which; counts the rows new and already there. Writes nothing. Editors "
    "and owners.",
    responses=errors(401, 403, 404, 422, why={413: "The files are over the limit in all"}),
)
@book_access("write", writes=False)
def preview(book_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Show what importing the files would do."""
    items = read_batch(reader(), book_id, _files(body))
    return {"items": [_item_json(i) for i in items], "ready": not any(i.refusals() for i in items)}


@bp.post(BATCHES)
@bp.auth_required(auth, roles=["write"])
@bp.input(BatchIn, arg_name="body", example=ex.BATCH_IN)
@bp.output(BatchOut, status_code=201, example=ex.BATCH)
@bp.doc(
    summary="Import several files as one change",
    description="All or nothing: every statement of every file goes into its account (matched "
    "as the preview says) in one transaction, or, if any of them is refused, none does (422, "
    "each file's problem at its field: `files.N.account_id` for a file no account matches). "
    "Recorded as one batch, undone as one. Editors and owners.",
    responses=errors(401, 403, 404, 422, why={413: "The files are over the limit in all"}),
)
@book_access("write", writes=False)
def create(book_id: int, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Import the files."""
    files = _files(body)  # decoded before the writer is taken
    user_id, db = current_principal().user.id, database()
    with gate(db, user_id, book_id, "write"):  # imports are not recorded for undo/redo
        batch = run_batch(db, book_id, BatchInput(files, user_id), now=utcnow())
    return _batch_json(batch), 201


@bp.post(BATCHES + "/<int:batch_id>/undo")
@bp.auth_required(auth, roles=["write"])
@bp.output(Undone, example=UNDONE)
@bp.doc(
    summary="Undo a batch of imports",
    description="Deletes every transaction its files added, as one change; not once any of "
    "them was reconciled (409, code `reconciled`). Editors and owners.",
    responses=undo_errors("This batch of imports was undone already."),
)
@book_access("write")
def undo(book_id: int, batch_id: int) -> dict[str, int]:
    """Take a batch of imports out again."""
    return {"removed": undo_batch(database(), book_id, batch_id, now=utcnow())}
