"""An on-disk cache of sentence embeddings, keyed by encoder and text, shared by every
Stick-Gen process of a user (the CLI, the app, benchmarks).

A cold ``stickgen generate`` whose texts are all cached never loads the text encoder. The cache
is one SQLite file in the user's cache folder (``cache_dir()``): SQLite makes each write one
atomic transaction and serialises writers from several processes itself, so two processes
writing at once both land and a reader never sees half a row. It holds at most ``MAX_ROWS``
embeddings; the oldest are dropped first. The cache is an optimisation only: when the file
cannot be opened, is locked for too long or is damaged, encoding goes on without it.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import sys
from pathlib import Path

import numpy as np

MAX_ROWS = 50_000          # about 80 MB with 384-d float32 vectors and their texts
_BUSY_TIMEOUT_S = 2.0      # how long a writer waits for another process's transaction
_CHUNK = 500               # texts per SELECT (SQLite's bound-parameter limit is 999 on old builds)
_log = logging.getLogger(__name__)

_SCHEMA = """CREATE TABLE IF NOT EXISTS embeddings (
    encoder TEXT NOT NULL, text TEXT NOT NULL, vec BLOB NOT NULL,
    PRIMARY KEY (encoder, text))"""


def cache_dir() -> Path:
    """The user's cache folder for Stick-Gen: ``$STICKGEN_CACHE_DIR`` if set, else the
    platform's convention (``$XDG_CACHE_HOME/stickgen``, ``~/.cache/stickgen``, ...)."""
    if os.environ.get("STICKGEN_CACHE_DIR"):
        return Path(os.environ["STICKGEN_CACHE_DIR"]).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
        return Path(base) / "stickgen" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "stickgen"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "stickgen"


def caching_disabled() -> bool:
    """``STICKGEN_EMBEDDING_CACHE=0`` turns the disk cache off (e.g. to time cold encoding)."""
    return os.environ.get("STICKGEN_EMBEDDING_CACHE", "1").strip().lower() in ("0", "off", "no")


class EmbeddingCache:
    """``get`` and ``put`` embeddings of texts for one encoder key; each call opens its own
    connection, so any thread or process may use it."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path is not None else cache_dir() / "embeddings.sqlite3"
        self._broken = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
            con.execute(_SCHEMA)
            return con
        except sqlite3.DatabaseError as exc:
            self._give_up(exc)
        except (sqlite3.Error, OSError) as exc:
            _log.debug("embedding cache %s unavailable: %s", self.path, exc)
        return None

    def _give_up(self, exc: Exception) -> None:
        """A damaged file: move it aside (the next process starts a fresh one) and stop
        using the cache in this process."""
        if isinstance(exc, sqlite3.OperationalError):     # locked or read-only: try next time
            _log.debug("embedding cache %s busy: %s", self.path, exc)
            return
        self._broken = True
        _log.warning("embedding cache %s is damaged (%s); starting a new one", self.path, exc)
        try:
            os.replace(self.path, self.path.with_name(self.path.name + ".damaged"))
        except OSError:
            pass

    def get(self, encoder: str, texts: list[str], dim: int) -> dict[str, np.ndarray]:
        """The cached ``(dim,)`` float32 embeddings among ``texts``, by text."""
        con = self._connect() if texts else None
        if con is None:
            return {}
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(texts))
        try:
            for start in range(0, len(unique), _CHUNK):
                part = unique[start:start + _CHUNK]
                rows = con.execute(
                    f"SELECT text, vec FROM embeddings WHERE encoder = ? AND text IN "
                    f"({','.join('?' * len(part))})", (encoder, *part)).fetchall()
                for text, blob in rows:
                    if len(blob) == dim * 4:          # a row of another width is ignored
                        found[text] = np.frombuffer(blob, dtype="<f4").copy()
        except sqlite3.DatabaseError as exc:
            self._give_up(exc)
        finally:
            con.close()
        return found

    def put(self, encoder: str, items: dict[str, np.ndarray]) -> None:
        """Store ``items`` (text -> (dim,) embedding) in one transaction, then drop the oldest
        rows beyond ``MAX_ROWS``."""
        con = self._connect() if items else None
        if con is None:
            return
        rows = [(encoder, t, np.asarray(v, dtype="<f4").tobytes()) for t, v in items.items()]
        try:
            with con:
                con.execute("BEGIN IMMEDIATE")
                # The same encoder and text always give the same vector, so a row another
                # process wrote first stays (and keeps its age).
                con.executemany("INSERT OR IGNORE INTO embeddings VALUES (?, ?, ?)", rows)
                con.execute("DELETE FROM embeddings WHERE rowid <= "
                            "(SELECT max(rowid) FROM embeddings) - ?", (MAX_ROWS,))
        except sqlite3.DatabaseError as exc:
            self._give_up(exc)
        finally:
            con.close()
