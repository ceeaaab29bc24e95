"""The Generator facade: prompt -> planned, sampled, physics-corrected Motion.

One object per loaded model, used by the CLI and the app (which runs it off the GUI thread):
planner -> text encoder -> transformer sampler -> physics post-processing -> face tracks.
Every long call takes ``progress=`` and ``cancel=``.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .actions import default_expression
from .energy import liven
from .head_turn import head_yaw_for, shake_in_step
from .cpu import fit_threads
from .controls import hold_postures, plan_controls, posture_holds
from .motion import Motion
from .physics import PhysicsConfig, postprocess
from .planner import NearestAction, Plan, plan_prompt
from .planner.wording import model_text
from .defaults import (CHECKPOINT_GLOB, DEFAULT_GUIDANCE, DEFAULT_STEPS,  # noqa: F401
                       checkpoint_name, variant_of)
from .progress import check_cancel, report, sub_progress

FPS = 25.0
# Guidance (engine.defaults) applies to the first half of the steps, where the coarse motion is
# decided: guiding the detail steps adds foot skate.
GUIDED_SHARE = 0.5


def models_dir() -> Path:
    from resources import ROOT

    return ROOT / "models"


def resolve_model(model: str | os.PathLike) -> Path:
    """A variant name ("small") names the shipped checkpoint; anything else is a path."""
    text = str(model)
    candidate = models_dir() / checkpoint_name(text)
    if "/" not in text and not text.endswith(".pt") and candidate.exists():
        return candidate
    path = Path(text).expanduser()
    if path.exists():
        return path
    raise FileNotFoundError(f"no model {text!r}: not a file, and the shipped variants are "
                            f"{', '.join(shipped_variants()) or 'none'}")


def shipped_variants() -> list[str]:
    """Variant names of the checkpoints shipped in resources/models (may be empty)."""
    try:
        return sorted(variant_of(p) for p in models_dir().glob(CHECKPOINT_GLOB))
    except OSError:
        return []


@dataclass
class GenerationResult:
    motion: Motion                 # physics-corrected, 25 fps, with action/expression/speech tracks
    plan: Plan
    raw_positions: np.ndarray      # (T, J, 3) float32, straight from the sampler
    contacts: np.ndarray           # (T, 2) bool planted feet after physics
    seed: int
    timings: dict[str, float] = field(default_factory=dict)
    threads: int = 0               # torch threads the sampler ran on (engine.cpu.fit_threads)

    @property
    def warnings(self) -> list[str]:
        return self.plan.warnings


class Generator:
    """Loads a checkpoint and its text encoder once; generates many motions."""

    def __init__(self, model: str | os.PathLike = "small", encoder: str | None = None,
                 steps: int | None = None, guidance: float | None = None,
                 precision: str = "auto") -> None:
        """``steps`` and ``guidance`` default to the checkpoint's own sampler settings (a
        distilled model samples in few steps with its guidance built in), else to
        engine.defaults. ``precision``: "fp32", "bf16", or "auto" (bfloat16 where the CPU
        computes it natively: about a third faster, motions within a few millimetres)."""
        if guidance is not None and not guidance > 0:
            raise ValueError(f"guidance must be positive, got {guidance:g}")
        if precision not in ("auto", "fp32", "bf16"):
            raise ValueError(f"precision must be auto, fp32 or bf16, not {precision!r}")
        self.precision = precision
        self.bf16 = False
        self.model_ref = str(model)
        self.encoder_name = encoder
        self._asked = (steps, guidance)
        self.times: list[int] | None = None
        self.steps = steps or DEFAULT_STEPS
        self.guidance = float(guidance or DEFAULT_GUIDANCE)
        self.model = None
        self.meta = None
        self.encoder = None
        self._nearest: NearestAction | None = None

    @property
    def loaded(self) -> bool:
        return self.model is not None

    def load(self, progress=None) -> "Generator":
        """Load model and encoder (slow the first time: the encoder import takes seconds)."""
        if self.model is not None:
            return self
        from .model.checkpoint import check_encoder, load_model
        from .text import get_encoder

        report(progress, 0.05, "loading model")
        model, meta = load_model(resolve_model(self.model_ref))
        report(progress, 0.3, "loading text encoder")
        encoder = get_encoder(self.encoder_name or meta.encoder)
        check_encoder(meta, encoder.name, encoder.dim)
        self.model, self.meta, self.encoder = model, meta, encoder
        own = meta.extra.get("sampler") if isinstance(meta.extra.get("sampler"), dict) else {}
        steps, guidance = self._asked
        self.steps = int(steps or own.get("steps") or DEFAULT_STEPS)
        # a distilled model's own sampling times, unless other steps are asked for
        self.times = list(own["times"]) if own.get("times") and not steps else None
        self.guidance = float(guidance or own.get("guidance") or DEFAULT_GUIDANCE)
        if self.precision == "auto":
            from .cpu import native_bf16

            self.bf16 = native_bf16()
        else:
            self.bf16 = self.precision == "bf16"
        report(progress, 1.0, "model ready")
        return self

    def guide(self, steps: int) -> dict:
        """The sampler's guidance and precision arguments for ``steps`` denoising steps."""
        return {"guidance": self.guidance, "bf16": self.bf16,
                "guided_steps": max(1, int(np.ceil(steps * GUIDED_SHARE))),
                "times": self.times if steps == self.steps else None}

    def nearest(self) -> NearestAction:
        """The planner's meaning match, built on first use (it loads the shipped bank
        embeddings, or encodes the bank for another encoder)."""
        if self._nearest is None:
            self._nearest = NearestAction(self.encoder)
        return self._nearest

    def plan(self, prompt: str, seconds: float | None = None) -> Plan:
        self.load()
        return plan_prompt(prompt, seconds, nearest=self.nearest())

    def generate(self, prompt: str, seconds: float | None = None, seed: int = 0,
                 physics: PhysicsConfig = PhysicsConfig(), steps: int | None = None,
                 plan: Plan | None = None, progress=None, cancel=None,
                 keyposes: dict[int, np.ndarray] | None = None,
                 key_blend_s: float | None = None) -> GenerationResult:
        """Generate one motion. Same prompt, seconds, seed and model -> the same motion.
        ``keyposes`` ({frame: (J, 3)}) are met on their frames and eased into and out of over
        ``key_blend_s`` seconds (None: keyblend.DEFAULT_BLEND_S); keys past the motion's end
        are a ValueError."""
        t0 = time.perf_counter()
        self.load(sub_progress(progress, 0.0, 0.1))
        threads = fit_threads()
        plan = plan or self.plan(prompt, seconds)
        t_plan = time.perf_counter()
        cond, bounds = self._conditioning(plan)
        check_cancel(cancel)
        keys = (keyposes or None, _key_blend_frames(key_blend_s))
        controls = plan_controls(plan, bounds, cond.n_frames, self.model.cfg.num_joints, FPS)
        holds = posture_holds(plan, bounds)
        gen = self._sample(cond, seed, steps, sub_progress(progress, 0.1, 0.9 if not holds
                                                          else 0.5), cancel, *keys,
                           channels=controls)
        if holds:   # a second pass keeps the posture the first one reached
            controls = hold_postures(controls, gen.features, holds, self.model.cfg.num_joints)
            gen = self._sample(cond, seed, steps, sub_progress(progress, 0.5, 0.9), cancel,
                               *keys, channels=controls)
        t_sample = time.perf_counter()
        spans = [(a, b, s.action) for (a, b), s in zip(bounds, plan.segments)]
        held = controls[1][:, 0] if controls is not None else None
        planted = (controls[0][:, -2:], controls[1][:, -2:]) if controls is not None else None
        result = self._finish(plan, liven(gen.positions, spans, FPS), bounds, seed, physics,
                              keys=keys, held=held, planted=planted)
        result.timings = {"plan": t_plan - t0, "sample": t_sample - t_plan,
                          "physics": time.perf_counter() - t_sample,
                          "total": time.perf_counter() - t0}
        result.threads = threads
        report(progress, 1.0, "done")
        return result

    def variations(self, prompt: str, seeds: list[int], seconds: float | None = None,
                   progress=None, cancel=None) -> list[GenerationResult]:
        plan = self.plan(prompt, seconds)
        out = []
        for i, seed in enumerate(seeds):
            out.append(self.generate(prompt, seconds, seed, plan=plan, cancel=cancel,
                                     progress=sub_progress(progress, i / len(seeds),
                                                           (i + 1) / len(seeds))))
        return out

    def regenerate(self, motion: Motion, start: int, stop: int, prompt: str, seed: int = 0,
                   physics: PhysicsConfig = PhysicsConfig(), progress=None,
                   cancel=None, plan: Plan | None = None) -> GenerationResult:
        """Remake frames [start, stop) of ``motion`` from ``prompt`` (or from ``plan``, whose
        segments must last stop - start frames: a segment given another style); other frames
        stay."""
        from .model.sampler import regenerate

        self.load()
        threads = fit_threads()
        T = motion.num_frames
        if not 0 <= start < stop <= T:
            raise ValueError(f"frame range [{start}, {stop}) is not inside [0, {T})")
        if plan is None:
            plan = self.plan(prompt, (stop - start) / FPS)
        elif plan.frame_bounds(FPS)[-1][1] != stop - start:
            raise ValueError(f"the plan lasts {plan.duration:.2f} s, not the {stop - start} "
                             f"frames to regenerate")
        cond, bounds = self._conditioning(plan, offset=start, total=T, base=motion)
        gen = regenerate(self.model, cond, motion.positions, start, stop, seed, self.steps,
                         progress=progress, cancel=cancel,
                         **self.guide(self.steps))
        keep = np.ones(T, bool)
        keep[start:stop] = False
        result = self._finish(plan, gen.positions, bounds, seed, physics, base=motion, keep=keep)
        result.threads = threads
        return result

    def through_keyposes(self, motion: Motion, keyposes: dict[int, np.ndarray], seed: int = 0,
                         physics: PhysicsConfig = PhysicsConfig(), progress=None,
                         cancel=None, key_blend_s: float | None = None,
                         remake_s: float = 0.0) -> GenerationResult:
        """Re-generate ``motion`` so that it passes through the given poses ({frame: (J, 3)}),
        easing into and out of each over ``key_blend_s`` seconds. Only the keys' reach (and a
        few frames more, where the remade motion joins the old) is remade: a key shapes the
        motion around it and leaves the rest of the take as it was. ``remake_s`` remakes at
        least that far around each key, e.g. the reach of an earlier, longer blend whose bend
        should go."""
        from .model.keyblend import join_seams, regenerated_frames
        from .model.sampler import sample

        self.load()
        threads = fit_threads()
        plan = _plan_from_motion(motion)
        cond, bounds = self._conditioning(plan, total=motion.num_frames, base=motion)
        width = _key_blend_frames(key_blend_s)
        margin = max(3, width // 2)
        reach = max(width, _key_blend_frames(max(0.0, remake_s)))
        remade = regenerated_frames(list(keyposes), motion.num_frames, reach, margin)
        gen = sample(self.model, cond, seed, self.steps, known=motion.positions, mask=~remade,
                     keyposes=keyposes, **self.guide(self.steps), key_blend=width,
                     progress=progress, cancel=cancel)
        result = self._finish(plan, gen.positions, bounds, seed, physics, base=motion,
                              keep=~remade, keys=(keyposes, width))
        result.motion.positions = join_seams(result.motion.positions, motion.positions, remade,
                                             margin)
        # Keys pin joints only: the head keeps turning as it did.
        result.motion.head_yaw = motion.head_yaw.copy()
        result.threads = threads
        return result

    # -- internals ------------------------------------------------------------------------
    def _conditioning(self, plan: Plan, offset: int = 0, total: int | None = None,
                      base: Motion | None = None):
        from .model.sampler import Conditioning

        bounds = [(a + offset, b + offset) for a, b in plan.frame_bounds(FPS)]
        n = total if total is not None else bounds[-1][1]
        segs = [(a, b, s.action, model_text(s.action, s.text, s.style))
                for (a, b), s in zip(bounds, plan.segments)]
        if base is not None and (offset > 0 or (total or 0) > bounds[-1][1]):
            # frames outside the plan keep the base motion's own labels as context
            for a, b, action in _runs(base.actions):
                if b <= offset or a >= bounds[-1][1]:
                    segs.append((a, b, action, action.replace("_", " ")))
        return Conditioning.from_segments(self.encoder, plan.prompt, segs, n), bounds

    def _sample(self, cond, seed, steps, progress, cancel, keyposes=None, key_blend=0,
                channels=None):
        from .model.sampler import sample

        steps = steps or self.steps
        return sample(self.model, cond, seed, steps, **self.guide(steps),
                      progress=progress, cancel=cancel,
                      keyposes=keyposes, key_blend=key_blend, channels=channels)

    def _finish(self, plan: Plan, positions: np.ndarray, bounds, seed: int,
                physics: PhysicsConfig, base: Motion | None = None,
                keep: np.ndarray | None = None, keys=(None, 0),
                held: np.ndarray | None = None, planted=None) -> GenerationResult:
        raw = np.asarray(positions, np.float32)
        fixed, contacts = postprocess(raw, FPS, physics, held_height=held, planted=planted)
        if keys[0]:
            from .model.keyblend import honour_keys

            # Smoothing, settling and foot locking move a key a little: ease it back in.
            fixed = honour_keys(fixed, keys[0], keys[1])
        if keep is not None:
            fixed[keep] = base.positions[keep]
        T = len(fixed)
        actions = list(base.actions) if base is not None else ["idle"] * T
        expressions = list(base.expressions) if base is not None else ["neutral"] * T
        speech = list(base.speech) if base is not None else [None] * T
        yaw = base.head_yaw.copy() if base is not None else np.zeros(T, np.float32)
        for (a, b), s in zip(bounds, plan.segments):
            a, b = max(0, a), min(T, b)
            actions[a:b] = [s.action] * (b - a)
            expressions[a:b] = [s.expression or default_expression(s.action)] * (b - a)
            speech[a:b] = [s.speech] * (b - a)
            yaw[a:b] = (shake_in_step(fixed[a:b], FPS, s.repeats, s.speed)
                        if s.action == "shake_head" else
                        head_yaw_for(s.action, b - a, FPS, s.repeats, s.speed))
        if keep is not None:
            yaw[keep] = base.head_yaw[keep]
        motion = Motion(fixed, FPS, actions, expressions, speech, head_yaw=yaw)
        return GenerationResult(motion, plan, raw, contacts, seed)


def _runs(labels: list[str]) -> list[tuple[int, int, str]]:
    out, a = [], 0
    for t in range(1, len(labels) + 1):
        if t == len(labels) or labels[t] != labels[a]:
            out.append((a, t, labels[a]))
            a = t
    return out


def _plan_from_motion(motion: Motion) -> Plan:
    from .planner import PlanSegment

    segs = [PlanSegment(action, action.replace("_", " "), (b - a) / FPS)
            for a, b, action in _runs(motion.actions)]
    return Plan(" then ".join(s.text for s in segs), segs)


def _key_blend_frames(seconds: float | None) -> int:
    from .model.keyblend import DEFAULT_BLEND_S, blend_frames

    return blend_frames(DEFAULT_BLEND_S if seconds is None else seconds, FPS)
