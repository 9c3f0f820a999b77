"""Render the application icons the three systems want from ``ui/static/img/tallybook.svg``.

Usage::

    python build/icons.py    # rewrite build/icons/ (commit the result)

Writes, under ``build/icons/``:

- ``hicolor/<N>x<N>/apps/tallybook.png`` for Linux desktops (the .deb installs this tree into
  /usr/share/icons/hicolor as it is),
- ``tallybook.ico`` for Windows (the exe and the Inno Setup installer),
- ``tallybook.icns`` for macOS (the .app bundle).

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
from PyQt6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PyQt6.QtGui import QImage, QPainter
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


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    """Draw the SVG into a transparent `size` x `size` RGBA image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
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


if __name__ == "__main__":
    for path in write_icons():
        print(path.relative_to(ROOT))
