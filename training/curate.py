"""Curated training data for the supervised fine-tune (SFT) stage.

Two things, both per sample and cheap enough to run when training starts:
  * a quality filter: samples whose feet slide, sink into the floor, or whose joints jerk far
    beyond the rest are dropped (procedural clips are plausible by construction, but blends
    between actions and real captures are not always);
  * balance: every (action, style) pair gets the same share of draws, whatever its count in
    the data, so rare actions and styled segments are learnt as well as walking.
The result is a sampling weight per sample (0 = filtered out) and a report of what was dropped.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from engine.skeleton import JOINT_INDEX

from .data.shards import Sample

FEET = [JOINT_INDEX["l_foot"], JOINT_INDEX["r_foot"]]
MAX_PENETRATION = 0.03      # m below the floor
MAX_SKATE = 0.25            # share of low foot frames that slide faster than 0.5 m/s
JERK_QUANTILE = 0.98        # samples above this quantile of mean jerk are dropped


@dataclass
class Quality:
    penetration: np.ndarray  # (N,) metres
    skate: np.ndarray        # (N,) share
    jerk: np.ndarray         # (N,) m/s^3


def measure_quality(samples: list[Sample]) -> Quality:
    pen, skate, jerk = [], [], []
    for s in samples:
        p = np.asarray(s.positions, np.float64)
        feet = p[:, FEET]                                         # (T, 2, 3)
        pen.append(max(0.0, -float(feet[..., 1].min())))
        if len(p) > 3:
            low = (feet[1:, :, 1] < 0.05) & (feet[:-1, :, 1] < 0.05)
            speed = np.linalg.norm(np.diff(feet[..., [0, 2]], axis=0), axis=-1) * s.fps
            skate.append(float((low & (speed > 0.5)).sum() / max(1, low.sum())))
            jerk.append(float(np.linalg.norm(np.diff(p, 3, axis=0), axis=-1).mean() * s.fps ** 3))
        else:
            skate.append(0.0)
            jerk.append(0.0)
    return Quality(np.array(pen), np.array(skate), np.array(jerk))


def _key(segment) -> tuple[str, str]:
    return segment.action, getattr(segment, "style", None) or "neutral"


def curated_weights(samples: list[Sample], lengths: np.ndarray
                    ) -> tuple[np.ndarray, dict[str, int]]:
    """(N,) sampling weights summing to 1 (0 for filtered samples) and counts of why samples
    were dropped. A sample's weight is its length times the rarest share among its
    (action, style) pairs, so each pair is drawn about equally often."""
    q = measure_quality(samples)
    jerk_cap = float(np.quantile(q.jerk, JERK_QUANTILE)) if len(q.jerk) else np.inf
    bad = {"penetration": q.penetration > MAX_PENETRATION, "foot skate": q.skate > MAX_SKATE,
           "jerk": q.jerk > jerk_cap}
    keep = ~np.logical_or.reduce(list(bad.values()))
    counts = Counter(_key(g) for s, k in zip(samples, keep) if k for g in s.segments)
    boost = np.zeros(len(samples))
    for i, s in enumerate(samples):
        if keep[i] and s.segments:
            boost[i] = max(1.0 / counts[_key(g)] for g in s.segments)
        elif keep[i]:
            boost[i] = 1.0 / max(1, max(counts.values(), default=1))
    w = np.asarray(lengths, np.float64) * boost
    if w.sum() <= 0:
        raise ValueError("curation dropped every sample")
    report = {k: int(v.sum()) for k, v in bad.items()}
    report["kept"] = int(keep.sum())
    return w / w.sum(), report
