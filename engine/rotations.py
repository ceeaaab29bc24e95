"""Rotation helpers shared by the motion-file readers and writers (vectorised numpy).

Matrices act on column vectors; Euler angles are in degrees and compose in the order written:
``euler_matrices(a, "zxy") = Rz(a0) @ Rx(a1) @ Ry(a2)``, as BVH channel lists do.
"""
from __future__ import annotations

import numpy as np

_AXIS = {"x": 0, "y": 1, "z": 2}


def axis_rotations(angles: np.ndarray, axis: str) -> np.ndarray:
    """Rotation matrices about one axis: angles (...,) radians -> (..., 3, 3) float64."""
    c, s = np.cos(angles), np.sin(angles)
    out = np.zeros(np.shape(angles) + (3, 3))
    a = _AXIS[axis]
    i, k = (a + 1) % 3, (a + 2) % 3
    out[..., a, a] = 1.0
    out[..., i, i] = c
    out[..., k, k] = c
    out[..., k, i] = s
    out[..., i, k] = -s
    return out


def euler_matrices(degrees: np.ndarray, order: str) -> np.ndarray:
    """``R = R_order[0] @ R_order[1] @ ...``: degrees (T, n) with order like "zxy" -> (T, 3, 3)."""
    rad = np.radians(np.asarray(degrees, dtype=np.float64))
    out = axis_rotations(rad[:, 0], order[0])
    for k in range(1, len(order)):
        out = out @ axis_rotations(rad[:, k], order[k])
    return out


def matrix_to_euler(mats: np.ndarray, order: str) -> np.ndarray:
    """Inverse of ``euler_matrices`` for a three-axis order using each axis once.

    mats: (T, 3, 3) rotations -> (T, 3) degrees with ``euler_matrices(out, order) == mats``.
    """
    i, j, k = (_AXIS[a] for a in order)
    # Sign of the permutation: the closed form below is written for the even order xyz.
    sign = 1.0 if (j - i) % 3 == 1 else -1.0
    m = np.asarray(mats, dtype=np.float64)
    cos_b = np.hypot(m[:, i, i], m[:, i, j])
    b = np.arctan2(sign * m[:, i, k], cos_b)
    a = np.arctan2(-sign * m[:, j, k], m[:, k, k])
    c = np.arctan2(-sign * m[:, i, j], m[:, i, i])
    # At gimbal lock a and c share one degree of freedom: put it all into a.
    lock = cos_b < 1e-9
    if lock.any():
        c[lock] = 0.0
        a[lock] = np.arctan2(sign * m[lock, k, j], m[lock, j, j])
    return np.degrees(np.stack([a, b, c], axis=1))


def rotation_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Smallest rotations taking directions u to v: (T, 3), (T, 3) -> (T, 3, 3) float64."""
    u = u / np.linalg.norm(u, axis=-1, keepdims=True)
    v = v / np.linalg.norm(v, axis=-1, keepdims=True)
    axis = np.cross(u, v)
    cos = np.einsum("ti,ti->t", u, v)
    K = np.zeros(u.shape[:-1] + (3, 3))
    K[..., 0, 1], K[..., 0, 2], K[..., 1, 2] = -axis[..., 2], axis[..., 1], -axis[..., 0]
    K[..., 1, 0], K[..., 2, 0], K[..., 2, 1] = axis[..., 2], -axis[..., 1], axis[..., 0]
    # Rodrigues with sin folded into |axis|: R = I + K + K^2 / (1 + cos).
    R = np.eye(3) + K + (K @ K) / np.maximum(1.0 + cos, 1e-12)[..., None, None]
    flip = cos < -1.0 + 1e-9
    if flip.any():
        # Opposite directions: half a turn about any axis perpendicular to u.
        helper = np.where(np.abs(u[flip, :1]) < 0.9, [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
        n = np.cross(u[flip], helper)
        n /= np.linalg.norm(n, axis=-1, keepdims=True)
        R[flip] = 2.0 * np.einsum("ti,tj->tij", n, n) - np.eye(3)
    return R


def quat_matrices(q: np.ndarray, scalar_first: bool = True) -> np.ndarray:
    """Unit quaternions (..., 4) as wxyz (or xyzw) -> rotation matrices (..., 3, 3) float64."""
    q = np.asarray(q, dtype=np.float64)
    q = q / np.maximum(np.linalg.norm(q, axis=-1, keepdims=True), 1e-12)
    w, x, y, z = np.moveaxis(q if scalar_first else q[..., [3, 0, 1, 2]], -1, 0)
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
    ], -2)
