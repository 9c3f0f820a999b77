"""Where bundled, read-only files live, frozen or not."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """Return the folder that holds `ui/` and the other bundled files.

    In a PyInstaller bundle that is the unpacked `sys._MEIPASS`; from source it is the repo root.
    Nothing may be written there: data goes to the per-user data folder.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent
