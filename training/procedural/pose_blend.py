"""Pose blending by bone directions: cross-fading two skeleton poses and measuring how far
their bones must turn.

Bones are turned (slerped) from one direction to the other and the skeleton is rebuilt from the
root with fixed bone lengths, so limbs neither shrink nor flip mid-blend. Used by ``sequence``
for the transitions between actions.
"""
from __future__ import annotations

import numpy as np

from engine.skeleton import BONES

_CHILD = np.array([j for j, _ in BONES])
_PARENT = np.array([p for _, p in BONES])


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
                     a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                     a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], -1)


def slerp_dirs(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Turn unit directions a toward b (both (..., 3)) by the fraction w (broadcast to (...,))
    of the angle between them, at an even angular pace; opposite directions turn through the
    front (+z)."""
    angle = np.arccos(np.clip(np.sum(a * b, axis=-1), -1.0, 1.0))
    axis = _cross(a, b)
    weak = np.linalg.norm(axis, axis=-1) < 1e-6
    if weak.any():   # parallel or opposite: any axis across a will do; prefer one via the front
        alt = _cross(a, np.broadcast_to([0.0, 0.0, 1.0], a.shape))
        alt2 = _cross(a, np.broadcast_to([1.0, 0.0, 0.0], a.shape))
        alt = np.where(np.linalg.norm(alt, axis=-1, keepdims=True) < 1e-6, alt2, alt)
        axis = np.where(weak[..., None], alt, axis)
    axis = _unit(axis)
    t = (w * angle)[..., None]
    # Rodrigues: rotate a about an axis perpendicular to it
    return a * np.cos(t) + _cross(axis, a) * np.sin(t)


def blend_poses(a: np.ndarray, b: np.ndarray, w: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Cross-fade two pose sequences bone by bone: each bone turns from its direction in ``a``
    to its direction in ``b`` (slerp), then the skeleton is rebuilt from the root with its own
    bone lengths.

    a, b: (n, J, 3) poses in a shared frame; w: (n,) weight of b; lengths: (J,) bone lengths.
    Blending joint *positions* instead would shrink a limb that swings from up to down through
    its own shoulder and flip it over in a frame; turning keeps the pace even.
    """
    da = _unit(a[:, _CHILD] - a[:, _PARENT])
    db = _unit(b[:, _CHILD] - b[:, _PARENT])
    d = slerp_dirs(da, db, w[:, None]) * lengths[_CHILD][None, :, None]
    out = np.empty_like(a)
    out[:, 0] = (1 - w[:, None]) * a[:, 0] + w[:, None] * b[:, 0]
    for i, (j, par) in enumerate(BONES):   # parents come before children
        out[:, j] = out[:, par] + d[:, i]
    return out


def turn_needed(a: np.ndarray, b: np.ndarray) -> float:
    """Largest angle (radians) any bone turns between pose a and pose b, both (J, 3)."""
    da, db = _unit(a[_CHILD] - a[_PARENT]), _unit(b[_CHILD] - b[_PARENT])
    return float(np.arccos(np.clip(np.sum(da * db, axis=-1), -1.0, 1.0)).max())
