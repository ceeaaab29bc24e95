"""A motion style classifier: given a window of motion, which named style (engine.motion_styles)
is it performed in, or none ("neutral")? It judges the style data and, later, generated motion.

Architecture (like ``classifier``): a small temporal convolution stack (dilations 1, 2, 4, 8)
over heading-canonical features, pooled over time (mean and max) into one prediction per
window. Features are computed here from joint positions alone: every joint relative to the
pelvis in the figure's own facing frame (pelvis height included), the pelvis velocity in that
frame and the turning rate, so speed, posture, arm carriage, sway and jerkiness are all
visible to it.

Training data are fresh procedural clips (``style_windows``): each class gets the same number
of clips, of every action that takes the style; neutral clips have no mood.
``python -m training.style_classifier --out resources/models/style-classifier.pt`` trains,
prints the validation accuracy per style and saves.
"""
from __future__ import annotations

import json
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from engine.motion_styles import NEUTRAL, STYLES
from engine.skeleton import JOINT_INDEX as J

from .classifier import read_conv_classifier, save_conv_classifier

FORMAT = "stickgen.style_classifier"
CLASSES: tuple[str, ...] = (NEUTRAL, *STYLES)
WINDOW = 80          # frames (3.2 s at 25 fps): a few steps of even the slowest gait


def style_features(positions: np.ndarray, fps: float = 25.0) -> np.ndarray:
    """(T, J, 3) positions, metres -> (T, 3J + 4) float32 features: joints relative to the
    pelvis (horizontally) in the figure's facing frame, then pelvis velocity (forward, left,
    up; m/s) and turning rate (rad/s)."""
    P = np.asarray(positions, dtype=np.float64)
    across = P[:, J["l_hip"]] - P[:, J["r_hip"]]
    yaw = np.unwrap(np.arctan2(-across[:, 2], across[:, 0]))       # 0 faces +Z
    c, s = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    rel = P - P[:, :1] * np.array([1.0, 0.0, 1.0])
    local = np.stack([c * rel[..., 0] - s * rel[..., 2], rel[..., 1],
                      s * rel[..., 0] + c * rel[..., 2]], -1)       # (T, J, 3), faces +Z
    v = np.diff(P[:, 0], axis=0, prepend=P[:1, 0]) * fps
    v[0] = v[1] if len(v) > 1 else 0.0
    vf = np.sin(yaw) * v[:, 0] + np.cos(yaw) * v[:, 2]
    vl = np.cos(yaw) * v[:, 0] - np.sin(yaw) * v[:, 2]
    turn = np.gradient(yaw) * fps if len(yaw) > 1 else np.zeros(1)
    root = np.stack([vf, vl, v[:, 1], turn], -1)
    return np.concatenate([local.reshape(len(P), -1), root], -1).astype(np.float32)


class StyleClassifier(nn.Module):
    def __init__(self, in_dim: int, n_classes: int = len(CLASSES), width: int = 64,
                 dilations: tuple[int, ...] = (1, 2, 4, 8)) -> None:
        super().__init__()
        self.in_dim, self.n_classes, self.width = in_dim, n_classes, width
        self.dilations = tuple(dilations)
        self.inp = nn.Conv1d(in_dim, width, 1)
        self.blocks = nn.ModuleList(
            nn.Conv1d(width, width, 5, padding=2 * d, dilation=d) for d in self.dilations)
        self.norms = nn.ModuleList(nn.GroupNorm(8, width) for _ in self.dilations)
        self.head = nn.Linear(2 * width, n_classes)
        self.register_buffer("mean", torch.zeros(in_dim))
        self.register_buffer("std", torch.ones(in_dim))

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """feats (B, T, C) raw features -> logits (B, n_classes)."""
        x = ((feats - self.mean) / self.std).transpose(1, 2)        # (B, C, T)
        h = self.inp(x)                                             # (B, W, T)
        for conv, norm in zip(self.blocks, self.norms):
            h = h + F.gelu(norm(conv(h)))
        pooled = torch.cat([h.mean(dim=2), h.amax(dim=2)], -1)      # (B, 2W)
        return self.head(pooled)


def predict_style(model: StyleClassifier, positions: np.ndarray,
                  fps: float = 25.0) -> tuple[str, np.ndarray]:
    """The style of one motion window (T, J, 3): (class name, (n_classes,) probabilities)."""
    f = torch.from_numpy(style_features(positions, fps))[None]
    with torch.inference_mode():
        probs = model(f)[0].softmax(-1).numpy()
    return CLASSES[int(probs.argmax())], probs


def style_windows(per_class: int, seed: int, duration: tuple[float, float] = (3.4, 4.6),
                  neutral_factor: int = 3):
    """Fresh procedural clips, ``per_class`` for every style and ``neutral_factor`` times as
    many for neutral (the broadest class: every action at every tempo): a list of
    (features (T, C), class index, action). The clips come from the same generators and the
    same style assignment as the dataset build."""
    from dataclasses import replace

    from training.procedural import REGISTRY, sample_params
    from training.procedural.base import MOODS
    from training.procedural.styles import GESTURES, LOCOMOTION, styles_for

    out = []
    for k, name in enumerate(CLASSES):
        pool = [a for a in (*LOCOMOTION, *GESTURES) if k == 0 or name in styles_for(a)]
        for i in range(per_class * (neutral_factor if k == 0 else 1)):
            rng = np.random.default_rng([seed, k, i])
            action = str(rng.choice(pool))
            p = sample_params(rng, duration=float(rng.uniform(*duration)), mood="neutral")
            if k:
                p = replace(p, style=name, mood=name if name in MOODS else "neutral",
                            speed=float(np.exp(rng.normal(0.0, 0.08))))
            clip = REGISTRY[action](p, rng)
            out.append((style_features(clip.positions, clip.params.fps), k, action))
    return out


