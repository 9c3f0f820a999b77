"""The OpenAPI document is generated from the routes and documents every one of them."""

from __future__ import annotations

import re
import warnings


def api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "openapi.spec":
            yield rule


def openapi_path(rule_path):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule_path)


def test_spec_is_served_as_openapi_3(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Tallybook API"
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_every_schema_has_a_name_of_its_own(app):
    """Two schemas of one name make apispec rename one and warn; references can then point at
    the wrong one (and an unlucky pair breaks the document)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app._spec = None  # built afresh
        app.spec  # noqa: B018 (building it is the test)
    assert [str(w.message) for w in caught] == []


def test_every_route_is_documented_with_summary_and_description(app, client):
    spec = client.get("/api/v1/openapi.json").json
    for rule in api_rules(app):
        path = openapi_path(rule.rule)
        assert path in spec["paths"], f"{path} missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = spec["paths"][path][method.lower()]
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert operation.get("description"), f"{method} {path} has no description"


def test_protected_routes_declare_bearer_auth(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/api/v1/health"]["get"]


def test_validation_errors_are_documented_as_problems(client):
    spec = client.get("/api/v1/openapi.json").json
    responses = spec["paths"]["/api/v1/books"]["post"]["responses"]
    schema_ref = responses["422"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref.endswith("/ValidationProblem")


def test_docs_page_uses_vendored_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html
    with client.get("/static/vendor/swagger-ui-dist/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200
