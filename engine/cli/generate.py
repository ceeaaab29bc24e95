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


MAX_STEPS = 1000        # denoising steps; the model was trained on 1000 noise levels
MAX_VARIATIONS = 1000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="generate a motion from a prompt")
    p.add_argument("prompt", nargs="?", help="what the figure does, e.g. 'a man walks and waves'")
    p.add_argument("--seconds", type=float, default=None,
                   help="total length (default: from the prompt, ~2-5 s per action)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same motion)")
    p.add_argument("--model", default="small",
                   help="shipped variant name or checkpoint path (default small)")
    p.add_argument("--steps", type=int, default=None,
                   help=f"sampling steps (default: the model's own, else {DEFAULT_STEPS})")
    p.add_argument("--guidance", type=float, default=None,
                   help="how strongly the motion follows the prompt (classifier-free guidance; "
                        f"1 = off; default: the model's own, else {DEFAULT_GUIDANCE:g})")
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


# Where a job came from, for error lines: "" for the prompt argument, "FILE, line N" in a batch.
Job = tuple[str, float | None, Path, str]


def _jobs(args) -> tuple[list[Job], list[str]]:
    """The jobs to run and the batch lines refused before any model is loaded."""
    if args.batch:
        from .batch import read_batch

        if args.prompt or args.out:
            raise CliError("--batch takes its prompts from the file: give --out-dir, not a "
                           "prompt or --out")
        if not args.out_dir:
            raise CliError("--batch needs --out-dir")
        jobs, errors = [], []
        # Files are numbered by prompt (bad ones too), so a name always points at its line.
        for i, line in enumerate(read_batch(args.batch, MAX_CLIP_SECONDS)):
            where = f"{args.batch}, line {line.number}"
            if line.error:
                errors.append(f"{where}: {line.error}")
                continue
            slug = re.sub(r"[^a-z0-9]+", "_", line.prompt.lower()).strip("_")[:40] or "prompt"
            jobs.append((line.prompt, line.seconds, args.out_dir / f"{i:03d}_{slug}."
                         f"{args.format.lstrip('.')}", where))
        return jobs, errors
    if not args.prompt:
        raise CliError("give a prompt, e.g. stickgen generate \"a man walks and waves\" "
                       "--out clip.mp4")
    if not args.out:
        raise CliError("give --out FILE (.motion.json, .mp4, .gif, .bvh or a folder/)")
    return [(args.prompt, args.seconds, Path(args.out), "")], []


def _plan_problem(prompt: str, seconds: float | None) -> str:
    """Why the planner's rules cannot read ``prompt`` (numbers out of range, nothing to do),
    found before the model loads; "" when it plans."""
    from ..planner import plan_prompt

    try:
        plan_prompt(prompt, seconds)
    except (ValueError, OverflowError, RecursionError) as exc:
        return str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ""


def _check_flags(args) -> None:
    if not 0 <= args.seed < 2 ** 63 - MAX_VARIATIONS:
        raise CliError(f"--seed must be a whole number in [0, 2**63 - {MAX_VARIATIONS}), "
                       f"got {args.seed}")
    if args.steps is not None and not 1 <= args.steps <= MAX_STEPS:
        raise CliError(f"--steps must be in [1, {MAX_STEPS}], got {args.steps}")
    if not 1 <= args.variations <= MAX_VARIATIONS:
        raise CliError(f"--variations must be in [1, {MAX_VARIATIONS}], got {args.variations}")


def _numbered(path: Path, i: int) -> Path:
    name = path.name
    for ext in (".motion.json", ".mp4", ".gif", ".bvh"):
        if name.endswith(ext):
            return path.with_name(f"{name[:-len(ext)]}_{i}{ext}")
    return path.with_name(f"{name}_{i}")


def run(args: argparse.Namespace) -> int:
    from ..generate import Generator
    from ..physics import PhysicsConfig
    from ..planner import PlanError

    _check_flags(args)
    if args.guidance is not None and not 0 < args.guidance <= 20:
        raise CliError(f"--guidance must be in (0, 20], got {args.guidance:g}")
    if args.seconds is not None and not (0 < args.seconds <= MAX_CLIP_SECONDS):
        raise CliError(f"--seconds must be in (0, {MAX_CLIP_SECONDS:g}], got {args.seconds:g}")
    jobs, errors = _jobs(args)
    for prompt, seconds, out, where in list(jobs):
        why = _plan_problem(prompt, seconds)
        if why and not where:
            raise CliError(why)
        if why:
            errors.append(f"{where}: {why}")
            jobs.remove((prompt, seconds, out, where))
    for line in errors:
        print(f"stickgen: error: {line}", file=sys.stderr)
    if not jobs:
        raise CliError(f"{args.batch}: no line can be generated")
    try:
        extra = {} if args.guidance is None else {"guidance": args.guidance}
        gen = Generator(args.model, steps=args.steps, **extra).load()
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from None
    physics = PhysicsConfig(smooth=False, bone_lengths=False, ground=False, foot_lock=False) \
        if args.no_physics else PhysicsConfig()
    failed = len(errors)
    for prompt, seconds, out, where in jobs:
        try:
            _generate_one(gen, args, prompt, seconds, out, physics)
        except (CliError, PlanError, ValueError, ArithmeticError, OSError) as exc:
            # one bad prompt (even a planner overflow) must not cost the lines after it
            if not where:
                raise CliError(str(exc)) from None
            failed += 1
            print(f"stickgen: error: {where}: {exc}", file=sys.stderr)
    if failed:
        print(f"stickgen: error: {failed} of {len(errors) + len(jobs)} batch lines failed; "
              "the others were written", file=sys.stderr)
        return 1
    return 0


def _generate_one(gen, args, prompt: str, seconds: float | None, out: Path, physics) -> None:
    from ..formats.motion_json import Actor, MotionFile

    for i in range(args.variations):
        seed = args.seed + i
        result = gen.generate(prompt, seconds, seed, physics=physics)
        for w in result.warnings:
            print(f"stickgen: warning: {w}", file=sys.stderr)
        doc = MotionFile([Actor("A", result.motion)], prompt=prompt, seed=seed)
        target = _numbered(out, i) if args.variations > 1 else out
        write_output(doc, target, args)
        m = result.motion
        plan = ", ".join(f"{s.action} {s.duration:.1f}s" for s in result.plan.segments)
        print(f"wrote {target}: {m.num_frames} frames ({m.duration:.1f} s) seed {seed} "
              f"[{plan}] in {result.timings['total'] * 1000:.0f} ms")
