"""Training throughput on the CPU: optimiser steps, samples and frames per second.

  python benchmarks/train_throughput.py [--model small] [--crops 64 128] [--threads 1 2]
                                        [--precision fp32 bf16] [--batch 32] [--seconds 30]
Each row runs the real training step (random crops -> diffusion losses of every head ->
backward -> clip -> AdamW) for about ``--seconds`` on an in-memory synthetic dataset; the text
embeddings are random, so no encoder or dataset on disk is needed. Time is measured in chunks
of a few steps; "median" is the typical rate and "best" the rate of the least-disturbed chunk
(other processes on a shared machine slow some chunks down).
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch


def synthetic_dataset(frames_per_token: int, n: int = 64):
    from engine.actions import ACTIONS
    from engine.model.features import FeatureStats
    from engine.skeleton import rest_pose
    from training.data.shards import Sample, Segment
    from training.dataset import CropDataset, TextTable, compute_features

    rng = np.random.default_rng(0)
    samples = []
    for i in range(n):
        T = int(rng.integers(150, 300))
        pos = np.repeat(rest_pose()[None], T, 0) + rng.normal(0, 0.02, (T, 16, 3)).astype("f4")
        pos[:, :, 2] += np.linspace(0, 3, T, dtype="f4")[:, None]
        samples.append(Sample(pos, np.full(T, i % len(ACTIONS), np.int16), f"caption {i}",
                              [Segment(0, T // 2, "walk", f"a {i}"),
                               Segment(T // 2, T, "wave", f"b {i}")]))
    texts = sorted({t for s in samples for t in [s.caption] + [g.text for g in s.segments]})
    emb = rng.standard_normal((len(texts), 384)).astype("f4")
    feats = compute_features(samples)
    return CropDataset(samples, feats, FeatureStats.compute(feats),
                       TextTable(texts, emb, "random"), len(ACTIONS), frames_per_token)


def measure(model_name: str, crop: int, threads: int, batch: int, seconds: float,
            bf16: bool) -> dict:
    from engine.model.config import load_model_config
    from engine.model.diffusion import CosineSchedule, diffusion_losses
    from engine.model.transformer import MotionTransformer

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = load_model_config(model_name, max_frames=crop)
    model = MotionTransformer(cfg).train()
    ds = synthetic_dataset(cfg.frames_per_token)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    sched = CosineSchedule()
    rng, gen = np.random.default_rng(0), torch.Generator().manual_seed(0)

    def step() -> int:
        b = ds.batch(rng, batch, crop, crop, 0.3, 0.1)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss, _ = diffusion_losses(model, b, sched, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return b.frames

    for _ in range(2):
        step()
    chunks = []                                   # (seconds, steps, frames) per chunk
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds or len(chunks) < 2:
        t, frames = time.perf_counter(), 0
        for _ in range(3):
            frames += step()
        chunks.append((time.perf_counter() - t, 3, frames))
    ms = sorted(1000 * c[0] / c[1] for c in chunks)
    frames_per_step = sum(c[2] for c in chunks) / sum(c[1] for c in chunks)
    med, best = ms[len(ms) // 2], ms[0]
    return {"ms_step": med, "ms_best": best, "samples_s": 1000 * batch / med,
            "frames_s": 1000 * frames_per_step / med, "samples_best": 1000 * batch / best,
            "frames_best": 1000 * frames_per_step / best, "steps": sum(c[1] for c in chunks)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="small")
    ap.add_argument("--crops", type=int, nargs="+", default=[64, 128])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--precision", nargs="+", default=["fp32", "bf16"], choices=["fp32", "bf16"])
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    print(f"model {args.model}, batch {args.batch}, ~{args.seconds:.0f} s per row; "
          "rates as median (best)")
    print(f"{'crop':>5} {'threads':>7} {'precision':>9} {'ms/step':>13} {'samples/s':>15} "
          f"{'frames/s':>15}")
    for crop in args.crops:
        for threads in args.threads:
            for prec in args.precision:
                r = measure(args.model, crop, threads, args.batch, args.seconds, prec == "bf16")
                print(f"{crop:>5} {threads:>7} {prec:>9} {r['ms_step']:>6.0f} ({r['ms_best']:>4.0f})"
                      f" {r['samples_s']:>7.1f} ({r['samples_best']:>5.1f})"
                      f" {r['frames_s']:>7.0f} ({r['frames_best']:>5.0f})", flush=True)


if __name__ == "__main__":
    main()
