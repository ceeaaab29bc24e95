"""Write procedural samples of chosen actions to .motion.json files, to measure them the way
real clips are measured (a motion probe, training.gait) or to look at them in the app.

    python scripts/procedural_samples.py OUT_DIR dance_salsa walk ... [--seeds 6] [--duration 8]

Each sample draws its parameters the way the dataset does (training.procedural.sample_params:
mood, tempo, size, body); gaits are steady (no start or stop). Files are OUT_DIR/ACTION_SEED.motion.json.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from engine.formats.motion_json import Actor, MotionFile, write_motion_json
from engine.motion import Motion
from training.procedural import REGISTRY, sample_params

GAITS = ("walk", "jog", "run", "sprint", "walk_backward", "march", "tiptoe", "limp")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("actions", nargs="+", choices=sorted(REGISTRY), metavar="ACTION")
    ap.add_argument("--seeds", type=int, default=6, help="samples per action")
    ap.add_argument("--duration", type=float, default=8.0, help="seconds per sample")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.actions:
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            fixed = {"variant": "steady"} if name in GAITS else {}
            p = sample_params(rng, duration=args.duration, **fixed)
            clip = REGISTRY[name](p, rng)
            motion = Motion(clip.positions, p.fps, actions=clip.actions)
            write_motion_json(args.out / f"{name}_{seed}.motion.json",
                              MotionFile([Actor("A", motion)], prompt=name, seed=seed))
    print(f"wrote {len(args.actions) * args.seeds} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
