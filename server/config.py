"""Configuration: defaults, the data folder, the secret key and the log file.

Nothing here runs at import; `create_app` calls these functions with the overrides it was given.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "Tallybook"
DATA_DIR_ENV = "TALLYBOOK_DATA_DIR"
DATABASE_FILENAME = "tallybook.sqlite3"
SECRET_KEY_FILENAME = "secret.key"  # noqa: S105 - a file name
LOG_FILENAME = "tallybook.log"

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


def prepare_data_dir(path: Path | str | None = None) -> Path:
    """Create the data folder (private to the user) and return its absolute path.

    `path` None means the default: `$TALLYBOOK_DATA_DIR`, else the platform's folder.
    """
    path = Path(path).expanduser().resolve() if path else default_data_dir().resolve()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


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
