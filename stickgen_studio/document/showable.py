"""Whether a project that was read can be shown.

Every view draws from the same derived data: each actor's motion with its keys baked in, the
camera track, the look and the shot size. A file can pass its reader and still make that data
fail (an unknown look, a shot size in words) or come out as non-finite numbers; such a project
is refused when it is opened, with a sentence for the user, instead of failing on every
repaint after the open project has been replaced. No Qt.
"""
from __future__ import annotations

import math

import numpy as np

from engine.drawlist import build_drawlist
from engine.project import Project

from . import scene

CHECK_SIZE = (320, 180)     # pixels; the check only needs the numbers, not a picture
MAX_SHOT_SIDE = 16384
MAX_CHECKED_FRAMES = 24


def _finite(node) -> bool:
    if isinstance(node, float):
        return math.isfinite(node)
    if isinstance(node, dict):
        return all(_finite(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return all(_finite(v) for v in node)
    return True


def _frames(project: Project) -> list[int]:
    """The first, middle and last frame, and those of the camera keys (they change the view)."""
    last = max(0, project.num_frames - 1)
    keys = sorted({min(last, max(0, int(round(k.frame)))) for k in project.camera})
    picked = sorted({0, last // 2, last, *keys})
    step = max(1, len(picked) // MAX_CHECKED_FRAMES)
    return picked[::step]


def check_showable(project: Project) -> None:
    """Raise ValueError, worded for the user, when ``project`` cannot be drawn."""
    try:
        style = scene.scene_style(project)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"its look (settings) cannot be used: {exc}") from None
    try:
        w, h = scene.shot_size(project)
    except (ValueError, TypeError, OverflowError):
        raise ValueError("its shot size (settings) is not two whole numbers of pixels") from None
    if not (1 <= w <= MAX_SHOT_SIDE and 1 <= h <= MAX_SHOT_SIDE):
        raise ValueError(f"its shot size {w}×{h} is outside 1–{MAX_SHOT_SIDE} pixels")
    motions = []
    for i, actor in enumerate(project.actors):
        try:
            m = scene.effective_motion(actor, scene.key_blend_frames(project, actor.motion.fps))
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise ValueError(f"the keys of actor {actor.name!r} cannot be applied: {exc}") \
                from None
        if not np.isfinite(m.positions).all():
            raise ValueError(f"the keys of actor {actor.name!r} give positions that are not "
                             "numbers")
        motions.append(m)
    track = scene.camera_track(project)
    for frame in _frames(project):
        try:
            cam = track.evaluate(frame, motions, w / h)
            drawn = build_drawlist(motions, cam, frame, *CHECK_SIZE, style)
        except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError,
                OverflowError) as exc:
            raise ValueError(f"frame {frame} cannot be drawn: {exc}") from None
        if not _finite(drawn.to_dict()):
            raise ValueError(f"the camera at frame {frame} gives a picture that is not numbers")
