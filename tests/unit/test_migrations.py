"""Released migrations are frozen: each is its own literal SQL, importing nothing the running app
uses (so no change to the app can change them), and together they still make the schema of
every released data file kept in tests/fixtures/schemas."""

from __future__ import annotations

import ast
import sqlite3
import sys
from pathlib import Path

import pytest

from server.db import Database, migrations
from server.db.migrations import MIGRATIONS, apply_migrations

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "server" / "db" / "migrations"
FIXTURES = ROOT / "tests" / "fixtures" / "schemas"
# What code outside the package may take from it: the runner.
RUNNER = {"MIGRATIONS", "Migration", "apply_migrations", "schema_version"}


def imported(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of each import in a file; relative ones made absolute."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.append((module, [alias.name for alias in node.names]))
    return found


def test_every_migration_module_is_listed_in_order():
    modules = sorted(p.stem for p in PACKAGE.glob("m[0-9][0-9][0-9][0-9]_*.py"))
    assert [m.name for m in MIGRATIONS] == modules
    assert [int(name[1:5]) for name in modules] == list(range(1, len(modules) + 1))


@pytest.mark.parametrize(
    "path", sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py"), ids=lambda p: p.stem
)
def test_a_migration_imports_only_the_standard_library_sqlite_utils_and_frozen_helpers(path):
    for module, names in imported(path):
        top = module.split(".")[0]
        if top in sys.stdlib_module_names or top in ("__future__", "sqlite_utils"):
            continue
        frozen = module.startswith("server.db.migrations._") or (
            module == "server.db.migrations" and all(n.startswith("_") for n in names)
        )
        assert frozen, (
            f"{path.name} imports {module} {names}: a released migration must not depend on "
            "code that changes later (copy what it needs into it as literal text)"
        )


def runtime_files() -> list[Path]:
    files = [ROOT / "main.py", *ROOT.glob("tests/fixtures/*.py")]
    for folder in ("server", "tests", "bench", "build"):
        files += (ROOT / folder).rglob("*.py")
    return sorted(p for p in files if PACKAGE not in p.parents)


def test_nothing_outside_the_migrations_uses_their_private_parts():
    wrong = []
    for path in runtime_files():
        where = path.relative_to(ROOT)
        for module, names in imported(path):
            if module.startswith("server.db.migrations."):
                wrong.append(f"{where}: {module}")
            elif module == "server.db.migrations":
                wrong += [f"{where}: {module}.{n}" for n in names if n not in RUNNER]
            elif module == "server.db" and "migrations" in names:
                wrong += [
                    f"{where}: migrations.{node.attr}"
                    for node in ast.walk(ast.parse(path.read_text()))
                    if isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "migrations"
                    and node.attr not in RUNNER
                ]
    assert wrong == [], "only the runner's names may be used from server.db.migrations"


def schema(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()


@pytest.mark.parametrize(
    "fixture",
    sorted(FIXTURES.glob("v*.sqlite3"), key=lambda p: int(p.stem[1:])),
    ids=lambda p: p.stem,
)
def test_the_migrations_make_the_schema_of_each_released_data_file(fixture, tmp_path, monkeypatch):
    """Byte for byte: the text of every table, index and trigger as the released version wrote
    it (a fresh file brought to that version, compared with the file that version made)."""
    version = int(fixture.stem[1:])
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:version])
    database = Database(tmp_path / "fresh.sqlite3")
    try:
        apply_migrations(database)
    finally:
        database.close()
    assert schema(tmp_path / "fresh.sqlite3") == schema(fixture)
