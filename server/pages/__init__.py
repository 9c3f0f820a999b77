"""HTML pages: each renders its frame; its script fills it through the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path
from typing import Any, ParamSpec

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from server.auth.users import User, count_users
from server.auth.web import current_csrf_token, current_principal, sign_in
from server.auth.window import open_window, serves_a_window
from server.clock import local_today
from server.domain.accounts import ACCOUNT_TYPES, get_account
from server.domain.books import Book, get_book
from server.domain.instance import registration_open
from server.domain.transaction_rules import STATUSES
from server.i18n import current_language, say
from server.otherapps.registry import APPS
from server.request_db import reader
from server.script_catalog import script_catalog
from server.translatable import _l
from server.version import __version__

pages = Blueprint("pages", __name__)
P = ParamSpec("P")


# A year: a static URL with a query string names one version of the file (see `asset`).
IMMUTABLE = "public, max-age=31536000, immutable"


@cache
def _file_tag(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_mtime_ns:x}{stat.st_size:x}"[-12:]


def asset(filename: str) -> str:
    """Return the URL of a static file, tagged with its version so it can be cached for good."""
    tag = _file_tag(Path(current_app.static_folder or "") / filename)
    return url_for("static", filename=filename, v=tag)


ICON_CSS = "vendor/bootstrap-icons/bootstrap-icons.min.css"


@cache
def _icon_font_path(static_folder: str) -> str:
    css = (Path(static_folder) / ICON_CSS).read_text(encoding="utf-8")
    match = re.search(r'url\("?(fonts/[^")]+\.woff2\?[^")]*)', css)
    if match is None:
        raise RuntimeError(f"{ICON_CSS} names no woff2 font")
    return str(Path(ICON_CSS).parent / match.group(1))


def icon_font_url() -> str:
    """Return the icon font's URL exactly as its stylesheet asks for it (for a preload)."""
    return "/static/" + _icon_font_path(current_app.static_folder or "")


@pages.after_app_request
def _cache_versioned_assets(response: Response) -> Response:
    # Versioned URLs (ours via asset(), the icon font's content hash) never change content,
    # so the window starts from its disk cache; other static files are revalidated.
    if request.endpoint == "static" and request.query_string and response.status_code == 200:
        response.headers["Cache-Control"] = IMMUTABLE
    return response


@pages.app_context_processor
def _page_context() -> dict[str, Any]:
    principal = g.get("principal")
    return {
        "current_user": principal.user if principal else None,
        "csrf_token": current_csrf_token(),
        "version": __version__,
        "asset": asset,
        "icon_font_url": icon_font_url,
        "scripts_catalog": lambda: script_catalog(current_language()),
    }


def in_a_session() -> bool:
    """Whether the request comes from a session of the app (not a token)."""
    principal = g.get("principal")
    return principal is not None and principal.session is not None


def set_up(view: Callable[P, Any]) -> Callable[P, Any]:
    """Send every visitor to setup until the first user exists (first run)."""

    @wraps(view)
    def page(*args: P.args, **kwargs: P.kwargs) -> Any:
        if count_users(reader()) == 0:
            return redirect(url_for("pages.setup"))
        return view(*args, **kwargs)

    return page


def signed_in(view: Callable[P, Any]) -> Callable[P, Any]:
    """Show the page to a signed-in session only: send anyone else to setup (first run) or to
    sign-in, remembering where they were going."""

    @set_up
    @wraps(view)
    def page(*args: P.args, **kwargs: P.kwargs) -> Any:
        if not in_a_session():
            return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return page


@pages.get("/")
@signed_in
def home() -> Any:
    """The home page: the signed-in user's books."""
    return render_template("pages/home.html", page="home", other_apps=APPS.values())


def _book(book_id: int) -> Book:
    """The book the page shows; a book the user is not a member of is not found (404)."""
    return get_book(reader(), current_principal().user.id, book_id)


@pages.get("/books/<int:book_id>")
@signed_in
def book_accounts(book_id: int) -> Any:
    """A book's accounts, grouped by type, with their balances and the net worth."""
    return render_template(
        "pages/accounts.html",
        page="accounts",
        book=_book(book_id),
        account_types=ACCOUNT_TYPES,
    )


@pages.get("/books/<int:book_id>/accounts/<int:account_id>")
@signed_in
def account_register(book_id: int, account_id: int) -> Any:
    """An account's register: its transactions with the running balance, edited in place."""
    book = _book(book_id)
    return render_template(
        "pages/account_register.html",
        page="account-register",
        book=book,
        account=get_account(reader(), book.id, account_id, today=local_today()),
        account_types=ACCOUNT_TYPES,
        statuses=STATUSES,
    )


