"""The house's layers, read from the source (parsed, never imported): data flows from api/ and
pages/ through domain/ to db/, and no room reaches up or sideways past its rules. Imports inside
functions count as much as those at the top. A failure lists each import as `module -> imported`."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "server"
SCRIPTS = ROOT / "ui" / "static" / "js"
MAX_LINES = 500
FLASK = ("flask", "apiflask", "werkzeug")
WEB = ("server.api", "server.pages")
# Above the web: what makes and runs the app (the factory, the commands, the desktop).
ENTRY_POINTS = ("server", "server.__main__", "server.cli")
DESKTOP = "server.desktop"
# The rooms a route module of api/ may share its name with: the module it fronts.
BELOW_API = {"domain", "auth", "db"}


def module_name(path: Path) -> str:
    """Return the dotted name of a module file under the repository."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module under server/, by dotted name."""
    return {module_name(path): path for path in sorted(SERVER.rglob("*.py"))}


def _absolute(node: ast.ImportFrom, importer: str) -> str:
    """Return the module a `from ... import` names, relative ones made absolute."""
    if not node.level:
        return node.module or ""
    parts = importer.split(".")
    if modules()[importer].name != "__init__.py":
        parts.pop()  # a module's own package
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def imports_in(source: str, importer: str) -> set[str]:
    """What the module `importer` imports anywhere in its `source`, inside functions too:
    `from a import b` counts as `a.b` when that is a module of ours, else as `a`."""
    targets: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, importer)
            for alias in node.names:
                inner = f"{base}.{alias.name}"
                targets.add(inner if inner in modules() else base)
    return targets - {"__future__"}


@cache
def imports() -> dict[str, tuple[str, ...]]:
    """What each module under server/ imports."""
    return {
        name: tuple(sorted(imports_in(path.read_text(encoding="utf-8"), name)))
        for name, path in modules().items()
    }


def within(name: str, *packages: str) -> bool:
    """Whether the dotted `name` is one of `packages` or inside one of them."""
    return any(name == package or name.startswith(package + ".") for package in packages)


def offending(importers: tuple[str, ...], forbidden) -> list[str]:
    """Each `module -> imported` where a module within `importers` imports what `forbidden`
    says it may not."""
    return [
        f"{module} -> {target}"
        for module, targets in imports().items()
        if within(module, *importers)
        for target in targets
        if forbidden(target)
    ]


def report(rule: str, found: list[str]) -> str:
    """Return the failure message: the rule, then what breaks it, one a line."""
    return f"{rule}:\n  " + "\n  ".join(found)


def is_flask(target: str) -> bool:
    """Whether `target` is Flask, APIFlask, Werkzeug or a Flask extension."""
    top = target.split(".")[0]
    return top in FLASK or top.startswith("flask_")


def test_imports_are_read_wherever_they_are():
    lazy = (
        "from server.db import Database\n\ndef f():\n    from . import backups\n    import flask\n"
    )
    assert imports_in(lazy, "server.db.backups") == {"server.db", "server.db.backups", "flask"}
    assert len(modules()) > 50
    assert "server.db" in imports()["server.domain.transactions"]


def test_domain_and_db_know_nothing_of_flask():
    found = offending(("server.domain", "server.db"), is_flask)
    assert not found, report("server/domain and server/db import no Flask", found)


def test_db_imports_none_of_the_rooms_above_it():
    above = (*WEB, "server.domain", "server.auth", "server.workers", DESKTOP)
    found = offending(("server.db",), lambda target: within(target, *above))
    assert not found, report(f"server/db imports none of {', '.join(above)}", found)


def test_auth_and_domain_do_not_import_each_other():
    found = offending(("server.auth",), lambda target: within(target, "server.domain"))
    found += offending(("server.domain",), lambda target: within(target, "server.auth"))
    assert not found, report("server/auth and server/domain do not import each other", found)


def test_bankfiles_imports_nothing_of_ours_but_itself():
    found = offending(
        ("server.bankfiles",),
        lambda target: within(target, "server") and not within(target, "server.bankfiles"),
    )
    assert not found, report("server/bankfiles imports nothing from server but itself", found)


def test_otherapps_import_nothing_of_ours_but_bank_files():
    # Readers of other apps' books share the bank files' ways of reading dates and amounts,
    # and nothing else of ours: what they give is a book file, loaded by the domain.
    found = offending(
        ("server.otherapps",),
        lambda target: (
            within(target, "server") and not within(target, "server.otherapps", "server.bankfiles")
        ),
    )
    assert not found, report("server/otherapps imports only itself and server/bankfiles", found)


def test_nothing_below_the_web_imports_it():
    below = tuple(
        name for name in modules() if name not in ENTRY_POINTS and not within(name, *WEB, DESKTOP)
    )
    found = offending(below, lambda target: within(target, *WEB))
    assert not found, report(
        "only the app factory, the commands and the desktop import api/ and pages/", found
    )


def is_migration(name: str) -> bool:
    """Whether `name` is a released migration (or the frozen helper they share): a module
    under server/db/migrations/, not the runner in its __init__."""
    return name.startswith("server.db.migrations.")


def test_migrations_import_only_the_standard_library_sqlite_utils_and_each_other():
    """A released migration is frozen: no import of code that changes later."""

    def allowed(target: str) -> bool:
        top = target.split(".")[0]
        return is_migration(target) or top == "sqlite_utils" or top in sys.stdlib_module_names

    migrations = tuple(filter(is_migration, modules()))
    assert len(migrations) >= 9
    found = offending(migrations, lambda target: not allowed(target))
    assert not found, report(
        "server/db/migrations imports only the standard library, sqlite_utils and migrations",
        found,
    )


def test_no_two_modules_share_a_file_name():
    """One name, one thing: a name is shared only by a resource's routes in api/ and the one
    module below that they front (api/transactions.py and domain/transactions.py)."""
    paths = defaultdict(list)
    for path in modules().values():
        if path.name != "__init__.py":
            paths[path.name].append(path.relative_to(SERVER).parts[0])
    found = [
        f"{name}: in {', '.join(sorted(rooms))}"
        for name, rooms in sorted(paths.items())
        if len(rooms) > 1
        and not (len(rooms) == 2 and "api" in rooms and {*rooms} - {"api"} <= BELOW_API)
    ]
    assert not found, report("no two modules under server/ share a file name", found)


def test_no_source_file_is_over_500_lines():
    files = [*SERVER.rglob("*.py"), *SCRIPTS.rglob("*.js")]
    assert len(files) > 100
    found = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in sorted(files)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not found, report(
        f"no source file under server/ or ui/static/js/ is over {MAX_LINES} lines", found
    )
