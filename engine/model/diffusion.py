"""The diffusion process the denoiser is trained on, and its training losses.

Noise levels follow a cosine schedule; the network predicts the clean motion x0 (MDM-style), so
a handful of deterministic DDIM steps already give a clean result. Every head has its own loss:
root motion (with a term on the facing integrated over the window), pose (with a frame-to-frame
velocity term), physics state (contacts, local joint velocity and acceleration) and per-frame
action classification.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .features import local_slice

HEADS = ("root", "pose", "physics", "action")


class CosineSchedule:
    """Cumulative signal level alpha_bar[t] for t = 0..steps-1 (Nichol & Dhariwal's cosine)."""

    def __init__(self, steps: int = 1000, s: float = 0.008) -> None:
        u = torch.arange(steps + 1, dtype=torch.float64) / steps
        f = torch.cos((u + s) / (1 + s) * math.pi / 2) ** 2
        betas = (1 - f[1:] / f[:-1]).clamp(max=0.999)
        self.steps = steps
        self.alpha_bar = torch.cumprod(1 - betas, 0).float()     # (steps,)

    def add_noise(self, x0: torch.Tensor, noise: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """x_t = sqrt(ab) x0 + sqrt(1 - ab) noise; x0, noise (B, T, C), t (B,) int64."""
        ab = self.alpha_bar.to(x0.device)[t][:, None, None]      # (B, 1, 1)
        return ab.sqrt() * x0 + (1 - ab).sqrt() * noise

    def sampling_steps(self, n: int) -> list[int]:
        """``n`` descending steps from the noisiest level down to 0 (DDIM's sub-sequence)."""
        n = max(1, min(int(n), self.steps))
        return sorted({round(x) for x in torch.linspace(self.steps - 1, 0, n).tolist()},
                      reverse=True)


@dataclass
class Batch:
    """One training batch; every tensor is on the same device.

    x0 (B, T, C) normalised clean features; valid (B, T) 1 on real (unpadded) frames;
    known_mask (B, T, C) 1 where a value is given as in-painting input; actions (B, T) int64;
    caption (B, Dt); segments (B, S, Dt); segment_index (B, T) int64; drop_cond (B,) bool.
    """
    x0: torch.Tensor
    valid: torch.Tensor
    known_mask: torch.Tensor
    actions: torch.Tensor
    caption: torch.Tensor
    segments: torch.Tensor
    segment_index: torch.Tensor
    drop_cond: torch.Tensor

    @property
    def frames(self) -> int:
        return int(self.valid.sum().item())


def _masked_mse(pred: torch.Tensor, target: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Mean squared error over frames weighted by w (B, T); pred/target (B, T, K)."""
    err = (pred - target).pow(2).mean(-1)                          # (B, T)
    return (err * w).sum() / w.sum().clamp(min=1.0)


def _turn_loss(net, root: torch.Tensor, x0: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Huber loss (radians, 1 rad knee) on the facing accumulated from the window's first frame.

    A turn's per-frame heading change is a small number (~0.03 rad) that the per-frame loss
    barely weighs; its sum over the turn (~1.5 rad) is what a viewer sees."""
    std, mean = net.feature_std[3], net.feature_mean[3]
    rate_p = (root[..., 3] * std + mean) * w                       # (B, T) radians per frame
    rate_t = (x0[..., 3] * std + mean) * w
    err = F.huber_loss(rate_p.cumsum(1), rate_t.cumsum(1), reduction="none", delta=1.0)
    return (err * w).sum() / w.sum().clamp(min=1.0)


def diffusion_losses(model, batch: Batch, schedule: CosineSchedule,
                     generator: torch.Generator | None = None,
                     weights: dict[str, float] | None = None
                     ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Noise x0 at random steps, denoise, and score every head.

    Returns the weighted total and the per-head losses (``root``, ``pose``, ``physics``,
    ``action``). ``model`` is a MotionTransformer (or a DDP wrapper of one).
    """
    net = getattr(model, "module", model)
    cfg = net.cfg
    x0, w = batch.x0, batch.valid
    B, T, C = x0.shape
    t = torch.randint(0, schedule.steps, (B,), generator=generator).to(x0.device)
    noise = torch.randn(x0.shape, generator=generator).to(x0.device)
    x_t = schedule.add_noise(x0, noise, t)                          # (B, T, C)
    out = model(x_t, t, x0, batch.known_mask, batch.actions, batch.caption, batch.segments,
                batch.segment_index, batch.drop_cond)

    loc = local_slice(cfg.num_joints)
    pose_t = x0[..., loc]                                           # (B, T, 3J) normalised
    w1 = w[:, 1:] * w[:, :-1]                                       # (B, T-1) both frames real
    w2 = w1[:, 1:] * w1[:, :-1]                                     # (B, T-2)
    root = _masked_mse(out["root"], x0[..., :4], w) + _turn_loss(net, out["root"], x0, w)
    pose = _masked_mse(out["pose"], pose_t, w) + _masked_mse(
        out["pose"].diff(dim=1), pose_t.diff(dim=1), w1)

    # Physics targets in metres per frame (and per frame^2), scaled to unit RMS.
    local_std = net.feature_std[loc]                                # (3J,)
    vel_t = pose_t.diff(dim=1) * local_std / net.motion_scale[0]    # (B, T-1, 3J)
    acc_t = pose_t.diff(n=2, dim=1) * local_std / net.motion_scale[1]  # (B, T-2, 3J)
    contacts_t = x0[..., 4 + 3 * cfg.num_joints:]                   # (B, T, 2)
    physics = (_masked_mse(out["contacts"], contacts_t, w)
               + _masked_mse(out["velocity"][:, :-1], vel_t, w1)
               + _masked_mse(out["acceleration"][:, :-2], acc_t, w2))

    labelled = (w > 0) & (batch.actions < cfg.num_actions)          # (B, T)
    if labelled.any():
        action = F.cross_entropy(out["action_logits"][labelled], batch.actions[labelled])
    else:
        action = out["action_logits"].sum() * 0.0
    parts = {"root": root, "pose": pose, "physics": physics, "action": action}
    weights = weights or {}
    total = sum(weights.get(k, 1.0) * v for k, v in parts.items())
    return total, parts
