"""Readers for motion clips that are not BVH: DeepMimic's JSON-in-.txt clips and joint-position
``.npz`` archives (e.g. the AMP humanoid clips of IsaacGymEnvs converted to plain arrays).

Both give a ``PositionClip``: source joint names, parents and global positions at a uniform
frame rate, in the source's units and axes, ready for ``engine.retarget``. A virtual
``head_centre`` joint is added where the head's rotation is known, because these humanoids'
"head"/"neck" joint is the base of the neck, not the middle of the head.
"""
from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..rotations import quat_matrices
from .errors import FormatError, read_json
from .limits import MAX_COORD, fps_problem

# DeepMimic humanoid3d: (name, parent, type, attach offset in the parent's frame, metres).
# Y up; the figure faces +X with its right side at +Z.
HUMANOID3D: tuple[tuple[str, int, str, tuple[float, float, float]], ...] = (
    ("root", -1, "none", (0.0, 0.0, 0.0)),
    ("chest", 0, "spherical", (0.0, 0.236151, 0.0)),
    ("neck", 1, "spherical", (0.0, 0.223894, 0.0)),
    ("right_hip", 0, "spherical", (0.0, 0.0, 0.084887)),
    ("right_knee", 3, "revolute", (0.0, -0.421546, 0.0)),
    ("right_ankle", 4, "spherical", (0.0, -0.40987, 0.0)),
    ("right_shoulder", 1, "spherical", (-0.02405, 0.2435, 0.18311)),
    ("right_elbow", 6, "revolute", (0.0, -0.274788, 0.0)),
    ("right_wrist", 7, "fixed", (0.0, -0.258947, 0.0)),
    ("left_hip", 0, "spherical", (0.0, 0.0, -0.084887)),
    ("left_knee", 9, "revolute", (0.0, -0.421546, 0.0)),
    ("left_ankle", 10, "spherical", (0.0, -0.40987, 0.0)),
    ("left_shoulder", 1, "spherical", (-0.02405, 0.2435, -0.18311)),
    ("left_elbow", 12, "revolute", (0.0, -0.274788, 0.0)),
    ("left_wrist", 13, "fixed", (0.0, -0.258947, 0.0)),
)
# Centre of the head sphere in the neck joint's frame (DeepMimic) / head frame (AMP, Z up).
_HEAD_CENTRE_Y = (0.0, 0.175, 0.0)
_HEAD_CENTRE_Z = (0.0, 0.0, 0.175)
_DOFS = {"none": 7, "spherical": 4, "revolute": 1, "fixed": 0}
MAX_RESAMPLED_FRAMES = 360_000   # an hour at 100 fps


@dataclass
class PositionClip:
    names: list[str]
    parents: np.ndarray        # (J,) int, -1 for the root
    positions: np.ndarray      # (T, J, 3) float32, source units and axes
    fps: float
    up_axis: str = "y"
    units: str = "m"


def _z_rotations(angles: np.ndarray) -> np.ndarray:
    c, s = np.cos(angles), np.sin(angles)
    out = np.zeros(angles.shape + (3, 3))
    out[..., 0, 0], out[..., 0, 1], out[..., 1, 0], out[..., 1, 1] = c, -s, s, c
    out[..., 2, 2] = 1.0
    return out


def resample_uniform(times: np.ndarray, positions: np.ndarray, fps: float) -> np.ndarray:
    """Linear resampling of (T, J, 3) samples at increasing ``times`` (T,) to a uniform rate."""
    n = int(np.floor((times[-1] - times[0]) * fps + 1e-6)) + 1
    t = times[0] + np.arange(n) / fps
    i1 = np.clip(np.searchsorted(times, t, side="right"), 1, len(times) - 1)
    i0 = i1 - 1
    span = np.maximum(times[i1] - times[i0], 1e-12)
    w = np.clip((t - times[i0]) / span, 0.0, 1.0)[:, None, None]
    return positions[i0] * (1 - w) + positions[i1] * w


