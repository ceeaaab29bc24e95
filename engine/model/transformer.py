"""The motion denoiser: a bidirectional pre-norm transformer (RMSNorm, rotary positions, SwiGLU).

Given noisy motion features at a diffusion step, it predicts the clean motion. Conditioning:
  * a prefix token from the whole caption's sentence embedding and one from the diffusion step;
  * per frame: the noisy features, a known-frame mask and the known values (for in-painting), an
    action embedding and the projected embedding of that frame's own segment text.
``frames_per_token`` consecutive frames share one token (patchify), which shortens the sequence.
Heads (all trained): root motion, pose (local joints), physics state (foot contacts, local joint
velocity and acceleration) and per-frame action logits.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import ModelConfig

NUM_PREFIX = 2  # caption token, diffusion-step token


def rope_tables(n: int, head_dim: int, base: float, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """cos, sin tables for positions 0..n-1: each (n, head_dim / 2)."""
    inv = 1.0 / (base ** (torch.arange(0, head_dim, 2, device=device).float() / head_dim))
    ang = torch.arange(n, device=device).float()[:, None] * inv[None]  # (n, hd/2)
    return ang.cos(), ang.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate pairs (first half, second half) of x (B, H, N, hd) by position angles (N, hd/2)."""
    x1, x2 = x.chunk(2, dim=-1)                                   # (B, H, N, hd/2) each
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.heads = cfg.heads
        self.qkv = nn.Linear(cfg.width, 3 * cfg.width, bias=False)
        self.proj = nn.Linear(cfg.width, cfg.width, bias=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        B, N, D = x.shape
        q, k, v = self.qkv(x).view(B, N, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)   # (B, H, N, hd)
        y = F.scaled_dot_product_attention(q, k, v)               # (B, H, N, hd), bidirectional
        return self.proj(y.transpose(1, 2).reshape(B, N, D))      # (B, N, D)


class SwiGLU(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        h = cfg.mlp_hidden
        self.w1 = nn.Linear(cfg.width, h, bias=False)
        self.w3 = nn.Linear(cfg.width, h, bias=False)
        self.w2 = nn.Linear(h, cfg.width, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w2(F.silu(self.w1(x)) * self.w3(x))           # (B, N, D)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.norm1 = nn.RMSNorm(cfg.width, eps=cfg.norm_eps)
        self.attn = Attention(cfg)
        self.norm2 = nn.RMSNorm(cfg.width, eps=cfg.norm_eps)
        self.mlp = SwiGLU(cfg)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), cos, sin)
        return x + self.mlp(self.norm2(x))


def step_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of diffusion steps t (B,) -> (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device).float() / half)
    ang = t.float()[:, None] * freqs[None]                        # (B, half)
    return torch.cat([ang.cos(), ang.sin()], dim=-1)


