"""The edits a user makes, as functions that build and push undo commands.

Views call these instead of assembling commands themselves, so every way of making an edit (a
button, a shortcut, a drag, a test) goes through the same code and lands on the undo stack.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

import numpy as np

from engine.camera import CameraKey, make_move
from engine.face import ExpressionKey
from engine.motion import Motion
from engine.project import ACTOR_COLORS, Actor, Generation, PoseKey, SpeechRange, TimedSegment

from . import scene
from .commands import EditActor, RemoveActor, ReplaceActor, SetCamera, SetField, SetSettings

NEW_ACTOR_SPACING = 1.1   # metres between actors placed side by side


def _actor_name(taken: Iterable[str]) -> str:
    taken = set(taken)
    for i in range(26 * 27):
        name = chr(65 + i % 26) + (str(i // 26) if i >= 26 else "")
        if name not in taken:
            return name
    return f"Actor {len(taken) + 1}"


def segments_from_plan(plan, fps: float, offset: int = 0) -> list[TimedSegment]:
    """The planner's segments placed on their frames, for the timeline."""
    return [TimedSegment.placed(s, a + offset, b + offset)
            for (a, b), s in zip(plan.frame_bounds(fps), plan.segments)]


def place_beside(motion: Motion, index: int) -> Motion:
    """A copy of ``motion`` moved sideways so actor ``index`` stands next to the others."""
    if index == 0:
        return motion
    side = (index + 1) // 2 * (1 if index % 2 else -1)   # 1, -1, 2, -2, ...
    m = motion.copy()
    m.positions[..., 0] += side * NEW_ACTOR_SPACING
    return m


def apply_generation(doc, motion: Motion, request: Generation, segments: list[TimedSegment],
                     target: int | None, pose_keys: list[PoseKey] | None = None) -> int:
    """One undo step: the generated ``motion`` replaces actor ``target`` (keeping its name and
    colour, dropping its keys but ``pose_keys``, the ones the take passes through) or becomes a
    new actor (target None); the request joins the history. Returns the actor's index."""
    actors = doc.project.actors
    if target is None or not 0 <= target < len(actors):
        index = len(actors)
        actor = Actor(_actor_name(a.name for a in actors), place_beside(motion, index),
                      ACTOR_COLORS[index % len(ACTOR_COLORS)], request.prompt, request.seed,
                      segments)
        text = f"Generate {actor.name}"
    else:
        index, old = target, actors[target]
        # The actor keeps its place in the row, so a take made again lands exactly as before;
        # a take through pose keys already stands where they are.
        placed = motion if pose_keys else place_beside(motion, index)
        actor = Actor(old.name, placed, old.color, request.prompt, request.seed, segments,
                      pose_keys=list(pose_keys or []), visible=old.visible)
        text = f"Generate {old.name}"
    with doc.macro(text):
        doc.push(ReplaceActor(doc, text, actor, None if index == len(actors) else index))
        doc.push(SetField(doc, text, "history", doc.project.history + [request]))
    return index


def keys_dropped_by_replacing(doc, target: int | None, kept: list[PoseKey] = ()) -> str:
    """What a generation replacing actor ``target`` throws away, in words ("" if nothing):
    e.g. "2 expression keys, 1 speech range"; pose keys in ``kept`` stay with the new take."""
    if target is None or not 0 <= target < len(doc.project.actors):
        return ""
    actor = doc.project.actors[target]
    counts = ((len(actor.expression_keys), "expression key"), (len(actor.speech), "speech range"),
              (len([k for k in actor.pose_keys if k not in kept]), "pose key"))
    return ", ".join(f"{n} {what}{'s' if n > 1 else ''}" for n, what in counts if n)


def regenerated(doc, index: int, motion: Motion, plan, start: int, stop: int,
                request: Generation, text: str | None = None) -> None:
    """Frames [start, stop) of actor ``index`` were remade from a new prompt (or a segment in
    another style): one undo step, named ``text`` when given."""
    actor = doc.project.actors[index]
    kept = [s for s in actor.segments if s.stop <= start or s.start >= stop]
    for s in actor.segments:  # segments cut by the range keep their outside parts
        if s.start < start < s.stop:
            kept.append(replace(s, stop=start))
        if s.start < stop < s.stop:
            kept.append(replace(s, start=stop))
    segs = sorted(kept + segments_from_plan(plan, motion.fps, start), key=lambda s: s.start)
    doc.push(EditActor(doc, text or f"Regenerate frames {start}–{stop - 1}", index,
                       {"motion": motion, "segments": segs}))


def remove_actor(doc, index: int) -> None:
    doc.push(RemoveActor(doc, index))
    n = len(doc.project.actors)
    doc.selection.set_actor(min(doc.selection.actor, max(0, n - 1)))


