"""The one place the running program learns its version (from the package metadata)."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("tallybook")
except metadata.PackageNotFoundError:  # running from a checkout that was never pip-installed
    __version__ = "0.0.0+source"
