"""The REST API, /api/v1: one blueprint per resource, each route declaring its contract."""

from __future__ import annotations

from apiflask import APIFlask
from werkzeug.routing import IntegerConverter

from server.api import (
    accounts,
    apps,
    backups,
    book_files,
    books,
    budgets,
    categories,
    changes,
    dashboard,
    demo,
    imports,
    labels,
    me,
    members,
    meta,
    parameters,
    reports,
    rules,
    schedules,
    session,
    tokens,
    transactions,
)
from server.api.schemas import (
    MAX_ID,
    Problem,
    ValidationProblem,
    declare_malformed_requests,
    extend_spec,
    strict_whole_numbers,
    unique_tags,
)

API_PREFIX = "/api/v1"


class IdConverter(IntegerConverter):
    """`<int:...>` in paths, up to SQLite's largest integer (a larger id matches no route)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register_api(app: APIFlask) -> None:
    """Mount every API blueprint under /api/v1 and describe errors as problem+json."""
    app.url_map.converters["int"] = IdConverter
    app.config["HTTP_ERROR_SCHEMA"] = Problem
    app.config["VALIDATION_ERROR_SCHEMA"] = ValidationProblem
    app.config["VALIDATION_ERROR_DESCRIPTION"] = "Validation failed (problem+json, per field)"
    for module in (
        meta,
        session,
        me,
        books,
        book_files,
        members,
        demo,
        tokens,
        apps,
        accounts,
        transactions,
        categories,
        labels,
        imports,
        rules,
        schedules,
        budgets,
        reports,
        dashboard,
        changes,
        backups,
    ):
        app.register_blueprint(module.bp, url_prefix=API_PREFIX)
    parameters.init_app(app)
    strict_whole_numbers(app)
    extend_spec(app, declare_malformed_requests)
    extend_spec(app, unique_tags)
