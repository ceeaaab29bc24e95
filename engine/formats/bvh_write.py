"""Writing canonical motions as BVH (Biovision hierarchy) files.

The canonical skeleton is written in centimetres, Y up, with rotations as Z Y X (the CMU order),
following the conventions stated in ``engine.formats.bvh`` so its reader gets the positions back.
``bvh_text`` builds the text; ``write_bvh`` writes it atomically, gzip-compressed for .gz names.
Both are also importable from ``engine.formats.bvh``.
"""
from __future__ import annotations

import gzip
import os

import numpy as np

from ..atomic import write_bytes_atomic, write_text_atomic
from ..rotations import axis_rotations, matrix_to_euler, rotation_between
from .limits import check_writable

# Branching joints get one zero-length "socket" joint per child bone, so every bone has a
# rotation of its own and any pose is stored exactly (one rotation at the pelvis cannot place
# the spine and both hips once the angles between them change).
_SOCKETS = {"spine": "lower_back", "l_hip": "l_pelvis", "r_hip": "r_pelvis",
            "head": "upper_neck", "l_shoulder": "l_clavicle", "r_shoulder": "r_clavicle"}
_END_SITES = {"head": (0.0, 11.0, 0.0), "l_hand": (0.0, -8.0, 0.0), "r_hand": (0.0, -8.0, 0.0),
              "l_foot": (0.0, 0.0, 12.0), "r_foot": (0.0, 0.0, 12.0)}


def _frame_from(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rotations (T, 3, 3) whose X axis is along x (T, 3) and Y axis as near y as possible."""
    x = x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)
    y = y - np.einsum("ti,ti->t", y, x)[:, None] * x
    y = y / np.maximum(np.linalg.norm(y, axis=-1, keepdims=True), 1e-12)
    return np.stack([x, y, np.cross(x, y)], axis=-1)


def bvh_text(motion) -> str:
    """A canonical ``Motion`` as BVH text. Each bone's length is its mean length; with constant
    bone lengths, reading the file back gives the positions exactly (to float precision). The
    head joint's Y rotation carries the motion's head yaw."""
    from ..skeleton import JOINT_INDEX as I, JOINT_NAMES, PARENTS, REST_OFFSETS
    if tuple(motion.joints[:len(JOINT_NAMES)]) != JOINT_NAMES:
        raise ValueError("write_bvh writes the canonical skeleton only")
    P = motion.positions[:, :len(JOINT_NAMES)].astype(np.float64) * 100.0  # (T, 16, 3) cm
    T = len(P)
    names: list[str] = []
    parents: list[int] = []

    def add(j: int, parent: int) -> None:
        if JOINT_NAMES[j] in _SOCKETS:
            names.append(_SOCKETS[JOINT_NAMES[j]])
            parents.append(parent)
            parent = len(names) - 1
        names.append(JOINT_NAMES[j])
        parents.append(parent)
        me = len(names) - 1
        for c in (c for c, p in enumerate(PARENTS) if p == j):
            add(c, me)

    add(0, -1)
    kids = [[c for c, p in enumerate(parents) if p == k] for k in range(len(names))]
    # Pelvis and neck orientations come from the hip and shoulder lines (identity at rest).
    fixed = {"pelvis": _frame_from(P[:, I["l_hip"]] - P[:, I["r_hip"]], P[:, I["spine"]] - P[:, 0]),
             "neck": _frame_from(P[:, I["l_shoulder"]] - P[:, I["r_shoulder"]],
                                 P[:, I["head"]] - P[:, I["neck"]])}
    offsets = np.zeros((len(names), 3))
    glob = np.zeros((len(names), T, 3, 3))
    local = np.zeros((len(names), T, 3, 3))
    for k, name in enumerate(names):
        up = glob[parents[k]] if parents[k] >= 0 else np.broadcast_to(np.eye(3), (T, 3, 3))
        if name in I and parents[k] >= 0:
            j = I[name]
            length = np.linalg.norm(P[:, j] - P[:, PARENTS[j]], axis=-1).mean()
            offsets[k] = REST_OFFSETS[j] / np.linalg.norm(REST_OFFSETS[j]) * length
        if name in fixed:
            glob[k] = fixed[name]
        elif len(kids[k]) == 1:
            # Swing the bone's rest direction onto where it points now, in the parent's frame,
            # so its twist follows the parent instead of flipping about.
            c = I[names[kids[k][0]]]
            want = np.einsum("tji,tj->ti", up, P[:, c] - P[:, PARENTS[c]])
            rest = np.broadcast_to(REST_OFFSETS[c].astype(np.float64), want.shape)
            glob[k] = up @ rotation_between(rest, want)
        elif name == "head":
            # The head turns about its own up axis (the bone's rest direction, Y) by the
            # motion's head yaw; it moves only the head's end site, not a joint position.
            glob[k] = up @ axis_rotations(np.asarray(motion.head_yaw, np.float64), "y")
        else:
            glob[k] = up
        local[k] = np.einsum("tji,tjk->tik", up, glob[k])
    lines = ["HIERARCHY"]

    def emit(k: int, pad: str) -> None:
        root = parents[k] < 0
        o = offsets[k]
        lines.extend([f"{pad}{'ROOT' if root else 'JOINT'} {names[k]}", pad + "{",
                      f"{pad}  OFFSET {o[0]:.6f} {o[1]:.6f} {o[2]:.6f}",
                      f"{pad}  CHANNELS {6 if root else 3} "
                      + ("Xposition Yposition Zposition " if root else "")
                      + "Zrotation Yrotation Xrotation"])
        for c in kids[k]:
            emit(c, pad + "  ")
        if not kids[k]:
            e = _END_SITES.get(names[k], (0.0, 0.0, 0.0))
            lines.extend([f"{pad}  End Site", pad + "  {",
                          f"{pad}    OFFSET {e[0]:.6f} {e[1]:.6f} {e[2]:.6f}", pad + "  }"])
        lines.append(pad + "}")

    emit(0, "")
    eulers = np.stack([matrix_to_euler(local[k], "zyx") for k in range(len(names))], axis=1)
    data = np.concatenate([P[:, 0], eulers.reshape(T, -1)], axis=1)
    lines += ["MOTION", f"Frames: {T}", f"Frame Time: {1.0 / motion.fps:.8f}"]
    lines += [" ".join(f"{v:.6f}" for v in row) for row in data]
    return "\n".join(lines) + "\n"


def write_bvh(path: str | os.PathLike, motion) -> None:
    """Write a canonical ``Motion`` to ``path`` atomically (gzip-compressed for .gz names)."""
    check_writable(motion, "motion as BVH")
    text = bvh_text(motion)
    if str(path).endswith(".gz"):
        write_bytes_atomic(path, gzip.compress(text.encode("utf-8"), mtime=0))
    else:
        write_text_atomic(path, text)
