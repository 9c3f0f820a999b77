"""The Linux installer: the .deb made from the bundle, installed, and its program started.

How it is installed: `dpkg --root=<temp dir> -i`, dpkg's own unpacking (ownership, modes,
links, its database) into a throwaway root instead of `/`, so that the test never changes the
machine it runs on (other tests and other checkouts share it) and needs no root. In that
empty root no package is installed, so dpkg is told to ignore Depends there; whether they are
met on this machine is asked of apt instead, with `apt-get install --simulate ./the.deb`: the
command a user runs, minus the change. The program is then started as the menu entry starts
it: `tallybook` from /usr/bin, whose absolute link is followed inside the throwaway root.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest

from server.desktop.tls import CERT_FILENAME, TLS_FOLDER
from tests.packaging.conftest import ROOT, Launched, program_env
from tests.packaging.test_bundle import (
    EXIT_TIMEOUT,
    START_TIMEOUT,
    WINDOW_LINE,
    assert_healthy,
    project_version,
)
from tests.tls_client import READY_LINE, peer_certificate, read_banner, sha256_colons, unverified

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only"),
]

MAKE_DEB = ROOT / "build" / "linux" / "make_deb.py"
DEB_TIMEOUT = 600  # about 1.5 min on a 2-core machine, mostly gzip
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def run(*command: str, timeout: float = 120) -> str:
    """Run a command, fail the test with its output if it fails; return its stdout."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        pytest.fail(f"{command} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def deb(bundle: Path) -> Path:
    """Build the .deb from the session's bundle with build/linux/make_deb.py; return its path."""
    if shutil.which("dpkg-deb") is None:
        pytest.skip("not a Debian system (no dpkg-deb)")
    arch = run("dpkg", "--print-architecture").strip()
    path = bundle.parent.parent / f"tallybook_{project_version()}_{arch}.deb"
    path.unlink(missing_ok=True)
    run(sys.executable, str(MAKE_DEB), "--bundle", str(bundle.parent), timeout=DEB_TIMEOUT)
    assert path.is_file()
    return path


