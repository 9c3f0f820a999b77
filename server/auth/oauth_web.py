"""The running app's OAuth server and consent handoffs, for the consent page
(`server.pages.consent`) and the protocol's endpoints (`server.api.oauth_endpoints`).

Authlib is imported with the server, on the first request that needs it: with the JWT library
it costs 90 ms that the window's start-up should not pay (see `server.auth.oauth_server`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app, request

from server.auth.consent_handoffs import ConsentHandoffs

if TYPE_CHECKING:
    from authlib.integrations.flask_oauth2 import AuthorizationServer


def oauth_server() -> AuthorizationServer:
    """Return the app's authorization server, built on the first request that needs it."""
    extensions = current_app.extensions
    if "tallybook.oauth" not in extensions:
        from server.auth.oauth_server import build_server

        extensions["tallybook.oauth"] = build_server()
    return extensions["tallybook.oauth"]


def consent_handoffs() -> ConsentHandoffs:
    """Return the app's open handoffs to the desktop window."""
    return current_app.extensions.setdefault("tallybook.consent_handoffs", ConsentHandoffs())


def consent_grant(end_user: object) -> Any:
    """Authlib's reading of the authorization request (raises OAuth2Error when it is bad)."""
    from server.auth.oauth_server import unsafe_parameter

    if (error := unsafe_parameter(request.args.lists())) is not None:
        raise error
    return oauth_server().get_consent_grant(end_user=end_user)