def deepmimic_positions(frames: np.ndarray, skeleton=HUMANOID3D) -> np.ndarray:
    """Forward kinematics of DeepMimic frame rows (T, D) (without the duration column).

    Returns (T, J + 1, 3) float64: the skeleton's joints plus the head centre last.
    """
    T = frames.shape[0]
    J = len(skeleton)
    pos = np.zeros((T, J, 3))
    glob = np.zeros((T, J, 3, 3))
    col = 0
    for j, (_, parent, kind, attach) in enumerate(skeleton):
        if kind == "none":
            pos[:, j] = frames[:, col:col + 3]
            glob[:, j] = quat_matrices(frames[:, col + 3:col + 7])
        else:
            if kind == "spherical":
                local = quat_matrices(frames[:, col:col + 4])
            elif kind == "revolute":
                local = _z_rotations(frames[:, col])  # knees and elbows bend about local Z
            else:
                local = np.broadcast_to(np.eye(3), (T, 3, 3))
            pos[:, j] = pos[:, parent] + glob[:, parent] @ np.asarray(attach)
            glob[:, j] = glob[:, parent] @ local
        col += _DOFS[kind]
    neck = [s[0] for s in skeleton].index("neck")
    head = pos[:, neck] + glob[:, neck] @ np.asarray(_HEAD_CENTRE_Y)
    return np.concatenate([pos, head[:, None]], axis=1)


def parse_deepmimic(data: object, path: object = "<deepmimic>", skeleton=HUMANOID3D,
                    fps: float | None = None) -> PositionClip:
    """A DeepMimic clip from its parsed JSON ({"Frames": [[dt, root xyz, root wxyz, ...]]}).

    Frame durations may vary (e.g. the roll clip); the clip is resampled to a uniform ``fps``
    (default: the rate of the most common duration).
    """
    if not isinstance(data, dict) or "Frames" not in data:
        raise FormatError(path, "not a DeepMimic clip: no 'Frames' list")
    width = 1 + sum(_DOFS[k] for _, _, k, _ in skeleton)
    try:
        rows = np.asarray(data["Frames"], dtype=np.float64)
    except (TypeError, ValueError):
        raise FormatError(path, "'Frames' rows must be lists of numbers of equal length") from None
    if rows.ndim != 2 or rows.shape[0] < 1 or rows.shape[1] != width:
        shape = rows.shape if rows.ndim == 2 else f"{rows.ndim}-D"
        raise FormatError(path, f"'Frames' must be rows of {width} numbers for the humanoid3d "
                                f"skeleton, got {shape}")
    if not np.isfinite(rows).all():
        raise FormatError(path, f"'Frames' row {int(np.argwhere(~np.isfinite(rows))[0, 0])} "
                                "holds NaN or infinity")
    dt = rows[:, 0]
    if (dt[:-1] <= 0).any():
        raise FormatError(path, f"frame {int(np.argmax(dt[:-1] <= 0))} has a duration <= 0")
    with np.errstate(all="ignore"):    # damaged rotations are refused just below
        positions = deepmimic_positions(rows[:, 1:], skeleton)
    if not (np.abs(positions) <= MAX_COORD).all():
        raise FormatError(path, "'Frames' put a joint out of range (NaN, infinite or farther "
                                "than 10 km): positions or rotations are damaged")
    names = [s[0] for s in skeleton] + ["head_centre"]
    parents = np.array([s[1] for s in skeleton] + [[s[0] for s in skeleton].index("neck")])
    if len(rows) == 1:
        return PositionClip(names, parents, positions.astype(np.float32), fps or 30.0)
    # The most common duration sets the rate, snapped to a whole number when within 1 %.
    vals, inverse, counts = np.unique(np.round(dt[:-1], 3), return_inverse=True,
                                      return_counts=True)
    rate = 1.0 / float(np.median(dt[:-1][inverse == np.argmax(counts)]))
    rate = fps or (float(round(rate)) if abs(rate - round(rate)) < 0.01 * rate else rate)
    times = np.concatenate([[0.0], np.cumsum(dt[:-1])])
    # Checked before resampling: a hostile mix of durations could ask for 10**12 frames.
    if fps_problem(rate) or times[-1] * rate > MAX_RESAMPLED_FRAMES:
        raise FormatError(path, f"frame durations give {rate:g} frames per second over "
                                f"{times[-1]:g} s; expected [0.1, 1000] fps and at most "
                                f"{MAX_RESAMPLED_FRAMES} frames")
    if np.allclose(dt[:-1], 1.0 / rate, rtol=0.01, atol=1e-6):
        uniform = positions
    else:
        uniform = resample_uniform(times, positions, rate)
    return PositionClip(names, parents, uniform.astype(np.float32), rate)


