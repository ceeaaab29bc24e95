"""The one error type readers raise for a file they cannot accept."""
from __future__ import annotations

import json
import os
from typing import Any


class FormatError(ValueError):
    """A file is malformed or foreign; the message says what is wrong and where."""

    def __init__(self, path: object, message: str, line: int | None = None):
        where = f"{path}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.reason = message


def _json_problem(exc: json.JSONDecodeError, kind: str) -> str:
    """What a JSON syntax error means for the user: a file that stops part-way (an interrupted
    save or copy) or text damaged at a place."""
    if exc.pos >= len(exc.doc.rstrip()) - 1 or exc.msg.startswith("Unterminated"):
        return (f"the {kind} is cut off: it ends part-way through (an interrupted save or "
                "copy?)")
    return f"not a valid {kind}: the text is damaged at line {exc.lineno}, column {exc.colno}"


def read_json(path: str | os.PathLike, kind: str) -> Any:
    """Parse a JSON file; a syntax error or binary data is a FormatError naming the line and
    what the file should have been (``kind``, e.g. "project file")."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise FormatError(path, _json_problem(exc, kind), exc.lineno) from None
    except UnicodeDecodeError:
        raise FormatError(path, f"not a {kind} (binary data)") from None
    except RecursionError:
        raise FormatError(path, f"not a {kind} (nested too deeply)") from None
    except ValueError as exc:   # e.g. an integer with more digits than Python converts
        raise FormatError(path, f"not a valid {kind} ({str(exc).splitlines()[0][:120]})") \
            from None
    except OSError as exc:
        raise FormatError(path, f"cannot read the {kind}: {exc.strerror or exc}") from None
