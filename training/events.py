"""Progress events of a training run: one JSON object a line, on stdout and in events.jsonl.

Every event has ``event`` (prepare, start, step, eval, checkpoint, warning, done, stopped,
error) and ``time``
(seconds since the epoch); the rest depends on the kind. Readers (the GUI's training tab) follow
the file or the process's stdout line by line; ``training.runs`` reads and tails it.
"""
from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

from .runs.folder import EVENTS_FILE


def _clean(v):
    """JSON-safe values: non-finite floats become null, tensors and numpy scalars numbers."""
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if hasattr(v, "item") and callable(v.item):
        v = v.item()
    if isinstance(v, float):
        return round(v, 6) if math.isfinite(v) else None
    return v


class EventLog:
    """Writes events to ``run_dir/events.jsonl`` and stdout; silent when ``enabled`` is False
    (the non-zero ranks of a distributed run)."""

    def __init__(self, run_dir: str | Path, enabled: bool = True, stdout: bool = True) -> None:
        self.path = Path(run_dir) / EVENTS_FILE
        self.enabled = enabled
        self.stdout = stdout
        self._fh = None
        if enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")

    def emit(self, event: str, **fields) -> dict:
        record = {"event": event, "time": round(time.time(), 3), **_clean(fields)}
        if self.enabled:
            line = json.dumps(record, separators=(",", ":"))
            self._fh.write(line + "\n")
            self._fh.flush()
            if self.stdout:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
        return record

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

