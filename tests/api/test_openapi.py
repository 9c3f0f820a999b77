"""The OpenAPI document is generated from the routes and documents every one of them."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import date, datetime

from apiflask import Schema
from marshmallow import ValidationError

from server.api.parameters import PATH_PARAMETERS
from server.api.schemas import Problem, ValidationProblem


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
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [
        {"bearerAuth": []},
        {"oauth2": ["read"]},
    ]
    assert spec["paths"]["/api/v1/tokens"]["get"]["security"] == [{"bearerAuth": []}]  # no app
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


def operations(spec):
    """Yield (method, path, operation) for every operation under /api/v1."""
    for path, item in spec["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, operation


def has_example(media):
    return "example" in media or bool(media.get("examples"))


def media_examples(media):
    if "example" in media:
        yield media["example"]
    for named in media.get("examples", {}).values():
        yield named["value"]


def test_every_operation_has_examples_and_error_responses(client):
    spec = client.get("/api/v1/openapi.json").json
    missing = []
    for method, path, op in operations(spec):
        where = f"{method} {path}"
        responses = op["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, f"{where} documents no success"
        for code in success:
            for media_type, media in responses[code].get("content", {}).items():
                binary = media.get("schema", {}).get("format") == "binary"
                if code != "204" and not binary and not has_example(media):
                    missing.append(f"{where}: {code} {media_type} has no example")
        for media_type, media in op.get("requestBody", {}).get("content", {}).items():
            if not has_example(media):
                missing.append(f"{where}: request body {media_type} has no example")
        errors = [code for code in responses if code.startswith("4")]
        if not errors:
            missing.append(f"{where}: documents no 4xx response")
        if op.get("security") and "401" not in responses:
            missing.append(f"{where}: protected but 401 is not documented")
        if "{" in path and "404" not in responses:
            missing.append(f"{where}: has a path parameter but 404 is not documented")
        for code in errors:
            content = responses[code].get("content", {})
            if "application/problem+json" not in content:
                missing.append(f"{where}: {code} is not documented as problem+json")
            elif not has_example(content["application/problem+json"]):
                missing.append(f"{where}: {code} has no example")
    assert missing == []


def test_write_routes_document_403_and_if_match_routes_412(app, client):
    spec = client.get("/api/v1/openapi.json").json
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            responses = spec["paths"][openapi_path(rule.rule)][method.lower()]["responses"]
            if "write" in (getattr(view, "_spec", {}).get("roles") or []):
                assert "403" in responses, f"{method} {rule.rule} can refuse a read-only token"
            if method in ("PATCH", "DELETE") and "If-Match" in view.__doc__ + str(
                spec["paths"][openapi_path(rule.rule)][method.lower()].get("description")
            ):
                assert "412" in responses, f"{method} {rule.rule} checks If-Match"
    login = spec["paths"]["/api/v1/session"]["post"]["responses"]
    assert "Retry-After" in login["429"]["headers"]
    uploads = ("/books/import", "/books/import/{app}", "/books/{book_id}/imports")
    for upload in (*uploads, "/books/{book_id}/imports/preview"):
        assert "413" in spec["paths"][f"/api/v1{upload}"]["post"]["responses"]


def resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def check(spec, schema, value, where, *, complete):
    """Return the ways `value` breaks the OpenAPI `schema` (with `complete`, every property
    the schema names must be there, as in a response)."""
    schema = resolve(spec, schema)
    if "anyOf" in schema:
        tries = [check(spec, s, value, where, complete=complete) for s in schema["anyOf"]]
        return [] if [] in tries else tries[0]
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if value is None:
        nullable = schema.get("nullable") or "null" in kinds or not schema
        return [] if nullable else [f"{where}: null"]
    kind = next((k for k in kinds if k != "null"), None)
    types = {
        "string": str,
        "integer": int,
        "number": int | float,
        "boolean": bool,
        "array": list,
        "object": dict,
    }
    if kind and (
        not isinstance(value, types[kind]) or (kind != "boolean" and isinstance(value, bool))
    ):
        return [f"{where}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} is not one of {schema['enum']}"]
    if kind == "string" and schema.get("format") in ("date", "date-time"):
        parse = date.fromisoformat if schema["format"] == "date" else datetime.fromisoformat
        try:
            parse(value)
        except ValueError:
            return [f"{where}: {value!r} is not a {schema['format']}"]
    problems = []
    if kind == "array":
        for i, item in enumerate(value):
            problems += check(
                spec, schema.get("items", {}), item, f"{where}[{i}]", complete=complete
            )
    if kind == "object" and "properties" in schema:
        properties = schema["properties"]
        problems += [f"{where}.{key}: not in the schema" for key in set(value) - set(properties)]
        needed = set(properties) if complete else set(schema.get("required", []))
        problems += [f"{where}.{key}: missing" for key in needed - set(value)]
        for key in set(value) & set(properties):
            problems += check(
                spec, properties[key], value[key], f"{where}.{key}", complete=complete
            )
    elif kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        for key, item in value.items():
            problems += check(
                spec, schema["additionalProperties"], item, f"{where}.{key}", complete=complete
            )
    return problems


def test_examples_match_their_openapi_schemas(client):
    """Every example, of a request, a response or an error, fits the schema beside it; a
    JSON response example holds every field the response has (an error's, every field it
    always has: `errors` only where fields are named)."""
    spec = client.get("/api/v1/openapi.json").json
    problems = []
    for method, path, op in operations(spec):
        for media in op.get("requestBody", {}).get("content", {}).values():
            for example in media_examples(media):
                where = f"{method} {path} request"
                problems += check(spec, media["schema"], example, where, complete=False)
        for code, response in op["responses"].items():
            for media_type, media in response.get("content", {}).items():
                if "json" not in media_type:
                    continue
                for example in media_examples(media):
                    where = f"{method} {path} {code}"
                    complete = not code.startswith("4")
                    problems += check(spec, media["schema"], example, where, complete=complete)
    assert problems == []


def test_examples_load_through_their_marshmallow_schemas(app):
    """The schemas' own validation (lengths, choices, ranges, required fields) accepts each
    route's request example and response example."""
    problems = []
    for rule in api_rules(app):
        spec = getattr(app.view_functions[rule.endpoint], "_spec", {})
        body, example = spec.get("body"), spec.get("body_example")
        if body is not None and example is not None:
            try:
                body.load(example)
            except ValidationError as error:
                problems.append(f"{rule.rule} request: {error.messages}")
        response = spec.get("response") or {}
        schema, example = response.get("schema"), response.get("example")
        if isinstance(schema, Schema) and example is not None:
            try:
                type(schema)().load(example)
            except ValidationError as error:
                problems.append(f"{rule.rule} response: {error.messages}")
    assert problems == []


