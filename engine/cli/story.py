"""``stickgen story "PROMPT" --out scene.mp4``: a sentence -> a scene script -> several staged
actors -> a video, motion file, project or one BVH per actor.

``--script FILE`` renders a script (e.g. one written by ``--script-out`` and edited by hand)
instead of planning one. Notes (what the planner read, what staging moved, how close every
relation and contact came) go to stderr.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from . import CliError
from .output import add_output_options, terminal_progress, write_output

PLANNERS = ("offline", "ollama", "openai")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("story", help="stage a scene with several actors from a sentence or a "
                                     "script")
    p.add_argument("prompt", nargs="?", help="the scene, e.g. 'Ann walks up to Bob and they "
                                             "shake hands'")
    p.add_argument("--script", type=Path, metavar="FILE",
                   help="render this scene script (JSON) instead of planning one from a prompt")
    p.add_argument("--out", required=True, help="scene.mp4, scene.gif, a folder/, "
                   "scene.motion.json, scene.stickgen or scene.bvh (one file per actor)")
    p.add_argument("--planner", choices=PLANNERS, default="offline",
                   help="who writes the script: offline rules (default) or an LLM server")
    p.add_argument("--llm-url", default="", metavar="URL", help="LLM server base URL")
    p.add_argument("--llm-model", default="", metavar="NAME", help="LLM model name")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same scene)")
    p.add_argument("--model", default="small", help="motion model: shipped variant or path")
    p.add_argument("--script-out", type=Path, metavar="FILE",
                   help="also write the scene script as JSON (edit it, render with --script)")
    add_output_options(p)
    p.set_defaults(func=run)


def _warn(text: str) -> None:
    print(f"stickgen: note: {text}", file=sys.stderr)


def _read_script(path: Path):
    """The scene script in ``path`` (JSON), checked."""
    from ..story.script import parse_script

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read the script: {exc}") from None
    try:
        return parse_script(text)
    except ValueError as exc:
        raise CliError(f"{path}: {exc}") from None


def _plan(args, gen):
    """A scene script planned from the prompt by the chosen planner (notes to stderr)."""
    from ..story.llm import LLMSettings, plan_story

    settings = LLMSettings(args.planner, args.llm_url, args.llm_model)
    # the planner reads verbs its rules do not know by meaning, with the model's text encoder
    plan = plan_story(args.prompt, settings, seed=args.seed, nearest=gen.nearest())
    for note in plan.notes:
        _warn(note)
    return plan.script


def run(args: argparse.Namespace) -> int:
    from ..atomic import write_text_atomic
    from ..generate import Generator
    from ..story.script import script_to_json
    from ..story.stage import build_scene

    if not 0 <= args.seed < 2 ** 62:
        raise CliError(f"--seed must be a whole number in [0, 2**62), got {args.seed}")
    out = Path(args.out)
    _check_target(out)
    if args.script is not None and args.prompt:
        raise CliError("give a prompt or --script FILE, not both")
    if args.script is None and not (args.prompt or "").strip():
        raise CliError('give a prompt, e.g. stickgen story "Ann and Bob meet and shake hands" '
                       "--out scene.mp4, or --script FILE")
    script = _read_script(args.script) if args.script is not None else None
    try:
        gen = Generator(args.model).load()
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from None
    if script is None:
        script = _plan(args, gen)
    if args.script_out is not None:
        write_text_atomic(args.script_out, script_to_json(script))
        print(f"wrote {args.script_out}: the scene script")
    scene = build_scene(script, gen, seed=args.seed, progress=terminal_progress("staging"))
    for note in scene.notes:
        _warn(note)
    written = _write(scene, out, args)
    T = scene.actors[0].motion.num_frames
    names = ", ".join(a.name for a in scene.actors)
    print(f"wrote {', '.join(str(p) for p in written)}: {len(scene.actors)} actors ({names}), "
          f"{T} frames ({T / 25:.1f} s)")
    return 0


def _check_target(out: Path) -> None:
    name = out.name.lower()
    if name.endswith((".stickgen", ".bvh")):
        return
    from ..export import format_for_path

    try:
        format_for_path(out)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _write(scene, out: Path, args) -> list[Path]:
    name = out.name.lower()
    if name.endswith(".bvh"):
        return _write_bvh(scene, out)
    if name.endswith(".stickgen"):
        return [_write_project(scene, out)]
    from ..formats.motion_json import Actor, MotionFile

    doc = MotionFile([Actor(a.name, a.motion) for a in scene.actors],
                     prompt=scene.script.prompt, seed=scene.actors[0].seed,
                     camera=[k.to_dict() for k in scene.camera])
    look = argparse.Namespace(**{**vars(args), "style": _actor_style(scene, args)})
    return [write_output(doc, out, look, progress=terminal_progress("rendering"))]


def _actor_style(scene, args):
    """The chosen look with each actor drawn in its own colour (the script's, else the
    palette's), so the video shows the colours the app and the script give them."""
    from dataclasses import replace

    from ..style import get_style, parse_color

    try:
        st = get_style(getattr(args, "style", None))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return replace(st, actor_colors=tuple(parse_color(a.color) for a in scene.actors))


def _write_bvh(scene, out: Path) -> list[Path]:
    """One BVH per actor (a BVH holds one skeleton): scene.bvh -> scene.A.bvh, scene.B.bvh."""
    from ..formats.bvh_write import write_bvh

    stem = out.name[:-len(".bvh")]
    paths = []
    for actor in scene.actors:
        safe = re.sub(r"[^A-Za-z0-9_-]+", "_", actor.name).strip("_") or "actor"
        path = out.with_name(f"{stem}.{safe}.bvh")
        write_bvh(path, actor.motion)
        paths.append(path)
    return paths


def _write_project(scene, out: Path) -> Path:
    """A project file with the actors, the camera and the script, so the app can re-stage an
    edited scene."""
    from ..formats.project_file import save_project
    from ..project import Generation, Project
    from ..story.script import script_to_dict

    project = Project(actors=list(scene.actors), camera=list(scene.camera),
                      history=[Generation(scene.script.prompt, scene.actors[0].seed,
                                          scene.script.duration)],
                      script=script_to_dict(scene.script))
    save_project(out, project)
    return out
