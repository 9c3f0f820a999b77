"""The web app manifest a phone reads to add Tallybook to its home screen (issue 19)."""

from __future__ import annotations

import io
import re

from PIL import Image

from server.security import CONTENT_SECURITY_POLICY


def test_the_manifest_describes_an_installable_app(client):
    response = client.get("/manifest.webmanifest")  # as the browser asks: no session
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["name"] == manifest["short_name"] == "Tallybook"
    assert manifest["start_url"] == manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    for colour in ("theme_color", "background_color"):
        assert re.fullmatch(r"#[0-9a-f]{6}", manifest[colour]), colour
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes


def test_every_icon_it_names_exists_with_that_size(client):
    for icon in client.get("/manifest.webmanifest").json["icons"]:
        assert icon["src"].startswith("/static/"), icon  # same origin: the CSP allows it
        with client.get(icon["src"]) as response:
            assert response.status_code == 200, icon
            assert response.mimetype == icon["type"] == "image/png"
            image = Image.open(io.BytesIO(response.data))
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert image.format == "PNG" and image.size == (width, height), icon
        if icon["purpose"] == "maskable":  # a launcher cuts its shape out of a full square
            assert image.getpixel((0, 0))[3:] in ((), (255,)), "a maskable icon has no holes"


def test_every_page_links_the_manifest_and_a_touch_icon(client):
    html = client.get("/setup").get_data(as_text=True)  # first run: no one signed in
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', html)
    with client.get(touch[1]) as response:
        assert response.status_code == 200
        image = Image.open(io.BytesIO(response.data))
    assert image.size == (180, 180) and image.mode == "RGB"  # iOS blackens transparency
    # The browser fetches the manifest under the page's policy: its own origin is allowed.
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "manifest-src" not in CONTENT_SECURITY_POLICY
