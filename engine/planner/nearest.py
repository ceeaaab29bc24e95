"""Embedding-nearest action matching: for clauses the rules do not understand, and as a check
on the rules.

A clause is compared (cosine) with every phrasing in the planner's phrase bank (engine.planner.
bank); an action's score is the mean similarity of its K closest phrasings. The bank holds only
training phrasings and independently written descriptions, so held-out test phrasings measure
real generalisation.
"""
from __future__ import annotations

import re

import numpy as np

from ..actions import ACTIONS
from .bank import bank_embeddings, load_bank
from .lexicon import MODIFIERS
from .rules import strip_subject

K_NEAREST = 3  # phrasings per action averaged into its score (1, 3 and 5 measured; 3 best)


class NearestAction:
    """Callable clause -> (action, score). ``encoder`` has ``encode(list[str]) -> (N, D)
    float32`` with L2-normalised rows (and ``name``, to use the shipped bank embeddings)."""

    def __init__(self, encoder, k: int = K_NEAREST) -> None:
        self.encoder, self.k = encoder, k
        texts, owners = load_bank()
        self.bank = bank_embeddings(encoder, texts)                      # (N, D)
        owners_arr = np.array(owners)
        self.members = [np.flatnonzero(owners_arr == a) for a in ACTIONS]
        self.known: dict[str, str | None] = {}   # bank text -> its action (None: several)
        for text, action in zip(texts, owners):
            self.known[text] = action if self.known.get(text, action) == action else None

    def known_action(self, clause: str) -> str | None:
        """The action of a bank phrasing worded exactly like ``clause``, else None: such a
        clause needs no encoding to be checked."""
        return self.known.get(query_text(clause))

    def prepare(self, clauses: list[str], extra: list[str] = ()) -> None:
        """Encode the queries for ``clauses`` (and ``extra`` texts) in one batch, so the
        encoder's cache answers the calls that follow: one batch costs about a third of the
        same texts one by one."""
        queries = [query_text(c) for c in clauses]
        self.encoder.encode([q for q in queries if q not in self.known] + list(extra))

    def similarities(self, clause: str) -> np.ndarray:
        """(A,) score of ``clause`` (manner words stripped) for every action: the mean cosine
        similarity of the action's K most similar bank phrasings."""
        e = np.asarray(self.encoder.encode([query_text(clause)]), dtype=np.float32)[0]
        sims = self.bank @ (e / max(float(np.linalg.norm(e)), 1e-9))
        out = np.empty(len(ACTIONS), dtype=np.float32)
        for i, idx in enumerate(self.members):
            top = sims[idx]
            if len(top) > self.k:
                top = np.partition(top, len(top) - self.k)[-self.k:]
            out[i] = top.mean()
        return out

    def __call__(self, clause: str) -> tuple[str, float]:
        sims = self.similarities(clause)
        best = int(np.argmax(sims))
        return ACTIONS[best], float(sims[best])


def query_text(clause: str) -> str:
    """What the meaning match embeds for ``clause``: its core words after "a person", the way
    the bank's phrasings are embedded."""
    return "a person " + core_text(strip_subject(clause))


def core_text(clause: str) -> str:
    """``clause`` without manner, speed, mood, hand and repetition words ("trots wearily at a
    slow pace" -> "trots"); the clause itself when nothing would be left."""
    core = " ".join(MODIFIERS.sub(" ", clause).split())
    core = re.sub(r"\b(and|,)(\s+(and|,))+\b", "and", core)
    core = re.sub(r"^(\s*(and|,)\s*)+|(\s*(and|,)\s*)+$", "", core)
    return core if re.search(r"\w", core) else clause
