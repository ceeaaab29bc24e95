"""Gestures and dances as controls: the part of a gesture the model draws too faintly, stated
as feature values it follows (as ``engine.style_controls`` does for styles).

The model's nods move the head 2-3 degrees, its shrugs do not lift the shoulders, its bows end
bent, its dances move the limbs at 0.27-0.35 m/s where real dance clips move at 0.38-1.0, and a
wave from a seat barely lifts the hand. So the generator fixes: for a nod, the trunk upright and
the head pitching down and up; for a shrug, the shoulders rising and falling; for a bow,
standing upright again over its last frames; for a dance, a bounce of the pelvis and
alternating foot contacts on the music's beat; for a wave, the waving arm raised to the side
with its forearm swinging side to side (``engine.controls.hold_postures`` moves it with the
shoulders when the wave is seated). Everything else (the other arm, legs, the bow's bend, the
dance's arm work) is the model's.
"""
from __future__ import annotations

import numpy as np

from .skeleton import JOINT_INDEX
from .control_channels import PELVIS_H, STANDING, fix_height, joint_cols

_NECK, _HEAD = JOINT_INDEX["neck"], JOINT_INDEX["head"]
_SHOULDERS = (JOINT_INDEX["l_shoulder"], JOINT_INDEX["r_shoulder"])
# the waving arm of each side: shoulder, elbow, hand; and which way is outward (+X is the left)
_ARMS = {"left": ((JOINT_INDEX["l_shoulder"], JOINT_INDEX["l_elbow"], JOINT_INDEX["l_hand"]), 1.0),
         "right": ((JOINT_INDEX["r_shoulder"], JOINT_INDEX["r_elbow"], JOINT_INDEX["r_hand"]), -1.0)}

NOD_DEG = 22.0        # how far a nod pitches the head down
NOD_S = 0.7           # one nod, down and up
SHRUG_M = 0.07        # how far a shrug lifts the shoulders
SHRUG_S = 1.1         # one shrug: up, hold, down
BOW_END_S = 0.5       # a bow stands fully upright again over its last half second
WAVE_HZ = 1.8         # forearm swings (out and back) per second
WAVE_DEG = 28.0       # how far the forearm swings to each side of vertical
WAVE_RAISE_S = 0.35   # the arm rises into the wave and comes down again over this long
# Dances: (beats per second, pelvis bounce amplitude m, steps per beat)
DANCE_BEAT = {"dance_hiphop": (1.6, 0.045, 1.0), "dance_disco": (2.0, 0.035, 1.0),
              "dance_salsa": (1.5, 0.03, 1.5)}


