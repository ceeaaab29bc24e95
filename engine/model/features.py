"""Heading-canonical motion features: the model's view of a motion, and back.

Per frame (C = 4 + 3J + 2 numbers, 54 for the 16-joint skeleton):
  [0]          root (pelvis) height, metres
  [1:3]        root planar velocity (x, z) to the next frame, in the body's heading frame, m/frame
  [3]          heading change to the next frame, radians/frame
  [4:4+3J]     joint positions relative to the pelvis's floor projection, rotated so the body
               faces +Z (its left at +X)
  [4+3J:6+3J]  left/right foot contact flags (foot near the floor and nearly still)
The last frame repeats the previous frame's velocities. ``from_features`` integrates heading and
velocity from the origin facing +Z, so ``from_features(to_features(p))`` equals ``p`` moved and
turned to start there (``canonical_transform`` gives that move, ``place`` undoes it).
"""
from __future__ import annotations

import numpy as np

from engine.skeleton import JOINT_INDEX, NUM_JOINTS

FPS = 25.0
CONTACT_HEIGHT = 0.06  # metres: a sole point lower than this may be planted
CONTACT_SPEED = 0.45   # m/s: ... if it also moves slower than this
TRUSTED_FLATNESS = 0.5  # left-right axis at most 60 degrees from level: its shadow gives the facing
_LH, _RH = JOINT_INDEX["l_hip"], JOINT_INDEX["r_hip"]
_LS, _RS = JOINT_INDEX["l_shoulder"], JOINT_INDEX["r_shoulder"]
FEET = (JOINT_INDEX["l_foot"], JOINT_INDEX["r_foot"])
ROOT = slice(0, 4)
PATH_CHANNELS = [1, 2, 3]   # root planar velocity (sideways, forward) and turn rate: the path
STEER_CHANNELS = [1, 3]     # ... without the forward speed (the model picks how fast)


def feature_dim(num_joints: int = NUM_JOINTS) -> int:
    return 4 + 3 * num_joints + 2


def local_slice(num_joints: int = NUM_JOINTS) -> slice:
    return slice(4, 4 + 3 * num_joints)


def contact_slice(num_joints: int = NUM_JOINTS) -> slice:
    return slice(4 + 3 * num_joints, 6 + 3 * num_joints)


def _wrap(a: np.ndarray) -> np.ndarray:
    return (a + np.pi) % (2 * np.pi) - np.pi


def headings(positions: np.ndarray, along_time: bool = True) -> np.ndarray:
    """Facing angle about +Y per frame, (T,) radians; 0 faces +Z.

    The body's left-right axis is the sum of the hip and shoulder axes, so a turned torso or a
    crossed stance still gives a stable facing. Where that axis tips toward vertical (a
    cartwheel, lying on one side) its floor shadow says little and flips when the axis passes
    through vertical: there the facing follows the shadow only as far as it is long, and never
    jumps by more than a quarter turn from one frame to the next. Upright motion is unchanged.
    ``along_time=False`` reads every pose on its own (separate key poses, not a motion).
    """
    across = (positions[:, _LH] - positions[:, _RH]) + (positions[:, _LS] - positions[:, _RS])
    # forward = across x up = (-across_z, 0, across_x)
    raw = np.arctan2(-across[:, 2], across[:, 0])
    flat = np.hypot(across[:, 0], across[:, 2]) / np.maximum(np.linalg.norm(across, axis=-1), 1e-9)
    trust = np.clip(flat / TRUSTED_FLATNESS, 0.0, 1.0)
    if not along_time or len(raw) < 2 or trust.min() >= 1.0:
        return raw
    out = raw.copy()
    for t in range(1, len(raw)):
        d = _wrap(raw[t] - out[t - 1])
        if abs(d) > np.pi / 2:          # the axis went through vertical: its shadow turned round
            d = _wrap(d + np.pi)
        out[t] = out[t - 1] + trust[t] * d
    return _wrap(out)


