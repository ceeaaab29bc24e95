"""``stickgen render FILE.motion.json|FILE.stickgen OUT``: re-render a saved motion or project as
video, GIF, PNG frames, .motion.json or .bvh, with the shared output options (camera move,
expression, size, ...).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import CliError
from .output import add_output_options, terminal_progress, write_output


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="render a saved motion to .mp4, .gif, PNG frames, "
                                      ".motion.json or .bvh")
    p.add_argument("input", help="a .motion.json or .stickgen project file")
    p.add_argument("output", help="OUT.mp4, OUT.gif, a folder/ for PNG frames, OUT.motion.json "
                                  "or OUT.bvh")
    add_output_options(p)
    p.set_defaults(func=run)


def _read(path: str):
    from ..formats.motion_json import read_motion_json

    if not Path(path).is_file():
        raise CliError(f"{path}: no such file")
    if path.lower().endswith(".stickgen"):
        from ..formats.project_file import load_project
        from ..project import to_motion_file

        return to_motion_file(load_project(path))
    if path.lower().endswith(".motion.json"):
        return read_motion_json(path)
    from ..formats.loader import load_any

    return load_any(path)


def run(args: argparse.Namespace) -> int:
    doc = _read(args.input)
    out = write_output(doc, args.output, args, progress=terminal_progress("rendering"))
    m = doc.motion
    print(f"wrote {out}: {m.num_frames} frames at {m.fps:g} fps, {len(doc.actors)} actor(s)")
    return 0
