"""What makes a test's app cheap to build: most of the suite's time went into `create_app`.

Two costs repeat in every test that builds an app, and neither is what the test tests:

- Migrating an empty data file: 17 transactions, each synced to disk (synchronous = FULL).
  A session migrates one file once; each fresh data folder starts from a copy of it, which is
  the file the same migrations would write there. Migrating itself is tested where it is the
  subject (tests/unit/test_migrations.py, test_upgrades.py), on their own files.
- Werkzeug compiling each route's URL builder to Python code, for every app anew. The code
  depends only on the rule, its defaults and `append_unknown`, and reaches its own rule through
  the `self` it is bound to, so the same function serves every app's copy of the rule.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing.rules import Rule

from server.config import DATABASE_FILENAME
from server.db import Database
from server.db.migrations import apply_migrations

Builder = Callable[..., tuple[str, str]]


def make_migrated_file(folder: Path) -> Path:
    """Write a data file with every migration applied into `folder`; return its path."""
    path = folder / DATABASE_FILENAME
    database = Database(path)
    try:
        apply_migrations(database)
    finally:
        database.close()  # checkpoints: the one file holds everything
    return path


def seed_data_dir(config: dict[str, Any], migrated: Path) -> None:
    """Start the config's data folder from the migrated file, unless it has a data file."""
    if "DATABASE" in config or "DATA_DIR" not in config:
        return
    target = Path(config["DATA_DIR"]) / DATABASE_FILENAME
    if target.parent.is_dir() and not target.exists():
        shutil.copyfile(migrated, target)  # a new file, made as SQLite makes one


@contextmanager
def route_builders_compiled_once() -> Iterator[None]:
    """Reuse each route's compiled URL builder across the apps made inside."""
    compile_builder = Rule._compile_builder
    compiled: dict[tuple[Any, ...], Builder] = {}

    def reuse(rule: Rule, append_unknown: bool = True) -> Builder:
        defaults = repr(sorted((rule.defaults or {}).items()))
        key = (rule.rule, rule.subdomain, rule.host, tuple(rule._trace), defaults, append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", reuse)
        yield
