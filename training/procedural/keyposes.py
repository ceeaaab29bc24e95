"""Whole-body key poses for level changes (sitting, kneeling, lying, falling, getting up).

A ``KeyPoses`` is a list of timed keys. Each key sets some channels (the pelvis position and
rotation, spine/neck/arm angles, world targets for the feet and optionally the hands) and
inherits the rest from the key before it. Channels are interpolated with a monotone cubic,
which never overshoots a key: a pelvis keyed onto the floor does not dip through it. Feet are
solved by IK onto their targets; a foot is planted between two consecutive keys that both
mark it planted (and keep it in place). A key sequence can be played backwards, which is how
standing up mirrors sitting down.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ActionParams, Clip, finish_targets
from .rig import J, euler, keyframes, pose, zero_angles

ANGLE_CHANNELS = ("pelvis", "spine", "neck", "l_shoulder", "r_shoulder", "l_elbow", "r_elbow")
TARGET_CHANNELS = ("l_foot", "r_foot", "l_hand", "r_hand")
UP = np.array([0.0, 1.0, 0.0])


class KeyPoses:
    """Timed whole-body keys; build with ``key`` and turn into a Clip with ``build``."""

    def __init__(self, **first) -> None:
        base = {"root": np.zeros(3), "planted": (True, True), "hand_w": np.zeros(2)}
        base.update({c: np.zeros(3) for c in ANGLE_CHANNELS + TARGET_CHANNELS})
        base.update({k: _arr(v) for k, v in first.items()})
        base["t"] = 0.0
        self.keys: list[dict] = [base]

    @property
    def end(self) -> float:
        return self.keys[-1]["t"]

    def key(self, dt: float, **channels) -> "KeyPoses":
        """A key ``dt`` seconds after the last one; unspecified channels carry over."""
        k = dict(self.keys[-1])
        k.update({c: _arr(v) for c, v in channels.items()})
        k["t"] = self.keys[-1]["t"] + max(float(dt), 1e-3)
        self.keys.append(k)
        return self

    def last(self, channel: str):
        return self.keys[-1][channel]

    def reversed(self) -> "KeyPoses":
        """The same keys played backwards (sitting down -> standing up)."""
        out = KeyPoses()
        end = self.end
        out.keys = [dict(k, t=end - k["t"]) for k in reversed(self.keys)]
        return out

    def sample(self, t: np.ndarray) -> dict[str, np.ndarray]:
        """Every channel interpolated at times t (T,): (T, ...) arrays; 'planted' (T, 2) bool."""
        times = np.array([k["t"] for k in self.keys])
        vals = {c: np.stack([np.asarray(k[c], float) for k in self.keys])
                for c in ("root", "hand_w") + ANGLE_CHANNELS + TARGET_CHANNELS}
        for i, s in enumerate(("l_hand", "r_hand")):
            # a free hand's target is meaningless: borrow the nearest used one so that easing
            # into a hand plant moves toward the real target, not from the origin
            used = np.flatnonzero(vals["hand_w"][:, i] > 0)
            if len(used):
                nearest = used[np.abs(np.arange(len(times))[:, None] - used[None]).argmin(1)]
                vals[s] = vals[s][nearest]
        out = {c: keyframes(times, v, t) for c, v in vals.items()}
        flags = np.array([k["planted"] for k in self.keys], bool)           # (K, 2)
        idx = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 1)
        nxt = np.minimum(idx + 1, len(times) - 1)
        out["planted"] = flags[idx] & flags[nxt]
        return out


def _arr(v):
    return tuple(bool(x) for x in v) if isinstance(v, tuple) and isinstance(v[0], bool) \
        else np.asarray(v, dtype=float)


def build(p: ActionParams, kp: KeyPoses, label: str | list[str], *, t0: float = 0.0,
          extra=None, variant: str | None = None) -> Clip:
    """Play ``kp`` from t0 over p.duration (holding the last key) and finish the clip.

    extra(angles (T, J, 3), t (T,)) may add breathing or sway in place.
    """
    t = p.time()
    ch = kp.sample(t + t0)
    T = len(t)
    ang = zero_angles(T)
    for c in ANGLE_CHANNELS:
        ang[:, J[c]] = ch[c]
    if extra is not None:
        extra(ang, t)
    pelvis = euler(ang[:, J["pelvis"]])
    fwd = pelvis @ np.array([0.0, 0.0, 1.0])
    left = pelvis @ np.array([1.0, 0.0, 0.0])
    pole = fwd + 0.7 * UP                       # knees bend forward, and up when sitting
    feet = {"l": ch["l_foot"], "r": ch["r_foot"]}
    hands, elbow_poles = None, None
    w = ch["hand_w"]
    if np.any(w > 0):
        # blend each hand from where its arm angles put it to its keyed target
        fk = pose(p.body, ch["root"], np.zeros(T), ang)
        hands, elbow_poles = {}, {}
        for k, s in enumerate(("l", "r")):
            if np.any(w[:, k] > 0):
                free = fk[:, J[f"{s}_hand"]]
                hands[s] = free + (ch[f"{s}_hand"] - free) * np.clip(w[:, k:k + 1], 0, 1)
                # elbows point back and out from the body; a pole taken from the free arm
                # would flip sides whenever the target swept across the free elbow
                elbow_poles[s] = -fwd + 0.6 * (left if s == "l" else -left)
    if variant is not None:
        p = replace(p, variant=variant)
    return finish_targets(p, ch["root"], np.zeros(T), ang, feet, ch["planted"], label,
                          knee_poles={"l": pole, "r": pole}, hands=hands,
                          elbow_poles=elbow_poles, support=ch["planted"])
