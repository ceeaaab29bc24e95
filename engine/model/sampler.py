"""Seeded sampling: conditioning -> motion, with in-betweening, key poses and long clips.

The denoiser predicts the clean motion; a few deterministic DDIM steps turn seeded noise into a
motion (same model, conditioning and seed -> the same motion; another seed -> another motion).
Known values (kept frames, key poses) are fed to the model and re-imposed on its prediction at
every step. Clips longer than the model's trained window are cut into overlapping windows that
are denoised together in one batch; at every step the windows' predictions are cross-faded in
the overlaps, so the whole clip is one consistent motion without seams.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from engine.actions import ACTIONS, action_id
from engine.progress import (Cancelled, CancelLike, ProgressFn, check_cancel,  # noqa: F401
                             report)  # Cancelled: engine.model re-exports it

from .config import ModelConfig
from .diffusion import CosineSchedule
from .features import from_features, headings, local_slice, to_features
from .keyblend import FeatureKeyBlend
from .transformer import MotionTransformer


@dataclass
class Conditioning:
    """What to generate, frame by frame.

    caption: (Dt,) float32 embedding of the whole prompt.
    segment_embeddings: (S, Dt) float32, one embedding per segment text.
    segment_index: (T,) int64, the segment each frame belongs to.
    action_ids: (T,) int64 action per frame (engine.actions ids), -1 where unspecified.
    """
    caption: np.ndarray
    segment_embeddings: np.ndarray
    segment_index: np.ndarray
    action_ids: np.ndarray

    @property
    def n_frames(self) -> int:
        return int(len(self.segment_index))

    @staticmethod
    def from_segments(encoder, caption: str, segments, n_frames: int) -> "Conditioning":
        """Build from segments ``(start, stop, action, text)`` (tuples or objects with those
        attributes); ``action`` is a name, an id or None. Frames outside every segment take the
        nearest segment. ``encoder`` is an engine.text.TextEncoder."""
        segs = [(s.start, s.stop, s.action, s.text) if hasattr(s, "start") else tuple(s)
                for s in segments]
        if n_frames < 1:
            raise ValueError(f"need at least one frame, got {n_frames}")
        if not segs:
            segs = [(0, n_frames, None, caption)]
        emb = encoder.encode([caption] + [str(s[3]) for s in segs])
        index = np.full(n_frames, -1, dtype=np.int64)
        actions = np.full(n_frames, -1, dtype=np.int64)
        for k, (a, b, act, _) in enumerate(segs):
            a, b = max(0, int(a)), min(n_frames, int(b))
            index[a:b] = k
            if act is not None:
                actions[a:b] = act if isinstance(act, (int, np.integer)) else action_id(act)
        covered = np.flatnonzero(index >= 0)
        if len(covered) == 0:
            raise ValueError(f"no segment overlaps frames [0, {n_frames})")
        nearest = covered[np.abs(np.arange(n_frames)[:, None] - covered[None]).argmin(1)]
        index, actions = index[nearest], actions[nearest]
        return Conditioning(emb[0], emb[1:], index, actions)


@dataclass
class Generated:
    """A sampled motion: positions (T, J, 3) float32 metres; features (T, C) float32;
    action_probs (T, A) float32 (engine.actions order); contacts (T, 2) in [0, 1]."""
    positions: np.ndarray
    features: np.ndarray
    action_probs: np.ndarray
    contacts: np.ndarray

    @property
    def actions(self) -> list[str]:
        return [ACTIONS[i] for i in self.action_probs.argmax(1)]


def _windows(n: int, window: int, overlap: int, p: int) -> list[int]:
    """Start frames of windows of ``window`` frames covering n frames with >= overlap shared."""
    if n <= window:
        return [0]
    count = int(np.ceil((n - overlap) / (window - overlap)))
    starts = np.round(np.linspace(0, n - window, count) / p).astype(int) * p
    starts[-1] = n - window
    return sorted(set(starts.tolist()))


def _blend_weights(starts: list[int], window: int) -> torch.Tensor:
    """(nW, window) cross-fade weights: linear ramps across each overlap with a neighbour."""
    i = torch.arange(window, dtype=torch.float32)
    rows = []
    for k, s in enumerate(starts):
        w = torch.ones(window)
        if k > 0:
            ov = starts[k - 1] + window - s
            w = w * ((i + 1) / (ov + 1)).clamp(max=1.0)
        if k + 1 < len(starts):
            ov = s + window - starts[k + 1]
            w = w * ((window - i) / (ov + 1)).clamp(max=1.0)
        rows.append(w)
    return torch.stack(rows)


@torch.inference_mode()
def denoise(model: MotionTransformer, cond: Conditioning, seed: int = 0, steps: int = 8,
            known: np.ndarray | None = None, known_mask: np.ndarray | None = None,
            guidance: float = 1.0, window: int | None = None, overlap: int | None = None,
            progress: ProgressFn | None = None, cancel: CancelLike | None = None,
            guided_steps: int | None = None,
            key_blend: Callable[[torch.Tensor], torch.Tensor] | None = None,
            bf16: bool = False, times: list[int] | None = None
            ) -> tuple[torch.Tensor, torch.Tensor]:
    """The core loop in normalised feature space.

    known: (T, C) normalised features; known_mask: (T, C) bool. ``guidance`` applies to the
    first ``guided_steps`` steps (all when None), where the coarse motion is decided; later steps
    refine detail from the conditioned prediction alone. ``key_blend`` (a
    keyblend.FeatureKeyBlend) eases key poses into their neighbours on every step's prediction.
    ``bf16`` runs the model's matrix products in bfloat16 (about a third faster on CPUs that
    compute it natively); the sampler's own arithmetic stays float32. ``times`` (descending
    diffusion steps) replaces the evenly spaced ``steps``: a distilled model samples at the
    steps it was distilled for, and the last one's prediction is the result.
    Returns x0 (T, C) and action logits (T, A), both float32 tensors on the CPU.
    """
    cfg = model.cfg
    C, T = cfg.feature_dim, cond.n_frames
    dev = model.feature_mean.device
    win = _Windows.plan(cfg, T, window, overlap, dev)
    Tp = win.frames
    kv, km = _known_features(known, known_mask, T, Tp, C, dev)                # (Tp, C) each
    inputs, drop = _window_inputs(model, cond, kv, km, win, guidance)

    sched = CosineSchedule(cfg.diffusion_steps)
    ab = sched.alpha_bar.to(dev)
    ts = [int(t) for t in times] if times else sched.sampling_steps(steps)
    gen = torch.Generator().manual_seed(int(seed))
    x = torch.randn(Tp, C, generator=gen).to(dev)                              # (Tp, C)
    for n, t in enumerate(ts):
        check_cancel(cancel)   # raises engine.progress.Cancelled
        guided = drop is not None and (guided_steps is None or n < guided_steps)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bf16):
            x0w, logits_w = _predict_windows(model, x[win.idx], t, inputs, drop, guided,
                                             guidance)
        x0w, logits_w = x0w.float(), logits_w.float()
        x0 = win.merge(x0w)                                                    # (Tp, C)
        if key_blend is not None:   # before re-imposing: it eases the keys' residuals around
            x0 = key_blend(x0)
        x0 = km * kv + (1 - km) * x0                                           # re-impose known
        if n + 1 < len(ts):
            x = _ddim_step(x, x0, ab[t], ab[ts[n + 1]])
        report(progress, (n + 1) / len(ts), "generating")
    logits = win.merge(logits_w)                                               # (Tp, A)
    return x0[:T].float().cpu(), logits[:T].float().cpu()


@dataclass
class _Windows:
    """A clip padded to ``frames`` (whole tokens), cut into nW overlapping windows of W frames."""
    frames: int
    idx: torch.Tensor     # (nW, W) clip frame of each window frame
    blend: torch.Tensor   # (nW, W) cross-fade weights
    wsum: torch.Tensor    # (frames,) total weight on each clip frame

    @property
    def count(self) -> int:
        return int(self.idx.shape[0])

    @staticmethod
    def plan(cfg: ModelConfig, T: int, window: int | None, overlap: int | None,
             dev: torch.device) -> "_Windows":
        """Windows of at most ``window`` frames (the trained length when None) covering T."""
        p = cfg.frames_per_token
        Tp = -(-T // p) * p                                        # padded to whole tokens
        W = min(int(window or cfg.max_frames) // p * p, Tp)
        ov = max(p, int(overlap if overlap is not None else W // 4) // p * p)
        starts = _windows(Tp, W, min(ov, W - p), p) if Tp > W else [0]
        idx = (torch.tensor(starts)[:, None] + torch.arange(W)[None]).to(dev)   # (nW, W)
        blend = _blend_weights(starts, W).to(dev)                                # (nW, W)
        wsum = torch.zeros(Tp, device=dev).index_add_(0, idx.reshape(-1), blend.reshape(-1))
        return _Windows(Tp, idx, blend, wsum)

    def merge(self, values: torch.Tensor) -> torch.Tensor:
        """(nW, W, D) per-window values -> (frames, D), cross-faded where windows overlap."""
        D = values.shape[-1]
        return torch.zeros(self.frames, D, device=self.wsum.device).index_add_(
            0, self.idx.reshape(-1), (values * self.blend[..., None]).reshape(-1, D)
        ) / self.wsum[:, None]


def _known_features(known: np.ndarray | None, known_mask: np.ndarray | None, T: int, Tp: int,
                    C: int, dev: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Known values and mask (T, C) -> float tensors (Tp, C), zero where nothing is known."""
    kv = torch.zeros(Tp, C, device=dev)
    km = torch.zeros(Tp, C, device=dev)
    if known is not None:
        kv[:T] = torch.as_tensor(known, device=dev).float()
        km[:T] = torch.as_tensor(known_mask, device=dev).float()
    return kv, km