def test_error_examples_are_what_the_server_sends(client):
    """The documented 404 and 422 bodies have the shape the problem handler really sends."""
    spec = client.get("/api/v1/openapi.json").json
    responses = spec["paths"]["/api/v1/books/{book_id}"]["get"]["responses"]
    documented = responses["404"]["content"]["application/problem+json"]["example"]
    sent = client.get("/api/v1/books/7")  # anonymous: 401, the same envelope
    assert sent.mimetype == "application/problem+json"
    assert set(documented) == set(sent.json)
    assert Problem().load(documented) == documented
    invalid = spec["paths"]["/api/v1/setup"]["post"]["responses"]["422"]
    example = invalid["content"]["application/problem+json"]["example"]
    sent = client.post("/api/v1/setup", json={})
    assert set(example) == set(sent.json)
    assert ValidationProblem().load(example) == example


def test_every_parameter_is_described(client):
    """Path and query parameters alike: a script's author reads what to pass in each."""
    spec = client.get("/api/v1/openapi.json").json
    shared = spec["components"].get("parameters", {})
    missing, path_names = [], set()
    for method, path, op in operations(spec):
        for parameter in op.get("parameters", []):
            if "$ref" in parameter:
                parameter = shared[parameter["$ref"].rsplit("/", 1)[1]]
            if parameter["in"] == "path":
                path_names.add(parameter["name"])
            if not parameter.get("description", "").strip():
                missing.append(f"{method} {path}: {parameter['in']} {parameter['name']}")
    assert missing == []
    assert set(PATH_PARAMETERS) == path_names, "a described path parameter is used nowhere"


