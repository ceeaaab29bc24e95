"""What every motion file may hold: the ranges readers accept and writers promise.

Readers call these checks so a damaged file is refused with the field named; writers call the
same checks so nothing is written that a reader would refuse (a BVH with 1e38 centimetres, a
JSON with NaN, a skeleton whose parents point past its joints).
"""
from __future__ import annotations

import numpy as np

MAX_COORD = 1e4          # metres from the origin: far beyond any stage, far below float32 limits
FPS_RANGE = (0.1, 1000.0)
MAX_FRAME = 1e7          # about four days at 25 fps


def fps_problem(fps: object) -> str:
    """Why ``fps`` is not a usable frame rate, or "" when it is."""
    lo, hi = FPS_RANGE
    if isinstance(fps, bool) or not isinstance(fps, (int, float, np.floating, np.integer)):
        return f"must be a number of frames per second, got {str(fps)[:40]!r}"
    if not np.isfinite(fps) or not lo <= float(fps) <= hi:
        return f"must be in [{lo:g}, {hi:g}] frames per second, got {float(fps):g}"
    return ""


def joints_problem(joints) -> str:
    """Why a list of joint names is not a usable skeleton, or ""."""
    from ..skeleton import REQUIRED_JOINTS

    if not isinstance(joints, (list, tuple)) or not all(isinstance(j, str) for j in joints):
        return "must be a list of names"
    missing = [j for j in REQUIRED_JOINTS if j not in joints]
    if missing:
        return f"lacks required joints {missing[:4]}"
    if len(set(joints)) != len(joints):
        return "names a joint twice"
    return ""


def parents_problem(parents, num_joints: int) -> str:
    """Why ``parents`` is not a skeleton tree over ``num_joints`` joints, or ""."""
    if len(parents) != num_joints:
        return f"has {len(parents)} entries for {num_joints} joints"
    for j, p in enumerate(parents):
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or not -1 <= p < num_joints \
                or p == j:
            return (f"entry {j} is {str(p)[:20]}; a parent is another joint's index in "
                    f"[0, {num_joints - 1}], or -1 for the root")
    for j in range(num_joints):   # following parents must reach a root, not loop
        k, hops = j, 0
        while parents[k] >= 0 and hops <= num_joints:
            k, hops = parents[k], hops + 1
        if hops > num_joints:
            return f"joint {j}'s chain of parents loops back on itself"
    return ""


def positions_problem(positions: np.ndarray, joints) -> str:
    """Why joint positions (T, J, 3) are not storable (NaN, infinity, absurd size), or ""."""
    pos = np.asarray(positions, dtype=np.float64)
    bad = ~np.isfinite(pos) | (np.abs(pos) > MAX_COORD)
    if not bad.any():
        return ""
    t, j, _ = np.argwhere(bad)[0]
    value = pos[t, j][bad[t, j]][0]
    name = joints[j] if j < len(joints) else j
    if not np.isfinite(value):
        return f"NaN or infinity at frame {t}, joint {name!r}"
    return (f"frame {t}, joint {name!r} is at {value:g} m; positions must lie within "
            f"{MAX_COORD:g} m of the origin")


def motion_problem(motion) -> str:
    """The first reason a ``Motion`` cannot be written to a file, or ""."""
    for field, why in (("fps", fps_problem(motion.fps)),
                       ("parents", parents_problem(list(motion.parents), len(motion.joints))),
                       ("positions", positions_problem(motion.positions, motion.joints))):
        if why:
            return f"{field} {why}"
    return ""


def check_writable(motion, what: str = "motion") -> None:
    """Raise ValueError naming the field when ``motion`` holds what no reader accepts."""
    why = motion_problem(motion)
    if why:
        raise ValueError(f"cannot write this {what}: {why}")


def camera_problem(keys, num_actors: int) -> str:
    """Why a list of camera key objects cannot drive a render, or ""."""
    from ..camera import CameraKey

    if not isinstance(keys, list):
        return f"must be a list of key objects, got {type(keys).__name__}"
    for i, raw in enumerate(keys):
        if not isinstance(raw, dict):
            return f"key {i} must be an object, got {str(raw)[:40]!r}"
        for name in ("frame", "fov", "roll", "zoom"):
            v = raw.get(name, 0.0)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return f"key {i}: '{name}' must be a number, got {str(v)[:40]!r}"
        try:
            key = CameraKey.from_dict(raw)
        except (TypeError, ValueError, OverflowError) as exc:
            return f"key {i}: {str(exc).splitlines()[0][:160]}"
        if not 0 <= key.frame <= MAX_FRAME or not abs(key.roll) <= 3600:
            return f"key {i}: frame must be in [0, {MAX_FRAME:g}] and roll a finite angle"
        if key.follow is not None and not 0 <= key.follow < num_actors:
            return f"key {i}: follows actor {key.follow}, but there are {num_actors}"
    return ""
