"""An actor who has finished before the scene ends stands there, alive, instead of freezing.

The scene builder asks the model for a "stands idle" continuation after an actor's last beat.
What the model made is kept when it is a standing pose; where the tail would end mid-stride,
off the floor or bent over (a noisy or undertrained model can leave it so), it eases over
:data:`SETTLE_S` into the actor's own relaxed standing pose, turned and placed where the actor
is. A tail that barely moves gets a breath (the upper body sways a degree or so with it), so
a held figure never looks like a paused video.
"""
from __future__ import annotations

import numpy as np

from engine.skeleton import BONES, JOINT_INDEX as J, enforce_bone_lengths
from engine.start_pose import standing_pose

from .relations import body_headings, floor_of, yaw

SETTLE_S = 0.8          # easing from wherever the tail ended up into standing
BREATH_HZ = 0.25        # one breath in four seconds
BREATH_DEG = 1.5        # how far the upper body sways with it
STILL_M = 0.004         # a tail whose joints move less than this is "frozen"
STRIDE_M = 0.42         # feet further apart than this (along the facing) is a stride
FOOT_UP_M = 0.06        # a foot higher than this is not standing on the floor


def _lengths(positions: np.ndarray) -> np.ndarray:
    """(J,) the motion's own bone lengths (mean over frames; root 0)."""
    out = np.zeros(positions.shape[1], np.float32)
    for j, p in BONES:
        out[j] = np.linalg.norm(positions[:, j] - positions[:, p], axis=-1).mean()
    return out


def standing_like(positions: np.ndarray, frame: int, fps: float) -> np.ndarray:
    """The relaxed standing pose (J, 3) with this actor's bone lengths, at its pelvis floor point
    and facing on ``frame``."""
    lengths = _lengths(positions)
    pose = enforce_bone_lengths(standing_pose()[None], lengths)[0].astype(np.float64)
    pose[..., 1] -= pose[..., 1].min()                       # feet on the floor
    h = body_headings(positions, fps)[frame]
    fl = floor_of(positions)[frame]
    out = yaw(pose, h)
    out[:, 0] += fl[0]
    out[:, 2] += fl[1]
    return out.astype(np.float32)


def stance_problem(pose: np.ndarray, rest: np.ndarray) -> str:
    """Why ``pose`` (J, 3) is not a standing rest pose ("" when it is): mid-stride, a foot off
    the floor, or the pelvis far from the standing ``rest`` pose's height."""
    feet = pose[[J["l_foot"], J["r_foot"]]]
    if np.linalg.norm((feet[0] - feet[1])[[0, 2]]) > STRIDE_M:
        return "mid-stride"
    if feet[:, 1].max() > FOOT_UP_M + max(0.0, feet[:, 1].min()):
        return "a foot in the air"
    if abs(pose[0, 1] - rest[0, 1]) > 0.12:
        return "not upright"
    return ""


def settle_tail(positions: np.ndarray, start: int, fps: float,
                keep_low: bool = False) -> tuple[np.ndarray, str]:
    """The motion (T, J, 3) with frames [start, T) made a standing idle where they are not one.

    ``keep_low``: the actor ended seated, kneeling or lying on purpose; only a frozen tail gets
    its breath then. Returns (positions, what was done: "" when nothing was needed).
    """
    pos = np.array(positions, np.float32, copy=True)
    T = len(pos)
    if start >= T:
        return pos, ""
    rest = standing_like(pos, T - 1, fps)
    why = "" if keep_low else stance_problem(pos[-1], rest)
    did = ""
    if why:
        n = max(1, min(T - start, int(round(SETTLE_S * fps))))
        w = np.ones(T - start)
        x = (np.arange(n) + 1) / n
        w[:n] = x * x * (3 - 2 * x)
        lengths = _lengths(pos)
        # every tail frame eases toward standing at its own spot and facing
        for i, t in enumerate(range(start, T)):
            target = standing_like(pos, t, fps) if i < n else rest
            pos[t] = pos[t] * (1 - w[i]) + target * w[i]
        pos[start:] = enforce_bone_lengths(pos[start:], lengths)
        did = f"settled from {why} into standing"
    # what is held after any settling must not be a still picture
    held = start + (int(round(SETTLE_S * fps)) if why else 0)
    tail = pos[held:]
    if len(tail) > 1 and np.abs(tail - tail[:1]).max() < STILL_M:
        pos[held:] = breathe(tail, fps)
        did = (did + "; " if did else "") + "breathing added"
    return pos, did


def breathe(positions: np.ndarray, fps: float) -> np.ndarray:
    """A held pose (T, J, 3) given a slow breath: the upper body sways forward and back by a
    degree or so about the pelvis (a rotation, so bone lengths are kept exactly)."""
    pos = np.array(positions, np.float64, copy=True)
    t = np.arange(len(pos)) / fps
    angle = np.radians(BREATH_DEG) * np.sin(2 * np.pi * BREATH_HZ * t)        # (T,)
    upper = [J[n] for n in ("spine", "neck", "head", "l_shoulder", "l_elbow", "l_hand",
                            "r_shoulder", "r_elbow", "r_hand")]
    axis = pos[:, J["l_hip"]] - pos[:, J["r_hip"]]
    axis[:, 1] = 0.0
    axis /= np.maximum(np.linalg.norm(axis, axis=1, keepdims=True), 1e-9)
    rel = pos[:, upper] - pos[:, :1]                                           # (T, U, 3)
    c, s = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    k = axis[:, None]
    # Rodrigues: rotate about the lateral axis through the pelvis
    rot = rel * c + np.cross(k, rel) * s + k * np.sum(k * rel, -1, keepdims=True) * (1 - c)
    pos[:, upper] = pos[:, :1] + rot
    return pos.astype(np.float32)


def extend_idle(positions: np.ndarray, n_frames: int, fps: float) -> np.ndarray:
    """``positions`` (T, J, 3) lengthened to ``n_frames`` by standing at the end (settled, then
    breathing): for a motion that comes out shorter than its scene."""
    pos = np.asarray(positions, np.float32)
    T = len(pos)
    if n_frames <= T:
        return pos[:n_frames].copy()
    out = np.concatenate([pos, np.repeat(pos[-1:], n_frames - T, axis=0)])
    out, _ = settle_tail(out, T, fps)
    if np.abs(out[T:] - out[T:T + 1]).max() < STILL_M:
        out[T:] = breathe(out[T:], fps)
    return out
