"""Styles as controls: what a segment's motion style fixes for the model to follow.

The model hears a segment's style in its text, but it learnt styles from a few hundred styled
clips and reproduces them weakly (a zombie's arms swing, a drunk walks straight). So the
generator also gives the model the parts of a style that can be stated as feature values, the
same way it gives a planned root path (``engine.paths``): forward speed, sideways sway and
vertical bob of the pelvis at the gait's step rhythm, pelvis height, trunk lean and head pitch,
and an arm carriage (arms held out in front, or hanging still at the sides). The sampler
re-imposes them at every step and the model draws the rest (legs, steps, arms that are not held)
to fit. Values ease in and out over ``EASE_S`` where the style starts and ends, so the figure
leans into a style instead of snapping.

Numbers are chosen from the procedural styles (training.procedural.styles.MANNERS), which were
calibrated on real clips, rounded toward what a viewer reads as the style.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .control_channels import PELVIS_H, STANDING, fix_height, joint_cols
from .paths import START_RAMP_S, TRAVEL_SPEED, ease_in
from .planner.paths import CADENCE
from .skeleton import JOINT_INDEX

EASE_S = 0.5      # seconds to lean into a style and out of it again


@dataclass(frozen=True)
class StyleControl:
    speed: float = 1.0     # travel speed, times the action's own
    cadence: float = 1.0   # step rhythm of sway and bob, times the action's own
    sway: float = 0.0      # sideways pelvis swing, metres amplitude, once per stride
    bob: float = 0.0       # vertical pelvis bounce, metres amplitude, once per step
    height: float = 0.0    # pelvis lowered (negative) by this share of its standing height
    lean: float = 0.0      # trunk pitched forward, degrees (negative: chest out)
    neck: float = 0.0      # head pitched down, degrees, on top of the trunk
    arms: str = ""         # "forward" (held out in front), "sides" (hanging still), "penguin"


STYLE_CONTROLS: dict[str, StyleControl] = {
    "elderly": StyleControl(speed=0.6, cadence=0.85, sway=0.03, height=-0.03, lean=24, neck=6),
    "tired": StyleControl(speed=0.6, cadence=0.8, sway=0.03, height=-0.02, lean=9, neck=20),
    "injured": StyleControl(speed=0.6, cadence=0.85, sway=0.04, lean=6),
    "proud": StyleControl(speed=1.15, lean=-4, neck=-8),
    "sad": StyleControl(speed=0.7, cadence=0.85, lean=8, neck=28),
    "happy": StyleControl(speed=1.1, cadence=1.1, bob=0.04),
    "angry": StyleControl(speed=1.2, cadence=1.15, lean=6),
    "sneaky": StyleControl(speed=0.55, cadence=0.8, height=-0.12, lean=14, neck=-6),
    "zombie": StyleControl(speed=0.6, cadence=0.8, sway=0.03, lean=6, arms="forward"),
    "drunk": StyleControl(speed=0.8, cadence=0.9, sway=0.11),
    "robotic": StyleControl(speed=0.9, arms="sides"),
    "heavy": StyleControl(speed=0.75, cadence=0.85, sway=0.055, height=-0.02),
    "bouncy": StyleControl(speed=1.0, cadence=1.1, bob=0.055),
    "stiff": StyleControl(speed=0.85, arms="sides"),
    "relaxed": StyleControl(speed=0.85, cadence=0.9),
    "childlike": StyleControl(speed=0.9, cadence=1.4, bob=0.025),
    "cautious": StyleControl(speed=0.5, cadence=0.8, height=-0.04, lean=8),
    "hurried": StyleControl(speed=1.25, cadence=1.15, lean=10),
    "swaggering": StyleControl(speed=0.85, cadence=0.85, sway=0.055),
    "graceful": StyleControl(speed=0.95, lean=-2),
    "penguin": StyleControl(speed=0.45, cadence=1.3, sway=0.04, arms="penguin"),
}

_TRUNK = [JOINT_INDEX[n] for n in ("spine", "neck", "l_shoulder", "r_shoulder")]
_HEAD = JOINT_INDEX["head"]
_ARMS = [JOINT_INDEX[n] for n in ("l_elbow", "l_hand", "r_elbow", "r_hand")]


def _pitch(v: np.ndarray, deg: float | np.ndarray) -> np.ndarray:
    """Rotate points v (..., 3) about the figure's left (+X) axis so up tips forward (+Z)."""
    a = np.radians(np.asarray(deg, np.float64))[..., None]                 # (..., 1)
    v = np.asarray(v, np.float64)
    v = np.broadcast_to(v, np.broadcast_shapes(v.shape, a.shape[:-1] + (3,)))
    x, y, z = v[..., 0:1], v[..., 1:2], v[..., 2:3]
    return np.concatenate([x, y * np.cos(a) - z * np.sin(a), y * np.sin(a) + z * np.cos(a)], -1)