def set_actor_field(doc, index: int, field: str, value: Any) -> None:
    doc.push(SetField(doc, f"Change {field}", field, value, actor=index))


def set_style(doc, name: str) -> None:
    """The scene's look (engine.style name)."""
    doc.push(SetSettings(doc, f"Look: {name}", dict(doc.project.settings, style=name)))


# -- expressions and speech --------------------------------------------------------------

def set_expression(doc, index: int, frame: int, expression: str, stop: int | None = None) -> None:
    """``expression`` from ``frame`` on (until the next key), or only over [frame, stop)."""
    actor = doc.project.actors[index]
    T = actor.motion.num_frames
    frame = int(min(max(0, frame), T - 1))
    end = T if stop is None else int(min(stop, T))
    keys = [k for k in actor.expression_keys if not frame <= k.frame < max(end, frame + 1)]
    if stop is not None and end < T:
        # End the range with whatever was showing there before.
        after = scene.expression_labels(actor.motion, actor.expression_keys)[end]
        if not any(k.frame == end for k in keys):
            keys.append(ExpressionKey(end, after))
    keys.append(ExpressionKey(frame, expression))
    keys.sort(key=lambda k: k.frame)
    what = f"frames {frame}–{end - 1}" if stop is not None else f"frame {frame}"
    doc.push(SetField(doc, f"Expression {expression} at {what}", "expression_keys", keys,
                      actor=index))


def set_speech(doc, index: int, start: int, stop: int, style: str) -> None:
    """``style`` (talk, shout, whisper, sing or silent) over frames [start, stop)."""
    actor = doc.project.actors[index]
    start, stop = max(0, int(start)), min(actor.motion.num_frames, int(stop))
    if stop <= start:
        raise ValueError("choose a frame range for the speech first")
    ranges = []
    for r in actor.speech:  # ranges under the new one are cut back, not dropped whole
        if r.stop <= start or r.start >= stop:
            ranges.append(r)
            continue
        if r.start < start:
            ranges.append(SpeechRange(r.start, start, r.style))
        if r.stop > stop:
            ranges.append(SpeechRange(stop, r.stop, r.style))
    ranges.append(SpeechRange(start, stop, style))
    ranges.sort(key=lambda r: r.start)
    doc.push(SetField(doc, f"Speech {style} at frames {start}–{stop - 1}", "speech", ranges,
                      actor=index))


# -- keys on the timeline ----------------------------------------------------------------

def key_lists(doc, index: int | None) -> dict[str, list]:
    """The editable key list of each track (actor-level tracks are empty without an actor)."""
    actor = doc.project.actors[index] if index is not None and 0 <= index < len(
        doc.project.actors) else None
    return {"expression": list(actor.expression_keys) if actor else [],
            "speech": list(actor.speech) if actor else [],
            "pose": list(actor.pose_keys) if actor else [],
            "camera": list(doc.project.camera)}


def key_frame(track: str, key) -> int:
    if track == "camera":
        return int(round(key.frame))
    return int(key.start if track == "speech" else key.frame)


def _moved(track: str, key, delta: int, last: int):
    if track == "camera":
        return replace(key, frame=float(min(max(0, key.frame + delta), last)))
    if track == "speech":
        d = min(max(delta, -key.start), last + 1 - key.stop)
        return SpeechRange(key.start + d, key.stop + d, key.style)
    return replace(key, frame=int(min(max(0, key.frame + delta), last)))


_FIELDS = {"expression": "expression_keys", "speech": "speech", "pose": "pose_keys",
           "camera": "camera"}


def move_keys(doc, index: int | None, track: str, original: list, moving: list[int],
              delta: int, merge_key: str) -> None:
    """Move keys ``moving`` of ``track`` by ``delta`` frames from where they were when the drag
    began (``original``, the track's list then). Every step of one drag shares ``merge_key``,
    so the whole drag is one undo step."""
    last = max(0, doc.project.num_frames - 1)
    keys = list(original)
    for i in moving:
        keys[i] = _moved(track, original[i], delta, last)
    field = _FIELDS[track]
    actor = None if track == "camera" else index
    doc.push(SetField(doc, f"Move {track} key{'s' if len(moving) > 1 else ''}", field, keys,
                      actor=actor, merge_key=merge_key))


