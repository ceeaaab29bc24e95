"""Arm gestures: wave, clap, point, cheer, shrug, stretch and talk.

Each generator stands the figure still with its feet planted, eases the arms from the relaxed
idle pose into the gesture, repeats its countable part (``p.repeats`` or as many as fit) and eases
back, so consecutive clips blend. Directions below are in the body frame: +X is the figure's
left, +Y up, +Z forward.
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action
from .draft import Draft, unit
from .keyframe import energy, keys, plan_cycles, pulse, window
from .rig import J

SIGN = {"l": 1.0, "r": -1.0}  # +X is the figure's left


def arms_for(hand: str) -> tuple[str, ...]:
    """The arm sides ``hand`` (left/right/both) names."""
    return {"left": ("l",), "right": ("r",)}.get(hand, ("l", "r"))


def _dir(x, y, z) -> np.ndarray:
    return unit(np.stack(np.broadcast_arrays(x, y, z), -1).astype(np.float64))


@action("wave")
def wave(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    ramp = max(0.5, 0.55 / tempo ** 0.5)  # raising the whole arm takes its time at any tempo
    cyc = plan_cycles(p, rng.uniform(0.5, 0.65) / tempo, ramp, ramp, min_period=0.3)
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    # the forearm swings side to side about the elbow; 0.4 rad each way moves the hand ~20 cm
    # across, the least that reads as a wave and not a raised hand
    swing = np.clip(rng.uniform(0.42, 0.58) * size, 0.4, 0.8) * np.sin(2 * np.pi * cyc.phase(d.t))
    lift = np.clip(0.3 + 0.5 * (size - 1.0) + rng.normal(0, 0.08), 0.1, 0.8)  # upper arm elevation
    fwd = rng.uniform(0.15, 0.45)
    for s in arms_for(p.hand):
        g = SIGN[s]
        upper = _dir(g * np.cos(lift) * np.cos(fwd), np.sin(lift), np.cos(lift) * np.sin(fwd))
        tilt = g * (0.12 + swing)  # forearm sways about the vertical, a little outward
        fore = _dir(np.sin(tilt), np.cos(tilt), 0.18)
        d.set_arm(s, d.heading(upper), d.heading(fore), w, via=(0.3 * g, 0.0, 0.8))
    if p.hand != "both":  # lean a touch away from the raised arm
        d.angles[:, J["spine"], 2] -= SIGN[arms_for(p.hand)[0]] * 0.05 * w
    return d.finish("wave")


@action("clap")
def clap(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    ramp = 0.35 / tempo ** 0.5
    cyc = plan_cycles(p, rng.uniform(0.38, 0.5) / tempo, ramp, ramp, min_period=0.22)
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    if p.mood == "happy":  # a light bounce in the knees with each clap
        d.root[:, 1] -= 0.02 * size * w * (0.5 - 0.5 * np.cos(2 * np.pi * cyc.phase(d.t)))
    d.settle()
    sh = d.shoulders()
    centre = 0.5 * (sh["l"] + sh["r"]) + d.heading(
        (rng.normal(0, 0.02), -rng.uniform(0.12, 0.28), rng.uniform(0.28, 0.36)))
    # hands apart at the start of each cycle, together at its middle; the meeting is brisk
    open_ = (0.5 + 0.5 * np.cos(2 * np.pi * cyc.phase(d.t))) ** 0.7
    gap = 0.03 + np.clip(rng.uniform(0.22, 0.32) * size, 0.1, 0.42) * open_
    for s in ("l", "r"):
        g = SIGN[s]
        target = centre + d.heading(np.stack([g * gap / 2, 0.02 * open_, -0.04 * open_], -1))
        d.reach(s, target, w, pole=(0.8 * g, -0.6, -0.3))
    return d.finish("clap")


@action("point")
def point(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    cyc = plan_cycles(p, rng.uniform(1.6, 2.2) / tempo, 0.1, 0.1, min_period=1.0)
    w = pulse(d.t, cyc, max(0.5, 0.45 / tempo), max(0.5, 0.45 / tempo))
    # each point picks its target: toward the pointing hand's side, level or a little up
    n = cyc.count
    cyc_i = np.clip(np.floor(cyc.phase(d.t)).astype(int), 0, n - 1)
    g = 1.0 if p.hand == "left" else -1.0 if p.hand == "right" else rng.choice([-1.0, 1.0])
    az = (g * rng.uniform(-0.1, 0.7, n))[cyc_i]
    el = rng.uniform(-0.2, 0.35, n)[cyc_i] * min(size, 1.2)
    aim = _dir(np.sin(az) * np.cos(el), np.sin(el), np.cos(az) * np.cos(el))
    d.angles[:, J["spine"], 1] += 0.3 * az * w  # the chest turns a little toward the target
    for s in arms_for(p.hand):
        g = SIGN[s]
        fore = aim
        upper = unit(aim + d.heading((0.0, -0.08, 0.0)) + 0.04 * g * d.heading((1.0, 0, 0)))
        d.set_arm(s, d.heading(upper), d.heading(fore), w, via=(0.2 * g, 0.0, 0.6))
    return d.finish("point")


@action("cheer")
def cheer(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    ramp = max(0.5, 0.5 / tempo ** 0.5)
    cyc = plan_cycles(p, rng.uniform(0.5, 0.65) / tempo, ramp, ramp, min_period=0.4)
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    pump = 0.5 - 0.5 * np.cos(2 * np.pi * cyc.phase(d.t))     # 0 arms high .. 1 fists pulled in
    d.root[:, 1] -= 0.035 * size * pump * w                 # knees give with each pump
    d.angles[:, J["neck"], 0] -= 0.2 * w                     # chin up
    d.angles[:, J["spine"], 0] -= 0.06 * w
    d.settle()
    spread = rng.uniform(0.25, 0.5)
    for s in arms_for(p.hand):
        g = SIGN[s]
        high = np.array([g * np.sin(spread), np.cos(spread), 0.12])
        bent = np.array([g * 0.9, 0.35, 0.15])               # upper arm out, near the horizontal
        depth = np.clip(0.7 * size, 0.3, 0.95) * pump[:, None]
        upper = unit(high * (1 - depth) + bent * depth)
        fore = unit(high * (1 - depth) + np.array([g * 0.1, 1.0, 0.1]) * depth)
        d.set_arm(s, d.heading(upper), d.heading(fore), w, via=(0.6 * g, 0.0, 0.3))
    return d.finish("cheer")


@action("shrug")
def shrug(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    cyc = plan_cycles(p, rng.uniform(1.2, 1.6) / tempo, 0.15, 0.2, min_period=0.8)
    w = pulse(d.t, cyc, max(0.28, 0.3 / tempo), max(0.3, 0.4 / tempo))
    tilt = rng.choice([-1.0, 1.0]) * rng.uniform(0.08, 0.16)
    d.angles[:, J["neck"], 2] += tilt * w                    # head cocks to one side
    d.angles[:, J["neck"], 0] += 0.1 * w                     # and drops between the shoulders
    d.angles[:, J["spine"], 0] -= 0.05 * w
    spread = np.clip(rng.uniform(0.6, 0.9) * size, 0.35, 1.1)
    for s in ("l", "r"):
        g = SIGN[s]
        upper = _dir(g * 0.3, -1.0, -0.05)
        fore = _dir(g * np.sin(spread), 0.25, np.cos(spread))  # forearms out, palms up
        d.set_arm(s, d.heading(upper), d.heading(fore), w, via=(0.0, 0.0, 0.3))
    return d.finish("shrug")


@action("stretch")
def stretch(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    slow = tempo ** 0.6
    cyc = plan_cycles(p, rng.uniform(2.6, 3.4) / slow, 0.1, 0.1, min_period=1.5)
    ph = cyc.phase(d.t)
    k = ph % 1.0
    w = pulse(d.t, cyc, max(0.5, 0.3 * cyc.period), max(0.5, 0.25 * cyc.period))
    # each stretch leans back and bends to one side, alternating sides from one to the next
    first = rng.choice([-1.0, 1.0])
    side = np.where(np.floor(ph).astype(int) % 2 == 0, first, -first)
    bend = keys(k, [0.0, 0.3, 0.5, 0.7, 1.0], [0.0, 0.0, 1.0, 0.0, 0.0]) * side
    lean = np.clip(0.4 * size, 0.15, 0.55) * bend
    d.angles[:, J["spine"], 2] += 0.65 * lean  # the bend runs up the back and the neck
    d.angles[:, J["neck"], 2] += 0.35 * lean
    d.angles[:, J["spine"], 0] -= 0.12 * size * w
    d.angles[:, J["neck"], 0] -= 0.15 * w
    spread = rng.uniform(0.05, 0.22)
    for s in ("l", "r"):
        g = SIGN[s]
        up = _dir(g * spread, 1.0, 0.03)
        d.set_arm(s, up, up, w, via=(0.9 * g, 0.0, 0.4), chest=True)
    return d.finish("stretch")


@action("talk")
def talk(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    end = (d.T - 1) / p.fps
    ramp = min(0.35, 0.25 * end)
    w = window(d.t, 0.0, end, ramp, ramp)
    # beat gestures: a new hand spot every 0.3 .. 0.8 s; the speaking hand moves most
    main = arms_for(p.hand)
    for s in ("l", "r"):
        g = SIGN[s]
        amount = 1.0 if s in main else 0.35
        times = [0.0]
        while times[-1] < end:
            times.append(times[-1] + rng.uniform(0.3, 0.8) / tempo)
        n = len(times)
        offs = np.stack([g * rng.uniform(0.02, 0.3, n) * size, -rng.uniform(0.25, 0.45, n),
                         rng.uniform(0.22, 0.42, n) * np.sqrt(size)], -1)
        rest = np.array([g * 0.12, -0.52, 0.12])
        offs = rest + (offs - rest) * amount
        path = keys(d.t, times, offs)
        d.reach(s, d.shoulders()[s] + d.heading(path), w, pole=(0.6 * g, -0.7, -0.4))
    beats = np.arange(0.0, end + 0.5, 0.45 / tempo)
    beat = keys(d.t, beats, rng.uniform(-0.04, 0.1, len(beats)))
    d.angles[:, J["neck"], 0] += beat * w                   # small nods on the speech beats
    d.angles[:, J["spine"], 1] += 0.08 * np.sin(2 * np.pi * 0.3 * d.t + rng.uniform(0, 6)) * w
    return d.finish("talk")
