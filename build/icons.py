"""Render the application icons the three systems want from ``ui/static/img/tallybook.svg``.

Usage::

    python build/icons.py    # rewrite build/icons/ and the web icons (commit the result)

Writes, under ``build/icons/``:

- ``hicolor/<N>x<N>/apps/tallybook.png`` for Linux desktops (the .deb installs this tree into
  /usr/share/icons/hicolor as it is),
- ``tallybook.ico`` for Windows (the exe and the Inno Setup installer),
- ``tallybook.icns`` for macOS (the .app bundle).

and, under ``ui/static/img/`` (served to phones, named by ``/manifest.webmanifest``):

- ``tallybook-192.png`` and ``tallybook-512.png``, the icon as it is, on a transparent ground,
- ``tallybook-maskable-512.png``, the icon small on a full blue square, for launchers that cut
  their own shape out of it (a maskable icon keeps what matters inside the middle 80%),
- ``apple-touch-icon.png`` (180 px) the same way, for iOS, which fills transparency with black.

Each size is rendered from the SVG, not scaled from another bitmap, so that 16 px stays as sharp
as 1024 px. Qt's SVG renderer (PyQt6, from the ``desktop`` extra) draws; Pillow writes the ICO
and ICNS containers, which Qt can only write with one image each. The outputs are committed, so
building the installers needs neither.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from project import ICONS_DIR, ROOT  # build/project.py: run as a file, build/ is on sys.path
from PyQt6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PyQt6.QtGui import QColor, QImage, QPainter
from PyQt6.QtSvg import QSvgRenderer

SOURCE = ROOT / "ui" / "static" / "img" / "tallybook.svg"
NAME = "tallybook"
# The sizes of the freedesktop hicolor theme that desktops look up for an application icon.
LINUX_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Explorer picks from these for its views and high-DPI scales; 256 is the largest ICO holds.
WINDOWS_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Finder and the Dock: 16 to 512 points at 1x and 2x. Pillow stores them as PNG entries ic07-ic14,
# which take these pixel sizes (16 px at 1x is left to macOS to scale down from 32 px).
MAC_SIZES = (32, 64, 128, 256, 512, 1024)
WEB_DIR = ROOT / "ui" / "static" / "img"
WEB_SIZES = (192, 512)
# The icon's blue (the SVG's book), behind a maskable icon; the icon takes this share of it.
MASK_GROUND = "#0d6efd"
MASK_SHARE = 0.7


def render(renderer: QSvgRenderer, size: int, *, masked: bool = False) -> Image.Image:
    """Draw the SVG into a transparent `size` x `size` RGBA image, or (`masked`) smaller in the
    middle of a square of its blue."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(QColor(MASK_GROUND) if masked else Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if masked:
        margin = size * (1 - MASK_SHARE) / 2
        renderer.render(painter, QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    else:
        renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def write_icons(source: Path = SOURCE, out: Path = ICONS_DIR) -> list[Path]:
    """Render every icon from `source` into `out`; return the files written."""
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"Qt cannot read {source}")
    images = {size: render(renderer, size) for size in {*LINUX_SIZES, *WINDOWS_SIZES, *MAC_SIZES}}
    written = []
    for size in LINUX_SIZES:
        path = out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        images[size].save(path, optimize=True)
        written.append(path)
    # Pillow writes one entry per size, from the appended image of that size when there is one.
    largest = images[WINDOWS_SIZES[-1]]
    largest.save(
        out / f"{NAME}.ico",
        sizes=[(size, size) for size in WINDOWS_SIZES],
        append_images=[images[size] for size in WINDOWS_SIZES[:-1]],
    )
    images[MAC_SIZES[-1]].save(
        out / f"{NAME}.icns", append_images=[images[size] for size in MAC_SIZES[:-1]]
    )
    written += [out / f"{NAME}.ico", out / f"{NAME}.icns"]
    return written


def write_web_icons(source: Path = SOURCE, out: Path = WEB_DIR) -> list[Path]:
    """Render the icons a phone's home screen takes from the web app manifest into `out`."""
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"Qt cannot read {source}")
    images = {f"{NAME}-{size}.png": render(renderer, size) for size in WEB_SIZES}
    images[f"{NAME}-maskable-512.png"] = render(renderer, 512, masked=True)
    images["apple-touch-icon.png"] = render(renderer, 180, masked=True).convert("RGB")
    for name, image in images.items():
        image.save(out / name, optimize=True)
    return [out / name for name in images]


if __name__ == "__main__":
    for path in write_icons() + write_web_icons():
        print(path.relative_to(ROOT))
