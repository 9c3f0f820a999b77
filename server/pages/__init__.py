"""HTML pages: each renders its frame; its script fills it through the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from server.auth.users import count_users
from server.auth.web import current_csrf_token
from server.db.request import reader
from server.domain.instance import registration_open
from server.version import __version__

pages = Blueprint("pages", __name__)


@pages.app_context_processor
def _page_context() -> dict[str, Any]:
    principal = g.get("principal")
    return {
        "current_user": principal.user if principal else None,
        "csrf_token": current_csrf_token(),
        "version": __version__,
    }


def _signed_in() -> bool:
    principal = g.get("principal")
    return principal is not None and principal.session is not None


def _needs_sign_in() -> Response | None:
    """Send a visitor to setup (first run) or sign-in, remembering where they were going."""
    if count_users(reader()) == 0:
        return redirect(url_for("pages.setup"))
    if not _signed_in():
        return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
    return None


@pages.get("/")
def home() -> Any:
    """The home page: the signed-in user's books."""
    return _needs_sign_in() or render_template("pages/home.html", page="home")


@pages.get("/settings")
def settings() -> Any:
    """Password, API tokens and (for administrators) registration."""
    return _needs_sign_in() or render_template("pages/settings.html", page="settings")


@pages.get("/setup")
def setup() -> Any:
    """First run: create the administrator."""
    if count_users(reader()) > 0:
        return redirect(url_for("pages.login"))
    return render_template("pages/setup.html", page="setup")


@pages.get("/login")
def login() -> Any:
    """Sign in."""
    if count_users(reader()) == 0:
        return redirect(url_for("pages.setup"))
    if _signed_in():
        return redirect(url_for("pages.home"))
    return render_template(
        "pages/login.html", page="login", registration_open=registration_open(reader())
    )


@pages.get("/register")
def register() -> Any:
    """Create an account, while registration is open."""
    if count_users(reader()) == 0:
        return redirect(url_for("pages.setup"))
    return render_template(
        "pages/register.html", page="register", registration_open=registration_open(reader())
    )


@pages.get("/api/docs")
def api_docs() -> Any:
    """The API reference, rendered from the OpenAPI document."""
    return render_template("pages/api_docs.html", page="api-docs")
