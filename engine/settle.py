"""What an actor does once its clip has ended while the scene goes on: it settles, over a
moment, into a relaxed stand where it stopped and facing the way it faced, then holds it. A
figure frozen on its last frame (mid-stride, an arm in the air) looks broken; one that ends
seated, kneeling or lying stays so, which is how such a clip ends anyway.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .motion import Motion
from .skeleton import JOINT_NAMES, bone_lengths, enforce_bone_lengths
from .start_pose import standing_pose

SETTLE_S = 0.6          # seconds from the clip's last pose to the stand
UPRIGHT_PELVIS_M = 0.7  # a lower pelvis at the end: seated, kneeling or lying; kept as it is


def _stand_at(last: np.ndarray, lengths: np.ndarray, floor: float) -> np.ndarray:
    """The standing pose with ``lengths`` (J,) bones, turned to face the way ``last`` (J, 3)
    faces, its pelvis above the last pelvis and its feet on ``floor``: (J, 3) float32."""
    ix = {n: i for i, n in enumerate(JOINT_NAMES)}
    left = (last[ix["l_shoulder"]] - last[ix["r_shoulder"]] + last[ix["l_hip"]] -
            last[ix["r_hip"]]).astype(np.float64)
    fwd = np.cross(left, [0.0, 1.0, 0.0])
    yaw = np.arctan2(fwd[0], fwd[2]) if np.hypot(fwd[0], fwd[2]) > 1e-6 else 0.0
    c, s = np.cos(yaw), np.sin(yaw)
    turn = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])   # +Z turned to ``fwd``
    stand = standing_pose().astype(np.float64) @ turn.T
    stand = enforce_bone_lengths(stand[None], lengths)[0].astype(np.float64)
    pelvis = ix["pelvis"]
    stand[:, [0, 2]] += last[pelvis, [0, 2]] - stand[pelvis, [0, 2]]
    stand[:, 1] += floor - min(stand[ix["l_foot"], 1], stand[ix["r_foot"], 1])
    return stand.astype(np.float32)


def settled(motion: Motion, num_frames: int, settle_s: float = SETTLE_S) -> Motion:
    """``motion`` lengthened to ``num_frames``: its frames unchanged, then the settle and the
    hold (labelled "idle", the last expression, silent, the head turning back to face ahead).
    Shorter targets return it as is."""
    T = motion.num_frames
    extra = num_frames - T
    if extra <= 0 or T == 0:
        return motion
    last = motion.positions[-1]
    tail = np.repeat(last[None], extra, axis=0)
    n = min(extra, max(1, int(round(settle_s * motion.fps))))
    t = np.minimum(np.arange(1, extra + 1, dtype=np.float32) / n, 1.0)
    w = t * t * (3 - 2 * t)             # eases out of the last pose (and head turn) and in
    pelvis_y = last[motion.joints.index("pelvis"), 1] if "pelvis" in motion.joints else 0.0
    if tuple(motion.joints) == JOINT_NAMES and pelvis_y >= UPRIGHT_PELVIS_M:
        feet = [JOINT_NAMES.index("l_foot"), JOINT_NAMES.index("r_foot")]
        floor = float(motion.positions[:, feet, 1].min())
        stand = _stand_at(last, bone_lengths(motion.positions[:1])[0], floor)
        tail = last[None] * (1 - w[:, None, None]) + stand[None] * w[:, None, None]
        tail = enforce_bone_lengths(tail, bone_lengths(motion.positions[:1])[0])
    yaw = np.concatenate([motion.head_yaw, motion.head_yaw[-1] * (1 - w)])
    return replace(motion, positions=np.concatenate([motion.positions, tail]), head_yaw=yaw,
                   actions=motion.actions + ["idle"] * extra,
                   expressions=motion.expressions + [motion.expressions[-1]] * extra,
                   speech=motion.speech + [None] * extra)
