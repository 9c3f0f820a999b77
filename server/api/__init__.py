"""The REST API, /api/v1: one blueprint per resource, each route declaring its contract."""

from __future__ import annotations

from apiflask import APIFlask

from server.api import (
    accounts,
    books,
    categories,
    demo,
    labels,
    me,
    members,
    meta,
    session,
    tokens,
    transactions,
)
from server.api.schemas import Problem, ValidationProblem

API_PREFIX = "/api/v1"


def register_api(app: APIFlask) -> None:
    """Mount every API blueprint under /api/v1 and describe errors as problem+json."""
    app.config["HTTP_ERROR_SCHEMA"] = Problem
    app.config["VALIDATION_ERROR_SCHEMA"] = ValidationProblem
    app.config["VALIDATION_ERROR_DESCRIPTION"] = "Validation failed (problem+json, per field)"
    for module in (
        meta,
        session,
        me,
        books,
        members,
        demo,
        tokens,
        accounts,
        transactions,
        categories,
        labels,
    ):
        app.register_blueprint(module.bp, url_prefix=API_PREFIX)
