"""Physics post-processing for generated motion, each step switchable for comparison:

1. smoothing: a zero-phase Gaussian filter (no lag) that removes frame-to-frame jitter;
2. bone lengths restored exactly (canonical or given lengths);
3. ground: a hovering body is settled onto the floor, and no joint goes below it;
4. foot contacts detected and planted feet locked in place with leg IK (no sliding).

Plus kinematics for the app: per-joint and root velocity, acceleration and momentum.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ik import two_bone_ik
from .skeleton import JOINT_INDEX, JOINT_NAMES, REST_BONE_LENGTHS, bone_lengths, enforce_bone_lengths

J = JOINT_INDEX
FEET = (("l", J["l_hip"], J["l_knee"], J["l_foot"]), ("r", J["r_hip"], J["r_knee"], J["r_foot"]))
# Mass share of the body carried by each joint's segment (sums to 1), for momentum.
_MASS_SHARE = {"pelvis": 0.14, "spine": 0.20, "neck": 0.04, "head": 0.08,
               "l_shoulder": 0.0, "l_elbow": 0.028, "l_hand": 0.022,
               "r_shoulder": 0.0, "r_elbow": 0.028, "r_hand": 0.022,
               "l_hip": 0.0, "l_knee": 0.10, "l_foot": 0.065,
               "r_hip": 0.0, "r_knee": 0.10, "r_foot": 0.065}
MASS_SHARE = np.array([_MASS_SHARE[n] for n in JOINT_NAMES], dtype=np.float64)
MASS_SHARE /= MASS_SHARE.sum()


CONTACT_HEIGHT = 0.05  # metres: a foot lower than this may be planted ...
CONTACT_SPEED = 0.5    # m/s: ... if it is also slower than this (the foot-skate metric's "moving")
HOLD_HEIGHT = 0.02     # metres: a planted foot is held at its own height up to this above the floor


@dataclass(frozen=True)
class PhysicsConfig:
    smooth: bool = True
    smooth_sigma: float = 1.0        # frames; zero-phase Gaussian
    bone_lengths: bool = True
    ground: bool = True
    foot_lock: bool = True
    contact_height: float = CONTACT_HEIGHT
    contact_speed: float = CONTACT_SPEED


def gaussian_smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    """Zero-phase Gaussian smoothing along axis 0 (no lag). The ends are padded by odd
    reflection, so a motion that is still moving at its first or last frame is not bent."""
    if sigma <= 0 or len(x) < 3:
        return np.array(x, copy=True)
    r = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    r = min(r, len(x) - 1)
    k = k[len(k) // 2 - r: len(k) // 2 + r + 1]
    k /= k.sum()
    head = 2 * x[:1] - x[r:0:-1]
    tail = 2 * x[-1:] - x[-2:-r - 2:-1]
    pad = np.concatenate([head, x, tail])
    out = np.zeros_like(x, dtype=np.float64)
    for i, w in enumerate(k):
        out += w * pad[i:i + len(x)]
    return out.astype(x.dtype)


def detect_contacts(positions: np.ndarray, fps: float, height: float = CONTACT_HEIGHT,
                    speed: float = CONTACT_SPEED) -> np.ndarray:
    """(T, 2) bool: left/right foot planted (low and slow), runs shorter than 2 frames dropped."""
    out = np.zeros((len(positions), 2), dtype=bool)
    for k, (_, _, _, foot) in enumerate(FEET):
        f = positions[:, foot]
        v = np.zeros(len(f))
        if len(f) > 1:
            d = np.linalg.norm(np.diff(f[:, [0, 2]], axis=0), axis=-1) * fps
            v[1:], v[0] = d, d[0]
            v[:-1] = np.minimum(v[:-1], d)  # a foot about to stop counts as stopping
        c = (f[:, 1] < height) & (v < speed)
        out[:, k] = _drop_short(c, 2)
    return out


def _drop_short(c: np.ndarray, n: int) -> np.ndarray:
    c = c.copy()
    for a, b in _runs(c):
        if b - a < n:
            c[a:b] = False
    return c


def _runs(c: np.ndarray) -> list[tuple[int, int]]:
    e = np.flatnonzero(np.diff(np.concatenate([[0], c.astype(np.int8), [0]])))
    return list(zip(e[::2], e[1::2]))


def lock_feet(positions: np.ndarray, contacts: np.ndarray, lengths: np.ndarray,
              blend: int = 3) -> np.ndarray:
    """Hold each planted foot at one spot (the run's median, at its own height up to
    ``HOLD_HEIGHT`` above the floor), easing in and out over ``blend`` frames, and solve the knee
    with two-bone IK. (T, J, 3) -> new array.

    The ease is a smoothstep, so the foot's speed has no step where the hold begins or ends: a
    linear ease made a kink there (jerk) and let the foot slide on into its first planted frame
    (ds-v5 and ds-v3, both shipped models: foot skate 7 % lower, jerk 2 % lower, FID level).
    The spot keeps the foot's own height, up to ``HOLD_HEIGHT``: pulling a foot the model set
    down 1-2 cm onto the floor made the IK bend or straighten that knee, a pose the data does
    not have (FID 1.2-1.4 lower with the height kept, on both datasets and both models)."""
    out = np.array(positions, dtype=np.float64, copy=True)
    T = len(out)
    for k, (_, hip, knee, foot) in enumerate(FEET):
        f = out[:, foot].copy()
        target = f.copy()
        weight = np.zeros(T)
        for a, b in _runs(contacts[:, k]):
            spot = np.median(f[a:b], axis=0)
            spot[1] = min(max(spot[1], 0.0), HOLD_HEIGHT)
            target[a:b] = spot
            weight[a:b] = 1.0
            for i in range(1, blend + 1):
                u = 1.0 - i / (blend + 1)
                w = u * u * (3.0 - 2.0 * u)
                for t in (a - i, b - 1 + i):
                    if 0 <= t < T and w > weight[t]:
                        target[t], weight[t] = spot, w
        goal = f * (1 - weight[:, None]) + target * weight[:, None]
        # The knee bends toward where it already points, so IK keeps the generated style; a
        # little forward bias decides for a straight leg.
        across = out[:, J["l_hip"]] - out[:, J["r_hip"]]
        forward = np.stack([-across[:, 2], np.zeros(T), across[:, 0]], axis=-1)
        pole = out[:, knee] - 0.5 * (out[:, hip] + f) + 0.05 * forward
        moved = weight > 0
        if moved.any():
            mid, end = two_bone_ik(out[moved, hip], goal[moved], lengths[knee], lengths[foot],
                                   pole[moved])
            out[moved, knee], out[moved, foot] = mid, end
    return out.astype(np.float32)


def settle(positions: np.ndarray, fps: float, window_s: float = 0.8,
           max_drop: float = 0.15) -> np.ndarray:
    """Bring a hovering body down onto the floor.

    The lowest foot's height is taken as a rolling minimum over ``window_s`` (so a run's stance
    phases and a jump's take-off keep their flight: the minimum is ~0 there) and smoothed; where
    that floor gap is below ``max_drop`` the frame moves down by it. (T, J, 3) -> new array.
    """
    pos = np.array(positions, dtype=np.float32, copy=True)
    T = len(pos)
    if T == 0:
        return pos
    low = np.minimum(pos[:, J["l_foot"], 1], pos[:, J["r_foot"], 1]).astype(np.float64)
    r = max(1, int(round(window_s * fps / 2)))
    padded = np.concatenate([np.full(r, low[0]), low, np.full(r, low[-1])])
    gap = np.lib.stride_tricks.sliding_window_view(padded, 2 * r + 1).min(axis=1)
    gap = gaussian_smooth(gap[:, None], r / 2)[:, 0]
    drop = np.where((gap > 0) & (gap < max_drop), gap, 0.0)
    pos[..., 1] -= drop[:, None].astype(np.float32)
    return pos


def ground(positions: np.ndarray) -> np.ndarray:
    """Lift each frame so no joint is below Y = 0. (T, J, 3) -> new array."""
    out = np.array(positions, dtype=np.float32, copy=True)
    out[..., 1] += np.maximum(0.0, -out[..., 1].min(axis=-1))[:, None]
    return out


def postprocess(positions: np.ndarray, fps: float, cfg: PhysicsConfig = PhysicsConfig(),
                lengths: np.ndarray | None = None,
                held_height: np.ndarray | None = None,
                planted: tuple[np.ndarray, np.ndarray] | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Apply the enabled steps; returns (positions (T, J, 3) float32, contacts (T, 2) bool).

    held_height: (T,) bool, frames whose pelvis height the generator fixed (a crouched style, a
    dance's bounce): there the legs bend to the model's feet (``keep_feet``) instead of being
    straightened, which would lift the body out of the height it was given.
    planted: (contacts (T, 2) in [0, 1], given (T, 2) bool): foot contacts the generator fixed
    (a style's step rhythm); on those frames they replace the detected ones, so the feet are
    locked where the rhythm plants them."""
    pos = np.asarray(positions, dtype=np.float32)
    lengths = REST_BONE_LENGTHS if lengths is None else lengths
    if cfg.smooth:
        pos = gaussian_smooth(pos, cfg.smooth_sigma)
    if cfg.bone_lengths:
        fixed = enforce_bone_lengths(pos, lengths)
        pos = fixed if held_height is None or not np.any(held_height) else \
            keep_feet(fixed, pos, lengths, held_height)
    if cfg.ground:
        pos = ground(settle(pos, fps))
    contacts = detect_contacts(pos, fps, cfg.contact_height, cfg.contact_speed)
    if planted is not None:
        contacts = np.where(planted[1], planted[0] > 0.5, contacts)
    if cfg.foot_lock:
        pos = lock_feet(pos, contacts, lengths if cfg.bone_lengths else
                        np.median(bone_lengths(pos), axis=0))
        if cfg.ground:
            pos = ground(pos)
    return pos.astype(np.float32), contacts