class MotionTransformer(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        C, D, p, J = cfg.feature_dim, cfg.width, cfg.frames_per_token, cfg.num_joints
        self.null_action = cfg.num_actions  # id for "no action given" (and dropped conditioning)
        self.frame_in = nn.Linear(p * 3 * C, D)
        self.action_emb = nn.Embedding(cfg.num_actions + 1, D)
        self.segment_proj = nn.Linear(cfg.text_dim, D)
        self.caption_proj = nn.Linear(cfg.text_dim, D)
        self.step_mlp = nn.Sequential(nn.Linear(D, D), nn.SiLU(), nn.Linear(D, D))
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.norm = nn.RMSNorm(D, eps=cfg.norm_eps)
        self.root_head = nn.Linear(D, p * 4)
        self.pose_head = nn.Linear(D, p * 3 * J)
        self.physics_head = nn.Linear(D, p * (2 + 6 * J))
        self.action_head = nn.Linear(D, p * cfg.num_actions)
        self.apply(self._init)
        # Normalisation of the features, saved with the weights: the model is self-contained.
        self.register_buffer("feature_mean", torch.zeros(C))
        self.register_buffer("feature_std", torch.ones(C))
        # RMS of local joint velocity and acceleration (m/frame, m/frame^2): physics-head units.
        self.register_buffer("motion_scale", torch.ones(2))
        self._rope: tuple[int, torch.Tensor, torch.Tensor] | None = None

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def _rope_for(self, n: int, device) -> tuple[torch.Tensor, torch.Tensor]:
        if self._rope is None or self._rope[0] < n or self._rope[1].device != device:
            cos, sin = rope_tables(max(n, 64), self.cfg.width // self.cfg.heads,
                                   self.cfg.rope_base, device)
            self._rope = (cos.shape[0], cos, sin)
        return self._rope[1][:n], self._rope[2][:n]

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, known: torch.Tensor,
                mask: torch.Tensor, actions: torch.Tensor, caption: torch.Tensor,
                segments: torch.Tensor, segment_index: torch.Tensor,
                drop_cond: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """Predict the clean motion and the other heads.

        x_t: (B, T, C) noisy normalised features; t: (B,) int64 diffusion steps.
        known: (B, T, C) normalised known values; mask: (B, T, C) float, 1 where a value is
        known (whole frames for in-betweening, pose channels only for key poses).
        actions: (B, T) int64 action ids (``null_action`` = unspecified).
        caption: (B, Dt) caption embedding; segments: (B, S, Dt) segment-text embeddings;
        segment_index: (B, T) int64, which segment each frame belongs to.
        drop_cond: (B,) bool, True drops text and actions (classifier-free guidance).
        T must be a multiple of frames_per_token. Returns per-frame tensors:
        x0 (B, T, C), root (B, T, 4), pose (B, T, 3J), contacts (B, T, 2),
        velocity (B, T, 3J), acceleration (B, T, 3J), action_logits (B, T, A).
        """
        cfg = self.cfg
        B, T, C = x_t.shape
        p, J, D = cfg.frames_per_token, cfg.num_joints, cfg.width
        N = T // p
        if N * p != T:
            raise ValueError(f"{T} frames is not a multiple of frames_per_token {p}")
        if drop_cond is not None:
            keep = (~drop_cond).to(x_t.dtype)                              # (B,)
            caption = caption * keep[:, None]
            segments = segments * keep[:, None, None]
            actions = torch.where(drop_cond[:, None], self.null_action, actions)
        m = mask.to(x_t.dtype)                                               # (B, T, C)
        frames = torch.cat([x_t, m, known * m], dim=-1)                      # (B, T, 3C)
        tok = self.frame_in(frames.reshape(B, N, p * 3 * C))                 # (B, N, D)
        seg = self.segment_proj(segments)                                    # (B, S, D)
        seg = torch.gather(seg, 1, segment_index[..., None].expand(B, T, D))  # (B, T, D)
        per_frame = self.action_emb(actions) + seg                           # (B, T, D)
        tok = tok + per_frame.view(B, N, p, D).mean(2)                       # (B, N, D)
        cap = self.caption_proj(caption)[:, None]                            # (B, 1, D)
        stp = self.step_mlp(step_embedding(t, D))[:, None]                   # (B, 1, D)
        x = torch.cat([cap, stp, tok], dim=1)                                # (B, 2+N, D)
        cos, sin = self._rope_for(NUM_PREFIX + N, x.device)                  # (2+N, hd/2)
        for block in self.blocks:
            x = block(x, cos, sin)
        h = self.norm(x[:, NUM_PREFIX:])                                     # (B, N, D)
        root = self.root_head(h).view(B, T, 4)
        pose = self.pose_head(h).view(B, T, 3 * J)
        phys = self.physics_head(h).view(B, T, 2 + 6 * J)
        logits = self.action_head(h).view(B, T, cfg.num_actions)
        contacts = phys[..., :2]
        x0 = torch.cat([root, pose, contacts], dim=-1)                       # (B, T, C)
        return {"x0": x0, "root": root, "pose": pose, "contacts": contacts,
                "velocity": phys[..., 2:2 + 3 * J], "acceleration": phys[..., 2 + 3 * J:],
                "action_logits": logits}

