"""HTML pages: where each sends a visitor, and what it tells them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.sharing import share


def test_first_run_goes_to_setup(client):
    for path in ("/", "/login", "/register", "/settings"):
        response = client.get(path)
        assert response.status_code == 302 and response.location == "/setup", path


def test_setup_page_is_gone_once_set_up(client, make_user):
    make_user("alex")
    assert client.get("/setup").location == "/login"


def test_signed_out_visitors_go_to_sign_in_and_come_back(client, make_user):
    make_user("alex")
    assert client.get("/settings").location == "/login?next=/settings"
    assert client.get("/").location == "/login?next=/"


def test_signed_in_visitors_skip_the_sign_in_page(alex):
    assert alex.get("/login").location == "/"
    assert alex.get("/").status_code == 200


def test_register_page_says_when_registration_is_closed(client, make_user):
    make_user("alex")
    assert "Registration is closed" in client.get("/register").get_data(as_text=True)
    assert "Create one" not in client.get("/login").get_data(as_text=True)


def test_register_page_offers_the_form_when_open(alex, app):
    alex.patch("/api/v1/instance", json={"registration_open": True})
    visitor = app.test_client()
    assert 'id="register-form"' in visitor.get("/register").get_data(as_text=True)
    assert "Create one" in visitor.get("/login").get_data(as_text=True)


def test_settings_shows_the_api_address_and_admin_switch(alex, make_user, sign_in):
    assert "http://localhost/api/v1" in alex.get("/settings/tokens").get_data(as_text=True)
    assert 'id="registration-open"' in alex.get("/settings/server").get_data(as_text=True)
    make_user("bob")
    bob = sign_in("bob")
    assert bob.get("/settings/server").status_code == 404
    assert 'id="registration-open"' not in bob.get("/settings/you").get_data(as_text=True)


def section_links(page) -> list[str]:
    return re.findall(r'data-settings-section="(\w+)"', page.get_data(as_text=True))


def test_settings_has_an_address_for_each_section(alex, make_user, sign_in):
    assert alex.get("/settings").location == "/settings/you"
    assert section_links(alex.get("/settings/you")) == [
        "you",
        "server",
        "backups",
        "tokens",
        "households",
    ]
    for section, heading in (("backups", "Backups"), ("households", "Households")):
        page = alex.get(f"/settings/{section}").get_data(as_text=True)
        assert f'<h2 class="h4 mb-3" id="section-heading">{heading}</h2>' in page
        assert f"<title>Settings · {heading} · Tallybook</title>" in page
    assert alex.get("/settings/nowhere").status_code == 404
    make_user("bob")
    bob = sign_in("bob")
    assert section_links(bob.get("/settings/you")) == ["you", "tokens", "households"]
    assert bob.get("/settings/backups").status_code == 404


def test_the_desktop_windows_settings_have_this_computer_instead_of_server(app_config):
    from server import create_app
    from tests.conftest import PASSWORD, db

    app = create_app({**app_config, "WINDOW_HANDOFF": "launch"})
    try:
        client = app.test_client()
        client.post("/api/v1/setup", json={"username": "alex", "password": PASSWORD})
        assert section_links(client.get("/settings/you")) == [
            "you",
            "computer",
            "backups",
            "tokens",
            "households",
        ]
        page = client.get("/settings/computer").get_data(as_text=True)
        assert "Sign in automatically on this computer" in page
        assert 'id="registration-open"' in page
        assert client.get("/settings/server").status_code == 404
    finally:
        db(app).close()


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")


def test_static_assets_are_versioned_and_cached_for_good(client):
    html = client.get("/setup").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert urls and all("?" in url for url in urls)
    for url in urls:
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get("/static/js/api.js") as unversioned:  # imported by modules: revalidated
        assert "immutable" not in unversioned.headers.get("Cache-Control", "")


def test_icon_font_preload_matches_its_stylesheet(client):
    html = client.get("/setup").get_data(as_text=True)
    with client.get("/static/vendor/bootstrap-icons/bootstrap-icons.min.css") as css:
        font = re.search(r'url\("?(fonts/[^")]+\.woff2\?[^")]*)', css.get_data(as_text=True))[1]
    assert f'<link rel="preload" href="/static/vendor/bootstrap-icons/{font}"' in html


def test_no_page_loads_axe_core():
    # axe-core is vendored for the accessibility tests, which inject it; the product never runs it.
    ui = Path(__file__).resolve().parents[2] / "ui"
    files = [*ui.joinpath("templates").rglob("*.html"), *ui.joinpath("static", "js").rglob("*.js")]
    assert files
    loading = [f.name for f in files if re.search(r"axe(-core|\.min\.js)", f.read_text("utf-8"))]
    assert not loading


def test_book_pages_are_for_its_members_only(alex, make_user, sign_in, client):
    book = alex.post("/api/v1/books", json={"name": "Household", "currency": "EUR"}).json
    account = alex.post(
        f"/api/v1/books/{book['id']}/accounts", json={"name": "Checking", "type": "checking"}
    ).json
    other = alex.post("/api/v1/books", json={"name": "Other", "currency": "EUR"}).json
    pages = [
        f"/books/{book['id']}",
        f"/books/{book['id']}/accounts/{account['id']}",
        f"/books/{book['id']}/transactions",
        f"/books/{book['id']}/categories",
        f"/books/{book['id']}/rules",
        f"/books/{book['id']}/import",
    ]
    for path in pages:
        page = alex.get(path)
        assert page.status_code == 200, path
        assert f'data-book-id="{book["id"]}"' in page.get_data(as_text=True)
        assert client.get(path).location == f"/login?next={path}"
    make_user("bob")
    bob = sign_in("bob")
    for path in pages:
        response = bob.get(path)
        assert response.status_code == 404, path
        assert "Household" not in response.get_data(as_text=True)
    # An account is shown only under its own book.
    assert alex.get(f"/books/{other['id']}/accounts/{account['id']}").status_code == 404


def test_a_viewer_gets_the_pages_marked_read_only(alex, make_user, sign_in):
    book = alex.post("/api/v1/books", json={"name": "Household", "currency": "EUR"}).json
    make_user("sam")
    sam = sign_in("sam")
    share(alex, sam, book["id"], "viewer")
    page = sam.get(f"/books/{book['id']}").get_data(as_text=True)
    assert 'data-role="viewer"' in page


def test_field_attributes_reach_the_page_unescaped(alex):
    book = alex.post("/api/v1/books", json={"name": "Household", "currency": "EUR"}).json
    page = alex.get(f"/books/{book['id']}/transactions").get_data(as_text=True)
    assert 'list="payee-options"' in page
    assert 'inputmode="decimal"' in page
    assert "&#34;" not in page
