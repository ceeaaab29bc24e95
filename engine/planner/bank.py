"""The planner's phrase bank: how people describe each action, with the embeddings the meaning
match compares a clause against.

The bank is the caption training phrasings (engine.phrases) plus ``resources/planner/
phrasings.tsv``. Encoding ~2,000 phrases takes seconds, so the default encoder's embeddings are
shipped beside the text (``phrasings.emb.npz``) and used when they were made from exactly this
text with this encoder; otherwise they are computed. Rebuild them after editing the bank:
``python -m engine.planner.bank``.
"""
from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import numpy as np

from ..actions import ACTIONS
from ..phrases import PHRASE_SPLITS


def bank_path() -> Path:
    from resources import ROOT

    return ROOT / "planner" / "phrasings.tsv"


def cache_path() -> Path:
    return bank_path().with_suffix(".emb.npz")


def bank_text(phrase: str) -> str:
    """How a bank phrasing is embedded: with a subject, placeholders filled."""
    return "a person " + phrase.replace("{hand}", "with a hand").replace("{side}", "right")


def load_bank(path: Path | None = None) -> tuple[list[str], list[str]]:
    """(texts, actions): the training phrasings, then the bank file's rows. A row naming an
    unknown action or lacking a tab is a ValueError that says which line."""
    texts, owners = [], []
    for action in ACTIONS:
        for phrase in PHRASE_SPLITS[action]["train"]:
            texts.append(bank_text(phrase))
            owners.append(action)
    path = path or bank_path()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        action, sep, phrase = line.partition("\t")
        if not sep or action not in ACTIONS or not phrase.strip():
            raise ValueError(f"{path.name} line {n}: expected 'action<TAB>phrasing' with a "
                             f"known action, got {line[:60]!r}")
        texts.append(bank_text(phrase.strip()))
        owners.append(action)
    return texts, owners


def _name(encoder) -> str:
    return str(getattr(encoder, "name", type(encoder).__name__))


def digest(texts: list[str], encoder_name: str) -> str:
    h = hashlib.sha256(encoder_name.encode())
    for t in texts:
        h.update(b"\0" + t.encode())
    return h.hexdigest()


def bank_embeddings(encoder, texts: list[str]) -> np.ndarray:
    """(N, D) unit rows for ``texts``: the shipped cache when it matches, else encoded now."""
    key = digest(texts, _name(encoder))
    try:
        with np.load(cache_path()) as z:
            if str(z["digest"]) == key:
                emb = z["embeddings"].astype(np.float32)
                return emb / np.linalg.norm(emb, axis=1, keepdims=True)
    except (OSError, KeyError, ValueError):
        pass
    return np.asarray(encoder.encode(texts), dtype=np.float32)


def write_cache(encoder) -> Path:
    """Encode the bank with ``encoder`` and write the cache atomically."""
    from ..atomic import write_bytes_atomic

    texts, _ = load_bank()
    emb = np.asarray(encoder.encode(texts), dtype=np.float32)
    buf = io.BytesIO()
    np.savez_compressed(buf, embeddings=emb.astype(np.float16),
                        digest=np.array(digest(texts, _name(encoder))))
    write_bytes_atomic(cache_path(), buf.getvalue())
    return cache_path()


def main(argv: list[str] | None = None) -> int:
    from ..text import get_encoder

    path = write_cache(get_encoder())
    print(f"wrote {path.name}: {len(load_bank()[0])} phrasings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