def _pulses(n: int, fps: float, period_s: float, count: int) -> np.ndarray:
    """(n,) ``count`` raised-cosine pulses in [0, 1] of ``period_s`` each, centred in n frames."""
    k = max(2, int(round(period_s * fps)))
    count = max(1, min(count, n // k))
    one = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(k) / k)
    out = np.zeros(n)
    start = (n - count * k) // 2
    out[start:start + count * k] = np.tile(one, count)
    return out


def _nod(values, known, a, b, count, fps) -> None:
    n = b - a
    pitch = np.radians(NOD_DEG) * _pulses(n, fps, NOD_S, count)
    rel = STANDING[_HEAD] - STANDING[_NECK]
    head = np.stack([np.full(n, rel[0]), rel[1] * np.cos(pitch) - rel[2] * np.sin(pitch),
                     rel[1] * np.sin(pitch) + rel[2] * np.cos(pitch)], 1)
    for j in (JOINT_INDEX["spine"], _NECK):             # an upright trunk to nod from
        values[a:b, joint_cols(j)] = STANDING[j]
        known[a:b, joint_cols(j)] = True
    values[a:b, joint_cols(_HEAD)] = STANDING[_NECK] + head
    known[a:b, joint_cols(_HEAD)] = True
    fix_height(values, known, slice(a, b), PELVIS_H)


def _shrug(values, known, a, b, count, fps) -> None:
    lift = SHRUG_M * np.minimum(1.0, 1.6 * _pulses(b - a, fps, SHRUG_S, count))   # up, hold, down
    for j in _SHOULDERS:
        c = joint_cols(j)
        values[a:b, c] = STANDING[j] + np.outer(lift, [0.0, 1.0, 0.0])
        known[a:b, c] = True
    values[a:b, joint_cols(_NECK)] = STANDING[_NECK]
    known[a:b, joint_cols(_NECK)] = True


def wave_sides(text: str) -> tuple[str, ...]:
    """Which arms a wave uses, from its words: both, the left, or (by default) the right."""
    t = text.lower()
    if any(w in t for w in ("both", "two hands", "two arms")):
        return ("left", "right")
    return ("left",) if "left" in t and "right" not in t else ("right",)


def _wave(values, known, a, b, sides, fps, speed=1.0, intensity=1.0, styled=False) -> None:
    """The waving arm(s) raised out to the side, elbow at about shoulder height, the forearm
    swinging side to side; eased up from and back down to the standing arm. The other arm
    hangs still, unless the wave has a style (a zombie's wave keeps the model's zombie arm)."""
    n = b - a
    t = np.arange(n) / fps
    k = max(1, min(int(round(WAVE_RAISE_S * fps)), n // 3))
    w = np.ones(n)
    w[:k] = 0.5 - 0.5 * np.cos(np.pi * np.arange(k) / k)
    w[n - k:] = w[:k][::-1]
    swing = np.radians(WAVE_DEG * float(np.clip(intensity, 0.6, 1.5))) \
        * np.sin(2 * np.pi * WAVE_HZ * float(np.clip(speed, 0.5, 2.0)) * t) * w
    for side in sides:
        (sj, ej, hj), out = _ARMS[side]
        upper = np.array([out * 0.80, 0.35, 0.25])
        elbow = STANDING[sj] + np.linalg.norm(STANDING[ej] - STANDING[sj]) * upper / np.linalg.norm(upper)
        fore = np.linalg.norm(STANDING[hj] - STANDING[ej])
        hand = elbow + fore * np.stack([out * np.sin(swing), np.cos(swing),
                                        np.full(n, 0.15)], 1) / np.sqrt(1 + 0.15 ** 2)
        for j, target in ((sj, np.broadcast_to(STANDING[sj], (n, 3))),
                          (ej, np.broadcast_to(elbow, (n, 3))), (hj, hand)):
            values[a:b, joint_cols(j)] = (1 - w[:, None]) * STANDING[j] + w[:, None] * target
            known[a:b, joint_cols(j)] = True
    for side in set(_ARMS) - set(sides) if not styled else ():   # the model swung it along
        for j in _ARMS[side][0]:                                   # with the waving one
            c = joint_cols(j)
            free = ~known[a:b, c]
            values[a:b, c] = np.where(free, STANDING[j], values[a:b, c])
            known[a:b, c] = True


def _bow_end(values, known, a, b, fps) -> None:
    k = min(b - a - 1, int(round(BOW_END_S * fps)))
    if k < 1:
        return
    local = slice(4, 4 + 3 * len(STANDING))
    values[b - k:b, local] = STANDING.reshape(-1)
    known[b - k:b, local] = True
    values[b - k:b, 0] = PELVIS_H
    known[b - k:b, 0] = True


def _dance(values, known, a, b, action, fps) -> None:
    beats, bounce, steps = DANCE_BEAT[action]
    t = np.arange(b - a) / fps
    ease = np.clip(t / 0.5, 0.0, 1.0)
    h = PELVIS_H - 0.03 - bounce * ease * (0.5 + 0.5 * np.cos(2 * np.pi * beats * t))
    fix_height(values, known, slice(a, b), h)
    phase = (t * beats * steps / 2.0) % 1.0              # one foot lifts on every step
    C = values.shape[1]
    values[a:b, C - 2] = np.where(ease < 1, 1.0, phase >= 0.35)          # left lifts, then
    values[a:b, C - 1] = np.where(ease < 1, 1.0, (phase + 0.5) % 1.0 >= 0.35)  # the right
    known[a:b, C - 2:] = True


def apply_gesture_controls(segments, bounds, values: np.ndarray, known: np.ndarray,
                           fps: float = 25.0) -> None:
    """Add each gesture's or dance's controls to ``values`` / ``known`` (T, C), in place."""
    T = len(values)
    for seg, (a, b) in zip(segments, bounds):
        a, b = max(0, a), min(T, b)
        if b - a < 4:
            continue
        count = seg.repeats or 0
        if seg.action == "nod":
            _nod(values, known, a, b, count or 3, fps)
        elif seg.action == "shrug":
            _shrug(values, known, a, b, count or 1, fps)
        elif seg.action == "bow":
            _bow_end(values, known, a, b, fps)
        elif seg.action == "wave":
            _wave(values, known, a, b, wave_sides(seg.text), fps, seg.speed, seg.intensity,
                  styled=seg.style is not None)
        elif seg.action in DANCE_BEAT:
            _dance(values, known, a, b, seg.action, fps)
