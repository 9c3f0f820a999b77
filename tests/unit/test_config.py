"""The data folder, the secret key and the log file."""

from __future__ import annotations

import os
import stat

import pytest

from server import create_app
from server.config import (
    DATA_DIR_ENV,
    LOG_FILENAME,
    SECRET_KEY_FILENAME,
    DataDirNotPrivate,
    prepare_data_dir,
)
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


def test_an_earlier_versions_files_are_made_private_and_no_others(tmp_path):
    folder = tmp_path / "data"
    (folder / "backups").mkdir(parents=True)
    own = ["tallybook.sqlite3", "tallybook.sqlite3-wal", "tallybook.log.3", "backups/b.sqlite3"]
    for name in [*own, "notes.txt", "elsewhere/photo.jpg"]:
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(name)
    (folder / "tallybook-link").symlink_to(folder / "notes.txt")  # not followed
    (folder / "tallybook-papers").mkdir()  # a folder of the user's, whatever its name
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    prepare_data_dir(folder)
    mode = {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*")}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {name: mode[name] for name in own} == dict.fromkeys(own, 0o600)
    assert mode["backups"] == 0o700
    assert mode["notes.txt"] == mode["elsewhere/photo.jpg"] == 0o644  # the user's own
    assert mode["elsewhere"] == mode["tallybook-papers"] == 0o755


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_file_of_another_user_in_the_data_folder_is_refused(tmp_path):
    backup = tmp_path / "backups" / "tallybook-old.sqlite3"
    backup.parent.mkdir(mode=0o700)
    backup.write_text("")
    backup.chmod(0o644)
    os.chown(backup, 65534, 65534)
    with pytest.raises(DataDirNotPrivate, match=f"{backup} belongs to another user"):
        prepare_data_dir(tmp_path)
