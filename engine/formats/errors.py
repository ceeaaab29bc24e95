"""The one error type readers raise for a file they cannot accept."""
from __future__ import annotations


class FormatError(ValueError):
    """A file is malformed or foreign; the message says what is wrong and where."""

    def __init__(self, path: object, message: str, line: int | None = None):
        where = f"{path}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.reason = message
