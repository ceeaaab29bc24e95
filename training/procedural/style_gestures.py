"""Styled gestures: a wave, a nod or a shrug performed elderly, sad, robotic, drunk ...

The gesture generators themselves know nothing of styles. Their registered generators are
wrapped here (``install``): a styled gesture runs at the style's tempo and size, then the upper
body gets the style's trunk pitch and head pitch, a drunk's slow sideways wobble and a robot's
holds. Each of these moves a whole subtree of the skeleton rigidly (a rotation about its root
joint, or a copy of an earlier frame's pose relative to the pelvis), so every bone keeps its
length and the legs and planted feet are not touched.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine.skeleton import PARENTS

from .base import REGISTRY, ActionParams, Clip
from .rig import J
from .styles import GESTURES, MANNERS


def _subtree(root: int) -> np.ndarray:
    """Indices of joint ``root`` and everything below it."""
    out = [root]
    for j in range(len(PARENTS)):
        if j not in out and PARENTS[j] in out:
            out.append(j)
    return np.array(sorted(out))


UPPER = _subtree(J["spine"])
SNAP_M = 0.2   # metres: the most a robotic snap may move a joint in one frame
HEAD = _subtree(J["head"])


def _rotate_about(P: np.ndarray, joints: np.ndarray, pivot: np.ndarray, axis: np.ndarray,
                  angle: np.ndarray) -> None:
    """Rotate P[:, joints] (T, k, 3) about the per-frame pivot (T, 3) and unit axis (T, 3) by
    angle (T,) radians (Rodrigues), in place."""
    v = P[:, joints] - pivot[:, None]
    k = axis[:, None]
    c, s = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    P[:, joints] = pivot[:, None] + v * c + np.cross(k, v) * s \
        + k * np.sum(k * v, axis=-1, keepdims=True) * (1 - c)


def overlay(positions: np.ndarray, heading: np.ndarray, name: str, fps: float,
            rng: np.random.Generator) -> np.ndarray:
    """Style ``name``'s posture on a standing clip: positions (T, J, 3), heading (T,) yaw.
    Returns new (T, J, 3) float32 positions."""
    m = MANNERS[name]
    P = np.array(positions, dtype=np.float64, copy=True)
    T = len(P)
    t = np.arange(T) / fps
    h = np.asarray(heading, dtype=np.float64)
    fwd = np.stack([np.sin(h), np.zeros(T), np.cos(h)], -1)
    left = np.stack([np.cos(h), np.zeros(T), -np.sin(h)], -1)
    # rotating about the figure's left axis by +a tips the top forward
    if m.lean:
        _rotate_about(P, UPPER, P[:, J["pelvis"]], left, np.full(T, m.lean))
    head = m.neck + 0.5 * m.lean      # the trunk's pitch, less the half the head keeps level
    if head - m.lean:
        _rotate_about(P, HEAD, P[:, J["neck"]], left, np.full(T, head - m.lean))
    if m.carriage == "drunk":
        f = float(rng.uniform(0.3, 0.5))
        wob = 0.09 * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
        _rotate_about(P, UPPER, P[:, J["pelvis"]], fwd, wob)
    if m.hold > 1:
        pel = P[:, J["pelvis"]]
        rel = P[:, UPPER] - pel[:, None]
        # a fast gesture held too long would snap further than a limb can move in a frame
        k = m.hold
        while k > 1 and np.linalg.norm(rel[k:] - rel[:-k], axis=-1).max(initial=0.0) > SNAP_M:
            k -= 1
        idx = (np.arange(T) // k) * k
        P[:, UPPER] = pel[:, None] + rel[idx]
    return P.astype(np.float32)


def styled(fn):
    """A gesture generator that honours ActionParams.style (None: exactly ``fn``)."""
    def gen(p: ActionParams, rng: np.random.Generator) -> Clip:
        if not p.style:
            return fn(p, rng)
        m = MANNERS[p.style]
        clip = fn(replace(p, speed=p.speed * m.tempo, amplitude=p.amplitude * m.size), rng)
        heading = clip.heading if clip.heading is not None else np.full(clip.num_frames,
                                                                        p.direction)
        pos = overlay(clip.positions, heading, p.style, p.fps, rng)
        return replace(clip, positions=pos,
                       params=replace(clip.params, speed=p.speed, amplitude=p.amplitude))
    gen.__wrapped__ = fn
    gen.__doc__ = fn.__doc__
    return gen


def install() -> None:
    """Wrap the registered gesture generators (once)."""
    for name in GESTURES:
        fn = REGISTRY.get(name)
        if fn is not None and not hasattr(fn, "__wrapped__"):
            REGISTRY[name] = styled(fn)
