"""Dragging one joint of a pose to a new place while every bone keeps its length. No Qt.

* the root (pelvis) moves the whole figure;
* a hand or foot is placed by two-bone IK from its shoulder or hip, bending the elbow or knee
  the way it already bends;
* any other joint swings its parent's bone (with everything below it) toward the target.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from engine.ik import two_bone_ik

POSE_ENDS = ("l_hand", "r_hand", "l_foot", "r_foot")


def _descendants(parents: Sequence[int], j: int) -> list[int]:
    out, frontier = [j], [j]
    while frontier:
        frontier = [c for c, p in enumerate(parents) if p in frontier]
        out += frontier
    return out


def _rotation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation (3, 3) turning direction ``a`` onto direction ``b``."""
    a = a / max(np.linalg.norm(a), 1e-12)
    b = b / max(np.linalg.norm(b), 1e-12)
    v, c = np.cross(a, b), float(a @ b)
    if c < -0.999999:  # opposite: turn half way round any axis at right angles to a
        axis = np.cross(a, [1.0, 0.0, 0.0])
        if np.linalg.norm(axis) < 1e-6:
            axis = np.cross(a, [0.0, 1.0, 0.0])
        axis /= np.linalg.norm(axis)
        return 2.0 * np.outer(axis, axis) - np.eye(3)
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + vx + vx @ vx / (1.0 + c)


def drag_joint(pose: np.ndarray, joint: int, target: np.ndarray, joints: Sequence[str],
               parents: Sequence[int]) -> np.ndarray:
    """``pose`` (J, 3) metres with joint ``joint`` moved toward ``target`` (3,): a new array."""
    out = np.array(pose, dtype=np.float64, copy=True)
    target = np.asarray(target, dtype=np.float64)
    p = parents[joint]
    if p < 0:
        out += target - out[joint]
        return out
    gp = parents[p]
    if joints[joint] in POSE_ENDS and gp >= 0:
        root, mid, end = out[gp], out[p], out[joint]
        l1, l2 = np.linalg.norm(mid - root), np.linalg.norm(end - mid)
        pole = mid - 0.5 * (root + end)
        if np.linalg.norm(pole) < 1e-4:  # a straight limb: bend it forward-ish by default
            pole = np.array([0.0, 0.0, 1.0]) if joints[joint].endswith("foot") else \
                np.array([0.0, -0.3, -1.0])
        new_mid, new_end = two_bone_ik(root[None], target[None], l1, l2, pole[None])
        below = _descendants(parents, joint)
        shift = new_end[0] - end
        out[p] = new_mid[0]
        out[below] += shift
        return out
    # Swing the bone parent -> joint (and the joint's whole subtree) about the parent.
    R = _rotation(out[joint] - out[p], target - out[p])
    below = _descendants(parents, joint)
    out[below] = (out[below] - out[p]) @ R.T + out[p]
    return out
