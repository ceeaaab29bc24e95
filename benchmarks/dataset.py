"""Dataset build throughput: procedural samples/s and frames/s, and real-clip import time.

  python benchmarks/dataset.py [--samples 500] [--workers 1 2]

Builds into a temporary folder (deleted afterwards) with the real builder and prints a table.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--samples", type=int, default=500)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = p.parse_args()
    from engine.formats.loader import load_mocap_catalogue
    from training.data.build import BuildConfig, build

    t = time.perf_counter()
    real = [(c.clip_id, c.trial, c.motion, c.caption) for c in load_mocap_catalogue(fps=25.0)]
    real_s = time.perf_counter() - t
    real_frames = sum(r[2].num_frames for r in real)
    print(f"real clips: {len(real)} imported and retargeted in {real_s:.2f} s "
          f"({real_frames} frames at 25 fps)")
    print(f"{'workers':>7} {'procedural':>10} {'+ real windows':>14} {'seconds':>8} "
          f"{'samples/s':>10} {'frames/s':>10}")
    for w in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            s = build(BuildConfig(Path(tmp) / "ds", samples=args.samples, seed=0, workers=w),
                      lambda: real, progress=False)
            dt = time.perf_counter() - t
        n = sum(s["splits"].values())
        print(f"{w:>7} {args.samples:>10} {n - args.samples:>14} {dt:>8.1f} {n / dt:>10.1f} "
              f"{s['total_frames'] / dt:>10.0f}")


if __name__ == "__main__":
    main()
