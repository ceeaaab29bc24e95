"""Reading a ``--batch`` prompt file: one prompt a line, optionally ``seconds<TAB>prompt``.

A file that cannot be read at all (missing, binary, not UTF-8, empty) is a CliError naming it.
A bad line does not stop the others: it comes back with its ``error`` set, so the caller reports
it with its line number, writes the rest and exits non-zero at the end.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from . import CliError

MAX_PROMPT_CHARS = 10_000


@dataclass
class BatchLine:
    number: int                 # 1-based line number in the file
    prompt: str
    seconds: float | None = None
    error: str = ""             # why this line cannot be generated ("" when it can)


def read_batch(path: str | Path, max_seconds: float) -> list[BatchLine]:
    """Every prompt line of ``path`` (blank lines and ``#`` comments skipped); a line's
    seconds must lie in (0, ``max_seconds``]."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CliError(f"{path}: cannot read the batch file ({exc.strerror or exc})") from None
    if b"\x00" in raw:
        raise CliError(f"{path}: not a batch file of prompts (it holds binary data)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not a text file in UTF-8 (byte {exc.start} cannot be "
                       "read); save it as UTF-8 text, one prompt a line") from None
    lines = [_parse(n, line, max_seconds) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise CliError(f"{path}: holds no prompts")
    return lines


def _parse(number: int, line: str, max_seconds: float) -> BatchLine:
    seconds, prompt = None, line.strip()
    if "\t" in line:
        head, prompt = line.split("\t", 1)
        prompt = prompt.strip()
        try:
            seconds = float(head)
        except ValueError:
            return BatchLine(number, prompt, None, f"{head.strip()[:40]!r} is not a number of "
                                                   "seconds")
        if not math.isfinite(seconds) or not 0 < seconds <= max_seconds:
            return BatchLine(number, prompt, None, f"seconds must be in (0, "
                                                   f"{max_seconds:g}], got {head.strip()[:40]}")
    if not prompt:
        return BatchLine(number, prompt, seconds, "no prompt after the seconds")
    if len(prompt) > MAX_PROMPT_CHARS:
        return BatchLine(number, prompt[:80], seconds, f"prompt is {len(prompt)} characters; "
                                                       f"at most {MAX_PROMPT_CHARS} are read")
    return BatchLine(number, prompt, seconds)
