"""Turning: turn_left, turn_right and turn_around, on the spot or while walking.

The heading rotates over a few steps and every footprint is placed beside the pelvis in the
heading of its own moment, so the feet follow the body round. p.variant is "in_place" or
"walking" (drawn when empty); turn_around records the way it turned in p.side.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ActionParams, Clip, action
from .gait import GaitStyle
from .locomotion import gait_clip, jitter, tempo


def _turn(p: ActionParams, rng: np.random.Generator, angle: float, label: str) -> Clip:
    variant = p.variant or str(rng.choice(["in_place", "walking"], p=[0.6, 0.4]))
    p = replace(p, variant=variant)
    sp, size = tempo(p)
    cadence = jitter(rng, 1.75 * sp ** 0.45, 0.05)
    steps = max(2, int(round(abs(angle) / np.deg2rad(rng.uniform(35, 50)))))
    t_go = float(rng.uniform(0.1, max(0.15, min(0.6, p.duration - 0.5 - steps / cadence))))
    if variant == "walking":
        speed = float(np.clip(jitter(rng, 1.1 * sp, 0.08), 0.6, 1.6))
        span = steps / cadence
        mid = float(rng.uniform(0.35, 0.65)) * p.duration
        style = GaitStyle(speed=speed, cadence=cadence, duty=0.6, width=0.16 * p.body.scale,
                          lift=0.1 * size, turn=angle, turn_span=(mid - span / 2, mid + span / 2),
                          height=0.97)
        arm = 0.3 * size
    else:
        # on the spot: the pelvis drifts only a little, each foot pivots round it in turn
        speed = float(rng.uniform(0.0, 0.12))
        style = GaitStyle(speed=speed, cadence=cadence, duty=0.62, width=0.2 * p.body.scale,
                          lift=0.07 * size, turn=angle, height=0.97, sway=0.02,
                          turn_span=(t_go + 0.3 / cadence, t_go + (steps + 0.5) / cadence),
                          start=True, stop=True, t_go=t_go, accel=0.4,
                          first_side=0 if angle > 0 else 1)   # lead with the foot on that side
        arm = 0.1 * size
    return gait_clip(p, rng, style, label, arm_swing=arm, elbow=0.3, lean=0.03)


@action("turn_left")
def turn_left(p: ActionParams, rng: np.random.Generator) -> Clip:
    return _turn(p, rng, np.deg2rad(90) * float(rng.uniform(0.8, 1.15)) * p.amplitude ** 0.3,
                 "turn_left")


@action("turn_right")
def turn_right(p: ActionParams, rng: np.random.Generator) -> Clip:
    return _turn(p, rng, -np.deg2rad(90) * float(rng.uniform(0.8, 1.15)) * p.amplitude ** 0.3,
                 "turn_right")


@action("turn_around")
def turn_around(p: ActionParams, rng: np.random.Generator) -> Clip:
    side = p.pick_side(rng)
    p = replace(p, side=side)
    angle = np.pi * float(rng.uniform(0.92, 1.06))
    return _turn(p, rng, angle if side == "left" else -angle, "turn_around")