def test_every_operation_has_an_operation_id_of_its_own(client):
    """Client generators name their methods after it."""
    spec = client.get("/api/v1/openapi.json").json
    ids = [
        operation.get("operationId")
        for item in spec["paths"].values()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert None not in ids
    assert len(ids) == len(set(ids))
    assert "get_accounts_list_all" in ids and "post_oauth_token" in ids


def test_a_body_with_required_fields_is_a_required_body(alex):
    """APIFlask left every body optional: a fuzzer sent none and the server's 422 looked like a
    valid request refused."""
    spec = alex.get("/api/v1/openapi.json").json
    needed = []
    for method, path, operation in operations(spec):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media is not None and resolve(spec, media["schema"]).get("required"):
            assert operation["requestBody"].get("required") is True, (method, path)
            needed.append((method, path))
    assert ("POST", "/api/v1/books/{book_id}/schedules") in needed
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    response = alex.post(f"/api/v1/books/{book}/schedules")
    assert response.status_code == 422


def test_a_month_in_a_path_is_documented_as_the_server_takes_it(alex):
    spec = alex.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/books/{book_id}/budgets/{month}"]["get"]
    (month,) = [p for p in operation["parameters"] if p["name"] == "month"]
    pattern = month["schema"]["pattern"]
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    for text in ("2025-03", "0001-01", "0000-01", "2025-13", "2025-3", "٢٠٢٥-٠٣", "2025-03x"):
        status = alex.get(f"/api/v1/books/{book}/budgets/{text}").status_code
        assert (status == 200) == bool(re.search(pattern, text)), (text, status)


def test_currencies_and_account_types_are_documented_as_the_server_takes_them(alex):
    """A currency was documented as any text of up to 10 characters; a changed account's type
    too: the server takes only ISO 4217 codes and its own types."""
    spec = alex.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    codes = schemas["BookIn"]["properties"]["currency"]["enum"]
    assert "EUR" in codes and "JPY" in codes and "eur" not in codes and "XYZ" not in codes
    for schema in ("BookPatch", "AccountIn"):
        assert schemas[schema]["properties"]["currency"]["enum"] == codes, schema
    types = schemas["AccountIn"]["properties"]["type"]["enum"]
    assert schemas["AccountPatch"]["properties"]["type"]["enum"] == types
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    for code in ("EUR", "XYZ"):
        status = alex.patch(f"/api/v1/books/{book}", json={"currency": code}).status_code
        assert (status == 200) == (code in codes), (code, status)


def test_a_new_username_is_documented_as_the_server_takes_it(client):
    """The first run's form took any username of 1 to 100 characters, by the document."""
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    pattern = schemas["NewCredentials"]["properties"]["username"]["pattern"]
    assert schemas["NewUser"]["properties"]["username"]["pattern"] == pattern
    for username in ("ab", "a" * 33, "bad name", " x\n", "zoë.k-1_\n"):
        status = client.post(
            "/api/v1/setup", json={"username": username, "password": "correct horse battery"}
        ).status_code
        assert (status == 201) == bool(re.search(pattern, username)), (username, status)
        if status == 201:
            break  # the first user exists now


def test_names_are_documented_as_not_blank_as_the_server_takes_them(alex):
    """A blank name was valid by the document; the server refuses it (it strips names)."""
    spec = alex.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    base = f"/api/v1/books/{book}"
    cases = [
        ("BookIn", "/api/v1/books", {"currency": "EUR"}),
        ("AccountIn", f"{base}/accounts", {"type": "cash"}),
        ("CategoryGroupIn", f"{base}/category-groups", {}),
        ("TagIn", f"{base}/tags", {}),
    ]
    for schema, path, rest in cases:
        pattern = schemas[schema]["properties"]["name"]["pattern"]
        for name in (" \t ", "\u3000", "a,b", " Ok "):
            answer = alex.post(path, json={**rest, "name": name})
            documented = bool(re.search(pattern, name))
            assert (answer.status_code == 201) == documented, (schema, name, answer.json)
    assert schemas["BookFile"]["properties"]["format"]["enum"] == ["tallybook-book"]


def test_amounts_and_report_months_are_documented_as_the_server_takes_them(alex):
    spec = alex.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    pattern = schemas["AccountIn"]["properties"]["opening_balance"]["pattern"]
    assert schemas["TransactionIn"]["properties"]["amount"]["pattern"] == pattern
    book = alex.get("/api/v1/books").json["items"][0]["id"]
    for n, text in enumerate((" -12.34 ", ".5", "7.", "1e3", "12,50", "--1", "")):
        body = {"name": f"Cash {n}", "type": "cash", "opening_balance": text}
        status = alex.post(f"/api/v1/books/{book}/accounts", json=body).status_code
        assert (status == 201) == bool(re.search(pattern, text)), (text, status)
    spending = spec["paths"]["/api/v1/books/{book_id}/reports/spending"]["get"]
    (start,) = [p for p in spending["parameters"] if p["name"] == "start"]
    for month in ("2025-01", "2025-13", "0000-12"):
        status = alex.get(f"/api/v1/books/{book}/reports/spending?start={month}").status_code
        assert (status == 200) == bool(re.search(start["schema"]["pattern"], month)), month


def test_a_book_files_items_are_documented_as_objects(client):
    """A null item was valid by the document; the server refuses it."""
    spec = client.get("/api/v1/openapi.json").json
    properties = spec["components"]["schemas"]["BookFile"]["properties"]
    for name in ("accounts", "transactions", "schedules"):
        assert properties[name]["items"] == {"type": "object"}, name
    assert properties["payees"]["items"]["type"] == "string"


def _request_texts(spec: dict, schema: dict, seen: set[str]) -> Iterator[dict]:
    """Every string schema a request's body or parameter holds."""
    name = schema.get("$ref", "").rpartition("/")[2]
    if name:
        if name not in seen:
            seen.add(name)
            yield from _request_texts(spec, spec["components"]["schemas"][name], seen)
        return
    kinds = schema.get("type")
    if kinds == "string" or (isinstance(kinds, list) and "string" in kinds):
        yield schema
    items = [schema["items"]] if "items" in schema else []
    for inner in (*schema.get("properties", {}).values(), *items):
        yield from _request_texts(spec, inner, seen)


ODD = "\x00\x07\x91"  # NUL, a C0 and a C1 control character


def test_every_text_a_request_sends_is_documented_without_control_characters(client):
    """The server refuses control characters in every text (a memo may hold tabs and line
    breaks); the document said any string, so a fuzzer's U+0091 was "valid"."""
    spec = client.get("/api/v1/openapi.json").json
    loose, texts = [], 0
    for _method, path, operation in operations(spec):
        schemas = [p.get("schema", {}) for p in operation.get("parameters", [])]
        schemas += [
            m["schema"] for m in operation.get("requestBody", {}).get("content", {}).values()
        ]
        for schema in schemas:
            for text in _request_texts(spec, schema, set()):
                texts += 1
                if "enum" in text or "format" in text:
                    continue
                pattern = text.get("pattern")
                if pattern is None or any(re.search(pattern, f"a{odd}b") for odd in ODD):
                    loose.append((path, text))
    assert loose == []
    assert texts > 100


def test_malformed_requests_are_400s_the_document_declares(alex):
    """Each operation that reads a JSON body or an `Idempotency-Key` declares its 400, and the
    400s sent (a body that is no JSON object, a bad key naming the header) fit its schema."""
    spec = alex.get("/api/v1/openapi.json").json
    key = {"$ref": "#/components/parameters/IdempotencyKey"}
    undeclared = [
        (method, path)
        for method, path, op in operations(spec)
        if ("application/json" in op.get("requestBody", {}).get("content", {}))
        or key in op.get("parameters", [])
        if "400" not in op["responses"]
    ]
    assert undeclared == []
    declared = spec["paths"]["/api/v1/books"]["post"]["responses"]["400"]
    schema = declared["content"]["application/problem+json"]["schema"]
    sent = [
        alex.post("/api/v1/books", data="{", content_type="application/json"),
        alex.post("/api/v1/books", data="[" * 100_000, content_type="application/json"),
        alex.post("/api/v1/books", json=["Household"]),
        alex.post("/api/v1/books", json={"name": "B"}, headers={"Idempotency-Key": "k" * 300}),
    ]
    for answer in sent:
        assert answer.status_code == 400, answer.json
        assert check(spec, schema, answer.json, "400", complete=False) == []
    assert sent[-1].json["errors"][0]["field"] == "Idempotency-Key"
