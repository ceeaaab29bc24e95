"""Planned root paths: the planner's path cues turned into a condition the model follows.

A segment whose clause says where to go ("in a circle", "off to the right", "four steps and
stops", "to the window and back") gets a per-frame root path in the model's own feature units:
sideways and forward velocity in the body's heading frame (m/frame) and the heading change to
the next frame (rad/frame), features [1:4] (``engine.model.features``). The sampler gives these
channels to the model as known input, the way trajectory-controlled motion diffusion does, and
re-imposes them at every step, so the model draws steps that carry the body along the path
instead of the path being dragged onto a motion afterwards.

The turn rate is always given where a cue exists; the forward speed only where the words fix it
(a distance, a count of steps, a stop, a way back), otherwise the model picks how fast the
action goes. Segments without a cue stay free.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .planner.paths import SPEED_MS
from .planner.plan import PathCue, PlanSegment

# Forward speed (m/s) at tempo 1 of each action that travels along a path: the planner's table
# (the one its distances and step counts are timed by), negative for walking backward. A
# sidestep or hops do not follow a forward path.
TRAVEL_SPEED = {a: (-v if a == "walk_backward" else v) for a, v in SPEED_MS.items()
                if a not in ("sidestep", "hop")}
# Turns the planner names as their own actions, in degrees to the figure's left.
TURN_ACTIONS = {"turn_left": 90.0, "turn_right": -90.0, "turn_around": 180.0}
START_RAMP_S = 0.6     # from standing to full speed
STOP_RAMP_S = 0.7      # from full speed to standing still
STOP_HOLD_S = 0.4      # ... and still for this long before the segment ends
TURN_S = 1.0           # a 90-degree change of direction while travelling
REVERSE_S = 1.2        # turning back on the spot at the far end of "there and back"
REVERSE_SPEED = 0.35   # share of the speed kept while turning back


@dataclass
class RootPath:
    """values (T, 3) float32: sideways m/frame, forward m/frame, turn rad/frame;
    known (T, 3) bool: which of those the model is given."""
    values: np.ndarray
    known: np.ndarray

    @property
    def any(self) -> bool:
        return bool(self.known.any())


def ease_in(n: int, frames: float) -> np.ndarray:
    """(n,) raised-cosine rise from ~0 to 1 over ``frames`` frames, then 1."""
    k = max(1, int(round(frames)))
    x = np.clip((np.arange(n) + 1) / k, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


def _bump(n: int, centre: float, width: float) -> np.ndarray:
    """(n,) raised-cosine bump of unit sum, centred on frame ``centre``, ``width`` frames wide."""
    t = np.arange(n) + 0.5
    u = np.clip((t - centre) / max(width, 1.0) * 2.0, -1.0, 1.0)
    w = 0.5 + 0.5 * np.cos(np.pi * u)
    w[np.abs(t - centre) >= width / 2] = 0.0
    s = w.sum()
    return w / s if s > 0 else w


def _wrap_deg(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def _turn_profile(cue: PathCue, n: int, fps: float, heading_deg: float,
                  shape: np.ndarray) -> np.ndarray:
    """(n,) turn rate in rad/frame for a travelling segment that starts facing ``heading_deg``
    (0 faces the camera); a circle turns as the body travels (``shape``: relative speed)."""
    rate = np.zeros(n)
    early = min(TURN_S * fps, n / 3)
    if cue.direction in ("left", "right"):
        sign = 1.0 if cue.direction == "left" else -1.0
        rate += np.radians(90.0 * sign) * _bump(n, early / 2, early)
    elif cue.direction in ("toward", "away"):
        delta = _wrap_deg((0.0 if cue.direction == "toward" else 180.0) - heading_deg)
        if cue.direction == "away" and abs(delta) > 179.0:
            delta = 180.0                                 # turn round to the left
        if abs(delta) > 1.0:
            width = min(early * max(abs(delta) / 90.0, 0.6), n / 2)
            rate += np.radians(delta) * _bump(n, width / 2, width)
    if cue.shape == "circle":
        total = cue.turn_deg if cue.turn_deg is not None else 360.0
        rate += np.radians(total) * shape / max(shape.sum(), 1e-9)
    elif cue.shape in ("there_and_back", "back_and_forth"):
        for c in _reversals(cue, n, fps):
            rate += np.radians(180.0) * _bump(n, c, REVERSE_S * fps)
    elif cue.turn_deg is not None:
        rate += np.radians(cue.turn_deg) * shape / max(shape.sum(), 1e-9)
    return rate


def _reversals(cue: PathCue, n: int, fps: float) -> list[float]:
    """Frames where the figure turns back: the middle for "there and back", every ~2.5 s of a
    "back and forth" (at least three times, back where it began at the end)."""
    if cue.shape == "there_and_back":
        return [n / 2]
    legs = 2 * max(2, int(round(n / fps / 5.0)))      # an even count ends where it began
    return [n * k / legs for k in range(1, legs)]


def _speed_shape(cue: PathCue, n: int, fps: float, moving_before: bool) -> np.ndarray:
    """(n,) speed relative to the action's: ramps from and to standing, dips to turn back."""
    shape = np.ones(n)
    if not moving_before:
        shape *= ease_in(n, START_RAMP_S * fps)
    if cue.stops:   # slow down, then stand still for a moment before the segment ends
        hold = min(int(round(STOP_HOLD_S * fps)), n // 4)
        shape[: n - hold] *= ease_in(n - hold, STOP_RAMP_S * fps)[::-1]
        shape[n - hold:] = 0.0
    for c in _reversals(cue, n, fps) if cue.shape in ("there_and_back", "back_and_forth") else []:
        dip = _bump(n, c, REVERSE_S * fps)
        shape *= 1.0 - (1.0 - REVERSE_SPEED) * dip / max(dip.max(), 1e-9)
    return shape


def _speed_profile(cue: PathCue, shape: np.ndarray, fps: float, base: float) -> np.ndarray:
    """(n,) forward speed in m/frame."""
    if cue.distance_m is not None and shape.sum() > 0:
        # the path covers exactly the distance asked for, whatever the ramps take
        return np.sign(base) * cue.distance_m * shape / shape.sum()
    return base / fps * shape


def _fixes_speed(cue: PathCue) -> bool:
    # a circle turns in step with the planned speed: it closes only if the speed is kept too
    # (the model's own speed changes left a jogged circle 0.57 of its width open)
    return (cue.distance_m is not None or cue.steps is not None or cue.stops
            or cue.shape in ("there_and_back", "back_and_forth", "circle"))


def plan_root_path(segments: list[PlanSegment], bounds: list[tuple[int, int]], n_frames: int,
                   fps: float = 25.0) -> RootPath:
    """The known root-path channels for a plan whose segments span ``bounds`` (frames)."""
    values = np.zeros((n_frames, 3), np.float32)
    known = np.zeros((n_frames, 3), bool)
    heading, moving, stopped = 0.0, False, False
    for seg, (a, b) in zip(segments, bounds):
        a, b = max(0, a), min(n_frames, b)
        n = b - a
        cue = seg.path
        base = TRAVEL_SPEED.get(seg.action)
        if n <= 0:
            continue
        if cue is not None and base is not None:
            shape = _speed_shape(cue, n, fps, moving)
            rate = _turn_profile(cue, n, fps, heading, shape)
            values[a:b, 2] = rate
            known[a:b, 0] = known[a:b, 2] = True          # no drift sideways, turn as planned
            if _fixes_speed(cue):
                values[a:b, 1] = _speed_profile(cue, shape, fps, base * seg.speed)
                known[a:b, 1] = True
            heading += float(np.degrees(rate.sum()))
        elif stopped and seg.action == "idle":
            known[a:b] = True                              # stays where it stopped
        elif seg.action in TURN_ACTIONS and n > 2:
            # a turn on the spot: the whole angle, eased over most of the segment (the model
            # alone turned a quarter of the way on one seed in four)
            values[a:b, 2] = np.radians(TURN_ACTIONS[seg.action]) * _bump(n, n / 2, 0.8 * n)
            known[a:b, 2] = True
            heading += TURN_ACTIONS[seg.action]
        else:
            heading += TURN_ACTIONS.get(seg.action, 0.0)
        moving = base is not None and not (cue is not None and cue.stops)
        stopped = cue is not None and cue.stops
    return RootPath(values, known)
