"""Refresh the vendored front-end libraries under ``ui/static/vendor/``.

Tallybook runs offline, so the few browser libraries it uses are checked into the repository
instead of being loaded from a CDN. This script is the only supported way to change them:

1. every package in :data:`PACKAGES` is fetched with the ordinary npm client
   (``npm pack <name>@<version> --json``), so whatever registry and proxy settings npm is
   configured with apply and no registry address is hard-coded here;
2. the tarball's sha512 is computed locally and compared with the ``sha512-...`` integrity
   pinned in :data:`PACKAGES` (npm's own report must agree too), so a refresh is verified and
   reproducible;
3. only the listed files are read from the tarball (regular files only, never ``extractall``),
   trailing ``sourceMappingURL`` comments are removed from ``.js``/``.css`` files because the
   ``.map`` files are not vendored, and the results are written to
   ``ui/static/vendor/<package>/`` together with a generated ``README.md``.

Usage::

    python build/vendor.py            # rewrite ui/static/vendor/ from the pinned table
    python build/vendor.py --check    # verify ui/static/vendor/ matches, write nothing

To upgrade a package, change its ``version`` and ``integrity`` below (``npm view
<name>@<version> dist.integrity`` prints the value to pin), run the script, and review the diff.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

REPO_ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = REPO_ROOT / "ui" / "static" / "vendor"

# Refuse to read absurdly large members; the largest vendored file is about 1.7 MB.
MAX_MEMBER_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Package:
    """One pinned npm package and the files taken from its tarball."""

    name: str
    version: str
    integrity: str
    license: str
    # Path inside the package (without the tarball's top-level folder) -> path under
    # ui/static/vendor/<name>/.
    files: dict[str, str]
    note: str = ""

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


PACKAGES: tuple[Package, ...] = (
    Package(
        name="bootstrap",
        version="5.3.9",
        integrity=(
            "sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
        ),
        license="MIT",
        files={
            "dist/css/bootstrap.min.css": "bootstrap.min.css",
            "dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
            "LICENSE": "LICENSE",
        },
        note="The bundle includes Popper; the CSS embeds its images as data: URIs.",
    ),
    Package(
        name="bootstrap-icons",
        version="1.13.2",
        integrity=(
            "sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A=="
        ),
        license="MIT",
        files={
            # The CSS loads url("fonts/bootstrap-icons.woff2?<hash>"), relative to itself, so
            # the fonts/ folder must stay next to the stylesheet.
            "font/bootstrap-icons.min.css": "bootstrap-icons.min.css",
            "font/fonts/bootstrap-icons.woff2": "fonts/bootstrap-icons.woff2",
            "font/fonts/bootstrap-icons.woff": "fonts/bootstrap-icons.woff",
            "LICENSE": "LICENSE",
        },
        note="The stylesheet loads fonts/bootstrap-icons.woff2 relative to itself.",
    ),
    Package(
        name="chart.js",
        version="4.6.1",
        integrity=(
            "sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g=="
        ),
        license="MIT",
        files={
            "dist/chart.umd.min.js": "chart.umd.min.js",
            "LICENSE.md": "LICENSE.md",
        },
        note="The UMD build: one script that defines the global Chart, no module loader.",
    ),
    Package(
        name="swagger-ui-dist",
        version="5.35.0",
        integrity=(
            "sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=="
        ),
        license="Apache-2.0",
        files={
            "swagger-ui-bundle.js": "swagger-ui-bundle.js",
            "swagger-ui.css": "swagger-ui.css",
            "LICENSE": "LICENSE",
            "NOTICE": "NOTICE",
            # Licences of the third-party code bundled into swagger-ui-bundle.js, which points
            # at this file from its first line.
            "swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
        },
        note="swagger-ui-bundle.js.LICENSE.txt holds the licences of the code it bundles.",
    ),
    Package(
        name="axe-core",
        version="4.14.1",
        integrity=(
            "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
        ),
        license="MPL-2.0",
        files={
            "axe.min.js": "axe.min.js",
            "LICENSE": "LICENSE",
            "LICENSE-3RD-PARTY.txt": "LICENSE-3RD-PARTY.txt",
        },
        note=(
            "Only the browser tests use it (tests/browser/test_accessibility.py injects it); "
            "no page loads it."
        ),
    ),
)

# A source-map comment that ends a .js or .css file, with the line break before it:
# "//# sourceMappingURL=x.map", "/*# sourceMappingURL=x.map */" (and the old "@" spelling).
_TRAILING_SOURCE_MAP = re.compile(
    rb"(?:\r?\n)?[ \t]*"
    rb"(?://[#@][ \t]*sourceMappingURL=[^\r\n]*|/\*[#@][ \t]*sourceMappingURL=[^\r\n]*?\*/)"
    rb"[ \t\r\n]*\Z"
)
# Any source-map comment left at the start of a line after stripping means the file has a
# layout this script does not understand; stop rather than vendor a dangling reference.
_ANY_SOURCE_MAP_LINE = re.compile(rb"(?m)^[ \t]*(?://|/\*)[#@][ \t]*sourceMappingURL=")


class VendorError(Exception):
    """A package could not be fetched, verified or unpacked as pinned."""


def strip_source_map(data: bytes) -> bytes:
    """Remove a trailing ``sourceMappingURL`` comment; the result ends with one newline."""
    match = _TRAILING_SOURCE_MAP.search(data)
    if match is not None:
        data = data[: match.start()] + b"\n"
    if _ANY_SOURCE_MAP_LINE.search(data):
        raise VendorError("a sourceMappingURL comment remains that is not at the end of the file")
    return data


def sri_sha512(data: bytes) -> str:
    """The Subresource-Integrity style ``sha512-<base64>`` digest npm uses."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def npm_executable() -> str:
    """Full path of npm (``npm.cmd`` on Windows), so no shell is needed to run it."""
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm was not found on PATH; install Node.js to refresh vendor files")
    return npm