def delete_keys(doc, index: int | None, refs: Iterable[tuple[str, int]]) -> int:
    """Delete the referenced keys (all tracks at once, one undo step); returns how many."""
    by_track: dict[str, set[int]] = {}
    for track, i in refs:
        if track in _FIELDS:
            by_track.setdefault(track, set()).add(i)
    if not by_track:
        return 0
    lists = key_lists(doc, index)
    count = sum(len(v) for v in by_track.values())
    with doc.macro(f"Delete {count} key{'s' if count > 1 else ''}"):
        for track, gone in by_track.items():
            keys = [k for i, k in enumerate(lists[track]) if i not in gone]
            doc.push(SetField(doc, "Delete keys", _FIELDS[track], keys,
                              actor=None if track == "camera" else index))
    doc.selection.clear_keys()
    return count


# -- camera ------------------------------------------------------------------------------

def add_camera_key(doc, key: CameraKey) -> int:
    """Add ``key`` (replacing a key on the same frame); returns its index in the new list."""
    keys = [k for k in doc.project.camera if int(round(k.frame)) != int(round(key.frame))]
    doc.push(SetCamera(doc, f"Camera key at frame {int(key.frame)}", keys + [key]))
    return doc.project.camera.index(key)


def camera_key_from_state(frame: int, state, easing: str = "ease_in_out") -> CameraKey:
    return CameraKey(float(frame), tuple(float(x) for x in state.position),
                     tuple(float(x) for x in state.target), float(state.fov), float(state.roll),
                     easing, "custom")


def update_camera_key(doc, i: int, merge_key: str | None = None, **changes: Any) -> None:
    """Change fields of camera key ``i`` (validated through CameraKey)."""
    keys = list(doc.project.camera)
    keys[i] = CameraKey.from_dict(dict(keys[i].to_dict(), **changes))
    doc.push(SetCamera(doc, "Edit camera key", keys, merge_key=merge_key))


def set_camera_follow(doc, i: int, follow: int | None, position, target) -> None:
    """Camera key ``i`` follows actor ``follow`` (None: a fixed key), with its position and
    target given in the key's new frame of reference."""
    keys = list(doc.project.camera)
    keys[i] = replace(keys[i], follow=follow, position=tuple(round(float(x), 6) for x in position),
                      target=tuple(round(float(x), 6) for x in target))
    doc.push(SetCamera(doc, "Camera follow", keys))


def apply_camera_move(doc, move: str, start: int, stop: int, aspect: float,
                      amount: float = 1.0) -> None:
    """Replace the keys inside [start, stop) by the preset ``move`` over those frames."""
    new = make_move(move, doc.all_motions(), start, stop, aspect, amount)
    keep = [k for k in doc.project.camera if not start <= k.frame < stop]
    doc.push(SetCamera(doc, f"Camera {move}", keep + list(new)))


# -- poses -------------------------------------------------------------------------------

def set_pose_key(doc, index: int, frame: int, pose: np.ndarray, merge_key: str) -> None:
    """Pose ``pose`` ((J, 3) metres) at ``frame`` of actor ``index``; a drag shares merge_key."""
    actor = doc.project.actors[index]
    keys = [k for k in actor.pose_keys if k.frame != frame]
    keys.append(PoseKey(int(frame), np.asarray(pose, dtype=np.float64).round(6).tolist()))
    keys.sort(key=lambda k: k.frame)
    doc.push(EditActor(doc, f"Pose at frame {frame}", index, {"pose_keys": keys}, merge_key))


def set_key_blend(doc, seconds: float, merge_key: str | None = None) -> None:
    """How long the motion takes to ease into each pose key and out of it (a project
    setting; spin-box steps with one ``merge_key`` are one undo step)."""
    settings = dict(doc.project.settings, **{scene.KEY_BLEND: round(float(seconds), 3)})
    doc.push(SetField(doc, f"Key blend {seconds:.2f} s", "settings", settings,
                      merge_key=merge_key))


def follow_pose_keys(doc, index: int, motion: Motion, merge_key: str | None) -> None:
    """The model's in-betweened motion through the pose keys; with the drag's merge_key it
    joins that drag's undo step."""
    doc.push(EditActor(doc, "Follow pose keys", index, {"motion": motion}, merge_key))


def resize_speech(doc, index: int, original: list, i: int, edge: str, delta: int,
                  merge_key: str) -> None:
    """Drag one end (``edge`` "start" or "stop") of speech range ``i`` by ``delta`` frames."""
    r = original[i]
    last = doc.project.actors[index].motion.num_frames
    if edge == "start":
        r = SpeechRange(min(max(0, r.start + delta), r.stop - 1), r.stop, r.style)
    else:
        r = SpeechRange(r.start, max(min(last, r.stop + delta), r.start + 1), r.style)
    ranges = list(original)
    ranges[i] = r
    doc.push(SetField(doc, "Resize speech", "speech", ranges, actor=index, merge_key=merge_key))
