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

from engine.skeleton import PARENTS, bone_lengths, enforce_bone_lengths

from .base import REGISTRY, ActionParams, Clip
from .rig import J, Body, lower_to_reach, solve_legs
from .styles import GESTURES, MANNERS


def _subtree(root: int) -> np.ndarray:
    """Indices of joint ``root`` and everything below it."""
    out = [root]
    for j in range(len(PARENTS)):
        if j not in out and PARENTS[j] in out:
            out.append(j)
    return np.array(sorted(out))


UPPER = _subtree(J["spine"])
KEY_FRAMES = 4  # a robot's upper body moves in straight strokes between poses 0.16 s apart
SNAP_M = 0.2    # metres: the most a stroke may move a joint in one frame
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


def _mechanical(P: np.ndarray, every: int) -> np.ndarray:
    """Robotic movement: the upper body relative to the pelvis goes in straight lines at
    constant speed from one pose to the next (poses ``every`` frames apart, each held for a
    frame), starting and stopping abruptly. A hold-and-snap would jump a fast gesture's hand further in a frame
    than a hand can move. Bones are re-made exact along their new directions; the legs keep
    theirs, so planted feet stay put."""
    lengths = bone_lengths(P[:1])[0]
    T = len(P)
    keys = np.unique(np.r_[np.arange(0, T, every), T - 1])
    pel = P[:, J["pelvis"]]
    rel = (P[:, UPPER] - pel[:, None]).reshape(T, -1)
    k = np.clip(np.searchsorted(keys, np.arange(T), side="right") - 1, 0, len(keys) - 2)
    a, b = keys[k], keys[k + 1]
    # each pose is held one frame, then the stroke to the next covers the remaining frames;
    # where that would move a joint further in a frame than a limb can, the strokes take
    # the whole interval
    for held in (1, 0):
        w = np.clip((np.arange(T) - a - held) / np.maximum(b - a - held, 1), 0.0, 1.0)[:, None]
        lin = rel[a] * (1 - w) + rel[b] * w
        step = np.linalg.norm(np.diff(lin.reshape(T, -1, 3), axis=0), axis=-1)
        if step.max(initial=0.0) <= SNAP_M:
            break
    out = P.copy()
    out[:, UPPER] = pel[:, None] + lin.reshape(T, len(UPPER), 3)
    return enforce_bone_lengths(out, lengths).astype(np.float64)


# whole-body cues of styles whose gestures would otherwise differ from neutral only in tempo:
# style -> (bounce depth m, bounce Hz, side-to-side weight shift m, shift Hz, head tilt rad)
BODY_CUES = {"childlike": (0.03, 2.0, 0.0, 0.0, 0.0), "happy": (0.018, 1.6, 0.0, 0.0, 0.0),
             "relaxed": (0.0, 0.0, 0.04, 0.25, 0.14), "graceful": (0.0, 0.0, 0.03, 0.35, 0.0)}


def _move_body(P: np.ndarray, offset: np.ndarray, body: Body, fps: float) -> np.ndarray:
    """Move everything but the legs by offset (T, 3) and re-solve the legs onto the feet's
    own paths (lowering the body a little, smoothly, where a foot would be out of reach)."""
    feet = {s: P[:, J[f"{s}_foot"]].copy() for s in "lr"}
    legs = [J[n] for n in ("l_knee", "l_foot", "r_knee", "r_foot")]
    out = P.copy()
    moved = np.setdiff1d(np.arange(P.shape[1]), legs)
    out[:, moved] += offset[:, None]
    out = lower_to_reach(out, feet, body, fps=fps)
    return solve_legs(out, feet, body).astype(np.float64)


def _body_cues(P, name, t, left, body, fps, rng) -> np.ndarray:
    bounce, f_b, shift, f_s, tilt = BODY_CUES[name]
    off = np.zeros_like(P[:, 0])
    if bounce:
        f = f_b * float(rng.uniform(0.9, 1.1))
        off[:, 1] -= bounce * 0.5 * (1 - np.cos(2 * np.pi * f * t))
    if shift:
        f = f_s * float(rng.uniform(0.8, 1.2))
        off += shift * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))[:, None] * left
    P = _move_body(P, off, body, fps)
    if tilt:   # the head rests tilted to one side
        fwd = np.stack([-left[:, 2], np.zeros(len(P)), left[:, 0]], -1)
        _rotate_about(P, HEAD, P[:, J["neck"]], fwd, np.full(len(P), tilt * rng.choice([-1, 1])))
    return P


def overlay(positions: np.ndarray, heading: np.ndarray, name: str, fps: float,
            rng: np.random.Generator, body: Body | None = None) -> np.ndarray:
    """Style ``name``'s posture on a standing clip: positions (T, J, 3), heading (T,) yaw,
    body: the clip's proportions (for the legs of a bounce or a weight shift).
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
    if name in BODY_CUES:
        P = _body_cues(P, name, t, left, body or Body(), fps, rng)
    if m.hold > 1:
        P = _mechanical(P, KEY_FRAMES)
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
        pos = overlay(clip.positions, heading, p.style, p.fps, rng, p.body)
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
