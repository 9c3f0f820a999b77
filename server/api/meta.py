"""Health, and the settings of this Tallybook instance."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import String

from server.api import examples as ex
from server.api.schemas import Flag, errors
from server.auth.users import count_users
from server.auth.web import auth, require_admin
from server.domain.instance import registration_open, set_registration_open
from server.request_db import database, ping, reader
from server.version import __version__

bp = APIBlueprint("meta", __name__, tag="Instance")


class Health(Schema):
    status = String(metadata={"example": "ok"})
    version = String(metadata={"example": __version__})


class Instance(Schema):
    version = String()
    setup_required = Flag(metadata={"description": "True until the first user is created."})
    registration_open = Flag(metadata={"description": "Whether anyone may create an account."})


class InstancePatch(Schema):
    registration_open = Flag(required=True)


def _instance() -> dict[str, object]:
    conn = reader()
    return {
        "version": __version__,
        "setup_required": count_users(conn) == 0,
        "registration_open": registration_open(conn),
    }


@bp.get("/health")
@bp.output(Health, example=ex.HEALTH)
@bp.doc(
    summary="Check that the server answers",
    description="Needs no authentication.",
    responses=errors(
        why={
            400: (
                "The Host header is not one this server answers to (DNS rebinding defence)",
                "This server does not answer to the host name 'evil.example:8080'.",
            )
        }
    ),
)
def health() -> dict[str, str]:
    """Answer `ok` with the version; used by the launcher and by monitoring."""
    ping()
    return {"status": "ok", "version": __version__}


@bp.get("/instance")
@bp.output(Instance, example=ex.INSTANCE)
@bp.doc(
    summary="Read the instance's state",
    description="Whether first-run setup is needed and whether registration is open. Public.",
    responses=errors(
        why={
            400: (
                "The Host header is not one this server answers to (DNS rebinding defence)",
                "This server does not answer to the host name 'evil.example:8080'.",
            )
        }
    ),
)
def get_instance() -> dict[str, object]:
    """Return the instance's public state."""
    return _instance()


@bp.patch("/instance")
@bp.auth_required(auth, roles=["write"])
@bp.input(InstancePatch, arg_name="body", example=ex.INSTANCE_PATCH)
@bp.output(Instance, example=ex.INSTANCE_OPENED)
@bp.doc(
    summary="Open or close registration",
    description="Administrators only.",
    responses=errors(
        401, 422, why={403: "Administrators signed in to the app only (never a token)"}
    ),
)
def patch_instance(body: dict[str, bool]) -> dict[str, object]:
    """Change the instance's settings."""
    require_admin()
    set_registration_open(database(), body["registration_open"])
    return _instance()
