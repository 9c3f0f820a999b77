"""Turning a file's bytes into text: the encodings banks really use, and refusing binaries."""

from __future__ import annotations

import codecs
import re

from server.bankfiles.file_problems import ImportProblem

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> tuple[str, str]:
    """Return the text of `data` and the encoding it was read with.

    A byte order mark decides; else UTF-8 if the bytes are valid UTF-8; else Windows-1252
    (what most European banks write), and Latin-1 for the few bytes cp1252 leaves undefined.
    """
    if not data.strip():
        raise ImportProblem("The file is empty.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding)), encoding
            except UnicodeDecodeError as error:
                raise ImportProblem(
                    f"The file says it is {encoding} but is not: {error}."
                ) from None
    if b"\x00" in data:
        raise ImportProblem("This is not a text file (it holds binary data).")
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return _checked(data.decode(encoding)), encoding
        except UnicodeDecodeError:
            continue
    raise ImportProblem("The file's text encoding is not one Tallybook reads.")  # unreachable


def _checked(text: str) -> str:
    controls = len(_CONTROLS.findall(text))
    if controls > max(8, len(text) // 100):
        raise ImportProblem("This is not a text file (it holds binary data).")
    return text.lstrip("\ufeff")