def _rotate_y(v: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotate vectors (..., 3) about +Y by ``angle`` (broadcast over leading dims)."""
    c, s = np.cos(angle), np.sin(angle)
    out = np.empty_like(v)
    out[..., 0] = c * v[..., 0] + s * v[..., 2]
    out[..., 1] = v[..., 1]
    out[..., 2] = -s * v[..., 0] + c * v[..., 2]
    return out


def foot_contacts(positions: np.ndarray, fps: float = FPS) -> np.ndarray:
    """(T, 2) float32 flags: left/right sole point below CONTACT_HEIGHT and slower than
    CONTACT_SPEED (horizontal speed from central differences)."""
    feet = positions[:, list(FEET)].astype(np.float64)         # (T, 2, 3)
    if len(feet) > 1:
        vel = np.gradient(feet[..., [0, 2]], axis=0) * fps       # (T, 2, 2)
    else:
        vel = np.zeros(feet.shape[:2] + (2,))
    speed = np.linalg.norm(vel, axis=-1)
    return ((feet[..., 1] < CONTACT_HEIGHT) & (speed < CONTACT_SPEED)).astype(np.float32)


def to_features(positions: np.ndarray, fps: float = FPS) -> np.ndarray:
    """positions (T, J, 3) float32 metres -> features (T, C) float32."""
    pos = np.asarray(positions, dtype=np.float64)
    if pos.ndim != 3 or pos.shape[2] != 3 or pos.shape[0] < 1:
        raise ValueError(f"positions must be (T, J, 3) with T >= 1, got {pos.shape}")
    T, J = pos.shape[:2]
    theta = headings(pos)                                        # (T,)
    root = pos[:, 0].copy()                                      # (T, 3)
    floor = root * np.array([1.0, 0.0, 1.0])                     # (T, 3) pelvis floor point
    feats = np.zeros((T, feature_dim(J)), dtype=np.float64)
    feats[:, 0] = root[:, 1]
    if T > 1:
        step = _rotate_y(floor[1:] - floor[:-1], -theta[:-1])    # (T-1, 3)
        feats[:-1, 1] = step[:, 0]
        feats[:-1, 2] = step[:, 2]
        feats[:-1, 3] = _wrap(theta[1:] - theta[:-1])
        feats[-1, 1:4] = feats[-2, 1:4]
    local = _rotate_y(pos - floor[:, None], -theta[:, None])     # (T, J, 3)
    feats[:, local_slice(J)] = local.reshape(T, 3 * J)
    feats[:, contact_slice(J)] = foot_contacts(pos, fps)
    return feats.astype(np.float32)


def from_features(feats: np.ndarray) -> np.ndarray:
    """features (T, C) -> positions (T, J, 3) float32, starting at the origin facing +Z."""
    f = np.asarray(feats, dtype=np.float64)
    T, C = f.shape
    J = (C - 6) // 3
    if feature_dim(J) != C:
        raise ValueError(f"feature width {C} does not match any skeleton")
    theta = np.zeros(T)
    theta[1:] = np.cumsum(f[:-1, 3])                             # heading integrates rates
    step = np.zeros((T, 3))
    step[:, 0], step[:, 2] = f[:, 1], f[:, 2]
    world_step = _rotate_y(step, theta)                          # (T, 3)
    floor = np.zeros((T, 3))
    floor[1:] = np.cumsum(world_step[:-1], axis=0)
    local = f[:, local_slice(J)].reshape(T, J, 3)
    pos = _rotate_y(local, theta[:, None]) + floor[:, None]
    return pos.astype(np.float32)


def canonical_transform(positions: np.ndarray) -> tuple[float, np.ndarray]:
    """(heading, floor point) of frame 0: ``place(from_features(to_features(p)), *t)`` == p."""
    pos = np.asarray(positions[:1], dtype=np.float64)
    theta = float(headings(pos)[0])
    origin = pos[0, 0] * np.array([1.0, 0.0, 1.0])
    return theta, origin


def place(positions: np.ndarray, heading: float, origin: np.ndarray) -> np.ndarray:
    """Turn a canonical motion by ``heading`` about +Y and move it to floor point ``origin``."""
    pos = _rotate_y(np.asarray(positions, dtype=np.float64), np.float64(heading))
    return (pos + np.asarray(origin, dtype=np.float64)).astype(np.float32)


class FeatureStats:
    """Per-channel mean and std for normalising features, and the RMS local joint velocity and
    acceleration (m/frame, m/frame^2) that scale the physics targets. Stored in checkpoints."""

    def __init__(self, mean: np.ndarray, std: np.ndarray,
                 motion_scale: np.ndarray | None = None) -> None:
        self.mean = np.asarray(mean, dtype=np.float32)
        self.std = np.asarray(std, dtype=np.float32)
        scale = (1.0, 1.0) if motion_scale is None else motion_scale
        self.motion_scale = np.asarray(scale, dtype=np.float32)

    @staticmethod
    def compute(features: list[np.ndarray], min_std: float = 1e-2) -> "FeatureStats":
        """Statistics over all frames of ``features`` (each (T, C)); tiny stds are floored so
        constant channels (the pelvis's own planar offset) do not blow up."""
        allf = np.concatenate([np.asarray(f, np.float64) for f in features])
        mean, std = allf.mean(0), allf.std(0)
        J = (allf.shape[1] - 6) // 3
        c = contact_slice(J)
        mean[c], std[c] = 0.5, 0.5                              # flags map to -1 / +1
        vel, acc = [], []
        for f in features:
            local = np.asarray(f, np.float64)[:, local_slice(J)]
            vel.append(np.diff(local, 1, axis=0).ravel())
            acc.append(np.diff(local, 2, axis=0).ravel())
        rms = [float(np.sqrt(np.mean(np.concatenate(v) ** 2))) if sum(map(len, v)) else 1.0
               for v in (vel, acc)]
        return FeatureStats(mean, np.maximum(std, min_std), np.maximum(rms, 1e-4))

    def normalize(self, feats: np.ndarray) -> np.ndarray:
        return ((feats - self.mean) / self.std).astype(np.float32)

    def denormalize(self, feats: np.ndarray) -> np.ndarray:
        return (feats * self.std + self.mean).astype(np.float32)
