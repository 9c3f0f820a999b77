"""Every route of a book passes through the one gate: its view carries `book_access`.

The routes are read from the app's url_map (the book itself and everything under
/api/v1/books/{book_id}/), so a route added later is held to the gate without touching this
file. What each level lets through is tested route by route in test_authorization_matrix.py;
here each gated route's level is held to the level the matrix expects of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tests.security.test_authorization_matrix import BOOK, level


def book_views(app: Any) -> Iterator[tuple[str, str, str, Callable[..., Any]]]:
    """Yield (blueprint, method, rule, view) of every route of a book."""
    for rule in app.url_map.iter_rules():
        if rule.rule == BOOK or rule.rule.startswith(BOOK + "/"):
            blueprint = rule.endpoint.partition(".")[0]
            view = app.view_functions[rule.endpoint]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield blueprint, method, rule.rule, view


def test_every_route_of_a_book_passes_the_gate(app):
    ungated = [
        f"{method} {rule}"
        for blueprint, method, rule, view in book_views(app)
        if not hasattr(view, "book_access")
    ]
    assert not ungated, f"put @book_access(...) innermost on these routes: {ungated}"


def test_each_gate_asks_for_the_level_the_matrix_expects(app):
    # "people" (who shares the book) is not a level of the gate alone: it also keeps apps out.
    wrong = [
        f"{method} {rule}: book_access({view.book_access!r}), expected {level(method, rule)!r}"
        for _, method, rule, view in book_views(app)
        if hasattr(view, "book_access")
        and level(method, rule) != "people"
        and view.book_access != level(method, rule)
    ]
    assert not wrong, wrong


def test_the_routes_of_a_book_are_found(app):
    """The checks above see the routes (a url_map read wrong would pass them vacuously)."""
    found = {(method, rule) for _, method, rule, _ in book_views(app)}
    assert len(found) > 50
    assert ("POST", BOOK + "/transactions") in found