def npm_pack(npm: str, package: Package, dest: Path) -> Path:
    """Download ``package``'s tarball into ``dest`` with npm and return its path."""
    result = subprocess.run(
        [npm, "pack", package.spec, "--pack-destination", str(dest), "--json", "--ignore-scripts"],
        cwd=dest,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise VendorError(f"npm pack {package.spec} failed:\n{result.stderr.strip()}")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise VendorError(f"npm pack {package.spec} printed no JSON report: {exc}") from exc
    if not isinstance(report, list) or len(report) != 1:
        raise VendorError(f"npm pack {package.spec}: expected a report for one tarball")
    entry = report[0]
    if entry.get("name") != package.name or entry.get("version") != package.version:
        raise VendorError(
            f"npm pack {package.spec} returned {entry.get('name')}@{entry.get('version')}"
        )
    if entry.get("integrity") != package.integrity:
        raise VendorError(
            f"npm reports integrity {entry.get('integrity')} for {package.spec}, "
            f"but {package.integrity} is pinned"
        )
    filename = PurePosixPath(str(entry.get("filename", ""))).name
    tarball = dest / filename
    if not filename or not tarball.is_file():
        raise VendorError(f"npm pack {package.spec} did not leave {filename!r} in {dest}")
    return tarball


def verify_integrity(package: Package, tarball: bytes) -> None:
    """Check the tarball bytes themselves against the pinned integrity."""
    actual = sri_sha512(tarball)
    if not hmac.compare_digest(actual, package.integrity):
        raise VendorError(
            f"{package.spec}: tarball has integrity {actual}, but {package.integrity} is pinned"
        )


def _package_path(member_name: str) -> str | None:
    """A member's path below the tarball's top-level folder, or None if it is unsafe."""
    parts = PurePosixPath(member_name).parts
    if len(parts) < 2 or parts[0] in ("/", "..") or any(p in ("", ".", "..") for p in parts):
        return None
    return "/".join(parts[1:])


def read_members(package: Package, tarball: bytes) -> dict[str, bytes]:
    """Read the listed files (by package-relative path) out of an npm tarball."""
    wanted = set(package.files) | {"package.json"}
    found: dict[str, tarfile.TarInfo] = {}
    contents: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            path = _package_path(member.name)
            if path not in wanted:
                continue
            if path in found:
                raise VendorError(f"{package.spec}: {path} appears twice in the tarball")
            if not member.isfile():
                raise VendorError(f"{package.spec}: {path} is not a regular file in the tarball")
            if member.size > MAX_MEMBER_BYTES:
                raise VendorError(f"{package.spec}: {path} is {member.size} bytes, too large")
            found[path] = member
            handle = archive.extractfile(member)
            if handle is None:
                raise VendorError(f"{package.spec}: cannot read {path}")
            with handle:
                contents[path] = handle.read()
    missing = sorted(wanted - set(contents))
    if missing:
        raise VendorError(f"{package.spec}: not in the tarball: {', '.join(missing)}")
    return contents


def check_manifest(package: Package, manifest: bytes) -> None:
    """The tarball's package.json must name the pinned package, version and licence."""
    data = json.loads(manifest)
    got = (data.get("name"), data.get("version"), data.get("license"))
    if got != (package.name, package.version, package.license):
        raise VendorError(
            f"{package.spec}: package.json says {got}, expected "
            f"{(package.name, package.version, package.license)}"
        )


def safe_destination(package: Package, relative: str) -> PurePosixPath:
    """Validate a destination from the table: relative, no '..', inside the package folder."""
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts):
        raise VendorError(f"{package.spec}: unsafe destination {relative!r}")
    if "\\" in relative or ":" in relative:
        raise VendorError(f"{package.spec}: destination {relative!r} must be a plain POSIX path")
    return PurePosixPath(package.name) / path


def transform(path: str, data: bytes) -> bytes:
    """Deterministic edits applied to vendored files."""
    if path.endswith((".js", ".css")):
        return strip_source_map(data)
    return data


def build_package(npm: str, package: Package, workdir: Path) -> dict[PurePosixPath, bytes]:
    """Fetch, verify and unpack one package; return vendor-relative path -> bytes."""
    tarball_path = npm_pack(npm, package, workdir)
    tarball = tarball_path.read_bytes()
    verify_integrity(package, tarball)
    contents = read_members(package, tarball)
    check_manifest(package, contents["package.json"])
    return {
        safe_destination(package, dest): transform(source, contents[source])
        for source, dest in package.files.items()
    }