def keep_feet(fixed: np.ndarray, model: np.ndarray, lengths: np.ndarray,
              frames: np.ndarray | None = None) -> np.ndarray:
    """Legs re-solved so each foot stays where the model put it (relative to its hip), the
    knee bending to take up a leg the model drew too short.

    Restoring bone lengths outward from the pelvis straightens a leg the model shortened (a
    crouched walk drawn with short legs) and pushes its foot through the floor, and grounding
    then lifts the whole body out of the crouch. fixed, model: (T, J, 3); ``frames`` (T,)
    bool limits it to some frames (eased over a few frames at their edges). Returns a copy."""
    only = np.ones(len(fixed)) if frames is None else np.convolve(
        np.asarray(frames, np.float64), np.ones(5) / 5, mode="same")
    out = np.array(fixed, dtype=np.float64, copy=True)
    left = out[:, J["l_hip"]] - out[:, J["r_hip"]]
    ahead = np.cross(left, [0.0, 1.0, 0.0])                 # the body's forward, (T, 3)
    ahead /= np.maximum(np.linalg.norm(ahead, axis=-1, keepdims=True), 1e-9)
    for _, hip, knee, foot in FEET:
        target = out[:, hip] + (model[:, foot] - model[:, hip])
        # bend the way the model bent the knee; a straight leg bends forward
        pole = model[:, knee] - 0.5 * (model[:, hip] + model[:, foot]) + 1e-3 * ahead
        # Only a leg drawn clearly short is re-solved (fading in from 2 % to 6 % short): a leg
        # of about the right length keeps its bone directions, as the model drew them. Blending
        # the target, not the solutions, keeps the bone lengths exact.
        reach = np.linalg.norm(model[:, foot] - model[:, hip], axis=-1)
        short = 1.0 - reach / (lengths[knee] + lengths[foot])
        w = np.clip((short - 0.02) / 0.04, 0.0, 1.0)[:, None]
        w = w * w * (3 - 2 * w) * only[:, None]
        target = (1 - w) * out[:, foot] + w * target
        out[:, knee], out[:, foot] = two_bone_ik(out[:, hip], target, lengths[knee],
                                                 lengths[foot], pole)
    return out.astype(np.float32)


