"""Retargeting foreign motion-capture skeletons onto the canonical 16-joint stick figure.

Pipeline (``retarget``): pick each canonical joint's source point from the rig table
(``engine.rigs``) -> convert units and the up axis -> drop a calibration T-pose first frame ->
rebuild every bone with the source's direction and the canonical length scaled to the subject
(so bone lengths are exactly constant; the pelvis's path over the floor scales with the legs so
planted feet stay put) -> turn the clip about the vertical so the figure starts
facing +Z with its left side at +X, at the origin -> put the lowest foot on the floor.
"""
from __future__ import annotations

import numpy as np

from .motion import Motion
from .rigs import KNOWN_UNITS, Rig, detect_rig, strip_prefix
from .skeleton import JOINT_INDEX, JOINT_NAMES, PARENTS, REST_BONE_LENGTHS, REST_OFFSETS

_I = JOINT_INDEX
# Bones whose source length is a real body measure on every rig (no virtual joints involved):
# the subject's size is the ratio of their lengths to ours.
_SIZE_BONES = tuple(_I[n] for n in (
    "l_knee", "l_foot", "r_knee", "r_foot", "l_elbow", "l_hand", "r_elbow", "r_hand",
    "spine", "neck"))
_FEET = (_I["l_foot"], _I["r_foot"])
_LEG_BONES = tuple(_I[n] for n in ("l_knee", "l_foot", "r_knee", "r_foot"))
# A subject measured outside this range (relative to the canonical 1.75 m figure) has a unit or
# a publisher's rescaling we cannot trust, so it is clamped into an adult's range.
SUBJECT_SIZE_RANGE = (0.85, 1.15)


def source_points(names: list[str], positions: np.ndarray, rig: Rig) -> np.ndarray:
    """The canonical joints' source points: positions (T, Js, 3) -> (T, 16, 3) float64.

    Units and axes stay the source's.
    """
    index = {n: i for i, n in enumerate(strip_prefix(list(names), rig))}
    W = np.zeros((len(JOINT_NAMES), len(names)))
    for j, joint in enumerate(JOINT_NAMES):
        for alt in rig.points[joint]:
            if all(n in index for n, _ in alt):
                for n, w in alt:
                    W[j, index[n]] += w
                break
        else:
            wanted = " or ".join("+".join(n for n, _ in alt) for alt in rig.points[joint])
            raise ValueError(f"rig {rig.name}: no source joint for {joint!r} (wanted {wanted})")
    return np.einsum("kj,tjc->tkc", W, np.asarray(positions, dtype=np.float64))


def to_y_up(points: np.ndarray, up_axis: str) -> np.ndarray:
    """(..., 3) from a Z-up right-handed frame to Y-up by a proper rotation (x, y, z) -> (x, z, -y)."""
    if up_axis == "y":
        return points
    if up_axis != "z":
        raise ValueError(f"up axis must be 'y' or 'z', got {up_axis!r}")
    return np.stack([points[..., 0], points[..., 2], -points[..., 1]], axis=-1)


def detect_up_axis(points: np.ndarray) -> str:
    """'y' or 'z': the axis along which the neck sits above the feet, mostly. points (T, 16, 3)."""
    v = np.median(points[:, _I["neck"]] - points[:, list(_FEET)].mean(axis=1), axis=0)
    return "z" if abs(v[2]) > abs(v[1]) else "y"


def _bone_lengths(points: np.ndarray, bones: tuple[int, ...]) -> np.ndarray:
    """Median length of each bone (child index) over the clip: (len(bones),)."""
    return np.array([np.median(np.linalg.norm(points[:, j] - points[:, PARENTS[j]], axis=-1))
                     for j in bones])


def subject_size(points: np.ndarray) -> float:
    """Subject size relative to the canonical figure (1.0 = canonical), from limb and trunk
    lengths of points (T, 16, 3) already in metres."""
    return float(_bone_lengths(points, _SIZE_BONES).sum() / REST_BONE_LENGTHS[list(_SIZE_BONES)].sum())


def detect_units(points: np.ndarray) -> tuple[str, float]:
    """The unit in KNOWN_UNITS that makes the body closest to the canonical size."""
    raw = subject_size(points)
    if not np.isfinite(raw) or raw <= 0:
        raise ValueError("cannot work out the units: the skeleton has no size")
    name = min(KNOWN_UNITS, key=lambda u: abs(np.log(raw * KNOWN_UNITS[u])))
    return name, KNOWN_UNITS[name]