def render_readme() -> bytes:
    """The generated ui/static/vendor/README.md."""
    lines = [
        "# Vendored front-end libraries",
        "",
        "Tallybook works offline, so these files are served from `ui/static/vendor/` instead of",
        "a CDN. **Do not edit them by hand**: this folder, README included, is generated by",
        "`build/vendor.py` from the versions and sha512 integrities pinned in that script.",
        "",
        "| Package | Version | License | Files |",
        "| --- | --- | --- | --- |",
    ]
    for package in PACKAGES:
        files = ", ".join(f"`{package.name}/{dest}`" for dest in package.files.values())
        lines.append(f"| {package.name} | {package.version} | {package.license} | {files} |")
    lines += ["", "Notes:", ""]
    lines += [f"- {package.name}: {package.note}" for package in PACKAGES if package.note]
    lines += [
        "- Trailing `sourceMappingURL` comments are stripped from the `.js` and `.css` files,",
        "  because the `.map` files are not vendored.",
        "",
        "## Refreshing",
        "",
        "Needs Node.js/npm on PATH (npm's own registry configuration is used). From the",
        "repository root:",
        "",
        "```sh",
        "python build/vendor.py          # rewrite this folder from the pinned table",
        "python build/vendor.py --check  # verify it matches, change nothing",
        "```",
        "",
        "To upgrade, edit `version` and `integrity` for the package in `build/vendor.py`",
        "(`npm view <name>@<version> dist.integrity` prints the value to pin), run the script,",
        "and review the diff. The script refuses tarballs whose sha512 does not match the pin.",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def build_tree() -> dict[PurePosixPath, bytes]:
    """Everything that belongs under ui/static/vendor/, keyed by vendor-relative path."""
    npm = npm_executable()
    tree: dict[PurePosixPath, bytes] = {PurePosixPath("README.md"): render_readme()}
    with tempfile.TemporaryDirectory(prefix="tallybook-vendor-") as tmp:
        for package in PACKAGES:
            workdir = Path(tmp) / package.name
            workdir.mkdir()
            files = build_package(npm, package, workdir)
            print(f"verified {package.spec} ({package.integrity[:23]}...)")
            tree.update(files)
    return tree


def _existing_files(root: Path) -> set[PurePosixPath]:
    if not root.is_dir():
        return set()
    return {
        PurePosixPath(path.relative_to(VENDOR_DIR).as_posix())
        for path in root.rglob("*")
        if path.is_file() or path.is_symlink()
    }


def managed_existing() -> set[PurePosixPath]:
    """Files currently in the folders this script owns (README.md and one folder per package)."""
    existing: set[PurePosixPath] = set()
    if (VENDOR_DIR / "README.md").is_file():
        existing.add(PurePosixPath("README.md"))
    for package in PACKAGES:
        existing |= _existing_files(VENDOR_DIR / package.name)
    return existing


def unmanaged_entries() -> list[str]:
    """Top-level entries in ui/static/vendor/ that this script does not know about."""
    if not VENDOR_DIR.is_dir():
        return []
    known = {"README.md"} | {package.name for package in PACKAGES}
    return sorted(entry.name for entry in VENDOR_DIR.iterdir() if entry.name not in known)


def check(tree: dict[PurePosixPath, bytes]) -> list[str]:
    """Differences between the generated tree and what is on disk."""
    problems = []
    for rel, data in sorted(tree.items()):
        path = VENDOR_DIR / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
        elif path.read_bytes() != data:
            problems.append(f"differs: {rel}")
    problems += [f"unexpected: {rel}" for rel in sorted(managed_existing() - set(tree))]
    problems += [f"unexpected: {name}" for name in unmanaged_entries()]
    return problems


def write(tree: dict[PurePosixPath, bytes]) -> None:
    """Make ui/static/vendor/ match ``tree``: write changed files, delete stale ones."""
    for rel in sorted(managed_existing() - set(tree)):
        (VENDOR_DIR / rel).unlink()
        print(f"removed {rel}")
    for rel, data in sorted(tree.items()):
        path = VENDOR_DIR / rel
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink()
        path.write_bytes(data)
        print(f"wrote {rel} ({len(data)} bytes)")
    for package in PACKAGES:
        # Drop directories emptied by removals (deepest first).
        root = VENDOR_DIR / package.name
        for directory in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
    for name in unmanaged_entries():
        print(
            f"warning: ui/static/vendor/{name} is not managed by build/vendor.py", file=sys.stderr
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="verify ui/static/vendor/ matches the pinned packages; write nothing",
    )
    args = parser.parse_args(argv)
    try:
        tree = build_tree()
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.check:
        problems = check(tree)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("ui/static/vendor/ is out of date; run: python build/vendor.py", file=sys.stderr)
            return 1
        print("ui/static/vendor/ is up to date")
        return 0
    write(tree)
    return 0


if __name__ == "__main__":
    sys.exit(main())