@pytest.fixture(scope="session")
def installed(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the .deb into a throwaway root (see the module's docstring); return the root."""
    root = tmp_path_factory.mktemp("root")
    admin = root / "var" / "lib" / "dpkg"  # an empty dpkg database: the least dpkg works with
    for folder in ("info", "updates"):
        (admin / folder).mkdir(parents=True)
    (admin / "status").touch()
    run(
        "dpkg",
        f"--root={root}",
        "--force-not-root",
        "--force-depends",
        "--install",
        str(deb),
    )
    return root


def in_root(root: Path, path: str) -> Path:
    """Return where the absolute path `path` of the installed system is under `root`."""
    return root / PurePosixPath(path).relative_to("/")


def test_package_metadata_and_files(deb: Path) -> None:
    """The control fields carry the project's version; the program, launcher, menu entry and
    icons are where the desktop looks for them, owned by root with the usual modes."""
    fields = {
        name: run("dpkg-deb", "--field", str(deb), name).strip()
        for name in ("Package", "Version", "Depends", "Installed-Size", "Maintainer")
    }
    assert fields["Package"] == "tallybook"
    assert fields["Version"] == project_version()
    assert fields["Depends"].startswith("libc6 (>= 2.")
    assert {"libgl1", "libxcb1"} <= {dep.split()[0] for dep in fields["Depends"].split(", ")}
    assert int(fields["Installed-Size"]) > 100_000  # KiB: the bundle is a few hundred MB
    assert "@" in fields["Maintainer"]

    # `dpkg-deb --contents` lists like `tar tv`: modes, owner, size, date, time, path [-> target].
    entries = {}
    for line in run("dpkg-deb", "--contents", str(deb)).splitlines():
        mode, owner, *_, path = line.split(None, 5)
        entries[path.removeprefix(".").split(" -> ")[0]] = (mode, owner, path)
    assert {owner for _, owner, _ in entries.values()} == {"root/root"}
    assert entries["/opt/tallybook/Tallybook"][0] == "-rwxr-xr-x"
    assert entries["/opt/tallybook/_internal/ui/templates/base.html"][0] == "-rw-r--r--"
    assert entries["/usr/bin/tallybook"][2].endswith(" -> /opt/tallybook/Tallybook")
    assert "/usr/share/applications/tallybook.desktop" in entries
    assert "/usr/share/doc/tallybook/copyright" in entries
    for size in ICON_SIZES:
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/tallybook.png" in entries
    dirs = {mode for mode, _, _ in entries.values() if mode.startswith("d")}
    assert dirs == {"drwxr-xr-x"}


def test_depends_are_met_on_this_machine(deb: Path) -> None:
    """apt would install it here without fetching anything: Depends names real packages."""
    simulated = run("apt-get", "install", "--simulate", "--no-install-recommends", str(deb))
    installs = [line.split()[1] for line in simulated.splitlines() if line.startswith("Inst ")]
    assert installs == ["tallybook"], simulated


def test_menu_entry_is_valid(installed: Path) -> None:
    """The .desktop file passes desktop-file-validate and starts `tallybook` with its icon."""
    entry_path = installed / "usr" / "share" / "applications" / "tallybook.desktop"
    if shutil.which("desktop-file-validate") is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    assert run("desktop-file-validate", str(entry_path)) == ""
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(entry_path)
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == "tallybook"
    assert desktop["Icon"] == "tallybook"


def installed_command(root: Path, tmp_path: Path) -> Path:
    """Return a `tallybook` like the package's /usr/bin/tallybook, linked inside `root`."""
    target = in_root(root, os.readlink(root / "usr" / "bin" / "tallybook"))
    assert target == root / "opt" / "tallybook" / "Tallybook"
    # The same link, pointing inside the root: the program must find its files through it.
    command = tmp_path / "bin" / "tallybook"
    command.parent.mkdir()
    command.symlink_to(target)
    return command


def test_installed_program_opens_its_window(
    installed: Path, x_display: str, launch: Callable[..., Launched], tmp_path: Path
) -> None:
    """`tallybook` from the installed package opens its window and serves the right version."""
    launcher = installed_command(installed, tmp_path)
    app = launch(
        launcher,
        "--data-dir",
        str(tmp_path / "data"),
        "--smoke-test",
        "3",
        env=program_env(DISPLAY=x_display, QTWEBENGINE_DISABLE_SANDBOX="1"),
    )
    event = json.loads(
        app.wait_for_line(WINDOW_LINE, timeout=START_TIMEOUT).removeprefix(WINDOW_LINE)
    )
    assert event["event"] == "loaded"
    url = urlsplit(event["url"])
    assert_healthy(f"{url.scheme}://{url.netloc}")  # checks the version, too
    assert app.wait(timeout=30) == 0


def test_installed_program_serves_https_until_interrupted(
    installed: Path, launch: Callable[..., Launched], tmp_path: Path
) -> None:
    """`tallybook serve --tls self-signed` from the package serves HTTPS with the certificate
    whose fingerprint it printed, and stops on Ctrl+C with exit code 0."""
    data = tmp_path / "data"
    command = ("serve", "--tls", "self-signed", "--port", "0", "--data-dir", str(data))
    app = launch(installed_command(installed, tmp_path), *command, env=program_env())
    app.wait_for_line(READY_LINE, timeout=START_TIMEOUT)
    url, port, fingerprint = read_banner("\n".join(app.lines))
    assert url == f"https://127.0.0.1:{port}/"
    assert sha256_colons(peer_certificate(port, unverified())) == fingerprint
    # Trusting that certificate (as a user who checked the fingerprint does), the API answers.
    trusting = ssl.create_default_context(cafile=data / TLS_FOLDER / CERT_FILENAME)
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=trusting))
    assert_healthy(url.rstrip("/"), opener)
    app.process.send_signal(signal.SIGINT)
    assert app.wait(timeout=EXIT_TIMEOUT) == 0
    assert app.lines[-1] == "Stopped."
