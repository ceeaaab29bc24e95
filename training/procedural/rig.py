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
from engine.ik import two_bone_ik  # noqa: F401  (the procedural modules use it from here)

J = JOINT_INDEX


def _matrices(shape: tuple[int, ...]) -> np.ndarray:
    return np.zeros(shape + (3, 3))


def rot_x(a: np.ndarray) -> np.ndarray:
    """(...,) angles -> (..., 3, 3) rotations about X."""
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    m = _matrices(a.shape)
    m[..., 0, 0] = 1.0
    m[..., 1, 1], m[..., 1, 2], m[..., 2, 1], m[..., 2, 2] = c, -s, s, c
    return m


def rot_y(a: np.ndarray) -> np.ndarray:
    """(...,) angles -> (..., 3, 3) rotations about Y."""
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    m = _matrices(a.shape)
    m[..., 1, 1] = 1.0
    m[..., 0, 0], m[..., 0, 2], m[..., 2, 0], m[..., 2, 2] = c, s, -s, c
    return m


def rot_z(a: np.ndarray) -> np.ndarray:
    """(...,) angles -> (..., 3, 3) rotations about Z."""
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    m = _matrices(a.shape)
    m[..., 2, 2] = 1.0
    m[..., 0, 0], m[..., 0, 1], m[..., 1, 0], m[..., 1, 1] = c, -s, s, c
    return m


def euler(angles: np.ndarray) -> np.ndarray:
    """(..., 3) Euler (x, y, z) radians -> (..., 3, 3) rotation Ry @ Rx @ Rz (written out:
    this runs for every joint of every frame of every sample)."""
    a = np.asarray(angles, dtype=np.float64)
    cx, sx = np.cos(a[..., 0]), np.sin(a[..., 0])
    cy, sy = np.cos(a[..., 1]), np.sin(a[..., 1])
    cz, sz = np.cos(a[..., 2]), np.sin(a[..., 2])
    m = _matrices(a.shape[:-1])
    m[..., 0, 0] = cy * cz + sy * sx * sz
    m[..., 0, 1] = -cy * sz + sy * sx * cz
    m[..., 0, 2] = sy * cx
    m[..., 1, 0] = cx * sz
    m[..., 1, 1] = cx * cz
    m[..., 1, 2] = -sx
    m[..., 2, 0] = -sy * cz + cy * sx * sz
    m[..., 2, 1] = sy * sz + cy * sx * cz
    m[..., 2, 2] = cy * cx
    return m


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

    @property
    def upper_arm(self) -> float:
        return float(np.linalg.norm(REST_OFFSETS[J["l_elbow"]])) * self.arm * self.scale

    @property
    def forearm(self) -> float:
        return float(np.linalg.norm(REST_OFFSETS[J["l_hand"]])) * self.arm * self.scale

    @property
    def hip_width(self) -> float:
        return 2.0 * float(REST_OFFSETS[J["l_hip"], 0]) * self.scale

    def standing_pelvis_height(self) -> float:
        return self.thigh + self.shin + self.hip_drop


def pose(body: Body, root: np.ndarray, yaw: np.ndarray, angles: np.ndarray,
         root_rotation: np.ndarray | None = None) -> np.ndarray:
    """Positions from a root path, a heading and local joint angles.

    root: (T, 3) pelvis positions, metres; yaw: (T,) heading in radians (0 faces +Z, positive
    turns toward +X, i.e. to the figure's left); angles: (T, J, 3) local Euler angles.
    root_rotation: optional (T, 3, 3) pelvis rotation below the heading, replacing the Euler
    angles of the pelvis (for orientations the Euler order cannot twist into, e.g. a roll about
    the spine of a body that is pitched forward on all fours).
    Returns (T, J, 3) float32.
    """
    rots = euler(angles)
    if root_rotation is not None:
        rots[:, 0] = root_rotation
    rots[:, 0] = rot_y(np.asarray(yaw, dtype=np.float64)) @ rots[:, 0]
    return forward_kinematics(rots, np.asarray(root, dtype=np.float64), body.offsets())


def zero_angles(T: int) -> np.ndarray:
    return np.zeros((T, NUM_JOINTS, 3), dtype=np.float64)


