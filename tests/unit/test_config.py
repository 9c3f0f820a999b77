"""The data folder, the secret key and the log file."""

from __future__ import annotations

import stat

from server import create_app
from server.config import DATA_DIR_ENV, LOG_FILENAME, SECRET_KEY_FILENAME, prepare_data_dir
from tests.conftest import db


def test_data_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert prepare_data_dir() == (tmp_path / "from-env").resolve()
    assert (tmp_path / "from-env").is_dir()


def test_explicit_data_dir_wins_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert prepare_data_dir(tmp_path / "explicit") == (tmp_path / "explicit").resolve()


def test_default_data_dir_is_per_user(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    from server.config import default_data_dir

    assert "tallybook" in str(default_data_dir()).lower()


def test_secret_key_is_created_once_private_and_reused(data_dir):
    first = create_app({"DATA_DIR": str(data_dir)})
    key_file = data_dir / SECRET_KEY_FILENAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = create_app({"DATA_DIR": str(data_dir)})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    for application in (first, second):
        db(application).close()


def test_start_is_logged_with_the_sqlite_version(app, data_dir):
    import sqlite3

    log = (data_dir / LOG_FILENAME).read_text()
    assert f"SQLite {sqlite3.sqlite_version}" in log
