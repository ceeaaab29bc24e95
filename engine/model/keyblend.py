"""Pose keys that shape the motion around them, not only on their own frame.

A key is met exactly on its frame; the difference between the key and the motion there, taken
in the body's own frame (the root's offset, and for every bone the turn that carries it onto
the key's bone), is eased into the frames before it and out of the frames after it with a
raised-cosine falloff of a chosen half-width. So the motion bends toward the key and back
instead of jumping to it for one frame, and limbs stay whole on the way.

Several keys: each key's falloff reaches at most to its neighbouring keys, and two keys closer
than the half-width share the frames between them as a partition of unity (the difference
glides from one key's to the other's), so every key is still met exactly and nothing overshoots.

Two places use it: the sampler, on every denoising step's prediction (the model then makes the
rest of the body, the root path and the feet agree with the bent pose), and the generator,
after physics post-processing (which smooths, settles and locks feet and so would move a key
by a little).
"""
from __future__ import annotations

import numpy as np
import torch

from engine.defaults import DEFAULT_KEY_BLEND_S, MAX_KEY_BLEND_S
from engine.skeleton import BONES

from .features import headings, local_slice

# seconds the motion takes to ease into a key (and out of it again), and the most it may be
DEFAULT_BLEND_S, MAX_BLEND_S = DEFAULT_KEY_BLEND_S, MAX_KEY_BLEND_S


def blend_frames(seconds: float, fps: float) -> int:
    """The falloff half-width in whole frames for ``seconds`` (at least 0)."""
    if not np.isfinite(seconds) or seconds < 0:
        raise ValueError(f"the key blend must be zero or more seconds, got {seconds!r}")
    return int(round(min(float(seconds), MAX_BLEND_S) * fps))


def key_weights(frames, n_frames: int, half_width: int) -> np.ndarray:
    """(n_frames, K) float64: how much of key k's residual frame t takes.

    Key k's weight is 1 on its frame and falls to 0 over ``half_width`` frames on each side
    (0.5 + 0.5 cos), but never reaches past the neighbouring key: toward a key closer than the
    half-width it falls to 0 exactly there. ``frames`` must be sorted and distinct.
    """
    f = np.asarray(frames, dtype=np.int64)
    t = np.arange(n_frames, dtype=np.float64)[:, None]            # (T, 1)
    w = np.zeros((n_frames, len(f)))
    if len(f) == 0:
        return w
    if np.any(np.diff(f) <= 0):
        raise ValueError(f"key frames must be sorted and distinct, got {f.tolist()}")
    h = float(max(0, half_width))
    gaps = np.diff(f).astype(np.float64)
    left = np.minimum(h, np.concatenate([[np.inf], gaps]))       # (K,) reach before each key
    right = np.minimum(h, np.concatenate([gaps, [np.inf]]))      # (K,) reach after each key
    d = t - f[None].astype(np.float64)                            # (T, K) signed distance
    reach = np.where(d < 0, left[None], right[None])
    inside = np.abs(d) < reach
    safe = np.where(inside, np.abs(d) / np.maximum(reach, 1e-9), 1.0)
    w = np.where(inside, 0.5 + 0.5 * np.cos(np.pi * safe), 0.0)
    w[f, np.arange(len(f))] = 1.0
    return w


