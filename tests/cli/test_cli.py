"""The `tallybook` command line: scriptable, with meaningful exit codes."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
import requests
from click.testing import CliRunner

from server import create_app
from server.cli import cli
from server.clock import utcnow
from server.config import DATA_DIR_ENV, DATABASE_FILENAME
from server.db.backups import create_backup
from server.desktop.instance_lock import InstanceLock
from server.request_db import database
from tests.conftest import PASSWORD, db
from tests.unit.test_ofx_import import CHECKING_AND_SAVINGS
from tests.unit.test_qif_import import CREDIT_CARD


@pytest.fixture
def run(data_dir, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))

    def invoke(*args, stdin=None):
        return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)

    return invoke


def open_app(data_dir):
    return create_app({"DATA_DIR": str(data_dir), "BCRYPT_ROUNDS": 4, "AUTOMATIC_BACKUPS": False})


def test_user_create_and_token_create(run, data_dir):
    created = run(
        "user", "create", "--username", "alex", "--password-stdin", "--admin", stdin=PASSWORD + "\n"
    )
    assert created.exit_code == 0, created.output
    assert "Created administrator alex" in created.stdout
    token = run("token", "create", "--username", "alex", "--scope", "read", "--name", "cli")
    assert token.exit_code == 0
    assert re.fullmatch(r"tb_pat_[\w-]{40,}\n", token.stdout)  # only the token
    app = open_app(data_dir)
    me = app.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token.stdout.strip()}"}
    )
    assert me.json["username"] == "alex" and me.json["is_admin"] is True
    assert (
        app.test_client()
        .post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
        .status_code
        == 200
    )
    db(app).close()


def test_token_with_expiry(run, data_dir):
    run("user", "create", "--username", "alex", "--password-stdin", stdin=PASSWORD)
    secret = run(
        "token", "create", "--username", "alex", "--scope", "write", "--expires-in-days", "7"
    ).stdout.strip()
    app = open_app(data_dir)
    listed = (
        app.test_client()
        .get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"})
        .json["items"]
    )
    assert listed[0]["scope"] == "write" and listed[0]["expires_at"]
    db(app).close()


def test_refused_input_exits_1_with_the_reasons(run):
    result = run("user", "create", "--username", "x", "--password-stdin", stdin="password\n")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: The account cannot be created as given."
    assert [line.split(":")[0] for line in lines[1:]] == ["  username", "  password"]
    assert result.stdout == ""


def test_unknown_user_exits_1(run):
    result = run("token", "create", "--username", "ghost", "--scope", "read")
    assert result.exit_code == 1
    assert "no user 'ghost'" in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["user", "create", "--username", "alex"], PASSWORD),  # no --password-stdin
        (["user", "create", "--username", "alex", "--password-stdin"], ""),  # empty stdin
        (["token", "create", "--username", "alex", "--scope", "admin"], None),
        (["serve", "--port", "70000"], None),
    ],
)
def test_wrong_usage_exits_2(run, args, stdin):
    assert run(*args, stdin=stdin).exit_code == 2


def test_busy_data_folder_exits_3(run, data_dir):
    """Every command, also one that only reads, as the README says: each opens the database."""
    with InstanceLock(data_dir):
        result = run("user", "create", "--username", "alex", "--password-stdin", stdin=PASSWORD)
        restore = run("restore", str(data_dir / "backups" / "any.sqlite3"))
        readers = [run(*args) for args in (["app", "list"], ["backup", "--list"], ["doctor"])]
        serve = run("serve", "--port", "0")
    assert result.exit_code == 3
    assert "already running" in result.stderr
    assert restore.exit_code == 3
    for refused in [*readers, serve]:
        assert refused.exit_code == 3 and "already running" in refused.stderr
        assert refused.stdout == ""


def reset_password(run, *options):
    """Reset alex's password to "a whole new passphrase" from the command line."""
    return run(
        "user",
        "reset-password",
        "--username",
        "alex",
        "--password-stdin",
        *options,
        stdin="a whole new passphrase\n",
    )