@dataclass
class Kinematics:
    """Derivatives of a motion at its fps (central differences, metres and seconds)."""
    velocity: np.ndarray        # (T, J, 3) m/s
    acceleration: np.ndarray    # (T, J, 3) m/s^2
    root_velocity: np.ndarray   # (T, 3)
    root_acceleration: np.ndarray  # (T, 3)
    momentum: np.ndarray        # (T, 3) kg m/s of the whole body (segment masses)
    speed: np.ndarray           # (T, J) m/s


def kinematics(positions: np.ndarray, fps: float, body_mass: float = 70.0) -> Kinematics:
    pos = np.asarray(positions, dtype=np.float64)
    vel = np.gradient(pos, 1.0 / fps, axis=0) if len(pos) > 1 else np.zeros_like(pos)
    acc = np.gradient(vel, 1.0 / fps, axis=0) if len(pos) > 1 else np.zeros_like(pos)
    momentum = body_mass * np.einsum("j,tjc->tc", MASS_SHARE, vel)
    return Kinematics(vel.astype(np.float32), acc.astype(np.float32), vel[:, 0].astype(np.float32),
                      acc[:, 0].astype(np.float32), momentum.astype(np.float32),
                      np.linalg.norm(vel, axis=-1).astype(np.float32))


def foot_skate_ratio(positions: np.ndarray, fps: float) -> float:
    """Share of all foot-frames in which a foot is within 5 cm of the floor for 2+ frames while
    moving faster than 0.5 m/s horizontally: lower is better."""
    bad = total = 0
    for _, _, _, foot in FEET:
        f = positions[:, foot]
        if len(f) < 2:
            continue
        low = f[1:, 1] < 0.05
        low2 = low & np.concatenate([[False], low[:-1]])
        speed = np.linalg.norm(np.diff(f[:, [0, 2]], axis=0), axis=-1) * fps
        bad += int((low2 & (speed > 0.5)).sum())
        total += len(speed)
    return bad / max(total, 1)


def jerk(positions: np.ndarray, fps: float) -> float:
    """Mean magnitude of the third derivative of joint positions, m/s^3."""
    if len(positions) < 4:
        return 0.0
    j = np.diff(np.asarray(positions, np.float64), n=3, axis=0) * fps ** 3
    return float(np.linalg.norm(j, axis=-1).mean())


def penetration(positions: np.ndarray) -> float:
    """Deepest point below the floor, metres (0 when nothing goes below)."""
    return float(max(0.0, -np.asarray(positions)[..., 1].min()))
