"""Configuration: defaults, the data folder, the secret key and the log file.

Nothing here runs at import; `create_app` calls these functions with the overrides it was given.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "Tallybook"
DATA_DIR_ENV = "TALLYBOOK_DATA_DIR"
DATABASE_FILENAME = "tallybook.sqlite3"
SECRET_KEY_FILENAME = "secret.key"  # noqa: S105 - a file name
LOG_FILENAME = "tallybook.log"
SIGNING_KEY_FILENAME = "oauth-signing-key.pem"
AUTOMATIC_SIGN_IN_FILENAME = "automatic-sign-in.key"  # the desktop's, when turned on
# What Tallybook keeps in the data folder (made private at every start, see `make_private`):
# the files named tallybook* (the database and its -wal, -shm, the logs, the lock), the keys,
# and the backups, the self-signed certificate and the window's storage (cookies) in folders.
OWN_FILES_PREFIX = "tallybook"
OWN_FILES = frozenset({SECRET_KEY_FILENAME, SIGNING_KEY_FILENAME, AUTOMATIC_SIGN_IN_FILENAME})
WEBVIEW_FOLDER = "webview"  # the window's storage (pywebview's storage_path)
OWN_FOLDERS = frozenset({"backups", "tls", WEBVIEW_FOLDER})
PRIVATE_UMASK = 0o077

DEFAULTS: dict[str, Any] = {
    # bcrypt work factor; tests lower it for speed, the product never does.
    "BCRYPT_ROUNDS": 12,
    "SESSION_IDLE_TIMEOUT": 12 * 3600,
    "SESSION_ABSOLUTE_TIMEOUT": 14 * 24 * 3600,
    # Wrong passwords allowed before the back-off starts (per attempted name or known device,
    # and per client address over all names), its first delay and its cap (seconds).
    "LOGIN_FREE_ATTEMPTS": 5,
    "LOGIN_CLIENT_FREE_ATTEMPTS": 20,
    "LOGIN_BACKOFF_BASE": 30,
    "LOGIN_BACKOFF_MAX": 3600,
    # Host names (besides 127.0.0.1, localhost and [::1]) this server answers to.
    "ALLOWED_HOSTS": [],
    # True when served over HTTPS: the session cookie becomes `__Host-` and `Secure`.
    "TLS": False,
    # Apps (OAuth 2.0): a code must be exchanged at once, an access token lives minutes and a
    # refresh token (each used once, then replaced) a month.
    "OAUTH_CODE_LIFETIME": 120,
    "OAUTH_ACCESS_TOKEN_LIFETIME": 300,
    "OAUTH_REFRESH_TOKEN_LIFETIME": 30 * 24 * 3600,
    # API requests a personal token or an app may make (Flask-Limiter's notation, e.g.
    # "20 per second; 1200 per minute"); the app's own session is not limited.
    "API_RATE_LIMIT": "1200 per minute",
    "LOG_LEVEL": "INFO",
    "LOG_MAX_BYTES": 1_000_000,
    "LOG_BACKUP_COUNT": 5,
    # Unexpected errors logged a minute at most (the rest are counted): see server.error_log.
    "LOG_ERRORS_PER_MINUTE": 20,
    "MAX_CONTENT_LENGTH": 1_000_000,
    # True in the desktop program (set by its launcher): a user who chose no language gets
    # the computer's (SYSTEM_LANGUAGE, read at start when left None) instead of the browser's.
    "DESKTOP": False,
    "SYSTEM_LANGUAGE": None,
    # A backup when the server starts, then one a day while it runs (one-off commands skip it).
    "AUTOMATIC_BACKUPS": True,
    "AUTOMATIC_BACKUPS_DELAY": 30,  # seconds after start: the window opens first
    # APIFlask settings: our own docs page (vendored assets, strict CSP) replaces its CDN one.
    "AUTO_SERVERS": False,
    "AUTO_404_RESPONSE": True,
    "AUTO_OPERATION_ID": True,  # `get_accounts_list_all`: names for generated clients
    "INFO": {
        "description": (
            "The local REST API of Tallybook. Authenticate with a personal access token "
            "(`Authorization: Bearer <token>`, created in Settings), with an app's access "
            "token, or, from the app itself, with the session cookie plus the `X-CSRF-Token` "
            "header. Errors are `application/problem+json` (RFC 9457).\n\n"
            "Apps on the same computer ask the user for access with OAuth 2.0 (RFC 8252): "
            "the authorization code flow with PKCE (S256) and the user's consent in Tallybook. "
            "Its endpoints are in the *OAuth 2.0* section, and each operation an app may call "
            "lists the `oauth2` scope it needs."
        ),
    },
}


def default_data_dir() -> Path:
    """Return the per-user data folder: `$TALLYBOOK_DATA_DIR` or the platform's default."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