@pytest.mark.parametrize("keep", [False, True])
def test_reset_password_revokes_tokens_unless_told_to_keep_them(run, data_dir, keep):
    run("user", "create", "--username", "alex", "--password-stdin", stdin=PASSWORD)
    secret = run("token", "create", "--username", "alex", "--scope", "read").stdout.strip()
    result = reset_password(run, *(["--keep-tokens"] if keep else []))
    assert result.exit_code == 0, result.output
    assert ("tokens and apps' access are revoked" in result.stdout) is not keep
    app = open_app(data_dir)
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == (200 if keep else 401)
    db(app).close()


def test_reset_password_ends_sessions(run, data_dir):
    run("user", "create", "--username", "alex", "--password-stdin", stdin=PASSWORD)
    app = open_app(data_dir)
    browser = app.test_client()
    browser.post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
    db(app).close()
    result = reset_password(run)
    assert result.exit_code == 0, result.output
    app = open_app(data_dir)
    assert (
        app.test_client()
        .post("/api/v1/session", json={"username": "alex", "password": "a whole new passphrase"})
        .status_code
        == 200
    )
    assert (
        app.test_client()
        .post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
        .status_code
        == 401
    )
    db(app).close()


def test_serve_refuses_plain_http_off_loopback(run):
    result = run("serve", "--host", "0.0.0.0")  # noqa: S104 - checking that it is refused
    assert result.exit_code == 1
    assert "--insecure-http" in result.stderr