def detect_tpose(points: np.ndarray, max_tilt_deg: float = 35.0, jump_ratio: float = 5.0,
                 max_frames: int = 12) -> int:
    """How many leading frames are a calibration pose to drop.

    Frame 0 counts as one when both arms are held out roughly horizontally and the step to
    frame 1 is far larger than the clip's usual frame-to-frame step. Some converters also
    blend from that pose into the motion within a few frames; those frames move implausibly
    fast too and are dropped with it. points (T, 16, 3), metres, Y up.
    """
    if len(points) < 3:
        return 0
    f0 = points[0]
    for side in "lr":
        arm = f0[_I[f"{side}_hand"]] - f0[_I[f"{side}_shoulder"]]
        n = np.linalg.norm(arm)
        if n < 1e-6 or abs(arm[1]) / n > np.sin(np.radians(max_tilt_deg)):
            return 0
    # Largest joint step per frame, in the pose (root removed) and of the root itself.
    rel = points - points[:, :1]
    step = np.linalg.norm(np.diff(rel, axis=0), axis=-1).max(axis=1)
    step = np.maximum(step, np.linalg.norm(np.diff(points[:, 0], axis=0), axis=-1))
    limit = max(0.05, jump_ratio * max(float(np.median(step)), 1e-4))
    drop = 0
    while drop < min(max_frames, len(step) - 1) and step[drop] > limit:
        drop += 1
    return drop


def doubled_frames(positions: np.ndarray) -> np.ndarray | None:
    """Frame indices to keep when every other frame repeats the one before, else None.

    Some exporters write 30 fps motion at 60 fps by doubling each frame (the AMP clips do);
    keeping one of each pair at half the rate gives the same timing without the stutter.
    positions (T, J, 3).
    """
    if len(positions) < 6:
        return None
    same = np.all(np.abs(np.diff(positions, axis=0)) < 1e-7, axis=(1, 2))
    even, odd = same[0::2].mean(), same[1::2].mean()
    if even > 0.9 and odd < 0.1:
        return np.arange(0, len(positions), 2)
    if odd > 0.9 and even < 0.1:
        return np.concatenate([[0], np.arange(1, len(positions), 2)])
    return None


def resample_points(points: np.ndarray, fps: float, new_fps: float) -> np.ndarray:
    """Linear resampling of (T, J, 3) to ``new_fps``, with Motion.resample's frame count.

    Interpolated positions shorten bones slightly: rebuild them afterwards.
    """
    T = len(points)
    n = max(1, int(round((T - 1) * new_fps / fps)) + 1)
    src = np.clip(np.arange(n) * (fps / new_fps), 0, T - 1)
    i0 = np.floor(src).astype(int)
    i1 = np.minimum(i0 + 1, T - 1)
    w = (src - i0)[:, None, None]
    return points[i0] * (1 - w) + points[i1] * w


