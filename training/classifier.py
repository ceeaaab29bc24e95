"""A motion classifier that judges generated motion: per-frame action logits and a pooled
feature vector (for FID and diversity). It is trained on dataset motions, never on the
generator's output, so it is an independent judge.

Architecture: a temporal convolution stack (dilations 1, 2, 4, 8, 16) over normalised
heading-canonical features (engine.model.features), receptive field ~2.5 s at 25 fps: long
enough to tell a half turn from a quarter turn. Judges saved before the fifth layer load with
their own four.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from engine.actions import ACTIONS
from engine.atomic import atomic_path
from engine.model.features import to_features

FORMAT = "stickgen.classifier"


class MotionClassifier(nn.Module):
    def __init__(self, in_dim: int, n_actions: int, width: int = 128,
                 dilations: tuple[int, ...] = (1, 2, 4, 8, 16)) -> None:
        super().__init__()
        self.in_dim, self.n_actions, self.width = in_dim, n_actions, width
        self.dilations = tuple(dilations)
        self.inp = nn.Conv1d(in_dim, width, 1)
        self.blocks = nn.ModuleList(
            nn.Conv1d(width, width, 5, padding=2 * d, dilation=d) for d in self.dilations)
        self.norms = nn.ModuleList(nn.GroupNorm(8, width) for _ in self.dilations)
        self.head = nn.Conv1d(width, n_actions, 1)
        self.register_buffer("mean", torch.zeros(in_dim))
        self.register_buffer("std", torch.ones(in_dim))

    def forward(self, feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """feats (B, T, C) raw features -> (logits (B, T, A), embedding (B, width))."""
        x = ((feats - self.mean) / self.std).transpose(1, 2)       # (B, C, T)
        h = self.inp(x)                                            # (B, W, T)
        for conv, norm in zip(self.blocks, self.norms):
            h = h + F.gelu(norm(conv(h)))
        logits = self.head(h).transpose(1, 2)                      # (B, T, A)
        return logits, h.mean(dim=2)                               # (B, W)


@dataclass
class Judgement:
    labels: list[str]          # per-frame predicted action
    probs: np.ndarray          # (T, A) float32
    embedding: np.ndarray      # (W,) float32


def judge(model: MotionClassifier, positions: np.ndarray) -> Judgement:
    """Classify one motion at 25 fps: positions (T, J, 3) float32 metres."""
    f = torch.from_numpy(to_features(positions))[None]
    with torch.inference_mode():
        logits, emb = model(f)
    probs = logits[0].softmax(-1).numpy()
    return Judgement([ACTIONS[i] for i in probs.argmax(-1)], probs, emb[0].numpy())


def segment_accuracy(pred: list[str], segments: list[tuple[int, int, str]]) -> tuple[int, int]:
    """(correct, total): a segment is correct when the majority of its frames (the middle 60%,
    away from transitions) carry its action."""
    correct = 0
    for a, b, action in segments:
        n = b - a
        lo, hi = a + int(0.2 * n), max(a + int(0.2 * n) + 1, b - int(0.2 * n))
        votes = pred[lo:hi]
        if votes and max(set(votes), key=votes.count) == action:
            correct += 1
    return correct, len(segments)


def train_classifier(train, val, steps: int = 1500, crop: int = 128, batch: int = 32,
                     lr: float = 2e-3, seed: int = 0, log=print) -> tuple[MotionClassifier, dict]:
    """Train on dataset samples (training.data.shards.Sample lists); returns (model, report)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    feats = [to_features(s.positions) for s in train]
    labels = [s.action_ids.astype(np.int64) for s in train]
    allf = np.concatenate(feats)
    model = MotionClassifier(allf.shape[1], len(ACTIONS))
    model.mean.copy_(torch.from_numpy(allf.mean(0)))
    model.std.copy_(torch.from_numpy(np.maximum(allf.std(0), 1e-2)))
    # rarer actions are drawn more often so every action is learnt
    counts = np.bincount(np.concatenate(labels), minlength=len(ACTIONS)).astype(np.float64)
    w = np.array([1.0 / np.sqrt(max(counts[lab].mean(), 1.0)) for lab in labels])
    w /= w.sum()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps, pct_start=0.1)
    t0 = time.perf_counter()
    for step in range(steps):
        xb, yb = [], []
        for i in rng.choice(len(feats), size=batch, p=w):
            n = len(feats[i])
            s = int(rng.integers(0, max(1, n - crop + 1)))
            x, y = feats[i][s:s + crop], labels[i][s:s + crop]
            if len(x) < crop:  # pad short samples by repeating the last frame
                x = np.concatenate([x, np.repeat(x[-1:], crop - len(x), 0)])
                y = np.concatenate([y, np.repeat(y[-1:], crop - len(y), 0)])
            xb.append(x)
            yb.append(y)
        logits, _ = model(torch.from_numpy(np.stack(xb)))
        loss = F.cross_entropy(logits.reshape(-1, len(ACTIONS)), torch.from_numpy(np.stack(yb)).reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == steps - 1:
            log(json.dumps({"event": "classifier", "step": step, "loss": round(loss.item(), 4),
                            "seconds": round(time.perf_counter() - t0, 1)}))
    model.eval()
    report = evaluate_classifier(model, val)
    report["train_seconds"] = round(time.perf_counter() - t0, 1)
    return model, report


def evaluate_classifier(model: MotionClassifier, samples) -> dict:
    frames_ok = frames = seg_ok = segs = 0
    for s in samples:
        j = judge(model, s.positions)
        truth = [ACTIONS[i] for i in s.action_ids]
        frames_ok += sum(p == t for p, t in zip(j.labels, truth))
        frames += len(truth)
        c, n = segment_accuracy(j.labels, [(g.start, g.stop, g.action) for g in s.segments])
        seg_ok, segs = seg_ok + c, segs + n
    return {"frame_accuracy": frames_ok / max(frames, 1), "segment_accuracy": seg_ok / max(segs, 1),
            "samples": len(samples)}


def save_conv_classifier(path, model: nn.Module, meta: dict, report: dict) -> None:
    """Write a temporal-convolution classifier (this one or the style classifier) atomically:
    its weights and ``meta`` plus the shape settings every such model has."""
    state = {k: v.clone() for k, v in model.state_dict().items()}
    meta = {**meta, "in_dim": model.in_dim, "width": model.width,
            "dilations": list(model.dilations), "report": json.dumps(report)}
    with atomic_path(path, suffix=".pt") as tmp:
        torch.save({"meta": meta, "state": state}, tmp)


def read_conv_classifier(path, fmt: str, what: str) -> tuple[dict, dict]:
    """(meta, state) of a file written by ``save_conv_classifier`` in format ``fmt``; a file of
    another kind is a ValueError naming ``what`` it should have been."""
    blob = torch.load(path, map_location="cpu", weights_only=True)
    meta = blob.get("meta", {}) if isinstance(blob, dict) else {}
    if meta.get("format") != fmt:
        raise ValueError(f"{path}: not a Stick-Gen {what}")
    return meta, blob["state"]


def save_classifier(path, model: MotionClassifier, report: dict) -> None:
    save_conv_classifier(path, model, {"format": FORMAT, "actions": list(ACTIONS)}, report)


def load_classifier(path) -> MotionClassifier:
    meta, state = read_conv_classifier(path, FORMAT, "motion classifier")
    if tuple(meta["actions"]) != ACTIONS:
        raise ValueError(f"{path}: classifier was trained on a different action vocabulary")
    model = MotionClassifier(int(meta["in_dim"]), len(ACTIONS), int(meta["width"]),
                             tuple(meta.get("dilations", (1, 2, 4, 8))))
    model.load_state_dict(state)
    return model.eval()
