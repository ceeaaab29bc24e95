"""Footwork for dances: planned footprints, the swing of each foot between them, and where the
weight (and so the pelvis) is.

A foot is planted (its contact is True) everywhere except strictly inside a swing, and during a
plant its target never moves, so ``base.plant_feet`` has nothing to drag.
"""
from __future__ import annotations

import numpy as np

from .keyframe import ease


def foot_track(t: np.ndarray, start: np.ndarray, moves, lift: float) -> tuple[np.ndarray, np.ndarray]:
    """Target path (T, 3) and contact (T,) bool of one foot.

    t: (T,) seconds; start: (3,) first footprint (y = 0); moves: [(t0, t1, dest (3,)), ...] in
    time order, each a swing from the current footprint to ``dest`` between t0 and t1 seconds;
    lift: peak height of a swing in metres (scaled down for short shuffles).
    """
    pos = np.tile(np.asarray(start, dtype=np.float64), (len(t), 1))
    contact = np.ones(len(t), dtype=bool)
    cur = pos[0].copy()
    for t0, t1, dest in moves:
        dest = np.asarray(dest, dtype=np.float64)
        u = np.clip((t - t0) / max(t1 - t0, 1e-6), 0.0, 1.0)
        after = t >= t0
        pos[after] = cur + (dest - cur) * ease(u[after])[:, None]
        inside = (t > t0) & (t < t1)
        dist = float(np.linalg.norm(dest - cur))
        pos[inside, 1] = min(lift, 0.05 + 0.5 * dist) * np.sin(np.pi * u[inside])
        contact[inside] = False
        cur = dest
    return pos, contact


def weight_root(feet: dict[str, np.ndarray], weight_left: np.ndarray, follow: float) -> np.ndarray:
    """(T, 3) floor point the pelvis sits over: the feet's midpoint, moved ``follow`` (0..1) of
    the way toward the foot carrying the weight. weight_left: (T,) 1 = all on the left foot."""
    mid = 0.5 * (feet["l"] + feet["r"])
    over = feet["r"] + (feet["l"] - feet["r"]) * weight_left[:, None]
    out = mid + (over - mid) * follow
    out[:, 1] = 0.0
    return out