def rebuild_bones(points: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Bones from the root outward with each source direction and the given length.

    points (T, 16, 3) float64 metres; lengths (16,) per child joint. A zero-length source bone
    keeps the previous frame's direction (the rest direction on frame 0).
    """
    out = np.empty_like(points)
    out[:, 0] = points[:, 0]
    for j, p in enumerate(PARENTS):
        if p < 0:
            continue
        d = points[:, j] - points[:, p]
        n = np.linalg.norm(d, axis=-1, keepdims=True)
        unit = d / np.maximum(n, 1e-12)
        bad = n[:, 0] < 1e-9
        if bad.any():
            last = REST_OFFSETS[j] / max(float(np.linalg.norm(REST_OFFSETS[j])), 1e-9)
            for t in range(len(unit)):
                if bad[t]:
                    unit[t] = last
                last = unit[t]
        out[:, j] = out[:, p] + unit * lengths[j]
    return out


def facing(points: np.ndarray) -> np.ndarray:
    """Horizontal unit facing direction per frame: left (hips + shoulders) x up. (T, 16, 3) -> (T, 3).

    With Y up and a right-handed frame, a figure whose left side is at +X faces +Z.
    """
    left = (points[:, _I["l_hip"]] - points[:, _I["r_hip"]]
            + points[:, _I["l_shoulder"]] - points[:, _I["r_shoulder"]])
    fwd = np.cross(left, np.array([0.0, 1.0, 0.0]))
    fwd[:, 1] = 0.0
    return fwd / np.maximum(np.linalg.norm(fwd, axis=-1, keepdims=True), 1e-12)


def align_start(points: np.ndarray, frames: int = 5) -> np.ndarray:
    """Turn about Y so the first frames face +Z, and move the first pelvis over the origin."""
    fwd = facing(points[:frames]).mean(axis=0)
    fwd[1] = 0.0
    n = np.linalg.norm(fwd)
    fwd = fwd / n if n > 1e-9 else np.array([0.0, 0.0, 1.0])
    x_axis = np.cross([0.0, 1.0, 0.0], fwd)          # new +X: the figure's left
    R = np.stack([x_axis, [0.0, 1.0, 0.0], fwd])      # rows: proper rotation, det +1
    out = points @ R.T
    out[..., 0] -= out[0, 0, 0]
    out[..., 2] -= out[0, 0, 2]
    return out


def floor_height(points: np.ndarray, fps: float = 60.0) -> float:
    """Height of the floor under the clip: the lowest foot, ignoring one-frame dips.

    At 50 fps and more, a frame whose lower foot is below both neighbours' is first raised to
    the lower neighbour: a foot touching down for under 20 ms is a capture glitch, and it must
    not lift the whole clip. A foot that stays low, or is still going down when the clip ends,
    defines the floor. points (T, 16, 3).
    """
    low = points[:, list(_FEET), 1].min(axis=1)
    if len(low) >= 3 and fps >= 50.0:
        low = low.copy()
        low[1:-1] = np.maximum(low[1:-1], np.minimum(low[:-2], low[2:]))
    return float(low.min())


def retarget(names: list[str], positions: np.ndarray, fps: float, rig: Rig | None = None, *,
             units: str | None = None, up_axis: str | None = None, drop_tpose: bool = True,
             align: bool = True, floor: bool = True, size: str | float = "subject",
             action: str = "idle", resample_fps: float | None = None,
             info: dict | None = None) -> Motion:
    """A canonical ``Motion`` from source joint positions.

    names: the source joint names; positions: (T, Js, 3) in source units and axes.
    rig: detected from the names when None. units / up_axis override the rig table (and the
    detection). size: "subject" keeps the subject's size (clamped to SUBJECT_SIZE_RANGE),
    "canonical" gives the canonical figure, a number scales the canonical figure. action
    labels every frame. info, if given, receives what was decided: rig, units, up_axis, size,
    doubled_frames (each frame was stored twice: one of each pair kept, fps halved),
    dropped_frames, floor (metres, before the shift).
    """
    rig = rig or detect_rig(list(names))
    keep = doubled_frames(np.asarray(positions))
    if keep is not None:
        positions, fps = np.asarray(positions)[keep], fps / 2.0
    pts = source_points(names, positions, rig)
    units = units or rig.units or None
    detected = units is None
    if detected:
        units = detect_units(pts)[0]
    report = {"rig": rig.name, "units": units, "units_detected": detected,
              "doubled_frames": keep is not None}
    pts = pts * KNOWN_UNITS[units]
    if rig.canonical:
        # Our own files are already canonical: convert the unit and nothing else.
        report.update(up_axis="y", size=None, dropped_frames=0, floor=0.0, source_fps=fps,
                      source_frames=len(pts))
        if info is not None:
            info.update(report)
        motion = Motion(pts.astype(np.float32), fps, [action] * len(pts))
        return motion.resample(resample_fps) if resample_fps else motion
    up = up_axis or rig.up_axis or detect_up_axis(pts)
    pts = to_y_up(pts, up)
    dropped = detect_tpose(pts) if drop_tpose else 0
    pts = pts[dropped:]
    report.update(source_fps=fps, source_frames=len(pts))
    if size == "subject":
        s = float(np.clip(subject_size(pts), *SUBJECT_SIZE_RANGE))
    elif size == "canonical":
        s = 1.0
    else:
        s = float(size)
    lengths = REST_BONE_LENGTHS.astype(np.float64) * s
    # Legs that grew or shrank must cover proportionally more or less ground, or planted feet
    # slide: scale the pelvis's path over the floor about its start by the leg-length change.
    legs = _bone_lengths(pts, _LEG_BONES).sum()
    if legs > 1e-6:
        k = lengths[list(_LEG_BONES)].sum() / legs
        pts = pts.copy()
        pts[:, 0, [0, 2]] = pts[:1, 0, [0, 2]] + (pts[:, 0, [0, 2]] - pts[:1, 0, [0, 2]]) * k
    pts = rebuild_bones(pts, lengths)
    if align:
        pts = align_start(pts)
    if resample_fps and abs(resample_fps - fps) > 1e-9:
        # Interpolating positions shortens bones a little; rebuilding restores them exactly.
        pts = rebuild_bones(resample_points(pts, fps, resample_fps), lengths)
        fps = float(resample_fps)
    ground = floor_height(pts, fps) if floor else 0.0
    pts[..., 1] -= ground
    report.update(up_axis=up, size=s, dropped_frames=dropped, floor=ground)
    if info is not None:
        info.update(report)
    return Motion(pts.astype(np.float32), fps, [action] * len(pts))
