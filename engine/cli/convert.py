"""``stickgen convert IN OUT``: convert between motion files (.motion.json, .bvh, mocap clips)."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert a motion file: .motion.json, .bvh, mocap clips")
    p.add_argument("input", help=".motion.json, .bvh, DeepMimic .txt or *_positions.npz")
    p.add_argument("output", help=".motion.json or .bvh")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..formats.loader import load_any, save_any

    doc = load_any(args.input)
    save_any(args.output, doc)
    m = doc.motion
    print(f"wrote {args.output}: {m.num_frames} frames at {m.fps:g} fps, {len(doc.actors)} actor(s)")
    return 0