def read_deepmimic(path: str | os.PathLike) -> PositionClip:
    """Read a DeepMimic humanoid3d motion clip (.txt holding JSON)."""
    return parse_deepmimic(read_json(path, "DeepMimic clip"), path)


def read_positions_npz(path: str | os.PathLike) -> PositionClip:
    """Read an .npz with ``joint_names``, ``parents``, ``positions`` (T, J, 3) and ``fps``
    (optional ``up_axis``, ``units``; AMP files also carry the rotations used for the head)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise FormatError(path, f"not a readable .npz archive ({exc})") from None
    for key in ("joint_names", "parents", "positions"):
        if key not in data:
            raise FormatError(path, f"missing array {key!r} (have: {', '.join(sorted(data))})")
    names = [str(n) for n in data["joint_names"]]
    pos = np.asarray(data["positions"], dtype=np.float64)
    parents = np.asarray(data["parents"], dtype=np.int64)
    if pos.ndim != 3 or pos.shape[1:] != (len(names), 3) or len(parents) != len(names):
        raise FormatError(path, f"positions {pos.shape} do not match {len(names)} joint names "
                                f"and {len(parents)} parents")
    if not np.isfinite(pos).all():
        raise FormatError(path, "positions hold NaN or infinity")
    fps = float(data["fps"]) if "fps" in data else 30.0
    if not np.isfinite(fps) or fps <= 0:
        raise FormatError(path, f"fps must be positive, got {fps}")
    fps = float(round(fps)) if abs(fps - round(fps)) < 1e-3 * fps else fps
    up = str(data.get("up_axis", "y")).lower()
    units = {"meters": "m", "metres": "m", "meter": "m", "m": "m",
             "cm": "cm", "centimeters": "cm"}.get(str(data.get("units", "m")).lower(), "m")
    if "local_rotation_xyzw" in data and "head" in names and "local_translation" in data:
        pos, names, parents = _add_head_centre(data, pos, names, parents, up)
    return PositionClip(names, parents, pos.astype(np.float32), fps, up, units)


def _add_head_centre(data: dict, pos: np.ndarray, names: list[str], parents: np.ndarray,
                     up: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Append the head sphere's centre, placed with the head joint's global rotation."""
    local = quat_matrices(data["local_rotation_xyzw"], scalar_first=False)   # (T, J, 3, 3)
    glob = np.empty_like(local)
    for j, p in enumerate(parents):
        glob[:, j] = local[:, j] if p < 0 else glob[:, p] @ local[:, j]
    h = names.index("head")
    offset = np.asarray(_HEAD_CENTRE_Z if up == "z" else _HEAD_CENTRE_Y)
    centre = pos[:, h] + glob[:, h] @ offset
    return (np.concatenate([pos, centre[:, None]], axis=1), names + ["head_centre"],
            np.append(parents, h))


def looks_like_deepmimic(path: str | os.PathLike) -> bool:
    """True if a .txt file starts like a DeepMimic clip (a JSON object with "Frames")."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return head.lstrip().startswith("{") and '"Frames"' in head


def character_skeleton(path: str | os.PathLike):
    """A DeepMimic skeleton table like HUMANOID3D from a character file (e.g. humanoid3d.txt)."""
    try:
        joints = json.loads(Path(path).read_text(encoding="utf-8"))["Skeleton"]["Joints"]
        return tuple((j["Name"], int(j["Parent"]), j["Type"],
                      (float(j["AttachX"]), float(j["AttachY"]), float(j["AttachZ"])))
                     for j in sorted(joints, key=lambda j: j["ID"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FormatError(path, f"not a DeepMimic character file ({exc})") from None
