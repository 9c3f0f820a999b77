"""What the build scripts share: the repository's paths and the version from pyproject.toml.

pyproject.toml's ``[project] version`` is the only place the version is written; the bundle,
the .deb, the Inno Setup installer and the .dmg all read it through here::

    python build/project.py    # print the version (for shell scripts and CI)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "Tallybook"
DIST_DIR = ROOT / "dist"
BUNDLE = DIST_DIR / APP_NAME  # PyInstaller's onedir output
ICONS_DIR = ROOT / "build" / "icons"


def version() -> str:
    """Return the version pyproject.toml declares."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]


if __name__ == "__main__":
    print(version())