def test_serve_runs_and_stops_cleanly(data_dir):
    env = {**os.environ, DATA_DIR_ENV: str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = process.stdout.readline()
        url = re.search(r"serving (http://127\.0\.0\.1:\d+/)", first).group(1)
        assert requests.get(url + "api/v1/health", timeout=5).json()["status"] == "ok"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        process.kill()
        process.communicate()


def test_every_command_has_help():
    for args in (
        ["--help"],
        ["serve", "--help"],
        ["user", "create", "--help"],
        ["user", "reset-password", "--help"],
        ["token", "create", "--help"],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0 and "Usage:" in result.stdout


def every_command(group=cli, prefix="tallybook"):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from every_command(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


def test_every_option_has_help_text():
    missing = [
        f"{name} {'/'.join(param.opts)}"
        for name, command in every_command()
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert missing == []


def test_python_dash_m_server():
    result = subprocess.run(
        [sys.executable, "-m", "server", "--version"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    assert result.stdout.startswith("tallybook, version")


def test_backup_list_says_when_there_is_none(run, data_dir):
    listed = run("backup", "--list")
    assert listed.exit_code == 0
    assert listed.stdout == ""  # stdout lists backups only, for scripts
    assert listed.stderr == f"No backups yet in {data_dir / 'backups'}.\n"


def test_backup_list_shows_a_backups_label(run, data_dir):
    app = open_app(data_dir)
    made = create_backup(db(app), "before-book-delete", utcnow(), label="Before deleting X")
    db(app).close()
    listed = run("backup", "--list").stdout
    assert listed == f"{made.path}\tbefore-book-delete\t{made.size} bytes\tBefore deleting X\n"


def test_backup_list_and_restore(run, data_dir, tmp_path):
    assert (
        run(
            "user", "create", "--username", "alex", "--password-stdin", stdin=PASSWORD + "\n"
        ).exit_code
        == 0
    )
    made = run("backup")
    assert made.exit_code == 0, made.output
    path = Path(made.stdout.strip().removeprefix("Backed up to "))
    assert path.is_file() and path.parent == data_dir / "backups"
    assert (
        run(
            "user", "create", "--username", "bob", "--password-stdin", stdin=PASSWORD + "\n"
        ).exit_code
        == 0
    )

    listed = run("backup", "--list")
    assert listed.exit_code == 0 and str(path) in listed.stdout and "manual" in listed.stdout

    restored = run("restore", str(path))
    assert restored.exit_code == 0, restored.output
    assert "The state before is kept in" in restored.stdout
    app = open_app(data_dir)
    with app.app_context():
        with database().read() as conn:
            names = {r[0] for r in conn.execute("SELECT username FROM users")}
        database().close()
    assert names == {"alex"}

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"nothing like a database" * 50)
    refused = run("restore", str(junk))
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: The file is not a database")
    assert len(refused.stderr.splitlines()) == 1  # said once, not again under its field
    missing = run("restore", str(tmp_path / "missing.sqlite3"))
    assert missing.exit_code == 1 and "There is no file" in missing.stderr


def _account_of_new_user(run, data_dir, currency: str) -> int:
    """Make user alex (through the CLI) and an account "Current" in their book."""
    assert (
        run(
            "user", "create", "--username", "alex", "--password-stdin", stdin=PASSWORD + "\n"
        ).exit_code
        == 0
    )
    return add_account(data_dir, "Current", currency)


def add_account(data_dir, name: str, currency: str) -> int:
    """Add an account to the (one) book of the data folder."""
    app = open_app(data_dir)
    with app.app_context():
        with database().write() as db:
            book = db.execute("SELECT id FROM books").fetchone()[0]
            account = (
                db["accounts"]
                .insert(
                    {
                        "book_id": book,
                        "name": name,
                        "type": "checking",
                        "currency": currency,
                        "opening_date": "2025-01-01",
                        "created_at": "2025-01-01T00:00:00Z",
                        "updated_at": "2025-01-01T00:00:00Z",
                    }
                )
                .last_pk
            )
        database().close()
    return account


def test_import_a_bank_file_once_and_ask_about_ambiguous_dates(run, data_dir, tmp_path):
    account = _account_of_new_user(run, data_dir, "GBP")
    statement = tmp_path / "april.csv"
    statement.write_text(
        "Date,Description,Money out,Money in\n"
        "03/04/2025,TESCO STORES 2231,12.40,\n"
        "02/04/2025,SALARY APRIL,,2100.00\n",
        encoding="cp1252",
    )
    args = ("import", str(statement), "--account", str(account), "--username", "alex")
    asked = run(*args)
    assert asked.exit_code == 1
    assert "--date-format %d/%m/%Y" in asked.stderr and "--date-format %m/%d/%Y" in asked.stderr

    done = run(*args, "--date-format", "%d/%m/%Y")
    assert done.exit_code == 0, done.output
    assert "Imported 2 transactions; skipped 0" in done.stdout
    again = run(*args, "--date-format", "%d/%m/%Y")
    assert "Imported 0 transactions; skipped 2" in again.stdout
    # The next statement of that account reads as the last one did: no need to ask again.
    may = tmp_path / "may.csv"
    may.write_text("Date,Description,Money out,Money in\n05/05/2025,RENT,900.00,\n")
    preset = run("import", str(may), "--account", str(account), "--username", "alex")
    assert preset.exit_code == 0, preset.output
    assert "Imported 1 transaction;" in preset.stdout

    broken = tmp_path / "broken.csv"
    broken.write_text("Date,Description,Amount\n2025-04-01,A,1.00\n2025-04-02,B,lots\n")
    refused = run("import", str(broken), "--account", str(account), "--username", "alex")
    assert refused.exit_code == 1
    assert "line 3" in refused.stderr and "nothing imported" in refused.stderr
    app = open_app(data_dir)
    with app.app_context():
        with database().read() as conn:
            dates = [r[0] for r in conn.execute("SELECT date FROM transactions ORDER BY date")]
        database().close()
    assert dates == ["2025-04-02", "2025-04-03", "2025-05-05"]


def test_import_reversed_amounts_and_skip_unreadable_lines(run, data_dir, tmp_path):
    account = _account_of_new_user(run, data_dir, "EUR")
    card = "Buchungstag;Empfänger;Betrag\n30.11.2026;Bäckerei Kühn;3,80\n"
    card += "31.11.2026;Stadtwerke;86,00\n28.11.2026;Tankstelle;40,00\n"
    statement = tmp_path / "karte.csv"
    statement.write_bytes(card.encode("cp1252"))  # as German banks write it
    args = ("import", str(statement), "--account", str(account), "--username", "alex")
    refused = run(*args, "--amounts-reversed")
    assert refused.exit_code == 1
    assert "line 3: 31.11.2026 is not a date." in refused.stderr
    assert "--skip-unreadable" in refused.stderr
    done = run(*args, "--amounts-reversed", "--skip-unreadable")
    assert done.exit_code == 0, done.output
    assert "Imported 2 transactions; skipped 0" in done.stdout
    assert "Skipped 1 line that cannot be read:\n  line 3: 31.11.2026 is not a date." in done.stdout
    app = open_app(data_dir)
    with app.app_context():
        with database().read() as conn:
            amounts = [r[0] for r in conn.execute("SELECT amount FROM transactions ORDER BY date")]
            unreadable = conn.execute("SELECT unreadable FROM imports").fetchone()[0]
        database().close()
    assert amounts == [-4000, -380]
    assert json.loads(unreadable) == [{"line": 3, "message": "31.11.2026 is not a date."}]


def test_import_ofx_and_qif_files_choosing_the_statement(run, data_dir, tmp_path):
    account = _account_of_new_user(run, data_dir, "USD")
    both = tmp_path / "download.qfx"
    both.write_text(CHECKING_AND_SAVINGS, encoding="ascii")
    args = ("import", str(both), "--account", str(account), "--username", "alex")
    asked = run(*args)
    assert asked.exit_code == 1
    assert "holds 2 statements" in asked.stderr and "--statement" in asked.stderr
    done = run(*args, "--statement", "0")
    assert done.exit_code == 0, done.output
    assert "Imported 2 transactions; skipped 0" in done.stdout
    assert "skipped 2" in run(*args, "--statement", "0").stdout  # the bank's ids match

    card = tmp_path / "card.qif"
    card.write_text(CREDIT_CARD, encoding="utf-8")
    qif = run("import", str(card), "--account", str(account), "--username", "alex")
    assert qif.exit_code == 0, qif.output
    assert "Imported 2 transactions" in qif.stdout


def test_doctor_finds_kept_sums_that_differ_and_repairs_them(run, data_dir):
    assert (
        run(
            "user", "create", "--username", "alex", "--password-stdin", stdin=PASSWORD + "\n"
        ).exit_code
        == 0
    )
    assert run("demo", "--username", "alex").exit_code == 0
    healthy = run("doctor")
    assert healthy.exit_code == 0, healthy.output
    assert "every kept sum agrees" in healthy.stdout

    with sqlite3.connect(data_dir / DATABASE_FILENAME) as conn:  # other hands
        conn.execute(
            "UPDATE category_months SET outflow = outflow - 1 WHERE (account_id, month, "
            "category_id) = (SELECT account_id, month, category_id FROM category_months LIMIT 1)"
        )
        conn.execute(
            "UPDATE accounts SET total = total + 5 WHERE id = (SELECT min(id) FROM accounts)"
        )
        conn.execute(
            "DELETE FROM transactions_fts WHERE rowid = (SELECT max(rowid) FROM transactions_fts)"
        )
    conn.close()

    found = run("doctor")
    assert found.exit_code == 4
    for kept in ("category months", "account totals", "search index"):
        assert kept in found.stdout
    assert "tallybook doctor --repair" in found.stderr

    repaired = run("doctor", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "Repaired" in repaired.stdout and "before" in repaired.stdout
    assert run("doctor").exit_code == 0
    assert "before-repair" in run("backup", "--list").stdout


def test_app_register_list_and_remove(run, data_dir):
    public = run(
        "app", "register", "--name", "Scanner", "--redirect-uri", "http://127.0.0.1/callback"
    )
    assert public.exit_code == 0, public.output
    client_id = public.stdout.strip()
    assert client_id.startswith("tb_app_")
    confidential = run(
        "app", "register", "--name", "Sync", "--redirect-uri", "http://[::1]/cb", "--confidential"
    )
    other_id, secret = confidential.stdout.split()
    assert secret.startswith("tb_secret_")
    listed = run("app", "list").stdout.splitlines()
    assert listed == [
        f"{client_id}\tScanner\tpublic\thttp://127.0.0.1/callback",
        f"{other_id}\tSync\tconfidential\thttp://[::1]/cb",
    ]
    removed = run("app", "remove", client_id)
    assert removed.exit_code == 0 and "Removed Scanner." in removed.stdout
    assert run("app", "list").stdout.splitlines() == [listed[1]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "x", "--redirect-uri", "http://example.com/cb"], "loopback"),
        (["--name", "x", "--redirect-uri", "https://127.0.0.1/cb"], "http://"),
        (["--name", " ", "--redirect-uri", "http://127.0.0.1/cb"], "name"),
    ],
)
def test_app_register_refuses_bad_input(run, args, message):
    result = run("app", "register", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1, "each problem is said once"
    assert result.stderr.startswith("Error: ")
    assert run("app", "list").stdout == ""


def test_app_remove_unknown(run):
    result = run("app", "remove", "tb_app_nobody")
    assert result.exit_code == 1 and "no app 'tb_app_nobody'" in result.stderr
