"""``stickgen generate "PROMPT" --out clip.mp4``: prompt -> motion -> file, headless.

The format comes from the extension (.motion.json, .mp4, .gif, a folder/ for PNGs, .bvh).
``--variations N`` writes N seeds; ``--batch PROMPTS.txt --out-dir DIR`` generates one file per
line (optionally ``seconds<TAB>prompt``) with the model loaded once.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..defaults import DEFAULT_GUIDANCE, DEFAULT_STEPS, MAX_CLIP_SECONDS
from . import CliError
from .output import add_output_options, write_output


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="generate a motion from a prompt")
    p.add_argument("prompt", nargs="?", help="what the figure does, e.g. 'a man walks and waves'")
    p.add_argument("--seconds", type=float, default=None,
                   help="total length (default: from the prompt, ~2-5 s per action)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same motion)")
    p.add_argument("--model", default="small",
                   help="shipped variant name or checkpoint path (default small)")
    p.add_argument("--steps", type=int, default=DEFAULT_STEPS,
                   help=f"sampling steps (default {DEFAULT_STEPS})")
    p.add_argument("--guidance", type=float, default=None,
                   help="how strongly the motion follows the prompt (classifier-free guidance; "
                        f"1 = off, default {DEFAULT_GUIDANCE:g})")
    p.add_argument("--variations", type=int, default=1, metavar="N",
                   help="write N variations (seeds seed..seed+N-1), numbered files")
    p.add_argument("--no-physics", action="store_true", help="skip physics post-processing")
    p.add_argument("--out", help="output file: .motion.json, .mp4, .gif, .bvh or a folder/")
    p.add_argument("--batch", type=Path, help="a text file with one prompt a line "
                                             "(optionally 'seconds<TAB>prompt')")
    p.add_argument("--out-dir", type=Path, help="folder for --batch outputs")
    p.add_argument("--format", default="motion.json",
                   help="extension for --batch outputs (motion.json, mp4, gif, bvh)")
    add_output_options(p)
    p.set_defaults(func=run)


def _jobs(args) -> list[tuple[str, float | None, Path]]:
    if args.batch:
        if args.prompt or args.out:
            raise CliError("--batch takes its prompts from the file: give --out-dir, not a "
                           "prompt or --out")
        if not args.out_dir:
            raise CliError("--batch needs --out-dir")
        try:
            lines = args.batch.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CliError(f"cannot read {args.batch}: {exc.strerror}") from None
        jobs = []
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            seconds, prompt = None, line.strip()
            if "\t" in line:
                head, prompt = line.split("\t", 1)
                try:
                    seconds = float(head)
                except ValueError:
                    raise CliError(f"{args.batch}, line {n}: {head!r} is not a number of "
                                   "seconds") from None
            slug = re.sub(r"[^a-z0-9]+", "_", prompt.lower()).strip("_")[:40] or "prompt"
            jobs.append((prompt.strip(), seconds, args.out_dir / f"{len(jobs):03d}_{slug}."
                         f"{args.format.lstrip('.')}"))
        if not jobs:
            raise CliError(f"{args.batch} holds no prompts")
        return jobs
    if not args.prompt:
        raise CliError("give a prompt, e.g. stickgen generate \"a man walks and waves\" "
                       "--out clip.mp4")
    if not args.out:
        raise CliError("give --out FILE (.motion.json, .mp4, .gif, .bvh or a folder/)")
    return [(args.prompt, args.seconds, Path(args.out))]


def _numbered(path: Path, i: int) -> Path:
    name = path.name
    for ext in (".motion.json", ".mp4", ".gif", ".bvh"):
        if name.endswith(ext):
            return path.with_name(f"{name[:-len(ext)]}_{i}{ext}")
    return path.with_name(f"{name}_{i}")


def run(args: argparse.Namespace) -> int:
    from ..formats.motion_json import Actor, MotionFile
    from ..generate import Generator
    from ..physics import PhysicsConfig
    from ..planner import PlanError

    if args.steps < 1:
        raise CliError("--steps must be at least 1")
    if args.variations < 1:
        raise CliError("--variations must be at least 1")
    if args.guidance is not None and not 0 < args.guidance <= 20:
        raise CliError(f"--guidance must be in (0, 20], got {args.guidance:g}")
    if args.seconds is not None and not (0 < args.seconds <= MAX_CLIP_SECONDS):
        raise CliError(f"--seconds must be in (0, {MAX_CLIP_SECONDS:g}], got {args.seconds:g}")
    jobs = _jobs(args)
    try:
        extra = {} if args.guidance is None else {"guidance": args.guidance}
        gen = Generator(args.model, steps=args.steps, **extra).load()
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from None
    physics = PhysicsConfig(smooth=False, bone_lengths=False, ground=False, foot_lock=False) \
        if args.no_physics else PhysicsConfig()
    for prompt, seconds, out in jobs:
        seeds = [args.seed + i for i in range(args.variations)]
        for i, seed in enumerate(seeds):
            try:
                result = gen.generate(prompt, seconds, seed, physics=physics)
            except PlanError as exc:
                raise CliError(str(exc)) from None
            for w in result.warnings:
                print(f"stickgen: warning: {w}", file=sys.stderr)
            doc = MotionFile([Actor("A", result.motion)], prompt=prompt, seed=seed)
            target = _numbered(out, i) if args.variations > 1 else out
            write_output(doc, target, args)
            m = result.motion
            plan = ", ".join(f"{s.action} {s.duration:.1f}s" for s in result.plan.segments)
            print(f"wrote {target}: {m.num_frames} frames ({m.duration:.1f} s) seed {seed} "
                  f"[{plan}] in {result.timings['total'] * 1000:.0f} ms")
    return 0
