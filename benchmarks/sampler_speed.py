"""Sampling latency: one clip from a loaded model (text already embedded), median of N runs.

  python benchmarks/sampler_speed.py [--model small|PATH] [--seconds 10] [--steps 4 8 12]
                                     [--threads 2] [--repeats 20]
The design target (DESIGN.md section 5) is a 10 s clip from the small model in <= 0.5 s on
2 CPU cores; text encoding, planning and post-processing are measured by benchmarks/generate.py.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch


def build(model: str):
    from engine.model import MotionTransformer, load_model, load_model_config

    if Path(model).suffix == ".pt":
        return load_model(model)[0], f"checkpoint {model}"
    return MotionTransformer(load_model_config(model)).eval(), f"{model} (random weights)"


def conditioning(n_frames: int, dim: int, segments: int = 2):
    from engine.model import Conditioning

    rng = np.random.default_rng(0)
    emb = rng.standard_normal((segments + 1, dim)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    seg = np.minimum(np.arange(n_frames) * segments // n_frames, segments - 1)
    return Conditioning(emb[0], emb[1:], seg.astype(np.int64), (seg + 1).astype(np.int64))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="small")
    ap.add_argument("--seconds", type=float, nargs="+", default=[10.0])
    ap.add_argument("--steps", type=int, nargs="+", default=[4, 8, 12])
    ap.add_argument("--guidance", type=float, default=1.0)
    ap.add_argument("--window", type=int, default=0, help="sampler window (0: the model's)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from engine.model import sample

    model, label = build(args.model)
    print(f"model: {label}, {model.num_params() / 1e6:.2f} M parameters, window "
          f"{model.cfg.max_frames} frames, {model.cfg.frames_per_token} frames/token, "
          f"{args.threads} threads, guidance {args.guidance}")
    print(f"{'clip':>6} {'steps':>5} {'median ms':>10} {'p90 ms':>8} {'min ms':>8}")
    for seconds in args.seconds:
        n = int(round(seconds * 25))
        cond = conditioning(n, model.cfg.text_dim)
        for steps in args.steps:
            kw = dict(steps=steps, guidance=args.guidance, window=args.window or None)
            for _ in range(2):
                sample(model, cond, seed=0, **kw)                  # warm-up
            times = []
            for seed in range(args.repeats):
                t = time.perf_counter()
                sample(model, cond, seed=seed, **kw)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(f"{seconds:>5.0f}s {steps:>5} {statistics.median(times):>10.1f} "
                  f"{times[int(0.9 * (len(times) - 1))]:>8.1f} {times[0]:>8.1f}")


if __name__ == "__main__":
    main()