@pages.get("/books/<int:book_id>/transactions")
@signed_in
def book_transactions(book_id: int) -> Any:
    """All of a book's transactions: filters, search and changes to many at once."""
    return render_template(
        "pages/transactions.html", page="transactions", book=_book(book_id), statuses=STATUSES
    )


@pages.get("/books/<int:book_id>/budget")
@signed_in
def book_budget(book_id: int) -> Any:
    """A book's budget, a month at a time: planned, spent and left per category, edited in
    place."""
    return render_template("pages/budget.html", page="budget", book=_book(book_id))


@pages.get("/books/<int:book_id>/reports")
@signed_in
def book_reports(book_id: int) -> Any:
    """A book's reports with charts: spending by category, income and expense, net worth,
    cash flow; filtered, printable, and downloadable as CSV."""
    return render_template("pages/reports.html", page="reports", book=_book(book_id))


@pages.get("/books/<int:book_id>/categories")
@signed_in
def book_categories(book_id: int) -> Any:
    """A book's category groups and categories: add, rename, archive, delete or merge."""
    return render_template("pages/categories.html", page="categories", book=_book(book_id))


@pages.get("/books/<int:book_id>/rules")
@signed_in
def book_rules(book_id: int) -> Any:
    """A book's rules: make, change, order; run them on what is there after a preview."""
    return render_template("pages/rules.html", page="rules", book=_book(book_id))


@pages.get("/books/<int:book_id>/schedules")
@signed_in
def book_schedules(book_id: int) -> Any:
    """A book's scheduled transactions, and what they have coming up: enter or skip it."""
    return render_template("pages/schedules.html", page="schedules", book=_book(book_id))


@pages.get("/books/<int:book_id>/import")
@signed_in
def book_import(book_id: int) -> Any:
    """Import a bank file: upload, check the preview, confirm; the history, with undo."""
    return render_template("pages/import.html", page="import", book=_book(book_id))


@dataclass(frozen=True)
class SettingsPlace:
    """A section of Settings, as its navigation shows it."""

    label: str
    icon: str


def settings_sections(user: User) -> dict[str, SettingsPlace]:
    """Return the sections of Settings this user has here, by their address, in order: the
    desktop window's computer, or (administrators) the server others reach."""
    sections = {"you": SettingsPlace(say(_l("You")), "person")}
    if serves_a_window():
        sections["computer"] = SettingsPlace(say(_l("This computer")), "pc-display")
    elif user.is_admin:
        sections["server"] = SettingsPlace(say(_l("Server")), "hdd-network")
    if user.is_admin:
        sections["backups"] = SettingsPlace(say(_l("Backups")), "hdd")
    sections["tokens"] = SettingsPlace(say(_l("Tokens & apps")), "key")
    sections["households"] = SettingsPlace(say(_l("Households")), "people")
    return sections


@pages.get("/settings")
@signed_in
def settings() -> Any:
    """Settings: its first section."""
    return redirect(url_for("pages.settings_section", section="you"))


@pages.get("/settings/<section>")
@signed_in
def settings_section(section: str) -> Any:
    """A section of Settings: you, this computer or the server, backups, tokens and apps,
    households."""
    sections = settings_sections(current_principal().user)
    if section not in sections:
        abort(404)
    return render_template(
        "pages/settings.html", page="settings", sections=sections, section=section
    )


@pages.get("/window")
def window() -> Any:
    """The desktop window's first address: redeem the launcher's one-time handoff (signing in
    automatically when that is on), then go home. Not there in server or browser mode."""
    if not serves_a_window():
        abort(404)
    user = open_window(request.args.get("handoff", ""))
    if user is not None:
        sign_in(user, until_closed=True)
    return redirect(url_for("pages.home"))


@pages.get("/setup")
def setup() -> Any:
    """First run: create the administrator."""
    if count_users(reader()) > 0:
        return redirect(url_for("pages.login"))
    return render_template("pages/setup.html", page="setup")


@pages.get("/login")
@set_up
def login() -> Any:
    """Sign in."""
    if in_a_session():
        return redirect(url_for("pages.home"))
    return render_template(
        "pages/login.html", page="login", registration_open=registration_open(reader())
    )


@pages.get("/register")
@set_up
def register() -> Any:
    """Create an account, while registration is open."""
    return render_template(
        "pages/register.html", page="register", registration_open=registration_open(reader())
    )


@pages.get("/api/docs")
def api_docs() -> Any:
    """The API reference, rendered from the OpenAPI document."""
    return render_template("pages/api_docs.html", page="api-docs")
