"""The procedural rig: body proportions, joint angles -> positions, two-bone leg/arm IK, grounding.

Angle convention (local Euler, radians, applied as Ry(y) @ Rx(x) @ Rz(z) in the parent's frame,
figure facing +Z, left at +X, limbs hanging along -Y at rest):
- x > 0 swings a hanging limb backward (-Z); x < 0 swings it forward (hip/shoulder flexion).
- knee flexion is x > 0 (shin goes back); elbow flexion is x < 0 (forearm comes forward).
- z > 0 swings a limb toward +X (the figure's left): left arm abduction is +z, right arm -z.
- y turns a joint about the vertical; yaw of the whole body is separate (``yaw`` below).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.skeleton import JOINT_INDEX, NUM_JOINTS, PARENTS, REST_OFFSETS, forward_kinematics

J = JOINT_INDEX


def rot_x(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2)


def rot_y(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, z, s], -1), np.stack([z, o, z], -1), np.stack([-s, z, c], -1)], -2)


def rot_z(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2)


def euler(angles: np.ndarray) -> np.ndarray:
    """(..., 3) Euler (x, y, z) radians -> (..., 3, 3) rotation Ry @ Rx @ Rz."""
    a = np.asarray(angles, dtype=np.float64)
    return rot_y(a[..., 1]) @ rot_x(a[..., 0]) @ rot_z(a[..., 2])


@dataclass(frozen=True)
class Body:
    """Body proportions of one procedural figure. Bone lengths stay fixed for a whole sample."""
    scale: float = 1.0        # overall size (1.0 ~ 1.73 m to the top of the head)
    leg: float = 1.0          # leg length relative to the canonical
    arm: float = 1.0          # arm length relative to the canonical
    torso: float = 1.0        # spine and neck relative to the canonical
    shoulders: float = 1.0    # shoulder width relative to the canonical

    @staticmethod
    def random(rng: np.random.Generator) -> "Body":
        return Body(scale=float(rng.uniform(0.9, 1.08)), leg=float(rng.uniform(0.94, 1.06)),
                    arm=float(rng.uniform(0.94, 1.06)), torso=float(rng.uniform(0.94, 1.06)),
                    shoulders=float(rng.uniform(0.9, 1.1)))

    def offsets(self) -> np.ndarray:
        """(J, 3) float64 rest offsets for this body."""
        off = REST_OFFSETS.astype(np.float64).copy()
        for name in ("l_knee", "l_foot", "r_knee", "r_foot"):
            off[J[name]] *= self.leg
        for name in ("l_elbow", "l_hand", "r_elbow", "r_hand"):
            off[J[name]] *= self.arm
        for name in ("spine", "neck", "head"):
            off[J[name]] *= self.torso
        for name in ("l_shoulder", "r_shoulder"):
            off[J[name], 0] *= self.shoulders
        off *= self.scale
        off[J["pelvis"]] = (0.0, self.standing_pelvis_height(), 0.0)
        return off

    @property
    def thigh(self) -> float:
        return float(np.linalg.norm(REST_OFFSETS[J["l_knee"]])) * self.leg * self.scale

    @property
    def shin(self) -> float:
        return float(np.linalg.norm(REST_OFFSETS[J["l_foot"]])) * self.leg * self.scale

    @property
    def hip_drop(self) -> float:
        return float(-REST_OFFSETS[J["l_hip"], 1]) * self.scale

    def standing_pelvis_height(self) -> float:
        return self.thigh + self.shin + self.hip_drop


def pose(body: Body, root: np.ndarray, yaw: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Positions from a root path, a heading and local joint angles.

    root: (T, 3) pelvis positions, metres; yaw: (T,) heading in radians (0 faces +Z, positive
    turns toward +X, i.e. to the figure's left); angles: (T, J, 3) local Euler angles.
    Returns (T, J, 3) float32.
    """
    rots = euler(angles)
    rots[:, 0] = rot_y(np.asarray(yaw, dtype=np.float64)) @ rots[:, 0]
    return forward_kinematics(rots, np.asarray(root, dtype=np.float64), body.offsets())


def zero_angles(T: int) -> np.ndarray:
    return np.zeros((T, NUM_JOINTS, 3), dtype=np.float64)


def two_bone_ik(root: np.ndarray, target: np.ndarray, l1: float, l2: float,
                pole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Place a two-bone chain from ``root`` toward ``target`` with lengths l1, l2.

    root, target, pole: (T, 3); pole is a direction the middle joint bends toward.
    Returns (middle, end) positions (T, 3); end == target where it is reachable, else the chain
    is straight toward it. Bone lengths are exact.
    """
    d = target - root
    dist = np.linalg.norm(d, axis=-1, keepdims=True)
    reach = np.clip(dist, abs(l1 - l2) + 1e-6, l1 + l2 - 1e-6)
    u = d / np.maximum(dist, 1e-9)
    # distance along u from root to the middle joint's projection, and the perpendicular offset
    a = (l1 * l1 - l2 * l2 + reach * reach) / (2 * reach)
    h = np.sqrt(np.maximum(l1 * l1 - a * a, 0.0))
    p = pole - np.sum(pole * u, axis=-1, keepdims=True) * u
    p = p / np.maximum(np.linalg.norm(p, axis=-1, keepdims=True), 1e-9)
    middle = root + u * a + p * h
    end = root + u * reach
    return middle, end


def solve_legs(positions: np.ndarray, feet: dict[str, np.ndarray], body: Body) -> np.ndarray:
    """Move knees and feet so each foot in ``feet`` ('l' or 'r' -> (T, 3) targets) is reached.

    positions: (T, J, 3); knees bend toward the body's facing direction. Returns a new array.
    """
    out = np.array(positions, dtype=np.float64, copy=True)
    for side, target in feet.items():
        hip, knee, foot = J[f"{side}_hip"], J[f"{side}_knee"], J[f"{side}_foot"]
        fwd = _facing(out)
        mid, end = two_bone_ik(out[:, hip], np.asarray(target, dtype=np.float64),
                               body.thigh, body.shin, fwd)
        out[:, knee], out[:, foot] = mid, end
    return out.astype(np.float32)


def _facing(positions: np.ndarray) -> np.ndarray:
    """(T, 3) unit forward direction from the hips: perpendicular to left->right hip, in XZ."""
    across = positions[:, J["l_hip"]] - positions[:, J["r_hip"]]
    fwd = np.stack([-across[:, 2], np.zeros(len(across)), across[:, 0]], -1)
    # facing +Z with left at +X: across=(+x,0,0) -> fwd=(0,0,+x)
    return fwd / np.maximum(np.linalg.norm(fwd, axis=-1, keepdims=True), 1e-9)


def lift_above_floor(positions: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """Shift each frame up so its lowest joint is at least at Y = margin. (T, J, 3) -> same."""
    low = positions[..., 1].min(axis=-1)
    lift = np.maximum(0.0, margin - low)
    out = np.array(positions, dtype=np.float32, copy=True)
    out[..., 1] += lift[:, None]
    return out


def smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


assert PARENTS[0] == -1
