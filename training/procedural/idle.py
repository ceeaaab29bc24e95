"""Standing still: the idle stance every standing action starts and ends near, and ``idle``.

Idle is never frozen: the weight drifts from foot to foot, the chest breathes, the head looks
about, and now and then a foot is re-placed with a small step.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ActionParams, Clip, action, finish_targets, idle_arms, mood_posture
from .gait import Footfalls, foot_track
from .rig import J, Body, zero_angles
from .styles import style_idle


def stance(body: Body, rng: np.random.Generator) -> np.ndarray:
    """(2, 3) left/right foot positions of a relaxed stance around the origin (y = 0)."""
    half = body.hip_width / 2 + float(rng.uniform(0.0, 0.05)) * body.scale
    stagger = float(rng.normal(0.0, 0.03))
    return np.array([[half, 0.0, stagger / 2], [-half, 0.0, -stagger / 2]])


def standing_height(body: Body, rng: np.random.Generator) -> float:
    """Pelvis height of a relaxed stance: knees very slightly soft."""
    return body.standing_pelvis_height() * float(rng.uniform(0.975, 0.99))


def breathing(t: np.ndarray, rng: np.random.Generator, amount: float = 1.0) -> np.ndarray:
    """(T,) slow breathing cycle in [-1, 1] at 12-20 breaths a minute."""
    f = float(rng.uniform(0.2, 0.33))
    return amount * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))


@action("idle")
def idle(p: ActionParams, rng: np.random.Generator) -> Clip:
    t = p.time()
    T = len(t)
    feet0 = stance(p.body, rng)
    # a slow weight shift between the feet, sometimes settling on one leg
    f = float(rng.uniform(0.08, 0.25))
    shift = np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    shift = np.tanh(1.5 * shift) / np.tanh(1.5)
    amp = float(rng.uniform(0.01, 0.035)) * p.amplitude
    root = np.zeros((T, 3))
    root[:, 0] = (feet0[0, 0] + feet0[1, 0]) / 2 + amp * shift
    root[:, 2] = (feet0[0, 2] + feet0[1, 2]) / 2 + float(rng.normal(0, 0.01))
    breath = breathing(t, rng)
    root[:, 1] = standing_height(p.body, rng) + 0.004 * breath
    ang = zero_angles(T)
    ang[:, J["pelvis"], 2] = -0.05 * shift          # the hip of the loaded leg rises
    ang[:, J["spine"], 2] = 0.03 * shift
    ang[:, J["spine"], 0] = 0.015 * breath
    look = np.cumsum(rng.normal(0, 1, T)) / np.sqrt(T)  # a wandering gaze
    ang[:, J["neck"], 1] = 0.35 * np.convolve(look - look.mean(), np.ones(15) / 15, "same")
    idle_arms(ang, t, rng)
    mood_posture(ang, p.mood)
    contacts = np.ones((T, 2), bool)
    feet = np.repeat(feet0[None], T, axis=0)
    if p.style:
        style_idle(p.style, root, ang, feet, t, p.fps, rng)
        feet0 = feet[0].copy()
    variant = p.variant or str(rng.choice(["still", "step"], p=[0.6, 0.4]))
    if variant == "step" and p.duration > 1.5:
        # re-place one foot: lift it a few centimetres and set it down a little further out
        s = int(rng.integers(2))
        t_off = float(rng.uniform(0.3, p.duration - 1.0))
        t_on = t_off + float(rng.uniform(0.35, 0.55))
        new = feet0[s] + np.array([(1 if s == 0 else -1) * rng.uniform(0.0, 0.06), 0.0,
                                   rng.normal(0, 0.06)])
        ff = Footfalls(np.array([-np.inf, t_on]), np.array([t_off, np.inf]),
                       np.stack([feet0[s], new]), np.array([0.0, 0.04]))
        feet[:, s], contacts[:, s], _ = foot_track(t, ff, 0.5)
        root[:, 0] += np.where(contacts[:, s], 0.0, 0.03 * (1 if s == 1 else -1))  # weight off it
        root[:, 0] = np.convolve(np.pad(root[:, 0], 5, mode="edge"), np.ones(11) / 11, "valid")
    p = replace(p, variant=variant)
    return finish_targets(p, root, np.zeros(T), ang, {"l": feet[:, 0], "r": feet[:, 1]},
                          contacts, "idle")
