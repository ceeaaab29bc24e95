"""Generation requests from the GUI: prompt -> motion, variations, regenerate a selection and
in-betweening through pose keys. Each runs on the model service's thread (newest request wins
per kind); finished results become undoable edits of the document. No widgets here: views
call these methods and listen to the signals.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, fields

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.defaults import MAX_CLIP_SECONDS
from engine.generate import FPS, Generator
from engine.motion import Motion
from engine.planner import Plan, PlanSegment
from engine.project import Generation, TimedSegment

from ..document import edits, scene
from .model_service import ModelService

CACHE_SIZE = 32


@dataclass
class Variation:
    seed: int
    motion: Motion
    segments: list[TimedSegment]
    warnings: list[str]


class GenerationController(QObject):
    busy_changed = Signal(bool)           # any generation-type job live
    progress = Signal(float, str)
    error = Signal(str)
    warning = Signal(str)
    info = Signal(str)
    generated = Signal(int)               # actor index that got a new motion
    variations_ready = Signal(list)       # [Variation]

    KINDS = ("generate", "variations", "regenerate", "pose")

    def __init__(self, doc, service: ModelService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc, self.service = doc, service
        # request -> (motion, segments, plan warnings)
        self._cache: OrderedDict[tuple, tuple[Motion, list[TimedSegment], list[str]]] = OrderedDict()
        self._followed_with: dict[int, float] = {}   # id(actor motion) -> key blend, seconds
        self.variations: list[Variation] = []
        self._variation_request: Generation | None = None
        self._variation_target: int | None = None
        service.busy_changed.connect(self._busy)

    def _busy(self, channel: str, _on: bool) -> None:
        if channel in self.KINDS:
            self.busy_changed.emit(self.busy)

    @property
    def busy(self) -> bool:
        return any(self.service.busy(k) for k in self.KINDS)

    def cancel(self) -> None:
        for k in self.KINDS:
            self.service.cancel(k)
        self.info.emit("Cancelled")

    # -- checks -------------------------------------------------------------------------------
    def _check(self, prompt: str, seconds: float | None) -> str | None:
        if not self.service.available:
            return self.service.message
        if not prompt.strip():
            return "Type what should happen first, e.g. “a man walks forward, then waves”."
        if seconds is not None and not 0 < seconds <= MAX_CLIP_SECONDS:
            return f"The duration must be between 0 and {MAX_CLIP_SECONDS:g} seconds."
        return None

    def _start(self, channel: str, fn, *args, on_done, **kwargs) -> bool:
        try:
            self.service.run(channel, fn, *args, on_done=on_done, on_failed=self._failed,
                             on_progress=self.progress.emit, **kwargs)
        except RuntimeError as exc:
            self.error.emit(str(exc))
            return False
        return True

    def _failed(self, message: str) -> None:
        self.error.emit(f"Generation failed: {message}")

    # -- prompt -> motion ---------------------------------------------------------------------
    def generate(self, prompt: str, seconds: float | None, seed: int,
                 target: int | None) -> bool:
        """Generate and, when done, replace actor ``target`` (None: add a new actor)."""
        problem = self._check(prompt, seconds)
        if problem:
            self.error.emit(problem)
            return False
        req = Generation(prompt, int(seed), float(seconds or 0.0), self.service.model_ref or "")
        key = (prompt, req.seed, req.seconds, req.model)
        poses = self._pose_keys(target)
        if poses:   # the new take still passes through the actor's pose keys
            return self._generate_through(prompt, seconds, req, target, poses)
        if key in self._cache:  # the same request gives the same motion: no need to wait
            self.service.cancel("generate")  # ... and an older request still running loses
            motion, segs, warnings = self._cache[key]
            self._apply(motion, segs, req, target, warnings)
            return True

        def done(result) -> None:
            segs = edits.segments_from_plan(result.plan, result.motion.fps)
            self._remember(key, result.motion, segs, result.warnings)
            self._apply(result.motion, segs, req, target, result.warnings)

        return self._start("generate", Generator.generate, prompt, seconds, req.seed,
                           on_done=done)

    def _pose_keys(self, target: int | None) -> list:
        actors = self.doc.project.actors
        return list(actors[target].pose_keys) if target is not None and \
            0 <= target < len(actors) else []

    def _generate_through(self, prompt: str, seconds: float | None, req: Generation,
                          target: int, poses: list) -> bool:
        """A take from the prompt that passes through actor ``target``'s pose keys (those the
        new clip is long enough for), easing in and out over the project's key blend."""
        def done(result) -> None:
            segs = edits.segments_from_plan(result.plan, result.motion.fps)
            kept = [k for k in poses if k.frame < result.motion.num_frames]
            self._apply(result.motion, segs, req, target, result.warnings, kept)

        return self._start("generate", _through_pose_keys, prompt, seconds, req.seed, poses,
                           scene.key_blend_s(self.doc.project), on_done=done)

    def _remember(self, key: tuple, motion: Motion, segs: list[TimedSegment],
                  warnings: list[str]) -> None:
        self._cache[key] = (motion, segs, list(warnings))
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _apply(self, motion: Motion, segs: list[TimedSegment], req: Generation, target: int | None,
               warnings: list[str], pose_keys: list | None = None) -> None:
        dropped = edits.keys_dropped_by_replacing(self.doc, target, pose_keys or [])
        index = edits.apply_generation(self.doc, motion, req, segs, target, pose_keys)
        self.doc.selection.set_actor(index)
        self.generated.emit(index)
        took = f"{motion.num_frames} frames ({motion.duration:.1f} s)"
        self.info.emit("; ".join(["Generated " + took] + warnings))
        # What the planner could not follow, and what the take replaced, go where the user
        # looks (the status line alone was easy to miss).
        notes = [w[:1].upper() + w[1:] for w in warnings]
        if dropped:
            name = self.doc.project.actors[index].name
            notes.append(f"The new take replaced {name}'s motion and its {dropped}; "
                         "Undo (Ctrl+Z) brings them back")
        if notes:
            self.warning.emit(". ".join(notes) + ".")

    def restore(self, entry: Generation, target: int | None) -> bool:
        """Go back to a history entry: the same request gives the same motion."""
        if entry.model and entry.model != self.service.model_ref:
            self.info.emit(f"This take was made with model {entry.model}; "
                           f"regenerating it with {self.service.model_ref}")
        return self.generate(entry.prompt, entry.seconds or None, entry.seed, target)

    # -- variations ---------------------------------------------------------------------------
    def make_variations(self, prompt: str, seconds: float | None, seed: int, count: int,
                        target: int | None) -> bool:
        problem = self._check(prompt, seconds)
        if problem:
            self.error.emit(problem)
            return False
        seeds = [int(seed) + i for i in range(count)]
        req = Generation(prompt, int(seed), float(seconds or 0.0), self.service.model_ref or "")

        def done(results) -> None:
            self.variations = [Variation(r.seed, r.motion,
                                         edits.segments_from_plan(r.plan, r.motion.fps),
                                         r.warnings) for r in results]
            self._variation_request, self._variation_target = req, target
            for v in self.variations:
                self._remember((prompt, v.seed, req.seconds, req.model), v.motion, v.segments,
                               v.warnings)
            self.variations_ready.emit(self.variations)
            self.info.emit(f"{len(results)} variations ready: pick one")

        return self._start("variations", Generator.variations, prompt, seeds, seconds,
                           on_done=done)

    def pick_variation(self, i: int) -> None:
        """Use variation ``i`` (one undo step, like a generation)."""
        if not 0 <= i < len(self.variations) or self._variation_request is None:
            return
        v = self.variations[i]
        base = self._variation_request
        req = Generation(base.prompt, v.seed, base.seconds, base.model)
        target = self._variation_target
        if target is not None and target >= len(self.doc.project.actors):
            target = None
        self._apply(v.motion, v.segments, req, target, v.warnings)
        self._variation_target = self.doc.selection.actor  # later picks replace this actor

    # -- regenerate a frame range -------------------------------------------------------------
    def regenerate(self, index: int, start: int, stop: int, prompt: str, seed: int) -> bool:
        if not 0 <= index < len(self.doc.project.actors):
            self.error.emit("Select an actor first.")
            return False
        problem = self._check(prompt, None)
        if problem:
            self.error.emit(problem)
            return False
        actor = self.doc.project.actors[index]
        motion = actor.motion
        stop = min(stop, motion.num_frames)
        if stop - start < 2:
            self.error.emit("Select at least two frames on the timeline to regenerate.")
            return False
        req = Generation(prompt, int(seed), (stop - start) / motion.fps,
                         self.service.model_ref or "")

        def done(result) -> None:
            if index >= len(self.doc.project.actors) or \
                    self.doc.project.actors[index].motion is not motion:
                return  # the actor changed meanwhile: this result is stale
            edits.regenerated(self.doc, index, result.motion, result.plan, start, stop, req)
            self.generated.emit(index)
            self.info.emit(f"Regenerated frames {start}–{stop - 1}")

        return self._start("regenerate", Generator.regenerate, motion, start, stop, prompt,
                           req.seed, on_done=done)

    # -- a segment in another style ------------------------------------------------------------
    def restyle(self, index: int, segment: int, style: str | None, seed: int) -> bool:
        """Remake the frames of actor ``index``'s planned segment ``segment`` in ``style``
        (None: neutral); the rest of the motion stays."""
        actors = self.doc.project.actors
        if not 0 <= index < len(actors) or not 0 <= segment < len(actors[index].segments):
            self.error.emit("Select an action on the timeline first.")
            return False
        actor = actors[index]
        seg = actor.segments[segment]
        motion = actor.motion
        start, stop = max(0, seg.start), min(seg.stop, motion.num_frames)
        if stop - start < 2:
            self.error.emit("That action is too short to restyle.")
            return False
        part = PlanSegment(**{f.name: getattr(seg, f.name) for f in fields(PlanSegment)})
        part.style, part.duration = style, (stop - start) / motion.fps
        plan = Plan(seg.text, [part])
        req = Generation(actor.prompt or seg.text, int(seed), (stop - start) / motion.fps,
                         self.service.model_ref or "")
        name = f"{seg.action.replace('_', ' ')} {style or 'neutral'}"

        def done(result) -> None:
            if index >= len(self.doc.project.actors) or \
                    self.doc.project.actors[index].motion is not motion:
                return  # the actor changed meanwhile: this result is stale
            edits.regenerated(self.doc, index, result.motion, result.plan, start, stop, req,
                              text=f"Style: {name}")
            self.generated.emit(index)
            self.info.emit(f"Frames {start}–{stop - 1} now {name}")

        return self._start("regenerate", Generator.regenerate, motion, start, stop, seg.text,
                           req.seed, plan=plan, on_done=done)

    # -- in-betweening through pose keys ------------------------------------------------------
    def follow_pose_keys(self, index: int, merge_key: str | None = None) -> bool:
        """Re-generate actor ``index`` through its pose keys; the result joins ``merge_key``'s
        undo step when nothing else happened in between."""
        actor = self.doc.project.actors[index]
        if not actor.pose_keys:
            return False
        if not self.service.available:
            self.info.emit("Pose key kept. " + self.service.message)
            return False
        motion, keys = actor.motion, list(actor.pose_keys)
        keyposes = {k.frame: np.asarray(k.positions, np.float32) for k in keys}
        blend = scene.key_blend_s(self.doc.project)
        # A motion followed with a longer blend is remade as far as that one reached, so a
        # shorter blend takes the old bend away instead of leaving it beyond its own reach.
        remake = self._followed_with.get(id(motion), 0.0)

        def done(result) -> None:
            a = self.doc.project.actors[index] if index < len(self.doc.project.actors) else None
            if a is None or a.motion is not motion or a.pose_keys != keys:
                return  # edited again meanwhile; the newer request will answer
            edits.follow_pose_keys(self.doc, index, result.motion, merge_key)
            self._followed_with[id(self.doc.project.actors[index].motion)] = blend
            while len(self._followed_with) > CACHE_SIZE:
                self._followed_with.pop(next(iter(self._followed_with)))
            self.info.emit("The motion now follows the pose keys")

        return self._start("pose", Generator.through_keyposes, motion, keyposes, actor.seed,
                           key_blend_s=blend, remake_s=remake, on_done=done)


def _through_pose_keys(gen: Generator, prompt: str, seconds: float | None, seed: int, poses,
                       key_blend_s: float, progress=None, cancel=None):
    """Generate from ``prompt`` through the pose keys ``poses`` that fall inside the planned
    clip (a shorter take cannot reach the others)."""
    plan = gen.plan(prompt, seconds)
    frames = plan.frame_bounds(FPS)[-1][1]
    keyposes = {k.frame: np.asarray(k.positions, np.float32) for k in poses if k.frame < frames}
    return gen.generate(prompt, seconds, seed, plan=plan, keyposes=keyposes,
                        key_blend_s=key_blend_s, progress=progress, cancel=cancel)
