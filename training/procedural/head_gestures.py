"""Gestures led by the head and trunk: nod, shake_head, look_around and bow.

The skeleton's head is a point on the neck, so a turn of the head about the vertical cannot be
seen by itself. A nod pitches the head point forward and down about the neck by 20-35 degrees
(6-10 cm at the head); a shake first drops the chin a little, so the head point sits in front of
the neck, and then yaws and tips it from side to side about the neck (8-14 cm across), which is
how a "no" reads on a stick figure. A head orientation channel would let a shake be a pure turn.
The arms hang in world space, so they stay at rest while the trunk moves under them, except in
a bow, where they follow the trunk part way as real arms do.
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action
from .draft import Draft, blend_dirs
from .keyframe import energy, plan_cycles, pulse, window
from .rig import J


@action("nod")
def nod(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    ramp = 0.15
    cyc = plan_cycles(p, rng.uniform(0.5, 0.7) / tempo, ramp, ramp + 0.1, min_period=0.32)
    # 20-35 degrees: less than that moves the head point only a few centimetres, too little to
    # read as a nod on a stick figure
    depth = np.clip(rng.uniform(0.42, 0.55) * size, 0.38, 0.62)
    # each cycle dips the chin and brings it back up; the first dip is the deepest
    ph = cyc.phase(d.t)
    fade = 1.0 - 0.12 * np.clip(ph / max(cyc.count, 1), 0.0, 1.0)
    dip = depth * fade * (0.5 - 0.5 * np.cos(2 * np.pi * ph))
    d.angles[:, J["neck"], 0] += dip
    d.angles[:, J["spine"], 0] += 0.12 * dip  # the upper back gives a little with each nod
    return d.finish("nod")


@action("shake_head")
def shake_head(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    cyc = plan_cycles(p, rng.uniform(0.45, 0.6) / tempo, 0.15, 0.25, min_period=0.3)
    w = window(d.t, 0.0, cyc.stop + 0.25, 0.15, 0.25)
    side = rng.choice([-1.0, 1.0])
    swing = side * np.sin(2 * np.pi * cyc.phase(d.t))
    turn = np.clip(rng.uniform(0.6, 0.8) * size, 0.5, 0.9)     # head yaw, radians
    tip = np.clip(rng.uniform(0.14, 0.2) * size, 0.12, 0.25)   # head roll that goes with it
    d.angles[:, J["spine"], 1] += 0.1 * turn * swing  # the chest turns along a little
    clip = d.finish("shake_head")
    # the head point turns about the neck; the shoulders (children of the neck joint) stay
    chin = rng.uniform(0.3, 0.4) * w
    turn_head(clip.positions, pitch=chin, yaw=turn * swing * w, roll=tip * swing * w)
    return clip


def turn_head(positions: np.ndarray, pitch=0.0, yaw=0.0, roll=0.0) -> None:
    """Rotate the head point about the neck in the trunk's frame, in place; the neck-head
    length is kept. positions: (T, J, 3) float32; pitch (+ = chin down), yaw (+ = toward the
    figure's left) and roll (+ = tipping toward its left): radians, scalars or (T,)."""
    T = len(positions)
    neck = positions[:, J["neck"]].astype(np.float64)
    up = _unit(neck - positions[:, J["spine"]])
    left = positions[:, J["l_shoulder"]] - positions[:, J["r_shoulder"]]
    left = _unit(left - np.sum(left * up, 1, keepdims=True) * up)
    fwd = np.cross(left, up)
    v = positions[:, J["head"]] - neck
    for axis, ang in ((left, pitch), (up, yaw), (-fwd, roll)):
        a = np.broadcast_to(np.asarray(ang, dtype=np.float64), (T,))[:, None]
        v = (v * np.cos(a) + np.cross(axis, v) * np.sin(a)
             + axis * np.sum(axis * v, 1, keepdims=True) * (1 - np.cos(a)))
    positions[:, J["head"]] = (neck + v).astype(positions.dtype)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / (np.linalg.norm(v, axis=-1, keepdims=True) + 1e-9)


@action("look_around")
def look_around(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    slow = tempo ** 0.7
    cyc = plan_cycles(p, rng.uniform(2.0, 2.8) / slow, 0.2, 0.3, min_period=1.2)
    w = window(d.t, 0.0, cyc.stop + 0.3, 0.2, 0.3)
    # one cycle looks to one side, holds, sweeps to the other, holds, and comes back
    first = rng.choice([-1.0, 1.0])
    k = cyc.phase(d.t) % 1.0
    k[d.t >= cyc.stop] = 0.0
    turn = first * np.interp(k, [0, 0.2, 0.4, 0.7, 0.85, 1.0], [0, 1, 1, -1, -1, 0])
    turn = np.convolve(np.pad(turn, 3, mode="edge"), np.ones(7) / 7, mode="valid")
    reach = np.clip(rng.uniform(0.5, 0.75) * size, 0.25, 0.9)
    d.angles[:, J["spine"], 1] += 0.7 * reach * turn
    d.angles[:, J["pelvis"], 1] += 0.15 * reach * turn  # the hips follow a little
    d.angles[:, J["neck"], 0] += rng.uniform(-0.25, 0.05) * w  # looking up or level
    d.angles[:, J["neck"], 2] += 0.06 * turn
    d.settle()
    if rng.random() < 0.35:  # sometimes a hand shades the eyes
        s = "r" if p.hand == "right" else "l" if p.hand == "left" else rng.choice(["l", "r"])
        g = 1.0 if s == "l" else -1.0
        sh = d.shoulders()
        _, neck = d.rotations()
        brow = 0.5 * (sh["l"] + sh["r"]) + np.einsum("tij,j->ti", neck, (0.05 * g, 0.2, 0.13))
        end = (d.T - 1) / p.fps
        lift = window(d.t, 0.0, end, min(0.5, 0.3 * end), min(0.5, 0.3 * end))
        d.reach(s, brow, lift, pole=(g * 0.9, -0.3, -0.2), via=(g * 0.1, 0.0, 0.3))
    return d.finish("look_around")


@action("bow")
def bow(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.5)
    tempo, size = energy(p, rng)
    slow = tempo ** 0.7
    cyc = plan_cycles(p, rng.uniform(1.8, 2.4) / slow, 0.1, 0.15, min_period=1.0)
    w = pulse(d.t, cyc, max(0.45, 0.3 * cyc.period), max(0.45, 0.35 * cyc.period))
    # a bow bends at least 30 degrees at the hips; a proud figure's is the shallowest
    depth = np.clip(rng.uniform(0.7, 1.0) * size, 0.66, 1.15)
    if p.mood == "proud":
        depth = max(0.66, 0.8 * depth)
    bend = depth * w
    # the bend is at the hips: the pelvis pitches, the hips go back to keep the weight over the
    # feet, and the back and neck round a little on top
    d.angles[:, J["pelvis"], 0] += 0.75 * bend
    d.angles[:, J["spine"], 0] += 0.2 * bend
    d.angles[:, J["neck"], 0] += 0.15 * bend
    d.root[:, 2] -= 0.22 * np.sin(0.75 * bend) * d.body.scale
    d.settle()
    _, neck = d.rotations()
    for s, g in (("l", 1.0), ("r", -1.0)):
        iu, fo = d.idle_arm(s)
        along = np.einsum("tij,j->ti", neck, (g * 0.08, -1.0, 0.05))  # arms along the trunk
        follow = 0.6 * w
        d.set_arm(s, blend_dirs(iu, along, follow), blend_dirs(fo, along, follow))
    return d.finish("bow")