def _window_inputs(model: MotionTransformer, cond: Conditioning, kv: torch.Tensor,
                   km: torch.Tensor, win: _Windows, guidance: float
                   ) -> tuple[list[torch.Tensor], torch.Tensor | None]:
    """The model's per-window inputs [known values, known mask, actions, caption, segment
    embeddings, segment index], nW rows each, and the condition-drop mask (None without
    guidance). With guidance every input has 2 * nW rows: conditional, then unconditional."""
    T, Tp, idx, nW = cond.n_frames, win.frames, win.idx, win.count
    dev = model.feature_mean.device

    def pad(a: np.ndarray) -> np.ndarray:                       # repeat the last frame
        return np.concatenate([a, np.repeat(a[-1:], Tp - T, 0)]) if Tp > T else a

    acts = torch.as_tensor(pad(cond.action_ids), dtype=torch.long, device=dev)
    acts = torch.where(acts < 0, model.null_action, acts)[idx]                # (nW, W)
    seg_i = torch.as_tensor(pad(cond.segment_index), dtype=torch.long, device=dev)[idx]
    cap = torch.as_tensor(cond.caption, device=dev).float()[None].expand(nW, -1)
    segs = torch.as_tensor(cond.segment_embeddings, device=dev).float()
    segs = segs[None].expand(nW, -1, -1)                                      # (nW, S, Dt)
    kvw, kmw = kv[idx], km[idx]                                               # (nW, W, C)
    inputs = [kvw, kmw, acts, cap, segs, seg_i]
    drop = None
    if guidance != 1.0:  # conditional and unconditional rows in one batch
        inputs = [torch.cat([a, a]) for a in inputs]
        drop = torch.arange(2 * nW, device=dev) >= nW
    return inputs, drop


