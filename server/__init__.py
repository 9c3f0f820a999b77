"""Tallybook's server: `create_app` is the only place an app is made."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from server import config as cfg
from server.version import __version__

if TYPE_CHECKING:
    from apiflask import APIFlask

log = logging.getLogger("tallybook")


def create_app(config: dict[str, Any] | None = None) -> APIFlask:
    """Build the Flask app for one data folder.

    `config` overrides the defaults; `DATA_DIR` picks the data folder (else
    `$TALLYBOOK_DATA_DIR`, else the platform's per-user folder).
    """
    # Imported here, not at the top: the desktop launcher imports light modules of this
    # package (config, instance) before it starts Qt, and Flask & co. cost 0.3 s to import.
    from apiflask import APIFlask

    from server import i18n, problems, request_input, security
    from server import request_db as db_request
    from server.api import idempotency, oauth_docs, oauth_endpoints, rate_limits, register_api
    from server.api.uploads import allow_large_uploads
    from server.auth.sessions import purge_stale_sessions
    from server.clock import utcnow
    from server.db import Database
    from server.db.backups import create_backup
    from server.db.migrations import MIGRATIONS, apply_migrations, schema_version
    from server.pages import pages
    from server.pages.consent import consent
    from server.pages.web_app import web_app
    from server.paths import resource_root
    from server.workers.periodic import AutoEntry, DailyBackups

    root = resource_root()
    app = APIFlask(
        __name__,
        title="Tallybook API",
        version=__version__,
        spec_path="/api/v1/openapi.json",
        docs_path=None,  # /api/docs is our own page, served from vendored assets
        static_folder=str(root / "ui" / "static"),
        template_folder=str(root / "ui" / "templates"),
    )
    app.config.from_mapping(cfg.DEFAULTS)
    app.config.from_mapping(config or {})
    data_dir = cfg.prepare_data_dir(app.config.get("DATA_DIR"))
    app.config["DATA_DIR"] = str(data_dir)
    app.config.setdefault("DATABASE", str(data_dir / cfg.DATABASE_FILENAME))
    app.config["SECRET_KEY"] = cfg.load_secret_key(data_dir)
    cfg.configure_logging(
        data_dir,
        app.config["LOG_LEVEL"],
        app.config["LOG_MAX_BYTES"],
        app.config["LOG_BACKUP_COUNT"],
    )

    database = Database(Path(app.config["DATABASE"]))
    if 0 < schema_version(database) < len(MIGRATIONS):
        create_backup(database, "before-migration", utcnow())
    applied = apply_migrations(database)
    purge_stale_sessions(database, utcnow(), app.config["SESSION_IDLE_TIMEOUT"])
    log.info(
        "Tallybook %s started: data folder %s, SQLite %s, migrations applied now: %s",
        __version__,
        data_dir,
        database.sqlite_version,
        ", ".join(applied) or "none",
    )

    db_request.init_app(app, database)
    app.before_request(allow_large_uploads)  # before anything reads a body
    security.init_app(app)
    rate_limits.init_app(app)  # after security: it knows who asks
    request_input.init_app(app)  # after both: a foreign or too eager caller is told so first
    idempotency.init_app(app, database)  # after all: a refused request claims no key
    i18n.init_app(app)
    problems.register_error_handlers(app)
    register_api(app)
    app.register_blueprint(pages)
    app.register_blueprint(consent)
    app.register_blueprint(web_app)
    app.register_blueprint(oauth_endpoints.bp)
    oauth_docs.init_app(app)
    if app.config["AUTOMATIC_BACKUPS"]:
        delay = timedelta(seconds=app.config["AUTOMATIC_BACKUPS_DELAY"])
        backups = DailyBackups(database, first_delay=delay)
        backups.start()
        app.extensions["tallybook.backups"] = backups
    # Background work of a running server like the backups: off where they are (one-off
    # commands, tests) unless the config asks for it.
    if app.config.get("SCHEDULES_AUTO_ENTRY", app.config["AUTOMATIC_BACKUPS"]):
        every = timedelta(seconds=app.config.get("SCHEDULES_AUTO_ENTRY_INTERVAL", 3600))
        auto_entry = AutoEntry(database, interval=every)
        auto_entry.start()
        app.extensions["tallybook.auto_entry"] = auto_entry
    return app
