"""What the project looks like: each actor's motion with its user overrides baked in, the shot
camera track, the render style and the shot size. The viewport and the export both draw from
here, so what the editor shows is what an export writes. No Qt.

Overrides on top of a generated motion:
* expression keys (engine.face.ExpressionKey) override the motion's own per-frame labels, each
  until the next key (a key naming the motion's own expression hands back to it); changes
  blend over the face's usual 0.3 s;
* speech ranges replace the motion's speech over [start, stop) ("silent" clears it);
* pose keys are met on their frame and eased into and out of over the project's key blend
  (the motion around them bends toward the key at once; the model then in-betweens through them).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine.camera import CameraTrack
from engine.defaults import DEFAULT_KEY_BLEND_S, MAX_KEY_BLEND_S
from engine.motion import Motion
from engine.project import Actor, Project
from engine.style import Style, get_style, parse_color

SILENT = "silent"
KEY_BLEND = "key_blend_s"   # project setting: seconds a pose key eases in and out over
DEFAULT_SHOT = (1280, 720)


def expression_labels(motion: Motion, keys) -> list[str]:
    """Per-frame expression names: the motion's own track with the user's ``keys`` over it.

    A key overrides the motion's expression from its frame until the next key; a key that
    names the motion's own expression at its frame hands back to the motion, which is how a
    range ends (the motion's later changes show again).
    """
    out = list(motion.expressions)
    if not keys:
        return out
    T = motion.num_frames
    ks = sorted(keys, key=lambda k: k.frame)
    for i, k in enumerate(ks):
        a = max(0, k.frame)
        b = min(T, ks[i + 1].frame if i + 1 < len(ks) else T)
        if a < T and k.expression != motion.expressions[a]:
            out[a:b] = [k.expression] * max(0, b - a)
    return out


def speech_labels(motion: Motion, ranges) -> list[str | None]:
    out = list(motion.speech)
    for r in ranges:
        a, b = max(0, r.start), min(motion.num_frames, r.stop)
        out[a:b] = [None if r.style == SILENT else r.style] * max(0, b - a)
    return out


def effective_motion(actor: Actor, key_blend: int = 0) -> Motion:
    """``actor.motion`` with its expression keys, speech ranges and pose keys applied; the
    motion eases into and out of each pose key over ``key_blend`` frames."""
    m = actor.motion
    if not (actor.expression_keys or actor.speech or actor.pose_keys):
        return m
    positions = m.positions
    keys = {k.frame: np.asarray(k.positions, dtype=np.float32) for k in actor.pose_keys
            if 0 <= k.frame < m.num_frames}
    if keys:
        # Imported here: the first pose key of a session pays for it, not the app's start.
        from engine.model.keyblend import honour_keys

        positions = honour_keys(positions, keys, key_blend)
    return replace(m, positions=positions,
                   expressions=expression_labels(m, actor.expression_keys),
                   speech=speech_labels(m, actor.speech))


def key_blend_s(project: Project) -> float:
    """Seconds the motion takes to ease into a pose key and out of it again: the project's
    setting, or the default where a project predates it (or holds something unreadable)."""
    try:
        value = float(project.settings.get(KEY_BLEND, DEFAULT_KEY_BLEND_S))
    except (TypeError, ValueError):
        return DEFAULT_KEY_BLEND_S
    return min(max(value, 0.0), MAX_KEY_BLEND_S) if np.isfinite(value) else DEFAULT_KEY_BLEND_S


def key_blend_frames(project: Project, fps: float) -> int:
    return int(round(key_blend_s(project) * fps))


def camera_track(project: Project) -> CameraTrack:
    return CameraTrack(project.camera)


def shot_size(project: Project) -> tuple[int, int]:
    w, h = project.settings.get("shot_size", DEFAULT_SHOT)
    return int(w), int(h)


def scene_style(project: Project, actors: list[Actor] | None = None) -> Style:
    """The project's render style, with each (visible) actor in its own colour."""
    st = get_style(project.settings.get("style", "light"))
    actors = [a for a in project.actors if a.visible] if actors is None else actors
    colors = []
    for a in actors:
        try:
            colors.append(parse_color(a.color))
        except ValueError:
            colors.append(st.actor_color(len(colors)))
    return replace(st, actor_colors=tuple(colors)) if colors else st