class DataDirNotPrivate(Exception):
    """The data folder, or a file Tallybook keeps in it, cannot be made the user's only."""


def keep_new_files_private() -> None:
    """Make every file and folder this process creates from now on its user's only (umask
    077): the database and the WAL and SHM files SQLite makes beside it, the logs, backups,
    keys, the window's storage. Each program's entry point calls it first."""
    os.umask(PRIVATE_UMASK)


def prepare_data_dir(path: Path | str | None = None) -> Path:
    """Create the data folder, make it and what Tallybook keeps in it private to the user
    (see `make_private`), and return its absolute path.

    `path` None means the default: `$TALLYBOOK_DATA_DIR`, else the platform's folder.
    """
    path = Path(path).expanduser().resolve() if path else default_data_dir().resolve()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    make_private(path)
    return path


def _tighten(path: Path, mode: int) -> None:
    """Take every permission beyond `mode` away from `path` (not following a symlink)."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) & ~mode == 0:
        return
    if info.st_uid != os.geteuid():
        raise DataDirNotPrivate(
            f"{path} belongs to another user (uid {info.st_uid}), so Tallybook cannot make it "
            "private. Give it to the user running Tallybook (chown), or choose another data "
            "folder with --data-dir."
        )
    os.chmod(path, stat.S_IMODE(info.st_mode) & mode)


def make_private(folder: Path) -> None:
    """Make the data folder readable by its user only (0700), and the files Tallybook keeps
    in it (0600): earlier versions made the files readable by everyone (0644), safe only in a
    folder Tallybook had created itself. Raises DataDirNotPrivate if the folder belongs to
    another user (or cannot be made private at all, e.g. on a file system without
    permissions). Only Tallybook's own files are touched: the folder may hold others."""
    if os.name != "posix":  # Windows: the per-user folders are private by their ACLs
        return
    owner = folder.stat().st_uid
    if owner != os.geteuid():
        raise DataDirNotPrivate(
            f"The data folder {folder} belongs to another user (uid {owner}): Tallybook keeps "
            "its data only in a folder of the user running it, private to that user. Choose "
            "another folder with --data-dir, or give this one to that user (chown)."
        )
    _tighten(folder, 0o700)
    if stat.S_IMODE(folder.stat().st_mode) & ~0o700:
        raise DataDirNotPrivate(
            f"The data folder {folder} cannot be made private (its file system keeps other "
            "users' permissions): choose another data folder with --data-dir."
        )
    for entry in folder.iterdir():
        if entry.is_symlink():
            continue  # what it points to is not ours to change
        if entry.is_dir() and entry.name in OWN_FOLDERS:
            _tighten(entry, 0o700)
            for inside, folders, files in os.walk(entry):
                for name in folders:
                    _tighten(Path(inside, name), 0o700)
                for name in files:
                    _tighten(Path(inside, name), 0o600)
        elif entry.is_file() and (
            entry.name.startswith(OWN_FILES_PREFIX) or entry.name in OWN_FILES
        ):
            _tighten(entry, 0o600)


def private_file(path: Path, make: Callable[[], bytes]) -> bytes:
    """Return the content of `path`, first writing `make()` there (mode 0600, to disk) if it
    does not exist. Two processes starting at once agree on one content."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    content = make()
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return content


def load_secret_key(data_dir: Path) -> bytes:
    """Return the secret key kept in the data folder, creating it (mode 0600) on first use."""
    key_path = data_dir / SECRET_KEY_FILENAME
    key = private_file(key_path, lambda: secrets.token_hex(32).encode()).strip()
    if len(key) < 32:
        raise RuntimeError(f"{key_path} is damaged: delete it to generate a new key")
    return key


class _DataDirLogHandler(logging.handlers.RotatingFileHandler):
    """Marks the handler we install, so a new app replaces it instead of stacking another."""


def configure_logging(data_dir: Path, level: str, max_bytes: int, backup_count: int) -> None:
    """Send the `tallybook` loggers to a rotating file in the data folder."""
    logger = logging.getLogger("tallybook")
    for handler in [h for h in logger.handlers if isinstance(h, _DataDirLogHandler)]:
        logger.removeHandler(handler)
        handler.close()
    handler = _DataDirLogHandler(
        data_dir / LOG_FILENAME,
        maxBytes=max_bytes,
        backupCount=backup_count,
        encoding="utf-8",
        errors="backslashreplace",  # a lone surrogate in a message is written, not lost
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
