"""The one error an import parser raises, whatever is wrong with the file."""

from __future__ import annotations


class ImportProblem(Exception):
    """A file that cannot be read as given, with the line it concerns where there is one."""

    def __init__(self, message: str, line: int | None = None, field: str = "content") -> None:
        super().__init__(f"Line {line}: {message}" if line else message)
        self.message = message
        self.line = line
        self.field = field  # the request's field it concerns: the file, or a choice made