def _arm_pose(kind: str) -> np.ndarray:
    """(4, 3) elbows and hands (l_elbow, l_hand, r_elbow, r_hand) relative to their shoulders
    for an arm carriage; bone lengths are the standing pose's."""
    upper = np.linalg.norm(STANDING[JOINT_INDEX["l_elbow"]] - STANDING[JOINT_INDEX["l_shoulder"]])
    fore = np.linalg.norm(STANDING[JOINT_INDEX["l_hand"]] - STANDING[JOINT_INDEX["l_elbow"]])
    if kind == "forward":     # straight out in front, a little below shoulder height
        d = np.array([0.0, -0.12, 1.0])
    elif kind == "penguin":   # stiff, a little away from the body
        d = np.array([0.35, -1.0, 0.0])
    else:                     # hanging at the sides
        d = np.array([0.12, -1.0, 0.05])
    rows = []
    for side in (1.0, -1.0):
        u = d * [side, 1.0, 1.0]
        u = u / np.linalg.norm(u)
        rows += [u * upper, u * (upper + fore)]
    return np.array(rows)


def style_pose(ctl: StyleControl, amount: np.ndarray, pelvis_h: np.ndarray
               ) -> dict[int, np.ndarray]:
    """Local positions {joint: (n, 3)} a style fixes on n frames: trunk and head leaned by
    ``amount`` (n,) in [0, 1] of the style, arms in their carriage; heights follow the pelvis
    (n,)."""
    lift = (pelvis_h - PELVIS_H)[:, None]
    lean = ctl.lean * amount
    out = {}
    pelvis = STANDING[0]
    for j in _TRUNK:
        out[j] = pelvis + _pitch(STANDING[j] - pelvis, lean) + [0, 1, 0] * lift
    neck = out[JOINT_INDEX["neck"]]
    head = STANDING[_HEAD] - STANDING[JOINT_INDEX["neck"]]
    out[_HEAD] = neck + _pitch(head, lean + ctl.neck * amount)
    if ctl.arms:
        rel = _arm_pose(ctl.arms)
        for k, j in enumerate(_ARMS):
            shoulder = out[JOINT_INDEX["l_shoulder" if k < 2 else "r_shoulder"]]
            rest = STANDING[j] - STANDING[JOINT_INDEX["l_shoulder" if k < 2 else "r_shoulder"]]
            out[j] = shoulder + (1 - amount[:, None]) * rest + amount[:, None] * _pitch(
                rel[k], lean)
    return out


