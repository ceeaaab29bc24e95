"""Physical plausibility checks for generated clips, shared by the tests and the dataset builder
(which can drop a sample that fails instead of training on it).

``problems(clip)`` returns a list of readable findings, empty when the clip is fine.
"""
from __future__ import annotations

import numpy as np

from engine.skeleton import JOINT_INDEX, JOINT_NAMES, max_bone_length_drift

from .base import Clip, contact_runs

FEET = (JOINT_INDEX["l_foot"], JOINT_INDEX["r_foot"])


def planted_slide(clip: Clip) -> float:
    """Largest distance (m) a foot moves from where it was while Clip.contacts says planted."""
    worst = 0.0
    for k, j in enumerate(FEET):
        foot = clip.positions[:, j].astype(np.float64)
        for a, b in contact_runs(clip.contacts[:, k]):
            worst = max(worst, float(np.linalg.norm(foot[a:b] - foot[a], axis=-1).max()))
    return worst


def limb_step(clip: Clip) -> float:
    """Largest per-frame displacement (m) of any joint relative to the pelvis."""
    P = clip.positions.astype(np.float64)
    if len(P) < 2:
        return 0.0
    return float(np.linalg.norm(np.diff(P - P[:, :1], axis=0), axis=-1).max())


def root_speed(clip: Clip) -> np.ndarray:
    """(T-1,) pelvis speed, m/s."""
    P = clip.positions[:, 0].astype(np.float64)
    return np.linalg.norm(np.diff(P, axis=0), axis=-1) * clip.params.fps


FLUNG = ("fall_down", "jump", "jump_forward")
WHIRLED = ("cartwheel", "backflip", "roll")


def limb_step_bound(clip: Clip) -> float:
    """How far a joint may move relative to the pelvis in one frame: 0.25 m at 25 fps (limbs
    at 6.25 m/s), more in fast gaits where the legs sweep in proportion to the speed, in
    falls and jumps, and most in acrobatics: a body turning head over heels at ~12 rad/s
    carries hands and feet a metre from the pelvis at ~12 m/s (0.49 m a frame)."""
    P = clip.positions[:, 0].astype(np.float64)
    across = np.linalg.norm(np.diff(P[:, [0, 2]], axis=0), axis=-1) * clip.params.fps
    fast = 0.5 * float(across.max()) if len(across) else 0.0
    # arms thrown out to break a fall or to drive a jump move faster still
    flung = (6.0 if any(a in WHIRLED for a in clip.actions) else
             2.5 if any(a in FLUNG for a in clip.actions) else 0.0)
    return (6.25 + fast + flung) / clip.params.fps


MAX_BODY_SPEED = 10.0   # m/s: faster than a sprinter, and faster than falling from a jump


def problems(clip: Clip, floor_tol: float = 0.01, slide_tol: float = 0.02,
             bone_tol: float = 1e-4) -> list[str]:
    """Everything that makes ``clip`` physically implausible (empty list: none)."""
    out = []
    P = clip.positions
    T = clip.num_frames
    if P.shape != (T, len(JOINT_NAMES), 3) or not np.all(np.isfinite(P)):
        return [f"positions have shape {P.shape} or non-finite values"]
    if clip.contacts.shape != (T, 2) or len(clip.actions) != T:
        out.append("contacts/labels do not have one entry per frame")
    drift = max_bone_length_drift(P)
    if drift > bone_tol:
        out.append(f"bone length drifts by {drift * 1000:.2f} mm")
    low = float(P[..., 1].min())
    if low < -floor_tol:
        j = JOINT_NAMES[int(np.unravel_index(P[..., 1].argmin(), P.shape[:2])[1])]
        out.append(f"{j} is {-low * 100:.1f} cm below the floor")
    slide = planted_slide(clip)
    if slide > slide_tol:
        out.append(f"a planted foot slides {slide * 100:.1f} cm")
    for k, j in enumerate(FEET):
        planted = clip.contacts[:, k]
        if planted.any() and P[planted, j, 1].max() > 0.08:   # lying feet rest on a heel
            out.append(f"{JOINT_NAMES[j]} is marked planted but is "
                       f"{P[planted, j, 1].max() * 100:.1f} cm above the floor")
    step, bound = limb_step(clip), limb_step_bound(clip)
    if step > bound:
        out.append(f"a limb moves {step:.2f} m in one frame relative to the pelvis "
                   f"(bound {bound:.2f})")
    speed = root_speed(clip)
    if len(speed) and speed.max() > MAX_BODY_SPEED:
        out.append(f"the pelvis moves at {speed.max():.1f} m/s")
    return out