def _predict_windows(model: MotionTransformer, xw: torch.Tensor, t: int,
                     inputs: list[torch.Tensor], drop: torch.Tensor | None, guided: bool,
                     guidance: float) -> tuple[torch.Tensor, torch.Tensor]:
    """One denoiser call on all windows xw (nW, W, C) at step t -> predicted clean windows
    (nW, W, C) and action logits (nW, W, A); ``guided`` mixes in the unconditional rows."""
    nW = xw.shape[0]
    rows = 2 * nW if guided else nW
    tt = torch.full((rows,), t, device=xw.device)
    if guided:
        xw = torch.cat([xw, xw])
    out = model(xw, tt, *(a[:rows] for a in inputs), drop[:rows] if guided else None)
    x0w, logits_w = out["x0"], out["action_logits"]                       # (rows, W, C/A)
    if guided:
        x0w = x0w[:nW] + (guidance - 1.0) * (x0w[:nW] - x0w[nW:])
        logits_w = logits_w[:nW]
    return x0w, logits_w


def _ddim_step(x: torch.Tensor, x0: torch.Tensor, a: torch.Tensor,
               a_next: torch.Tensor) -> torch.Tensor:
    """A deterministic DDIM step (Tp, C) from noise level alpha-bar ``a`` to ``a_next``."""
    eps = (x - a.sqrt() * x0) / (1 - a).sqrt()
    return a_next.sqrt() * x0 + (1 - a_next).sqrt() * eps