def _turn(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rotation vectors (..., 3) turning unit directions ``a`` onto ``b`` (the shortest way)."""
    cross = np.cross(a, b)
    s = np.linalg.norm(cross, axis=-1, keepdims=True)
    c = np.sum(a * b, axis=-1, keepdims=True)
    angle = np.arctan2(s, c)
    axis = cross / np.maximum(s, 1e-12)
    # Opposite directions: any axis at right angles to ``a`` will do.
    side = np.cross(a, np.array([1.0, 0.0, 0.0]))
    side = np.where(np.linalg.norm(side, axis=-1, keepdims=True) < 1e-6,
                    np.cross(a, np.array([0.0, 0.0, 1.0])), side)
    side /= np.maximum(np.linalg.norm(side, axis=-1, keepdims=True), 1e-12)
    axis = np.where((s < 1e-9) & (c < 0), side, axis)
    return axis * angle


def _rotate(v: np.ndarray, rotvec: np.ndarray) -> np.ndarray:
    """Rodrigues: vectors (..., 3) turned by rotation vectors (..., 3)."""
    angle = np.linalg.norm(rotvec, axis=-1, keepdims=True)
    k = rotvec / np.maximum(angle, 1e-12)
    cos, sin = np.cos(angle), np.sin(angle)
    return v * cos + np.cross(k, v) * sin + k * np.sum(k * v, axis=-1, keepdims=True) * (1 - cos)


def bend(pose: np.ndarray, frames, targets: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Bend a pose sequence toward key poses, bone by bone.

    pose: (T, J, 3) joint positions in one body frame per frame; targets: (K, J, 3) the keys
    in the body frame of their own frame; weights: (T, K) from ``key_weights``. Each bone
    turns by its share of the rotation that carries it onto the key's bone (and changes its
    length by its share of the difference); the root moves by its share of the root's
    difference. Turning bones instead of moving joints keeps limbs whole part way: a straight
    blend of an arm hanging down and an arm raised folds the forearm to nothing half way.
    Every key is met exactly on its frame. Returns (T, J, 3) float64.
    """
    pose = np.asarray(pose, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    f = np.asarray(frames, dtype=np.int64)
    child = np.array([j for j, _ in BONES])
    parent = np.array([p for _, p in BONES])
    vec = pose[:, child] - pose[:, parent]                            # (T, B, 3)
    length = np.linalg.norm(vec, axis=-1)                             # (T, B)
    d = vec / np.maximum(length, 1e-9)[..., None]
    kvec = targets[:, child] - targets[:, parent]                     # (K, B, 3)
    klen = np.linalg.norm(kvec, axis=-1)
    turn = _turn(d[f], kvec / np.maximum(klen, 1e-9)[..., None])      # (K, B, 3)
    d = _rotate(d, np.einsum("tk,kbc->tbc", weights, turn))
    length = length + weights @ (klen - length[f])
    out = np.empty_like(pose)
    out[:, 0] = pose[:, 0] + weights @ (targets[:, 0] - pose[f, 0])
    for b, (j, p) in enumerate(BONES):                                # parents come first
        out[:, j] = out[:, p] + d[:, b] * length[:, b, None]
    return out


class FeatureKeyBlend:
    """Bends the model's prediction toward the key poses on every denoising step.

    frames: (K,) sorted key frames; targets: (K, C) their normalised features (height and
    local pose are used); mean, std: (C,) the model's feature statistics. Called on a step's
    clean-motion prediction x0 (Tp, C) (Tp >= T: padding frames are left alone), it returns x0
    with every key met on its frame and its neighbours bent toward it (``bend``), so the
    next step's noisy motion already leans into the key and the model fits the rest of the
    body, the root path and the feet to it.
    """

    def __init__(self, frames, targets: np.ndarray, mean: np.ndarray, std: np.ndarray,
                 n_frames: int, half_width: int) -> None:
        self.frames = np.asarray(frames, dtype=np.int64)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.std = np.asarray(std, dtype=np.float64)
        self.joints = (len(self.mean) - 6) // 3
        self.local = local_slice(self.joints)
        keys = np.asarray(targets, dtype=np.float64) * self.std + self.mean
        self.targets = keys[:, self.local].reshape(len(self.frames), self.joints, 3)
        self.weights = key_weights(frames, n_frames, half_width)         # (T, K)

    def __call__(self, x0: torch.Tensor) -> torch.Tensor:
        T, J = len(self.weights), self.joints
        x = x0[:T].detach().cpu().numpy().astype(np.float64)
        feats = x * self.std + self.mean
        pose = bend(feats[:, self.local].reshape(T, J, 3), self.frames, self.targets,
                    self.weights)
        feats[:, self.local] = pose.reshape(T, 3 * J)
        feats[:, 0] = pose[:, 0, 1]          # the root height channel is the pelvis's height
        changed = np.zeros(len(self.mean), bool)
        changed[0] = True
        changed[self.local] = True
        x[:, changed] = ((feats - self.mean) / self.std)[:, changed]
        out = x0.clone()
        out[:T] = torch.as_tensor(x, dtype=x0.dtype, device=x0.device)
        return out


def _yaw(v: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotate vectors (..., 3) about +Y by ``angle`` radians (broadcast over leading dims)."""
    c, s = np.cos(angle), np.sin(angle)
    out = np.array(v, dtype=np.float64, copy=True)
    out[..., 0] = c * v[..., 0] + s * v[..., 2]
    out[..., 2] = -s * v[..., 0] + c * v[..., 2]
    return out


def honour_keys(positions: np.ndarray, keyposes: dict[int, np.ndarray],
                half_width: int) -> np.ndarray:
    """``positions`` (T, J, 3) metres bent so each key pose {frame: (J, 3)} is met on its frame
    and eased into over ``half_width`` frames on either side.

    Each frame is seen in its own body frame (pelvis floor point, facing +Z); a key is seen in
    the body frame of its frame, so its root offset, bone turns and length changes carry to
    the neighbours relative to the body even while the figure walks and turns. Bones keep the
    motion's lengths wherever the keys have them too, and no bent frame goes under the floor.
    Returns a new (T, J, 3) float32 array.
    """
    T = len(positions)
    if not keyposes:
        return np.array(positions, dtype=np.float32, copy=True)
    frames = sorted(int(f) for f in keyposes)
    if frames[0] < 0 or frames[-1] >= T:
        raise ValueError(f"key pose frames must lie in [0, {T}), got {frames}")
    keys = np.stack([np.asarray(keyposes[f], dtype=np.float32) for f in frames])   # (K, J, 3)
    w = key_weights(frames, T, half_width)
    out = _bend_world(positions, frames, keys, w)
    _off_the_floor(out, w.any(axis=1))
    out[frames] = keys               # exact to the last bit, not only to rounding
    return out


def _off_the_floor(positions: np.ndarray, rows: np.ndarray) -> None:
    """Turning a leg toward another pose can dip a foot under the floor on the way: lift the
    frames ``rows`` (T,) bool out of it, in place."""
    lift = np.maximum(0.0, -positions[..., 1].min(axis=1))           # (T,)
    lift[~rows] = 0.0
    positions[..., 1] += lift[:, None]


def _bend_world(positions: np.ndarray, frames, targets: np.ndarray,
                weights: np.ndarray) -> np.ndarray:
    """``bend`` on world positions (T, J, 3), each frame seen in its own body frame (pelvis
    floor point, facing +Z) and each target (K, J, 3) in the body frame of its frame.
    Frames no target reaches stay bit for bit. Returns (T, J, 3) float32."""
    pos = np.asarray(positions, dtype=np.float64)
    f = np.asarray(frames, dtype=np.int64)
    theta = headings(pos)                                             # (T,)
    floor = pos[:, 0] * np.array([1.0, 0.0, 1.0])                     # (T, 3)
    local = _yaw(pos - floor[:, None], -theta[:, None])
    klocal = _yaw(np.asarray(targets, np.float64) - floor[f][:, None], -theta[f][:, None])
    bent = _yaw(bend(local, f, klocal, weights), theta[:, None]) + floor[:, None]
    out = np.array(positions, dtype=np.float32, copy=True)
    near = weights.any(axis=1)
    out[near] = bent[near]
    return out


def regenerated_frames(frames, n_frames: int, half_width: int, margin: int) -> np.ndarray:
    """(n_frames,) bool: the frames a model remakes to pass through keys at ``frames``: each
    key's reach and ``margin`` frames more on either side, where the remade motion is eased
    back onto the old one (``join_seams``). The other frames are kept as they were."""
    t = np.arange(n_frames)[:, None]
    f = np.asarray(sorted(int(k) for k in frames), dtype=np.int64)[None]
    return (np.abs(t - f) <= max(0, half_width) + max(0, margin)).any(axis=1)


def join_seams(positions: np.ndarray, base: np.ndarray, remade: np.ndarray,
               margin: int) -> np.ndarray:
    """Ease remade frames onto ``base`` (T, J, 3) next to every kept frame, so a remade stretch
    starts and ends where the kept motion hands over instead of jumping there.

    A remade frame d frames from the nearest kept one turns its bones (and moves its root) a
    share 0.5 + 0.5 cos(pi d / (margin + 1)) of the way to the base's; from ``margin + 1``
    frames in, the remade motion is left alone. Kept frames are the base's, bit for bit.
    """
    remade = np.asarray(remade, bool)
    T = len(remade)
    kept = np.flatnonzero(~remade)
    out = np.array(positions, dtype=np.float32, copy=True)
    out[kept] = np.asarray(base, np.float32)[kept]
    if len(kept) == 0 or margin <= 0:
        return out
    idx = np.flatnonzero(remade)
    d = np.abs(idx[:, None] - kept[None]).min(axis=1)                 # (R,) >= 1
    seam = idx[d <= margin]
    if len(seam) == 0:
        return out
    share = 0.5 + 0.5 * np.cos(np.pi * d[d <= margin] / (margin + 1))
    w = np.zeros((T, len(seam)))
    w[seam, np.arange(len(seam))] = share          # each frame eases toward its own base pose
    out[seam] = _bend_world(out, seam, np.asarray(base)[seam], w)[seam]
    rows = np.zeros(T, bool)
    rows[seam] = True
    _off_the_floor(out, rows)
    return out


def pose_steps(positions: np.ndarray) -> np.ndarray:
    """(T-1,) metres: the largest distance any joint moves from each frame to the next."""
    pos = np.asarray(positions, dtype=np.float64)
    return np.linalg.norm(np.diff(pos, axis=0), axis=-1).max(axis=1)


def key_pop(positions: np.ndarray, frames, near: int = 3,
            away: int | None = None) -> tuple[float, float]:
    """How much a motion jumps next to its keys: (the largest frame-to-frame pose step within
    ``near`` frames of any key, the motion's ordinary fast step: the 90th percentile of the
    steps farther than ``away`` frames (default ``near``) from every key). A key that pops
    makes the first several times the second; a key that is eased into does not, even when
    a swinging foot is at its fastest next to it."""
    steps = pose_steps(positions)                                     # step t: frame t -> t+1
    f = np.asarray(sorted(int(k) for k in frames), dtype=np.int64)
    t = np.arange(len(steps))
    # a step touching the key frame is at distance 0
    dist = np.minimum(np.abs(t[:, None] - f[None]), np.abs(t[:, None] + 1 - f[None])).min(1)
    away = near if away is None else away
    near_steps, far_steps = steps[dist <= near], steps[dist > away]
    ordinary = float(np.percentile(far_steps if len(far_steps) else steps, 90))
    return float(near_steps.max(initial=0.0)), ordinary


__all__ = ["DEFAULT_BLEND_S", "FeatureKeyBlend", "blend_frames", "honour_keys", "join_seams",
           "key_pop", "key_weights", "pose_steps", "regenerated_frames"]
