"""The canonical 3D stick-figure skeleton: joint names, parents, rest pose, FK and mirroring.

Coordinates are metres, right-handed, Y up. At rest the figure faces +Z, so its left side is at +X.
The ``foot`` joints are the sole points that touch the floor, so a standing figure has feet on Y = 0.
"""
from __future__ import annotations

import numpy as np

JOINT_NAMES: tuple[str, ...] = (
    "pelvis", "spine", "neck", "head",
    "l_shoulder", "l_elbow", "l_hand",
    "r_shoulder", "r_elbow", "r_hand",
    "l_hip", "l_knee", "l_foot",
    "r_hip", "r_knee", "r_foot",
)
REQUIRED_JOINTS: tuple[str, ...] = (
    "pelvis", "neck", "head", "l_shoulder", "l_elbow", "l_hand", "r_shoulder", "r_elbow",
    "r_hand", "l_hip", "l_knee", "l_foot", "r_hip", "r_knee", "r_foot",
)
JOINT_INDEX: dict[str, int] = {name: i for i, name in enumerate(JOINT_NAMES)}
_PARENT_NAMES = {
    "pelvis": None, "spine": "pelvis", "neck": "spine", "head": "neck",
    "l_shoulder": "neck", "l_elbow": "l_shoulder", "l_hand": "l_elbow",
    "r_shoulder": "neck", "r_elbow": "r_shoulder", "r_hand": "r_elbow",
    "l_hip": "pelvis", "l_knee": "l_hip", "l_foot": "l_knee",
    "r_hip": "pelvis", "r_knee": "r_hip", "r_foot": "r_knee",
}
PARENTS: tuple[int, ...] = tuple(
    -1 if _PARENT_NAMES[n] is None else JOINT_INDEX[_PARENT_NAMES[n]] for n in JOINT_NAMES
)
NUM_JOINTS = len(JOINT_NAMES)

# Rest offsets of each joint from its parent, metres (the pelvis entry is its rest position).
_REST_OFFSETS = {
    "pelvis": (0.0, 0.95, 0.0), "spine": (0.0, 0.25, 0.0), "neck": (0.0, 0.25, 0.0),
    "head": (0.0, 0.17, 0.0),
    "l_shoulder": (0.19, -0.03, 0.0), "l_elbow": (0.0, -0.29, 0.0), "l_hand": (0.0, -0.27, 0.0),
    "r_shoulder": (-0.19, -0.03, 0.0), "r_elbow": (0.0, -0.29, 0.0), "r_hand": (0.0, -0.27, 0.0),
    "l_hip": (0.10, -0.03, 0.0), "l_knee": (0.0, -0.45, 0.0), "l_foot": (0.0, -0.47, 0.0),
    "r_hip": (-0.10, -0.03, 0.0), "r_knee": (0.0, -0.45, 0.0), "r_foot": (0.0, -0.47, 0.0),
}
REST_OFFSETS: np.ndarray = np.array([_REST_OFFSETS[n] for n in JOINT_NAMES], dtype=np.float32)
HEAD_RADIUS = 0.11  # metres; the head joint is the centre of the head circle

# Bones are (child, parent) pairs; the rest length of each joint's bone to its parent.
BONES: tuple[tuple[int, int], ...] = tuple((j, p) for j, p in enumerate(PARENTS) if p >= 0)
REST_BONE_LENGTHS: np.ndarray = np.linalg.norm(REST_OFFSETS, axis=1).astype(np.float32)
REST_BONE_LENGTHS[0] = 0.0


def _mirror_name(name: str) -> str:
    if name.startswith("l_"):
        return "r_" + name[2:]
    if name.startswith("r_"):
        return "l_" + name[2:]
    return name


MIRROR_INDEX: tuple[int, ...] = tuple(JOINT_INDEX[_mirror_name(n)] for n in JOINT_NAMES)


