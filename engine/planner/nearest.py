"""Embedding-nearest action matching for clauses the rules do not understand.

Each action's prototype is the mean embedding of its phrasings (engine.phrases); a clause maps
to the action whose prototype is most similar (cosine).
"""
from __future__ import annotations

import re

import numpy as np

from ..actions import ACTIONS
from ..phrases import PHRASE_SPLITS
from .lexicon import MODIFIERS


class NearestAction:
    """Callable clause -> (action, cosine similarity). ``encoder`` has
    ``encode(list[str]) -> (N, D) float32`` with L2-normalised rows. Prototypes use only the
    training phrasings, so held-out test phrasings measure real generalisation."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        texts, owners = [], []
        for action in ACTIONS:
            for phrase in PHRASE_SPLITS[action]["train"]:
                texts.append("a person " + phrase.replace("{hand}", "with a hand")
                             .replace("{side}", "right"))
                owners.append(action)
        emb = np.asarray(encoder.encode(texts), dtype=np.float32)
        owners_arr = np.array(owners)
        protos = np.stack([emb[owners_arr == a].mean(axis=0) for a in ACTIONS])
        self.prototypes = protos / np.linalg.norm(protos, axis=1, keepdims=True)  # (A, D)

    def similarities(self, clause: str) -> np.ndarray:
        """(A,) cosine similarity of ``clause`` (manner words stripped) to every action's
        prototype."""
        e = np.asarray(self.encoder.encode([core_text(clause)]), dtype=np.float32)[0]
        return self.prototypes @ (e / max(float(np.linalg.norm(e)), 1e-9))

    def __call__(self, clause: str) -> tuple[str, float]:
        sims = self.similarities(clause)
        best = int(np.argmax(sims))
        return ACTIONS[best], float(sims[best])


def core_text(clause: str) -> str:
    """``clause`` without manner, speed, mood, hand and repetition words ("trots wearily at a
    slow pace" -> "trots"); the clause itself when nothing would be left."""
    core = " ".join(MODIFIERS.sub(" ", clause).split())
    core = re.sub(r"\b(and|,)(\s+(and|,))+\b", "and", core)
    core = re.sub(r"^(\s*(and|,)\s*)+|(\s*(and|,)\s*)+$", "", core)
    return core if re.search(r"\w", core) else clause
