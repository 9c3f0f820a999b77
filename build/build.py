"""Build the Tallybook desktop bundle: PyInstaller on ``packaging.spec``, into ``dist/Tallybook/``.

Usage::

    python build/build.py            # build (PyInstaller reuses its cache in build/_work/)
    python build/build.py --clean    # empty PyInstaller's cache first
    python build/build.py --no-trim  # keep all of Qt (to tell whether trimming broke something)

PyInstaller runs in this Python if it can import PyInstaller, else in the project's ``.venv``.
Its work files go to ``build/_work/`` (PyInstaller's default ``./build`` would mix them with
this folder's scripts). Start the result with ``dist/Tallybook/Tallybook``. The installers are
made from it by ``build/linux/make_deb.py``, ``build/windows/tallybook.iss`` and
``build/macos/make_dmg.sh``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

from project import APP_NAME, BUNDLE, DIST_DIR, ROOT  # build/project.py, beside this file

SPEC = ROOT / "packaging.spec"
WORK_DIR = ROOT / "build" / "_work"
PROGRAM = BUNDLE / (APP_NAME + (".exe" if os.name == "nt" else ""))
VENV_PYTHON = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the build options."""
    parser = argparse.ArgumentParser(
        prog="build.py", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument(
        "--clean", action="store_true", help="empty PyInstaller's cache before building"
    )
    parser.add_argument(
        "--no-trim", action="store_true", help="keep every Qt file PyInstaller's hooks collect"
    )
    return parser.parse_args(argv)


def pyinstaller_python() -> Path:
    """Return the Python to run PyInstaller with: this one if it has PyInstaller, else .venv's."""
    if importlib.util.find_spec("PyInstaller") is not None:
        return Path(sys.executable)
    if VENV_PYTHON.is_file():
        return VENV_PYTHON
    raise SystemExit(
        f"PyInstaller is not installed for {sys.executable} and there is no {VENV_PYTHON}: "
        "run `bash build/dev.sh test -m packaging` once, or `pip install -e '.[dev]'`."
    )


def pyinstaller_command(python: Path, *, clean: bool, no_trim: bool) -> list[str]:
    """Return the PyInstaller command line for packaging.spec."""
    command = [
        str(python),
        "-m",
        "PyInstaller",
        str(SPEC),
        "--workpath",
        str(WORK_DIR),
        "--distpath",
        str(DIST_DIR),
        "--noconfirm",
    ]
    if clean:
        command.append("--clean")
    if no_trim:
        command += ["--", "--no-trim"]  # options after "--" go to the spec itself
    return command


def folder_size(folder: Path) -> tuple[int, int]:
    """Return the bytes and the number of files under `folder` (links are not followed)."""
    total = files = 0
    for directory, _, names in os.walk(folder):
        for name in names:
            total += (Path(directory) / name).lstat().st_size
            files += 1
    return total, files


def build(*, clean: bool = False, no_trim: bool = False) -> Path:
    """Build the bundle and return its folder; raise SystemExit if PyInstaller fails."""
    command = pyinstaller_command(pyinstaller_python(), clean=clean, no_trim=no_trim)
    print("$ " + " ".join(command), flush=True)
    started = time.monotonic()
    # From the repository root, so relative paths in PyInstaller's messages read naturally.
    result = subprocess.run(command, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"PyInstaller failed (exit code {result.returncode}).")
    size, files = folder_size(BUNDLE)
    print(
        f"Built {BUNDLE} in {time.monotonic() - started:.0f} s: "
        f"{size / 2**20:.0f} MiB in {files} files. Start it with {PROGRAM}"
    )
    return BUNDLE


def main(argv: list[str] | None = None) -> int:
    """Run the build; return the process exit code."""
    args = parse_args(argv)
    build(clean=args.clean, no_trim=args.no_trim)
    return 0


if __name__ == "__main__":
    sys.exit(main())
