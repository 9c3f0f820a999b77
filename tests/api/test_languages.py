"""Tallybook speaks the user's language: the one chosen (PATCH /api/v1/me, Settings), else the
computer's on the desktop, else the request's Accept-Language. Problem messages follow it (the
`code` stays English), and so do the pages, with `<html lang>`."""

from __future__ import annotations

import re

import pytest

from server.i18n import LANGUAGES, language_of, system_language
from tests.api.test_accounts import new_book

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
FRENCH = {"Accept-Language": "fr-CH, fr;q=0.9"}


def test_problems_speak_the_accept_language_and_keep_their_code(client):
    german = client.get("/api/v1/me", headers=GERMAN)
    french = client.get("/api/v1/me", headers=FRENCH)
    english = client.get("/api/v1/me")
    assert german.status_code == french.status_code == english.status_code == 401
    assert german.json["detail"].startswith("Melden Sie sich an")
    assert german.json["title"] == "Nicht angemeldet"
    assert french.json["detail"].startswith("Connectez-vous")
    assert english.json["detail"].startswith("Sign in")
    assert german.json["code"] == french.json["code"] == english.json["code"] == "unauthorized"


def test_the_domains_field_messages_are_translated_with_their_values(alex):
    book = new_book(alex)
    body = {"name": "", "type": "checking", "currency": "EUR", "opening_balance": "1.234"}
    answer = alex.post(f"/api/v1/books/{book}/accounts", json=body, headers=GERMAN)
    assert answer.status_code == 422
    assert answer.json["code"] == "validation_failed"
    assert answer.json["detail"] == "Das Konto kann so nicht angelegt werden."
    messages = {error["field"]: error["message"] for error in answer.json["errors"]}
    assert messages["name"] == "Geben Sie dem Konto einen Namen mit 1 bis 100 Zeichen."
    assert messages["opening_balance"] == "Beträge in EUR haben höchstens 2 Nachkommastellen."
    french = alex.post(f"/api/v1/books/{book}/accounts", json=body, headers=FRENCH).json
    amounts = [e["message"] for e in french["errors"] if e["field"] == "opening_balance"]
    assert amounts == ["Les montants en EUR ont au plus 2 décimales."]


def test_a_conflict_counts_in_the_language_s_plural(alex):
    book = new_book(alex)
    base = f"/api/v1/books/{book}"
    account = alex.post(
        base + "/accounts", json={"name": "Cash", "type": "cash", "opening_balance": "0"}
    ).json["id"]
    payee = {"account_id": account, "date": "2025-01-02", "amount": "-3.00", "payee": "Bakery"}
    assert alex.post(base + "/transactions", json=payee).status_code == 201
    bakery = next(p for p in alex.get(base + "/payees").json["items"] if p["name"] == "Bakery")
    refused = alex.delete(f"{base}/payees/{bakery['id']}", headers=GERMAN)
    assert refused.status_code == 409
    assert refused.json["detail"].startswith("Der Empfänger 'Bakery' wird von 1 Buchung verwendet")


def test_the_user_s_choice_wins_over_accept_language_until_cleared(alex):
    assert alex.get("/api/v1/me").json["language"] is None
    chosen = alex.patch("/api/v1/me", json={"language": "fr"}, headers=GERMAN)
    assert chosen.status_code == 200
    assert chosen.json["language"] == "fr"
    assert alex.get("/api/v1/me").json["language"] == "fr"
    missing = alex.get("/api/v1/books/999999", headers=GERMAN).json
    assert (missing["title"], missing["code"]) == ("Introuvable", "not_found")
    page = alex.get("/settings/you", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert '<h1 class="h3 mb-4">Réglages</h1>' in page
    assert alex.patch("/api/v1/me", json={"language": None}).json["language"] is None
    page = alex.get("/settings/you", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="de"' in page
    assert "Einstellungen" in page


@pytest.mark.parametrize("language", ["xx", "", "EN", 1, "de-DE"])
def test_only_a_language_we_speak_can_be_chosen(alex, language):
    refused = alex.patch("/api/v1/me", json={"language": language})
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json["errors"]] == ["language"]
    assert alex.get("/api/v1/me").json["language"] is None


def test_choosing_a_language_needs_a_write_credential(alex, client, make_token):
    assert client.patch("/api/v1/me", json={"language": "de"}).status_code == 401
    token = make_token(alex.user, "read")
    refused = client.patch(
        "/api/v1/me", json={"language": "de"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("desktop_language", ["fr"])
def test_the_desktop_program_speaks_the_computer_s_language(app_config, desktop_language):
    from server import create_app

    app = create_app({**app_config, "DESKTOP": True, "SYSTEM_LANGUAGE": desktop_language})
    page = app.test_client().get("/setup", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert ">Bienvenue</h1>" in page
    served = create_app({**app_config, "DATA_DIR": app_config["DATA_DIR"] + "-server"})
    page = served.test_client().get("/setup", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="de"' in page


def test_every_page_title_of_a_german_session_is_german(alex):
    book = new_book(alex)
    titles = {}
    for path in ("/", "/settings/you", f"/books/{book}/budget", f"/books/{book}/rules"):
        page = alex.get(path, headers=GERMAN).get_data(as_text=True)
        titles[path] = re.search(r"<title>(.*?) · Tallybook</title>", page).group(1)
    assert titles["/"] == "Bücher"
    assert titles["/settings/you"] == "Einstellungen · Ihr Profil"
    assert titles[f"/books/{book}/budget"].startswith("Budget · ")
    assert titles[f"/books/{book}/rules"].startswith("Regeln · ")


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANGUAGE": "fr_CH:de", "LANG": "de_DE.UTF-8"}, "fr"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "pt_BR.UTF-8"}, None),
    ],
)
def test_the_computer_s_language_is_read_from_the_session(monkeypatch, variables, expected):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert system_language() == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("German_Germany", "de"), ("fr-FR", "fr"), ("C", None), (None, None), ("it:fr", "fr")],
)
def test_locale_names_of_every_platform_are_understood(tag, expected):
    assert language_of(tag) == expected


def test_the_document_states_the_languages_the_server_takes(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for name in ("UserOut", "ProfileChange"):
        assert schemas[name]["properties"]["language"]["enum"] == [*LANGUAGES, None], name
    assert schemas["ProfileChange"]["required"] == ["language"]


def test_a_field_the_schema_refuses_is_told_its_rule_in_the_request_s_language(alex):
    book = new_book(alex)
    body = {"name": 5, "type": "checking", "opening_balance": "0", "colour": "blue"}
    answer = alex.post(f"/api/v1/books/{book}/accounts", json=body, headers=GERMAN)
    assert answer.status_code == 422
    assert answer.json["title"] == "Prüfung fehlgeschlagen"
    messages = {error["field"]: error["message"] for error in answer.json["errors"]}
    assert messages["name"] == "Verwenden Sie hier Text."
    assert messages["colour"] == "Dieses Feld nimmt diese Anfrage nicht an."
    english = alex.post(f"/api/v1/books/{book}/accounts", json=body).json
    assert {e["field"]: e["message"] for e in english["errors"]}["name"] == "Use text here."


def test_a_schema_s_length_rule_is_told_with_its_numbers_in_french(alex):
    long_name = "x" * 150
    answer = alex.post("/api/v1/books", json={"name": long_name}, headers=FRENCH)
    assert answer.status_code == 422
    messages = {error["field"]: error["message"] for error in answer.json["errors"]}
    assert messages["name"] == "Utilisez au plus 100 caractères (cette valeur en a 150)."