def envelope(n: int, ease: int, rise: bool, fall: bool) -> np.ndarray:
    """(n,) share of the style on each frame: eases in at the start and out at the end."""
    k = max(1, min(ease, n // 2))
    e = ease_in(n, k) if rise else np.ones(n)
    return np.minimum(e, ease_in(n, k)[::-1]) if fall else e


def rhythm(action: str, ctl: StyleControl, n: int, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """(sideways offset (n,) metres, vertical phase (n,) in [-1, 1]) of the pelvis: the sway
    swings once per stride (two steps), the bob once per step, at the action's cadence times
    the style's."""
    steps_per_s = CADENCE.get(action, 1.8) * ctl.cadence
    t = np.arange(n) / fps
    return ctl.sway * np.sin(np.pi * steps_per_s * t), np.cos(2 * np.pi * steps_per_s * t)


def travel_speed(action: str, ctl: StyleControl, tempo: float) -> float | None:
    """Forward speed m/s of a travelling action in this style (negative backward), None for one
    that stays put or does not follow a forward path."""
    base = TRAVEL_SPEED.get(action)
    return None if base is None or action == "crawl" else base * ctl.speed * tempo


# Actions whose whole body a style may hold (trunk, head, arms, pelvis height): walking gaits
# and standing. Runs keep their own trunk and flight; other actions get only the speed.
POSTURED = frozenset({"walk", "walk_backward", "limp", "tiptoe", "march", "stumble", "idle"})
GAIT_BOB = 0.015       # a walk's own pelvis bounce, metres, once the pelvis height is held
_WALK_DROP = 0.02      # a walking pelvis rides this much below its standing height


def apply_style_controls(segments, bounds, values: np.ndarray, known: np.ndarray,
                         fps: float = 25.0) -> None:
    """Add each styled segment's controls to ``values`` / ``known`` (T, C), in place: channels
    a planned path already fixes keep their values, except the sideways velocity a sway
    replaces."""
    T = len(values)
    ease = int(round(EASE_S * fps))
    for i, (seg, (a, b)) in enumerate(zip(segments, bounds)):
        ctl = STYLE_CONTROLS.get(seg.style or "")
        a, b = max(0, a), min(T, b)
        if ctl is None or b - a < 2:
            continue
        n = b - a
        same = [0 <= k < len(segments) and segments[k].style == seg.style for k in (i - 1, i + 1)]
        amount = envelope(n, ease, rise=not same[0], fall=not same[1])
        speed = travel_speed(seg.action, ctl, seg.speed)
        if speed is not None and not known[a:b, 2].any():
            prev = segments[i - 1].action if i > 0 else None
            ramp = np.ones(n) if prev is not None and travel_speed(prev, ctl, 1.0) else \
                ease_in(n, START_RAMP_S * fps)
            values[a:b, 2] = speed / fps * ramp
            known[a:b, 2] = True
        side, up = rhythm(seg.action, ctl, n, fps)
        if ctl.sway and (speed is not None or seg.action == "idle"):
            values[a:b, 1] = np.gradient(side * amount)
            known[a:b, 1] = True
        if seg.action in POSTURED:
            _hold_body(values, known, a, b, ctl, amount, up, gait=speed is not None)
        if seg.action in POSTURED and speed is not None:
            _step_rhythm(values, known, a, b, seg.action, ctl, fps)


def _hold_body(values, known, a, b, ctl: StyleControl, amount, up, gait: bool) -> None:
    """Fix the pelvis height (with bob) and, where the style has a posture, the trunk, head
    and arm carriage on frames [a, b)."""
    if not (ctl.lean or ctl.neck or ctl.arms or ctl.height or ctl.bob):
        return
    base = PELVIS_H - (_WALK_DROP if gait else 0.0)
    bob = (ctl.bob or (GAIT_BOB if gait else 0.0)) * up
    pelvis_h = base * (1 + ctl.height * amount) + bob * amount
    fix_height(values, known, slice(a, b), pelvis_h)
    if not (ctl.lean or ctl.neck or ctl.arms):
        return
    for j, pos in style_pose(ctl, amount, pelvis_h).items():
        values[a:b, joint_cols(j)] = pos
        known[a:b, joint_cols(j)] = True


STANCE_SHARE = 0.62    # share of a stride each foot is planted, at a walk


def _step_rhythm(values, known, a, b, action: str, ctl: StyleControl, fps: float) -> None:
    """Fix the foot-contact channels to alternate at the style's cadence, in time with the bob:
    the model's steps follow the contacts it is given (a toddler's quick short steps)."""
    n = b - a
    steps_per_s = CADENCE.get(action, 1.8) * ctl.cadence
    stride = (np.arange(n) / fps * steps_per_s / 2.0) % 1.0          # stride phase in [0, 1)
    left = (stride < STANCE_SHARE).astype(np.float32)
    right = (((stride + 0.5) % 1.0) < STANCE_SHARE).astype(np.float32)
    C = values.shape[1]
    values[a:b, C - 2], values[a:b, C - 1] = left, right
    known[a:b, C - 2:] = True