def solve_legs(positions: np.ndarray, feet: dict[str, np.ndarray], body: Body,
               poles: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Move knees and feet so each foot in ``feet`` ('l' or 'r' -> (T, 3) targets) is reached.

    positions: (T, J, 3). Knees bend toward ``poles[side]`` ((T, 3) or (3,) directions) when
    given, else toward the body's facing direction. Returns a new float32 array.
    """
    out = np.array(positions, dtype=np.float64, copy=True)
    for side, target in feet.items():
        hip, knee, foot = J[f"{side}_hip"], J[f"{side}_knee"], J[f"{side}_foot"]
        pole = _facing(out) if poles is None or side not in poles else \
            np.broadcast_to(np.asarray(poles[side], dtype=np.float64), out[:, hip].shape)
        mid, end = two_bone_ik(out[:, hip], np.asarray(target, dtype=np.float64),
                               body.thigh, body.shin, pole)
        out[:, knee], out[:, foot] = mid, end
    return out.astype(np.float32)


def solve_arms(positions: np.ndarray, hands: dict[str, np.ndarray], body: Body,
               poles: dict[str, np.ndarray]) -> np.ndarray:
    """Move elbows and hands so each hand in ``hands`` ('l'/'r' -> (T, 3)) reaches its target.

    positions: (T, J, 3); elbows bend toward ``poles[side]`` ((T, 3) or (3,)). Returns float32.
    """
    out = np.array(positions, dtype=np.float64, copy=True)
    for side, target in hands.items():
        sh, el, ha = J[f"{side}_shoulder"], J[f"{side}_elbow"], J[f"{side}_hand"]
        pole = np.broadcast_to(np.asarray(poles[side], dtype=np.float64), out[:, sh].shape)
        mid, end = two_bone_ik(out[:, sh], np.asarray(target, dtype=np.float64),
                               body.upper_arm, body.forearm, pole)
        out[:, el], out[:, ha] = mid, end
    return out.astype(np.float32)


def upper_envelope(x: np.ndarray, radius: int) -> np.ndarray:
    """A smooth curve that is >= ``x`` (T,) everywhere: a running max of radius 2r, then two
    box averages of radius r. Used for corrections (pelvis drops, floor lifts) that must be at
    least as large as needed on every frame but must not pop from one frame to the next."""
    x = np.asarray(x, dtype=np.float64)
    if radius <= 0 or len(x) < 2 or not np.any(x):
        return x.copy()
    win = np.lib.stride_tricks.sliding_window_view
    y = win(np.pad(x, 2 * radius, mode="edge"), 4 * radius + 1).max(axis=-1)
    for _ in range(2):
        y = win(np.pad(y, radius, mode="edge"), 2 * radius + 1).mean(axis=-1)
    return y


def lower_to_reach(positions: np.ndarray, feet: dict[str, np.ndarray], body: Body,
                   slack: float = 0.995, fps: float = 25.0, smooth: float = 0.04,
                   mask: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Lower the whole body (all joints, same amount) just enough that every foot target is
    reachable with the knee bent at least a little, smoothed over time so it never pops.

    positions: (T, J, 3); feet: 'l'/'r' -> (T, 3) targets; smooth: seconds of easing around
    each needed drop; mask: 'l'/'r' -> (T,) bool, the frames where that foot must be reached
    (a foot in the air may fall a little short instead). Returns a new float64 array.
    Why the whole body: the pelvis is the only free choice once the feet are pinned, and
    moving everything above it keeps every bone length.
    """
    out = np.array(positions, dtype=np.float64, copy=True)
    reach = (body.thigh + body.shin) * slack
    need = np.zeros(len(out))
    for side, target in feet.items():
        hip = out[:, J[f"{side}_hip"]]
        target = np.asarray(target, dtype=np.float64)
        r2 = np.sum((hip[:, [0, 2]] - target[:, [0, 2]]) ** 2, axis=-1)
        # horizontal reach beyond the leg cannot be fixed by lowering; aim as low as sensible
        allowed = np.sqrt(np.maximum(reach * reach - r2, (0.35 * reach) ** 2))
        short = hip[:, 1] - target[:, 1] - allowed
        if mask is not None and side in mask:
            short = np.where(mask[side], short, 0.0)
        need = np.maximum(need, short)
    # a short smoothing keeps the walking pendulum arcs instead of flattening them into a crouch
    drop = upper_envelope(np.maximum(need, 0.0), max(1, int(round(smooth * fps))))
    out[..., 1] -= drop[:, None]
    return out


def ground(positions: np.ndarray, fps: float = 25.0, margin: float = 0.0) -> np.ndarray:
    """Lift frames whose lowest joint is below Y = margin, with a lift that eases in and out
    over ~0.1 s instead of popping. (T, J, 3) -> same, float32."""
    low = np.asarray(positions)[..., 1].min(axis=-1)
    need = np.maximum(0.0, margin - low)
    out = np.array(positions, dtype=np.float32, copy=True)
    if np.any(need > 0):
        out[..., 1] += upper_envelope(need, max(1, int(round(0.06 * fps))))[:, None]
    return out


def facing_vector(yaw: np.ndarray) -> np.ndarray:
    """(T,) heading -> (T, 3) unit forward vectors in the floor plane (yaw 0 faces +Z)."""
    yaw = np.asarray(yaw, dtype=np.float64)
    return np.stack([np.sin(yaw), np.zeros_like(yaw), np.cos(yaw)], -1)


def rotate_y(points: np.ndarray, yaw: np.ndarray | float) -> np.ndarray:
    """Rotate points (..., 3) about the vertical axis by ``yaw`` (broadcast over the leading
    axes, e.g. (T,) for (T, J, 3) points), the same way ``pose`` turns the body."""
    pts = np.asarray(points, dtype=np.float64)
    yaw = np.asarray(yaw, dtype=np.float64)
    while yaw.ndim < pts.ndim - 1:
        yaw = yaw[..., None]
    c, s = np.cos(yaw), np.sin(yaw)
    out = pts.copy()
    out[..., 0] = c * pts[..., 0] + s * pts[..., 2]
    out[..., 2] = -s * pts[..., 0] + c * pts[..., 2]
    return out


def _facing(positions: np.ndarray) -> np.ndarray:
    """(T, 3) unit forward direction from the hips: perpendicular to left->right hip, in XZ."""
    across = positions[:, J["l_hip"]] - positions[:, J["r_hip"]]
    fwd = np.stack([-across[:, 2], np.zeros(len(across)), across[:, 0]], -1)
    # facing +Z with left at +X: across=(+x,0,0) -> fwd=(0,0,+x)
    return fwd / np.maximum(np.linalg.norm(fwd, axis=-1, keepdims=True), 1e-9)


def smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def min_jerk(t: np.ndarray) -> np.ndarray:
    """0 -> 1 with zero velocity and acceleration at both ends (reaching movements, swings)."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * t * (10 - 15 * t + 6 * t * t)


def hermite(t: np.ndarray, t0: float, t1: float, y0: float, y1: float, v0: float,
            v1: float) -> np.ndarray:
    """Cubic from (t0, y0) with slope v0 to (t1, y1) with slope v1, evaluated at t (clipped)."""
    h = max(t1 - t0, 1e-9)
    s = np.clip((np.asarray(t, dtype=np.float64) - t0) / h, 0.0, 1.0)
    s2, s3 = s * s, s * s * s
    return ((2 * s3 - 3 * s2 + 1) * y0 + (s3 - 2 * s2 + s) * h * v0
            + (-2 * s3 + 3 * s2) * y1 + (s3 - s2) * h * v1)


def keyframes(times: np.ndarray, values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Shape-preserving (monotone, Fritsch-Carlson) cubic through keys, flat at both ends.

    times: (K,) increasing seconds; values: (K, ...) any trailing shape; t: (T,) query times.
    Returns (T, ...) float64. Monotone pieces never overshoot their keys, so a pelvis keyed
    at floor height never dips through the floor between keys.
    """
    times = np.asarray(times, dtype=np.float64)
    vals = np.asarray(values, dtype=np.float64)
    shape = vals.shape[1:]
    v = vals.reshape(len(times), -1)
    if len(times) == 1:
        return np.broadcast_to(v[0], (len(t), v.shape[1])).reshape((len(t),) + shape).copy()
    h = np.diff(times)[:, None]
    d = np.diff(v, axis=0) / h
    m = np.zeros_like(v)
    if len(times) > 2:
        w1, w2 = 2 * h[1:] + h[:-1], h[1:] + 2 * h[:-1]
        same = d[:-1] * d[1:] > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            hm = (w1 + w2) / (w1 / d[:-1] + w2 / d[1:])
        m[1:-1] = np.where(same, hm, 0.0)
    t = np.clip(np.asarray(t, dtype=np.float64), times[0], times[-1])
    k = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
    hk = h[k]
    s = ((t - times[k])[:, None]) / hk
    s2, s3 = s * s, s * s * s
    out = ((2 * s3 - 3 * s2 + 1) * v[k] + (s3 - 2 * s2 + s) * hk * m[k]
           + (-2 * s3 + 3 * s2) * v[k + 1] + (s3 - s2) * hk * m[k + 1])
    return out.reshape((len(t),) + shape)


assert PARENTS[0] == -1