def rest_pose(offsets: np.ndarray | None = None) -> np.ndarray:
    """Rest joint positions from offsets: (J, 3) float32, metres."""
    offsets = REST_OFFSETS if offsets is None else offsets
    pos = np.zeros((NUM_JOINTS, 3), dtype=np.float32)
    for j, p in enumerate(PARENTS):
        pos[j] = offsets[j] if p < 0 else pos[p] + offsets[j]
    return pos


def forward_kinematics(
    local_rotations: np.ndarray, root_positions: np.ndarray, offsets: np.ndarray | None = None
) -> np.ndarray:
    """Joint positions from per-joint local rotations.

    local_rotations: (T, J, 3, 3) rotation matrices, each joint's rotation relative to its parent.
    root_positions: (T, 3) pelvis positions, metres.
    offsets: (J, 3) rest offsets (defaults to the canonical ones); joint j sits at
      pos[parent] + R_global[parent] @ offsets[j].
    Returns (T, J, 3) float32 positions.
    """
    offsets = REST_OFFSETS if offsets is None else np.asarray(offsets, dtype=np.float64)
    rots = np.asarray(local_rotations, dtype=np.float64)
    T = rots.shape[0]
    glob = np.empty_like(rots)
    pos = np.empty((T, NUM_JOINTS, 3), dtype=np.float64)
    for j, p in enumerate(PARENTS):
        if p < 0:
            glob[:, j] = rots[:, j]
            pos[:, j] = root_positions
        else:
            glob[:, j] = glob[:, p] @ rots[:, j]
            pos[:, j] = pos[:, p] + np.einsum("tij,j->ti", glob[:, p], offsets[j])
    return pos.astype(np.float32)


def bone_lengths(positions: np.ndarray) -> np.ndarray:
    """Per-frame bone lengths: positions (T, J, 3) -> (T, J) with column 0 (the root) zero."""
    pos = np.asarray(positions)
    out = np.zeros(pos.shape[:2], dtype=np.float32)
    for j, p in BONES:
        out[:, j] = np.linalg.norm(pos[:, j] - pos[:, p], axis=-1)
    return out


def max_bone_length_drift(positions: np.ndarray) -> float:
    """Largest deviation (metres) of any bone's length from its length in frame 0."""
    lengths = bone_lengths(positions)
    return float(np.abs(lengths - lengths[:1]).max()) if len(lengths) else 0.0


def check_constant_bone_lengths(positions: np.ndarray, tolerance: float = 1e-4) -> None:
    """Raise ValueError naming the worst bone if any length drifts more than ``tolerance`` metres."""
    lengths = bone_lengths(positions)
    drift = np.abs(lengths - lengths[:1])
    if drift.size and drift.max() > tolerance:
        t, j = np.unravel_index(int(drift.argmax()), drift.shape)
        raise ValueError(
            f"bone {JOINT_NAMES[PARENTS[j]]}->{JOINT_NAMES[j]} changes length by "
            f"{drift[t, j] * 1000:.2f} mm at frame {t} (tolerance {tolerance * 1000:.2f} mm)"
        )


def mirror_positions(positions: np.ndarray) -> np.ndarray:
    """Mirror across the YZ plane: negate X and swap left/right joints. (..., J, 3) -> same."""
    out = np.array(positions, dtype=np.float32, copy=True)[..., list(MIRROR_INDEX), :]
    out[..., 0] *= -1.0
    return out


def enforce_bone_lengths(positions: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """Rescale every bone, root outward, to ``lengths`` (J,) keeping each bone's direction.

    positions: (T, J, 3) float32 metres. Defaults to the canonical rest lengths.
    """
    lengths = REST_BONE_LENGTHS if lengths is None else lengths
    pos = np.array(positions, dtype=np.float64, copy=True)
    out = pos.copy()
    for j, p in BONES:
        d = pos[:, j] - pos[:, p]
        n = np.linalg.norm(d, axis=-1, keepdims=True)
        safe = np.where(n > 1e-9, d / np.maximum(n, 1e-9), REST_OFFSETS[j] / max(lengths[j], 1e-9))
        out[:, j] = out[:, p] + safe * lengths[j]
    return out.astype(np.float32)
