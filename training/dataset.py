"""Training batches: random crops of dataset samples as normalised features, with their texts.

Texts (captions and segment texts) are embedded once per dataset and cached beside the shards
(``text_cache.<encoder>.npz``), so a training process never loads the text encoder when the
cache is complete. Crops come from a numpy Generator whose state is saved in checkpoints, so a
resumed run sees exactly the batches it would have seen.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from engine.atomic import atomic_path
from engine.model.diffusion import Batch
from engine.model.features import (PATH_CHANNELS, STEER_CHANNELS, FeatureStats, local_slice,
                                   to_features)
from engine.text import canonical_encoder_name
from training.data.shards import Sample


START_POSE_SHARE = 0.7      # crops from a sequence's start that also get its first pose


def text_cache_path(data_dir: str | Path, encoder: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", canonical_encoder_name(encoder)).strip("_")
    return Path(data_dir) / f"text_cache.{slug}.npz"


def sample_texts(samples: list[Sample]) -> list[str]:
    """Every distinct caption and segment text, in first-seen order."""
    seen: dict[str, None] = {}
    for s in samples:
        seen.setdefault(s.caption, None)
        for g in s.segments:
            seen.setdefault(g.text, None)
    return list(seen)


class TextTable:
    """Embeddings of a fixed set of texts: ``index[text]`` -> row of ``embeddings`` (N, D)."""

    def __init__(self, texts: list[str], embeddings: np.ndarray, encoder: str) -> None:
        self.texts = list(texts)
        self.index = {t: i for i, t in enumerate(self.texts)}
        self.embeddings = np.asarray(embeddings, np.float32)
        self.encoder = canonical_encoder_name(encoder)

    @property
    def dim(self) -> int:
        return int(self.embeddings.shape[1])

    def save(self, path: Path) -> None:
        with atomic_path(path, suffix=".npz") as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, texts=np.array(json.dumps(self.texts)),
                         embeddings=self.embeddings, encoder=np.array(self.encoder))

    @staticmethod
    def load(path: Path) -> "TextTable":
        with np.load(path, allow_pickle=False) as z:
            return TextTable(json.loads(str(z["texts"])), z["embeddings"], str(z["encoder"]))


def ensure_text_cache(data_dir: str | Path, texts: list[str], encoder: str,
                      progress: Callable[[int, int], None] | None = None,
                      chunk: int = 4096) -> TextTable:
    """Load the dataset's text cache, embedding any texts it lacks.

    New texts are embedded ``chunk`` at a time and the cache is saved after each chunk, so an
    interrupted run keeps what it embedded; ``progress(done, total)`` reports the count.
    """
    path = text_cache_path(data_dir, encoder)
    table = TextTable.load(path) if path.exists() else None
    missing = [t for t in texts if table is None or t not in table.index]
    if not missing:
        return table
    from engine.text import TextEncoder

    enc = TextEncoder(encoder, cache_size=0)      # no per-string cache for one-off texts
    for start in range(0, len(missing), chunk):
        part = missing[start:start + chunk]
        emb = enc.encode(part)
        if table is not None:
            table = TextTable(table.texts + part, np.concatenate([table.embeddings, emb]),
                              encoder)
        else:
            table = TextTable(part, emb, encoder)
        table.save(path)
        if progress is not None:
            progress(start + len(part), len(missing))
    return table


def compute_features(samples: list[Sample]) -> list[np.ndarray]:
    return [to_features(s.positions, s.fps) for s in samples]


class CropDataset:
    """Samples as normalised features, cut into random crops on demand."""

    def __init__(self, samples: list[Sample], features: list[np.ndarray], stats: FeatureStats,
                 texts: TextTable, null_action: int, frames_per_token: int = 2,
                 action_weights: dict[str, float] | None = None, curate: bool = False) -> None:
        if not samples:
            raise ValueError("no samples to train on")
        self.p = int(frames_per_token)
        self.null_action = int(null_action)
        self.feats = [stats.normalize(f) for f in features]          # each (T, C)
        self.actions = [s.action_ids.astype(np.int64) for s in samples]
        self.lengths = np.array([len(f) for f in self.feats])
        self.emb = torch.from_numpy(texts.embeddings)                # (N, Dt)
        self.rows: list[np.ndarray] = []      # per sample: text rows, caption first
        self.frame_seg: list[np.ndarray] = []  # per sample: (T,) index into its rows
        for s in samples:
            rows = [texts.index[s.caption]] + [texts.index[g.text] for g in s.segments]
            seg = np.zeros(s.num_frames, np.int64)
            for k, g in enumerate(s.segments):
                seg[max(0, g.start):min(s.num_frames, g.stop)] = k + 1
            self.rows.append(np.array(rows, np.int64))
            self.frame_seg.append(seg)
        boost = np.ones(len(samples))
        for i, s in enumerate(samples):
            for g in s.segments:
                boost[i] = max(boost[i], float((action_weights or {}).get(g.action, 1.0)))
        self.curation: dict[str, int] | None = None
        base = self.lengths.astype(np.float64)
        if curate:    # quality-filtered, (action, style)-balanced draws for the SFT stage
            from .curate import curated_weights

            base, self.curation = curated_weights(samples, self.lengths)
        self.weights = base * boost / (base * boost).sum()
        C = self.feats[0].shape[1]
        J = (C - 6) // 3
        self.pose_channels = np.zeros(C, bool)
        self.pose_channels[0] = True
        self.pose_channels[local_slice(J)] = True

    def __len__(self) -> int:
        return len(self.feats)

    @property
    def total_frames(self) -> int:
        return int(self.lengths.sum())

    def crop_length(self, rng: np.random.Generator, lo: int, hi: int) -> int:
        lo, hi = -(-lo // self.p), hi // self.p
        return int(rng.integers(lo, hi + 1)) * self.p

    def _known_mask(self, rng: np.random.Generator, L: int, n: int) -> np.ndarray:
        """(L, C) known-value mask: a kept prefix/suffix around a gap, or sparse key poses."""
        C = len(self.pose_channels)
        mask = np.zeros((L, C), bool)
        if rng.random() < 0.5:
            a, b = np.sort(rng.integers(0, n + 1, size=2))
            kind = rng.integers(3)          # keep prefix, suffix or both sides of [a, b)
            if kind != 1:
                mask[:a] = True
            if kind != 0:
                mask[b:n] = True
        else:
            frames = rng.choice(n, size=min(n, int(rng.integers(1, 6))), replace=False)
            mask[np.ix_(frames, self.pose_channels)] = True
        return mask

    def _path_mask(self, rng: np.random.Generator, L: int, n: int) -> np.ndarray:
        """(L, C) known-value mask for the generator's controls: the root path channels
        (planar velocity, turn rate) over the whole crop, the sideways velocity and turn rate
        only (the model picks the speed), the path over a span, or the pelvis height over a
        span (a posture held: seated, kneeling or lying while the arms do something else)."""
        mask = np.zeros((L, len(self.pose_channels)), bool)
        kind = rng.random()
        a, b = np.sort(rng.integers(0, n + 1, size=2))
        if kind < 0.4:
            mask[:n, PATH_CHANNELS] = True
        elif kind < 0.6:
            mask[:n, STEER_CHANNELS] = True
        elif kind < 0.75:
            mask[a:b, PATH_CHANNELS] = True
        else:
            mask[a:b, 0] = True
        return mask

    def batch(self, rng: np.random.Generator, batch_size: int, lo: int, hi: int,
              inpaint_prob: float = 0.0, cond_drop: float = 0.0, *, path_prob: float = 0.0,
              start_prob: float = 0.0) -> Batch:
        """``batch_size`` random crops of one random length in [lo, hi] frames.

        ``path_prob`` and ``start_prob`` add the generator's controls (see TrainConfig); at 0
        they draw no random numbers, so older runs resume onto the same batches."""
        L = self.crop_length(rng, lo, hi)
        idx = rng.choice(len(self.feats), size=batch_size, p=self.weights)
        C = self.feats[0].shape[1]
        x0 = np.zeros((batch_size, L, C), np.float32)
        valid = np.zeros((batch_size, L), np.float32)
        known = np.zeros((batch_size, L, C), bool)
        acts = np.full((batch_size, L), self.null_action, np.int64)
        seg_i = np.zeros((batch_size, L), np.int64)
        S = max(len(self.rows[i]) for i in idx)
        rows = np.zeros((batch_size, S), np.int64)
        cap = np.zeros(batch_size, np.int64)
        for b, i in enumerate(idx):
            T = int(self.lengths[i])
            at_start = start_prob > 0 and rng.random() < start_prob
            start = int(rng.integers(0, T - L + 1)) if T > L and not at_start else 0
            n = min(L, T)
            x0[b, :n] = self.feats[i][start:start + n]
            x0[b, n:] = x0[b, n - 1]               # padding holds the last pose (not scored)
            valid[b, :n] = 1.0
            acts[b, :n] = self.actions[i][start:start + n]
            seg_i[b, :n] = self.frame_seg[i][start:start + n]
            r = self.rows[i]
            rows[b, :len(r)] = r
            rows[b, len(r):] = r[0]
            cap[b] = r[0]
            if rng.random() < inpaint_prob:
                known[b] = self._known_mask(rng, L, n)
            if path_prob > 0 and rng.random() < path_prob:
                known[b] |= self._path_mask(rng, L, n)
            if at_start and rng.random() < START_POSE_SHARE:
                known[b, 0, self.pose_channels] = True
        drop = rng.random(batch_size) < cond_drop
        rows_t = torch.from_numpy(rows)
        return Batch(x0=torch.from_numpy(x0), valid=torch.from_numpy(valid),
                     known_mask=torch.from_numpy(known.astype(np.float32)),
                     actions=torch.from_numpy(acts), caption=self.emb[torch.from_numpy(cap)],
                     segments=self.emb[rows_t], segment_index=torch.from_numpy(seg_i),
                     drop_cond=torch.from_numpy(drop))


def batch_to(batch: Batch, device: torch.device) -> Batch:
    if device.type == "cpu":
        return batch
    return Batch(**{k: getattr(batch, k).to(device, non_blocking=True)
                    for k in Batch.__dataclass_fields__})
