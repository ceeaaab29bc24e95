"""Build datasets.

  python -m training.data build --out DIR --samples N --seed S
  python -m training.data build-user --clips DIR [--captions FILE] --out DIR [--procedural N]
(the second from the user's own clips and captions, see training.data.user_clips)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .build import BuildConfig, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.data")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build train/val/test shards")
    b.add_argument("--out", required=True, type=Path, help="output folder")
    b.add_argument("--samples", type=int, default=20000, help="procedural samples")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--real-repeats", type=int, default=8,
                   help="random windows per real training clip")
    b.add_argument("--mocap-weight", type=float, default=0.12,
                   help="share of the training frames from real clips (0 = --real-repeats "
                        "windows per clip)")
    b.add_argument("--workers", type=int, default=1, help="worker processes")
    b.add_argument("--mocap", type=Path, default=None,
                   help="folder of real clips with INDEX.tsv (default: the shipped copies)")
    u = sub.add_parser("build-user", help="build train/val shards from your own clips")
    u.add_argument("--clips", required=True, type=Path, help="folder of BVH (or other) clips")
    u.add_argument("--captions", type=Path, default=None,
                   help="captions file (default: CLIPS/captions.json; file names as captions "
                        "where none is given)")
    u.add_argument("--out", required=True, type=Path, help="output folder")
    u.add_argument("--procedural", type=int, default=0,
                   help="procedural samples to mix in (they also give a test split)")
    u.add_argument("--repeats", type=int, default=8, help="training windows per clip")
    u.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "build-user":
        return _build_user(args)
    if args.samples < 1:
        parser.error("--samples must be at least 1")
    if args.out.exists() and any(args.out.glob("*/shard_*.npz")):
        print(f"error: {args.out} already holds a dataset; choose another --out", file=sys.stderr)
        return 2
    if not 0.0 <= args.mocap_weight < 1.0:
        parser.error("--mocap-weight must be at least 0 and below 1")
    cfg = BuildConfig(args.out, args.samples, args.seed, args.real_repeats, args.workers,
                      args.mocap, args.mocap_weight)
    summary = build(cfg)
    _print_summary(summary)
    return 0


def _build_user(args) -> int:
    from engine.formats.errors import FormatError

    from .user_clips import build_user_dataset, open_folder

    try:
        clips = open_folder(args.clips, args.captions)
        for c in clips:
            if c.error:
                print(f"skipped {c.path}: {c.error}", file=sys.stderr)
        summary = build_user_dataset(clips, args.out, procedural=args.procedural,
                                     seed=args.seed, repeats=args.repeats)
    except (FileNotFoundError, FormatError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({k: summary[k] for k in ("splits", "total_frames", "actions")}))
    return 0


def _print_summary(s: dict) -> None:
    print(f"built {sum(s['splits'].values())} samples in {s['build_seconds']} s "
          f"({s['splits']}); {s['total_frames']} frames, "
          f"real share {s['real_frame_share'] * 100:.1f}% of frames "
          f"({s['real_train_frame_share'] * 100:.1f}% of training frames)")
    print("train samples per action:")
    for name, n in s["train_samples_per_action"].items():
        print(f"  {name:<14} {n:>6}  ({s['train_frames_per_action'].get(name, 0)} frames)")
    print(json.dumps({k: v for k, v in s.items() if not isinstance(v, (dict, list))}))


if __name__ == "__main__":
    sys.exit(main())
