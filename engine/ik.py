"""Analytic two-bone inverse kinematics (legs and arms), vectorised over frames."""
from __future__ import annotations

import numpy as np


def two_bone_ik(root: np.ndarray, target: np.ndarray, l1: float | np.ndarray,
                l2: float | np.ndarray, pole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Place a chain root -> middle -> end with bone lengths l1, l2 reaching toward ``target``.

    root, target, pole: (T, 3); ``pole`` is a direction the middle joint bends toward.
    Returns (middle, end), each (T, 3). ``end`` equals ``target`` where it is reachable,
    otherwise the chain points straight at it. Bone lengths are exact.
    """
    d = target - root
    dist = np.linalg.norm(d, axis=-1, keepdims=True)
    l1 = np.asarray(l1, dtype=np.float64).reshape(-1, 1) if np.ndim(l1) else float(l1)
    l2 = np.asarray(l2, dtype=np.float64).reshape(-1, 1) if np.ndim(l2) else float(l2)
    reach = np.clip(dist, np.abs(l1 - l2) + 1e-6, l1 + l2 - 1e-6)
    u = d / np.maximum(dist, 1e-9)
    a = (l1 * l1 - l2 * l2 + reach * reach) / (2 * reach)   # along u to the middle's foot point
    h = np.sqrt(np.maximum(l1 * l1 - a * a, 0.0))            # perpendicular offset of the middle
    p = pole - np.sum(pole * u, axis=-1, keepdims=True) * u
    p = p / np.maximum(np.linalg.norm(p, axis=-1, keepdims=True), 1e-9)
    return root + u * a + p * h, root + u * reach
