"""Package the PyInstaller bundle ``dist/Tallybook/`` as ``dist/tallybook_<version>_<arch>.deb``.

Usage (after ``python build/build.py``, on Debian or Ubuntu: it needs dpkg-deb and readelf)::

    python build/linux/make_deb.py
    sudo apt install ./dist/tallybook_0.1.0_amd64.deb

The package holds the bundle in /opt/tallybook (it is self-contained, as third-party programs
in /opt are), ``tallybook`` in /usr/bin, a menu entry and the icons. Its Depends are found from
the bundle itself: the system libraries its programs link against that PyInstaller leaves out
(libc, OpenGL/EGL, libdrm, libxcb, Wayland: the ones that must match the user's system).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file: build/ is no package
from project import APP_NAME, BUNDLE, DIST_DIR, ICONS_DIR, version

PACKAGE = "tallybook"
HERE = Path(__file__).resolve().parent
INSTALL_DIR = Path("opt") / PACKAGE
MAINTAINER = "Tallybook developers <tallybook@users.noreply.github.com>"
DESCRIPTION = """\
private, offline personal finance for the desktop
 Tallybook keeps a household's accounts, transactions, budgets and reports on
 its own computer, in one SQLite file; nothing leaves the machine. The same
 data is open to the user's own scripts through a local REST API."""
NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]")
GLIBC_VERSION = re.compile(r"Name: GLIBC_(\d+(?:\.\d+)+)")


def run(*command: str) -> str:
    """Run a command and return its standard output; fail loudly."""
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def elf_files(folder: Path) -> list[Path]:
    """Return the ELF programs and libraries under `folder` (links are left out)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def library_package(soname: str, arch: str) -> str:
    """Return the installed Debian package that ships the system library `soname`."""
    # dpkg -S takes a glob; keep only the library folder the dynamic loader searches.
    result = subprocess.run(
        ["dpkg", "-S", f"*/{soname}"], check=False, capture_output=True, text=True
    )
    libdir = sysconfig.get_config_var("MULTIARCH")
    for line in result.stdout.splitlines():
        owner, _, path = line.partition(": ")
        name, _, package_arch = owner.partition(":")
        if Path(path).parent.name == libdir and package_arch in ("", arch) and "," not in name:
            return name
    raise SystemExit(f"No installed package ships {soname} in a {libdir} folder: cannot depend")


def depends(bundle: Path, arch: str) -> str:
    """Return the Depends field: the packages of the libraries the bundle needs but lacks."""
    bundled = {path.name for path in bundle.rglob("*")}
    needed: set[str] = set()
    glibc = (2, 0)
    for path in elf_files(bundle):
        dynamic = run("readelf", "--dynamic", "--version-info", "--wide", str(path))
        needed |= {name for name in NEEDED.findall(dynamic) if name not in bundled}
        for found in GLIBC_VERSION.findall(dynamic):
            glibc = max(glibc, tuple(int(part) for part in found.split(".")))
    packages = {library_package(soname, arch) for soname in needed}
    # libc6 comes with every system, but an older one lacks symbols the build machine's has.
    packages.discard("libc6")
    return ", ".join([f"libc6 (>= {'.'.join(map(str, glibc))})", *sorted(packages)])


def installed_size(root: Path) -> int:
    """Return the Installed-Size in KiB: every file rounded up, one per folder and link."""
    total = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += -(-path.stat().st_size // 1024)
        else:
            total += 1
    return total


def normalize_modes(root: Path) -> None:
    """Make folders and programs 0755 and other files 0644, whatever the build's umask."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        # Shared libraries are loaded, never run: Debian wants them 0644 (PyInstaller keeps
        # whatever mode the wheels had).
        program = path.stat().st_mode & stat.S_IXUSR and ".so" not in path.suffixes
        path.chmod(0o755 if path.is_dir() or program else 0o644)


def stage(root: Path, bundle: Path) -> None:
    """Lay out the package's files under `root` as they will be installed."""
    shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    # Absolute, as Debian wants links between top-level folders. PyInstaller's program finds
    # its _internal folder from /proc/self/exe, so starting it through a link works.
    (bin_dir / PACKAGE).symlink_to(Path("/") / INSTALL_DIR / APP_NAME)
    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(HERE / f"{PACKAGE}.desktop", share / "applications")
    shutil.copytree(ICONS_DIR / "hicolor", share / "icons" / "hicolor")
    (share / "doc" / PACKAGE).mkdir(parents=True)
    shutil.copy(HERE / "copyright", share / "doc" / PACKAGE)


def control(root: Path, bundle: Path, arch: str) -> str:
    """Return the DEBIAN/control file for the staged package under `root`."""
    fields = {
        "Package": PACKAGE,
        "Version": version(),
        "Architecture": arch,
        "Maintainer": MAINTAINER,
        "Installed-Size": str(installed_size(root)),
        "Depends": depends(bundle, arch),
        "Section": "misc",
        "Priority": "optional",
        "Description": DESCRIPTION,
    }
    return "".join(f"{name}: {value}\n" for name, value in fields.items())


def make_deb(bundle: Path = BUNDLE, out_dir: Path = DIST_DIR) -> Path:
    """Build the .deb from `bundle` into `out_dir` and return its path."""
    if not (bundle / APP_NAME).is_file():
        raise SystemExit(f"No bundle in {bundle}: run `python build/build.py` first.")
    arch = run("dpkg", "--print-architecture").strip()
    deb = out_dir / f"{PACKAGE}_{version()}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="tallybook-deb-") as temp:
        root = Path(temp) / "root"
        stage(root, bundle)
        (root / "DEBIAN").mkdir()
        (root / "DEBIAN" / "control").write_text(control(root, bundle, arch))
        normalize_modes(root)
        # root:root owners without fakeroot. gzip: xz makes it a quarter smaller but takes 7
        # minutes instead of 45 s on a 2-core machine, and this runs in every packaging test.
        run("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(deb))
    return deb


def main(argv: list[str] | None = None) -> int:
    """Build the package; return the process exit code."""
    parser = argparse.ArgumentParser(prog="make_deb.py", description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=BUNDLE, help="PyInstaller's output folder")
    parser.add_argument("--out", type=Path, default=DIST_DIR, help="where to write the .deb")
    args = parser.parse_args(argv)
    deb = make_deb(args.bundle, args.out)
    print(f"Built {deb} ({os.path.getsize(deb) / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
