"""Output options shared by the subcommands that write pictures or motion files.

``generate`` and ``render`` both call :func:`add_output_options` on their parser and
:func:`write_output` with the finished document; the format comes from the output path:
.mp4, .gif, a folder (or a path ending in /) for PNG frames, .motion.json or .bvh.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..actions import EXPRESSIONS
from ..camera import MOVES
from ..style import STYLES, parse_color
from . import CliError

if TYPE_CHECKING:  # the exporter pulls in imaging and video code; --help needs none of it
    from ..formats.motion_json import MotionFile
    from ..progress import ProgressFn


def _color(text: str) -> str:
    try:
        parse_color(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        v = 0
    if v < 2:
        raise argparse.ArgumentTypeError(f"expected a whole number of pixels >= 2, got {text!r}")
    return v


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = 0.0
    if not (0 < v <= 240):
        raise argparse.ArgumentTypeError(f"expected frames per second in (0, 240], got {text!r}")
    return v


def add_output_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("output")
    g.add_argument("--camera", metavar="MOVE", choices=MOVES,
                   help=f"camera move over the whole clip: {', '.join(MOVES)} "
                        "(default: the file's camera keys, else a static framing)")
    g.add_argument("--expression", metavar="NAME", choices=EXPRESSIONS,
                   help=f"one facial expression throughout: {', '.join(EXPRESSIONS)}")
    g.add_argument("--width", type=_positive_int, help="picture width in pixels (default 1280; "
                                                       "GIF 640)")
    g.add_argument("--height", type=_positive_int, help="picture height in pixels (default 720; "
                                                        "GIF 360)")
    g.add_argument("--fps", type=_positive_float, help="frames per second (default: the motion's)")
    g.add_argument("--background", metavar="COLOR", type=_color,
                   help="background colour: #rrggbb, r,g,b or a name (white, black, paper, ...)")
    g.add_argument("--style", choices=tuple(STYLES), default=None,
                   help=f"look of the picture: {', '.join(STYLES)} (default light)")


def write_output(doc: MotionFile, out_path: str | Path, args: argparse.Namespace,
                 progress: ProgressFn | None = None) -> Path:
    """Apply the output options in ``args`` to ``doc`` and write it to ``out_path``.

    Raises CliError with a one-line message when the export fails.
    """
    from ..export import ExportError, ExportOptions, export, format_for_path, with_camera_move
    from ..face import with_expression
    from ..formats.motion_json import Actor

    try:
        fmt = format_for_path(out_path)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    expression = getattr(args, "expression", None)
    if expression:
        doc = replace(doc, actors=[Actor(a.name, with_expression(a.motion, expression))
                                   for a in doc.actors])
    width, height = getattr(args, "width", None), getattr(args, "height", None)
    move = getattr(args, "camera", None)
    if move:
        # A lone width or height keeps the default 16:9 picture, so frame for that.
        w, h = (width, height) if width and height else (1280, 720)
        doc = with_camera_move(doc, move, w, h)
    options = ExportOptions(width=width, height=height, fps=getattr(args, "fps", None),
                            background=getattr(args, "background", None),
                            style=getattr(args, "style", None))
    try:
        return export(doc, out_path, options, fmt=fmt, progress=progress)
    except ExportError as exc:
        raise CliError(str(exc)) from None


def terminal_progress(label: str) -> ProgressFn | None:
    """A progress function that redraws one percentage line on a terminal; None when stderr is
    not a terminal (logs and pipes get no progress noise)."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        if pct != last[0]:
            last[0] = pct
            end = "\n" if pct >= 100 else ""
            print(f"\r{label}: {pct:3d}%", end=end, file=sys.stderr, flush=True)

    return show
