"""The web app manifest: what a phone needs to put Tallybook on its home screen (server mode).

The browser fetches it without the session cookie, from any page, the sign-in page included,
so it is public: it says nothing about the user or their books.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response

from server.pages import asset

web_app = Blueprint("web_app", __name__)

MANIFEST_TYPE = "application/manifest+json"
# The blue of the icon; the page behind a starting app is white, as the light theme is.
THEME_COLOR = "#0d6efd"
BACKGROUND_COLOR = "#ffffff"
# (file under ui/static/img/, size in pixels, purpose): made by build/icons.py.
ICONS = (
    ("tallybook-192.png", 192, "any"),
    ("tallybook-512.png", 512, "any"),
    ("tallybook-maskable-512.png", 512, "maskable"),
)


@web_app.get("/manifest.webmanifest")
def manifest() -> Response:
    """Describe the app to a browser that installs it: names, start page, colours, icons."""
    document = {
        "name": "Tallybook",
        "short_name": "Tallybook",
        "description": "Private, offline personal finance: accounts, budgets and reports.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {
                "src": asset(f"img/{name}"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for name, size, purpose in ICONS
        ],
    }
    return Response(json.dumps(document, indent=2), mimetype=MANIFEST_TYPE)
