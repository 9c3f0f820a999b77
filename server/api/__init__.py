"""The REST API, /api/v1: one blueprint per resource, each route declaring its contract."""

from __future__ import annotations

from apiflask import APIFlask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from server.api import (
    accounts,
    apps,
    automatic_sign_in,
    backups,
    beancount_files,
    book_files,
    books,
    budgets,
    categories,
    changes,
    dashboard,
    demo,
    goals,
    import_batches,
    imports,
    invitations,
    labels,
    me,
    members,
    meta,
    other_books,
    parameters,
    reconciliations,
    reports,
    rules,
    schedules,
    session,
    tokens,
    transactions,
    transactions_csv,
    undo,
)
from server.api.one_round import answer_every_field
from server.api.plain_messages import plain_messages
from server.api.schemas import (
    MAX_ID,
    Problem,
    ValidationProblem,
    declare_malformed_requests,
    extend_spec,
    required_bodies,
    strict_whole_numbers,
    text_characters,
    unique_tags,
)

API_PREFIX = "/api/v1"


class IdConverter(IntegerConverter):
    """`<int:...>` in paths: an id larger than SQLite's largest integer names no row, so 404."""

    def to_python(self, value: str) -> int:
        """Return the id; one past SQLite's range is Not Found (a ValidationError here would
        make Werkzeug answer 405, listing the methods of the path's other routes)."""
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


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
        automatic_sign_in,
        books,
        book_files,
        other_books,
        beancount_files,
        members,
        invitations,
        demo,
        tokens,
        apps,
        accounts,
        transactions,
        transactions_csv,
        reconciliations,
        categories,
        labels,
        imports,
        import_batches,
        rules,
        schedules,
        budgets,
        goals,
        reports,
        dashboard,
        changes,
        undo,
        backups,
    ):
        app.register_blueprint(module.bp, url_prefix=API_PREFIX)
    parameters.init_app(app)
    strict_whole_numbers(app)
    plain_messages(app)
    answer_every_field(app)
    extend_spec(app, declare_malformed_requests)
    extend_spec(app, unique_tags)
    extend_spec(app, required_bodies)
    extend_spec(app, text_characters)