def _crop(x: np.ndarray, rng: np.random.Generator | None, n: int = WINDOW) -> np.ndarray:
    if len(x) < n:   # pad a short window by holding its last frame
        return np.concatenate([x, np.repeat(x[-1:], n - len(x), 0)])
    s = int(rng.integers(0, len(x) - n + 1)) if rng is not None else (len(x) - n) // 2
    return x[s:s + n]


def train_style_classifier(train, val, steps: int = 1200, batch: int = 32, lr: float = 3e-3,
                           seed: int = 0, log=print) -> tuple[StyleClassifier, dict]:
    """Train on ``style_windows`` lists; returns (model, report with per-style accuracy)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    allf = np.concatenate([f for f, _, _ in train])
    model = StyleClassifier(allf.shape[1])
    model.mean.copy_(torch.from_numpy(allf.mean(0)))
    model.std.copy_(torch.from_numpy(np.maximum(allf.std(0), 1e-2)))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps, pct_start=0.1)
    t0 = time.perf_counter()
    for step in range(steps):
        idx = rng.integers(0, len(train), batch)
        xb = torch.from_numpy(np.stack([_crop(train[i][0], rng) for i in idx]))
        yb = torch.tensor([train[i][1] for i in idx])
        loss = F.cross_entropy(model(xb), yb, label_smoothing=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 200 == 0 or step == steps - 1:
            log(json.dumps({"event": "style_classifier", "step": step,
                            "loss": round(loss.item(), 4),
                            "seconds": round(time.perf_counter() - t0, 1)}))
    model.eval()
    report = evaluate_style_classifier(model, val)
    report["train_seconds"] = round(time.perf_counter() - t0, 1)
    report["train_windows"] = len(train)
    return model, report


def evaluate_style_classifier(model: StyleClassifier, windows) -> dict:
    """Accuracy on the middle WINDOW frames of each window: overall, per style, and the most
    common confusion of each style."""
    ok: dict[str, list[int]] = {c: [] for c in CLASSES}
    wrong: dict[str, dict[str, int]] = {c: {} for c in CLASSES}
    with torch.inference_mode():
        for i in range(0, len(windows), 64):
            chunk = windows[i:i + 64]
            x = torch.from_numpy(np.stack([_crop(f, None) for f, _, _ in chunk]))
            pred = model(x).argmax(-1).tolist()
            for (_, k, _), q in zip(chunk, pred):
                ok[CLASSES[k]].append(int(q == k))
                if q != k:
                    wrong[CLASSES[k]][CLASSES[q]] = wrong[CLASSES[k]].get(CLASSES[q], 0) + 1
    per = {c: float(np.mean(v)) for c, v in ok.items() if v}
    flat = [x for v in ok.values() for x in v]
    confused = {c: max(w, key=w.get) for c, w in wrong.items() if w}
    return {"accuracy": float(np.mean(flat)) if flat else 0.0, "per_style": per,
            "confused_with": confused, "windows": len(flat)}


def segment_windows(samples, min_frames: int = 40):
    """Windows of dataset segments (training.data.shards.Sample) for ``evaluate_style_classifier``:
    each segment of an action that can take a style, at least ``min_frames`` long, labelled
    with its stored style (None: neutral, whatever its mood)."""
    from training.procedural.styles import GESTURES, LOCOMOTION

    out = []
    for s in samples:
        feats = style_features(s.positions, s.fps)
        for g in s.segments:
            if g.action in LOCOMOTION + GESTURES and g.stop - g.start >= min_frames:
                out.append((feats[g.start:g.stop], CLASSES.index(g.style or NEUTRAL), g.action))
    return out


def save_style_classifier(path, model: StyleClassifier, report: dict) -> None:
    save_conv_classifier(path, model, {"format": FORMAT, "classes": list(CLASSES),
                                       "window": WINDOW}, report)


def load_style_classifier(path) -> StyleClassifier:
    meta, state = read_conv_classifier(path, FORMAT, "style classifier")
    if tuple(meta["classes"]) != CLASSES:
        raise ValueError(f"{path}: style classifier was trained on other styles "
                         f"({', '.join(meta['classes'])})")
    model = StyleClassifier(int(meta["in_dim"]), len(CLASSES), int(meta["width"]),
                            tuple(meta["dilations"]))
    model.load_state_dict(state)
    return model.eval()


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m training.style_classifier",
                                 description="train the motion style classifier")
    ap.add_argument("--out", required=True, help="where to save the .pt")
    ap.add_argument("--per-style", type=int, default=120, help="training clips per class")
    ap.add_argument("--val-per-style", type=int, default=30, help="validation clips per class")
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    train = style_windows(a.per_style, seed=2 * a.seed)
    val = style_windows(a.val_per_style, seed=2 * a.seed + 1)
    made = time.perf_counter() - t0
    model, report = train_style_classifier(train, val, steps=a.steps, seed=a.seed)
    report.update(data_seconds=round(made, 1), per_style_clips=a.per_style,
                  val_per_style_clips=a.val_per_style, steps=a.steps, seed=a.seed)
    save_style_classifier(a.out, model, report)
    print(f"validation accuracy {report['accuracy']:.3f} over {report['windows']} windows")
    for c in CLASSES:
        print(f"  {c:<11} {report['per_style'][c]:.3f}  {report['confused_with'].get(c, '')}")
    print(json.dumps({k: report[k] for k in ("train_seconds", "data_seconds")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
