"""Backups of the whole instance: list, make, download, restore (administrators)."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import DateTime, Integer, List, Nested, String
from flask import send_file
from werkzeug.wrappers import Response

from server.api import examples as ex
from server.api.schemas import errors
from server.auth.web import auth, require_admin
from server.clock import utcnow
from server.db.backups import (
    MAX_KEEP,
    Backup,
    backups_keep,
    create_backup,
    find_backup,
    list_backups,
    restore_backup,
    set_backups_keep,
)
from server.db.migrations import apply_migrations
from server.request_db import database, reader

bp = APIBlueprint("backups", __name__, tag="Backups")
ADMINS = {403: "Only an administrator signed in to the app can do this (never a token)"}


class BackupOut(Schema):
    name = String(metadata={"example": "tallybook-20261124T101500123456Z-manual.sqlite3"})
    created_at = DateTime()
    reason = String(
        metadata={
            "description": "start, daily, manual, before-migration, before-restore, "
            "before-repair or before-book-delete.",
            "example": "manual",
        }
    )
    size = Integer(metadata={"description": "In bytes."})
    label = String(
        allow_none=True,
        metadata={
            "description": "What it was taken before, in words (e.g. the name of a book "
            "deleted after it); null for most.",
            "example": None,
        },
    )


class BackupList(Schema):
    items = List(Nested(BackupOut), metadata={"description": "Newest first."})
    keep = Integer(metadata={"description": "How many are kept; older ones are dropped."})


class BackupSettings(Schema):
    keep = Integer(
        required=True,
        metadata={"minimum": 1, "maximum": MAX_KEEP, "description": "How many are kept."},
    )


class Restored(Schema):
    restored = String(metadata={"description": "The backup now in use."})
    saved_as = Nested(BackupOut, metadata={"description": "The state it replaced."})


def backup_json(backup: Backup) -> dict[str, Any]:
    """Return a backup as the API shows it."""
    return {
        "name": backup.name,
        "created_at": backup.created_at,
        "reason": backup.reason,
        "size": backup.size,
        "label": backup.label,
    }


# The create route comes before the list: APIFlask meets BackupOut alone first (see labels).
@bp.post("/backups")
@bp.auth_required(auth, roles=["write"])
@bp.output(BackupOut, status_code=201, example=ex.BACKUP)
@bp.doc(
    summary="Back up now",
    description="A consistent copy of the whole database, made while Tallybook runs. "
    "Administrators only.",
    responses=errors(401, why=ADMINS),
)
def create() -> Any:
    """Make a backup now."""
    require_admin()
    return backup_json(create_backup(database(), "manual", utcnow())), 201


@bp.get("/backups")
@bp.auth_required(auth)
@bp.output(BackupList, example=ex.BACKUP_LIST)
@bp.doc(
    summary="List the backups",
    description="Made at start, daily, before a migration or a restore, or on demand. "
    "Administrators only.",
    responses=errors(401, why=ADMINS),
)
def list_all() -> dict[str, Any]:
    """List the backups."""
    require_admin()
    return {
        "items": [backup_json(b) for b in list_backups(database())],
        "keep": backups_keep(reader()),
    }


@bp.get("/backups/<name>")
@bp.auth_required(auth)
@bp.doc(
    summary="Download a backup",
    description="The SQLite file itself (`application/vnd.sqlite3`). Administrators only.",
    responses=errors(
        401,
        why={
            **ADMINS,
            404: (
                "No such backup",
                "There is no backup named 'tallybook-20260101T000000000000Z-daily.sqlite3'.",
            ),
        },
    )
    | {
        200: {
            "description": "The SQLite file",
            "content": {
                "application/vnd.sqlite3": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
def download(name: str) -> Response:
    """Send a backup file."""
    require_admin()
    backup = find_backup(database(), name)
    return send_file(
        backup.path, mimetype="application/vnd.sqlite3", as_attachment=True, download_name=name
    )


@bp.post("/backups/<name>/restore")
@bp.auth_required(auth, roles=["write"])
@bp.output(Restored, example=ex.RESTORED)
@bp.doc(
    summary="Restore a backup",
    description="Checks the backup (integrity, a Tallybook database, a schema this version "
    "knows), backs up the current state, then replaces the whole database with it: every "
    "book, user and session. Signed-in administrators only (not tokens); you may need to sign "
    "in again afterwards.",
    responses=errors(
        401,
        why={
            **ADMINS,
            404: "No such backup",
            422: "The backup is damaged, not a Tallybook database, or from a newer version",
        },
    ),
)
def restore(name: str) -> dict[str, Any]:
    """Replace the database with a backup."""
    require_admin()
    backup = find_backup(database(), name)
    saved = restore_backup(database(), backup.path, utcnow())
    apply_migrations(database())
    return {"restored": backup.name, "saved_as": backup_json(saved)}


@bp.patch("/backup-settings")
@bp.auth_required(auth, roles=["write"])
@bp.input(BackupSettings, arg_name="body", example=ex.BACKUP_SETTINGS)
@bp.output(BackupSettings, example=ex.BACKUP_SETTINGS)
@bp.doc(
    summary="Choose how many backups are kept",
    description=f"1 to {MAX_KEEP}; older backups beyond it are dropped at once. "
    "Administrators only.",
    responses=errors(401, 422, why=ADMINS),
)
def change_settings(body: dict[str, int]) -> dict[str, int]:
    """Set how many backups are kept."""
    require_admin()
    set_backups_keep(database(), body["keep"])
    return {"keep": backups_keep(reader())}
