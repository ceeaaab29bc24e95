"""Footwork for dances: planned footprints, the swing of each foot between them, and where the
weight (and so the pelvis) is.

A foot is planted (its contact is True) everywhere except strictly inside a swing, and during a
plant its target never moves, so ``base.plant_feet`` has nothing to drag.
"""
from __future__ import annotations

import numpy as np

from .keyframe import ease, keys


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


class StepPlan:
    """Dance steps planned beat by beat: where each foot lands and when, and where the weight
    goes. Footprints are given in the body frame at the dance's starting heading (+X the
    figure's left, +Z forward) and turned by the heading at landing, so a step during a turn
    lands around the dancer rather than in a straight line.

    yaw: (T,) planned heading of the draft; t: (T,) seconds.
    """

    def __init__(self, t: np.ndarray, yaw: np.ndarray, home: dict[str, np.ndarray]):
        self.t, self.yaw, self.home = t, yaw, home
        self.moves: dict[str, list] = {"l": [], "r": []}
        self.at = {s: np.asarray(home[s], dtype=np.float64).copy() for s in "lr"}
        self.weight: list[tuple[float, float]] = [(float(t[0]), 0.5)]

    def _yaw(self, when: float) -> float:
        return float(np.interp(when, self.t, self.yaw))

    def step(self, side: str, t0: float, t1: float, x: float, z: float = 0.0,
             weight: float | None = 1.0, centre=(0.0, 0.0)) -> None:
        """Swing ``side`` between t0 and t1 seconds to body-frame (x, z) about ``centre``
        (body-frame (x, z) of the dance's floor centre). weight: how much of the weight the
        foot takes on landing (1 = all, 0 = a touch that leaves the weight where it was)."""
        a = self._yaw(t1)
        c, s = np.cos(a), np.sin(a)
        px, pz = x + centre[0], z + centre[1]
        dest = np.array([c * px + s * pz, 0.0, -s * px + c * pz])
        self.moves[side].append((t0, t1, dest))
        self.at[side] = dest
        if weight:
            wl = weight if side == "l" else 1.0 - weight
            self.weight.append((t1, wl))

    def shift(self, when: float, weight_left: float) -> None:
        """Move the weight without stepping (a rock onto the other foot)."""
        self.weight.append((when, weight_left))

    def home_step(self, side: str, t0: float, t1: float) -> None:
        """Swing ``side`` back to its starting footprint (the idle stance), weight shared."""
        dest = np.asarray(self.home[side], dtype=np.float64)
        if np.linalg.norm(dest - self.at[side]) > 1e-6:
            self.moves[side].append((t0, t1, dest))
            self.at[side] = dest
        self.weight.append((t1, 0.5))

    def tracks(self, lift: float) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """Foot targets {'l','r'} -> (T, 3), contacts (T, 2) bool and the weight on the left
        foot (T,) (eased between landings, so the pelvis shifts as the weight does)."""
        feet, contacts = {}, np.ones((len(self.t), 2), dtype=bool)
        for k, s in enumerate("lr"):
            feet[s], contacts[:, k] = foot_track(self.t, self.home[s], self.moves[s], lift)
        wt, wv = zip(*sorted(self.weight, key=lambda e: e[0]))
        return feet, contacts, keys(self.t, np.maximum.accumulate(np.array(wt)), np.array(wv))