def _yaw(v: np.ndarray, angle: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    out = v.copy()
    out[..., 0] = c * v[..., 0] + s * v[..., 2]
    out[..., 2] = -s * v[..., 0] + c * v[..., 2]
    return out


def anchor_to(positions: np.ndarray, frames: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Move and turn a generated motion so it meets ``targets`` (K, J, 3) at ``frames`` (K,).

    Between two anchors the floor offset and heading correction blend linearly; before the
    first and after the last they stay constant. positions (T, J, 3) -> (T, J, 3) float32.
    """
    pos = np.asarray(positions, np.float64)
    frames = np.asarray(frames, dtype=np.int64)
    tgt = np.asarray(targets, np.float64)
    floor_d = pos[frames, 0] * [1.0, 0.0, 1.0]
    floor_t = tgt[:, 0] * [1.0, 0.0, 1.0]
    dth = headings(tgt, along_time=False) - headings(pos[frames], along_time=False)
    dth = np.unwrap((dth + np.pi) % (2 * np.pi) - np.pi)
    t = np.arange(len(pos))
    rot = np.interp(t, frames, dth)                                     # (T,)
    shift = np.stack([np.interp(t, frames, (floor_t - floor_d)[:, k]) for k in range(3)], 1)
    # floor_d is where the generated pelvis stood at each anchor; shift moves it to the target,
    # and the turn is about each frame's own pelvis floor point.
    own = pos[:, 0] * [1.0, 0.0, 1.0]                                   # (T, 3)
    out = _yaw(pos - own[:, None], rot[:, None]) + (own + shift)[:, None]
    return out.astype(np.float32)


def sample(model: MotionTransformer, cond: Conditioning, seed: int = 0, steps: int = 8,
           known: np.ndarray | None = None, mask: np.ndarray | None = None,
           keyposes: dict[int, np.ndarray] | None = None, guidance: float = 1.0,
           window: int | None = None, overlap: int | None = None,
           progress: ProgressFn | None = None, cancel: CancelLike | None = None,
           guided_steps: int | None = None, key_blend: int = 0,
           channels: tuple[np.ndarray, np.ndarray] | None = None,
           bf16: bool = False, times: list[int] | None = None) -> Generated:
    """Generate ``cond.n_frames`` frames.

    known: (T, J, 3) positions with mask (T,) bool: frames where mask is True are kept exactly
      and the rest is regenerated to join them (in-betweening / "regenerate selection").
    keyposes: {frame: (J, 3) positions}: the motion passes through these poses, placed where
      they stand in the world, easing into and out of each over ``key_blend`` frames.
    channels: (values (T, C) float32 in feature units, known (T, C) bool): single feature
      channels given to the model, e.g. a planned root path or a start pose (engine.controls).
    Without known frames or key poses, the motion starts at the origin facing +Z.
    """
    model.eval()
    cfg = model.cfg
    T, C, J = cond.n_frames, cfg.feature_dim, cfg.num_joints
    mean, std = model.feature_mean.cpu().numpy(), model.feature_std.cpu().numpy()
    kv = km = blend = None
    anchors: tuple[np.ndarray, np.ndarray] | None = None
    if known is not None:
        known = np.asarray(known, np.float32)
        mask = np.asarray(mask, bool) if mask is not None else np.ones(T, bool)
        if known.shape != (T, J, 3) or mask.shape != (T,):
            raise ValueError(f"known must be ({T}, {J}, 3) and mask ({T},), got "
                             f"{known.shape} and {mask.shape}")
        kv = (to_features(known) - mean) / std
        km = np.repeat(mask[:, None], C, 1)
        if mask.any():
            anchors = (np.flatnonzero(mask), known[mask])
    if keyposes:
        kv = np.zeros((T, C), np.float32) if kv is None else kv
        km = np.zeros((T, C), bool) if km is None else km
        frames = sorted(int(f) for f in keyposes)
        if frames[0] < 0 or frames[-1] >= T:
            raise ValueError(f"key pose frames must lie in [0, {T}), got {frames}")
        pose_ch = np.zeros(C, bool)
        pose_ch[0] = True
        pose_ch[local_slice(J)] = True     # height and local pose; velocities stay free
        for f in frames:
            kv[f, pose_ch] = ((to_features(np.asarray(keyposes[f])[None]) - mean) / std)[0, pose_ch]
            km[f, pose_ch] = True
        blend = FeatureKeyBlend(frames, kv[frames], mean, std, T, key_blend)
        kf = np.array(frames)
        kp = np.stack([np.asarray(keyposes[f], np.float32) for f in frames])
        anchors = (kf, kp) if anchors is None else (
            np.concatenate([anchors[0], kf]), np.concatenate([anchors[1], kp]))
        order = np.argsort(anchors[0], kind="stable")
        anchors = (anchors[0][order], anchors[1][order])
    if channels is not None:
        values, fixed = np.asarray(channels[0], np.float32), np.asarray(channels[1], bool)
        if values.shape != (T, C) or fixed.shape != (T, C):
            raise ValueError(f"channels must be ({T}, {C}) values and mask, got "
                             f"{values.shape} and {fixed.shape}")
        kv = np.zeros((T, C), np.float32) if kv is None else kv
        km = np.zeros((T, C), bool) if km is None else km
        kv = np.where(fixed, (values - mean) / std, kv).astype(np.float32)
        km = km | fixed
    x0, logits = denoise(model, cond, seed, steps, kv, km, guidance, window, overlap,
                         progress, cancel, guided_steps, key_blend=blend, bf16=bf16,
                         times=times)
    feats = x0.numpy() * std + mean
    pos = from_features(feats)
    if anchors is not None:
        pos = anchor_to(pos, *anchors)
        if known is not None:
            pos[mask] = known[mask]        # kept frames are returned bit for bit
    contacts = np.clip(feats[:, -2:], 0.0, 1.0).astype(np.float32)
    probs = torch.softmax(logits, -1).numpy().astype(np.float32)
    return Generated(pos, feats.astype(np.float32), probs, contacts)


def regenerate(model: MotionTransformer, cond: Conditioning, positions: np.ndarray,
               start: int, stop: int, seed: int = 0, steps: int = 8, **kw) -> Generated:
    """Regenerate frames [start, stop) of ``positions`` (T, J, 3), keeping every other frame."""
    T = len(positions)
    if not 0 <= start < stop <= T:
        raise ValueError(f"frame range [{start}, {stop}) is not inside [0, {T})")
    mask = np.ones(T, bool)
    mask[start:stop] = False
    return sample(model, cond, seed, steps, known=positions, mask=mask, **kw)
