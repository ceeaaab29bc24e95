"""Handling objects: pick_up, lift, push and pull.

The hands travel between a few spots (the relaxed hang, an object on the floor, a carry in
front of the body, ...): each spot is a (T, 3) world path that follows the trunk, and eased
keyed weights say how much of each spot the hand target is at any moment. The trunk and knees
follow the same keys, and reaching the floor is checked rather than assumed: if a short figure
cannot reach the object, it squats deeper until it can.
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action
from .draft import Draft
from .gestures import SIGN, arms_for
from .keyframe import energy, keys, phases, plan_cycles, pulse, window
from .rig import J


def _mix(t: np.ndarray, times, weights, spots: list[np.ndarray]) -> np.ndarray:
    """Hand target (T, 3): spots (each (T, 3)) blended by keyed weights (K, S) at ``times``."""
    w = keys(t, times, weights)
    w = w / np.maximum(w.sum(-1, keepdims=True), 1e-9)
    return sum(w[:, i:i + 1] * s for i, s in enumerate(spots))


def _cycle_keys(d: Draft, durs, p: ActionParams, lead_out: float):
    """Absolute key times for ``count`` back-to-back cycles of phases ``durs`` plus a lead-out,
    fitted into the clip (shrunk if they do not fit)."""
    one = phases(durs)
    cyc = plan_cycles(p, one[-1], 0.05, lead_out, min_period=one[-1] * 0.7)
    scale = cyc.period / one[-1]
    times = [cyc.start + c * cyc.period + one[1:] * scale for c in range(cyc.count)]
    return cyc, np.concatenate([[0.0, cyc.start]] + times + [[cyc.stop + lead_out]])


def _bend(d: Draft, amount: np.ndarray, drop: float, tilt: float, back: float, spine: float) -> None:
    """Squat and hinge by ``amount`` (T,) in [0, 1]: pelvis down and back, trunk pitched."""
    d.root[:, 1] -= drop * amount * d.body.scale
    d.root[:, 2] -= back * amount * d.body.scale
    d.angles[:, J["pelvis"], 0] += tilt * amount
    d.angles[:, J["spine"], 0] += spine * amount
    d.angles[:, J["neck"], 0] -= 0.35 * spine * amount  # eyes stay on the object


def _reach_floor(d: Draft, amount: np.ndarray, spots: dict[str, np.ndarray], sides,
                 drop: float, tilt: float, back: float, spine: float) -> None:
    """Bend just deep enough that the lowest hand spots are within arm's reach."""
    root0, ang0 = d.root.copy(), d.angles.copy()
    arm = sum(d.arm_lengths)
    deepest = int(np.argmax(amount))
    for _ in range(6):
        d.root, d.angles = root0.copy(), ang0.copy()
        _bend(d, amount, drop, tilt, back, spine)
        d.settle()
        sh = d.shoulders()
        far = max(np.linalg.norm(spots[s][deepest] - sh[s][deepest]) for s in sides)
        if far < 0.97 * arm:
            return
        drop, tilt = min(drop + 0.06, 0.6), min(tilt + 0.08, 1.3)


@action("pick_up")
def pick_up(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.5)
    tempo, size = energy(p, rng)
    slow = tempo ** 0.7
    sides = arms_for(p.hand)
    durs = [max(0.55, 0.8 / slow), rng.uniform(0.15, 0.3), max(0.55, 0.75 / slow), 0.25]
    cyc, kt = _cycle_keys(d, durs, p, lead_out=0.45)
    n = cyc.count
    # weights over spots (hang, floor, carry) at each key
    w = [(1, 0, 0), (1, 0, 0)]
    for c in range(n):
        w += [(0, 1, 0), (0, 1, 0), (0, 0, 1), (0, 0, 1)]
    w += [(0.65, 0, 0.35)]
    low = keys(d.t, kt, np.array(w, dtype=float))[:, 1]
    scale = d.body.scale
    spot_x = 0.0 if len(sides) == 2 else SIGN[sides[0]] * 0.12
    obj = d.heading((spot_x + rng.normal(0, 0.03), rng.uniform(0.05, 0.1),
                     rng.uniform(0.3, 0.42) * scale))
    floor = {s: obj + d.heading((SIGN[s] * 0.09 * (len(sides) == 2), 0.0, 0.0)) for s in "lr"}
    _reach_floor(d, low, floor, sides, drop=rng.uniform(0.26, 0.36), tilt=rng.uniform(0.7, 0.9),
                 back=0.12, spine=0.25)
    sh = d.shoulders()
    for s in "lr":
        g = SIGN[s]
        iu, fo = d.idle_arm(s)
        hang = sh[s] + iu * d.arm_lengths[0] + fo * d.arm_lengths[1]
        if s not in sides:  # the free hand braces on the thigh as the trunk bends
            thigh = d.hips()[s] + d.heading((g * 0.02, 0.04, 0.3))
            d.reach(s, thigh, 0.8 * low, pole=(0.5 * g, -0.4, -0.8))
            continue
        carry = sh[s] + d.heading((-g * (0.1 if len(sides) == 2 else 0.02), -0.45, 0.25))
        d.reach(s, _mix(d.t, kt, w, [hang, floor[s], carry]), pole=(0.5 * g, -0.3, -0.8))
    return d.finish("pick_up")


@action("lift")
def lift(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.4)
    tempo, size = energy(p, rng)
    slow = tempo ** 0.6
    overhead = rng.random() < 0.5 * min(size, 1.3)
    durs = [max(0.6, 0.8 / slow), 0.25, max(0.8, 1.0 / slow), max(0.4, 0.5 / slow)]
    if overhead:
        durs += [max(0.45, 0.5 / slow), 0.3, max(0.45, 0.5 / slow)]
    cyc, kt = _cycle_keys(d, durs, p, lead_out=0.5)
    # spots: hang, handles by the knees, at the hips, at the chest, overhead
    per = [(0, 1, 0, 0, 0), (0, 1, 0, 0, 0), (0, 0, 1, 0, 0), (0, 0, 0, 1, 0)]
    if overhead:
        per += [(0, 0, 0, 0, 1), (0, 0, 0, 0, 1), (0, 0, 0, 1, 0)]
    w = [(1, 0, 0, 0, 0)] * 2 + per * cyc.count + [(0.5, 0, 0.5, 0, 0)]
    low = keys(d.t, kt, np.array(w, dtype=float))[:, 1]
    width = rng.uniform(0.18, 0.24) * d.body.shoulders * d.body.scale
    box = d.heading((0.0, rng.uniform(0.22, 0.32), 0.34 * d.body.scale))
    handles = {s: box + d.heading((SIGN[s] * width, 0.0, 0.0)) for s in "lr"}
    # a heavy lift is a squat with a straight back, not a stoop
    _reach_floor(d, low, handles, ("l", "r"), drop=rng.uniform(0.3, 0.4), tilt=0.35,
                 back=0.1, spine=0.08)
    d.angles[:, J["spine"], 0] -= 0.08 * keys(d.t, kt, np.array(w, dtype=float)[:, 4])  # arch
    sh = d.shoulders()
    for s in "lr":
        g = SIGN[s]
        iu, fo = d.idle_arm(s)
        hang = sh[s] + iu * d.arm_lengths[0] + fo * d.arm_lengths[1]
        hips = sh[s] + d.heading((-g * 0.02, -0.5, 0.22))
        chest = sh[s] + d.heading((-g * 0.04, -0.12, 0.3))
        up = sh[s] + d.heading((g * 0.05, 0.92 * sum(d.arm_lengths), 0.05))
        d.reach(s, _mix(d.t, kt, w, [hang, handles[s], hips, chest, up]),
                pole=(0.7 * g, -0.6, -0.4))
    return d.finish("lift")


@action("push")
def push(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    ramp = max(0.4, 0.45 / tempo ** 0.5)
    out_t, back_t = max(0.3, 0.4 / tempo), max(0.3, 0.4 / tempo)
    cyc = plan_cycles(p, rng.uniform(1.1, 1.5) / tempo, ramp, ramp,
                      min_period=out_t + back_t + 0.25)
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    # out, hold against the load, back to the chest, and a breath before the next shove
    shove = pulse(d.t, cyc, out_t, back_t, hold=max(0.05, cyc.period - out_t - back_t - 0.2))
    lean = np.clip(0.6 * size, 0.3, 0.8) * shove
    d.angles[:, J["pelvis"], 0] += 0.18 * lean                # lean the weight into it
    d.angles[:, J["spine"], 0] += 0.12 * lean
    d.root[:, 2] += 0.08 * lean * d.body.scale
    d.root[:, 1] -= 0.05 * w
    d.settle()
    sh = d.shoulders()
    for s in "lr":
        if s not in arms_for(p.hand):
            continue
        g = SIGN[s]
        chest = sh[s] + d.heading((-g * 0.06, -0.15, 0.2))
        out = sh[s] + d.heading((-g * 0.06, -0.06, 0.5 * d.body.arm * d.body.scale))
        d.reach(s, chest + (out - chest) * shove[:, None], w, pole=(0.6 * g, -0.8, -0.2))
    return d.finish("push")


@action("pull")
def pull(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    ramp = max(0.4, 0.45 / tempo ** 0.5)
    durs = [max(0.3, 0.35 / tempo), 0.1, max(0.35, 0.55 / tempo), 0.15]  # reach, grip, haul, rest
    one = phases(durs)
    cyc = plan_cycles(p, one[-1], ramp, ramp, min_period=one[-1])
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    local = np.where((d.t >= cyc.start) & (d.t < cyc.stop), (d.t - cyc.start) % cyc.period, 1e3)
    local = local * one[-1] / cyc.period
    haul = keys(local, one, [1.0, 0.0, 0.0, 1.0, 1.0])       # 0 arms out .. 1 pulled in
    lean = np.clip(0.55 * size, 0.25, 0.8) * haul * w
    d.angles[:, J["pelvis"], 0] -= 0.15 * lean                # sit back against the load
    d.angles[:, J["spine"], 0] -= 0.1 * lean
    d.root[:, 2] -= 0.08 * lean * d.body.scale
    d.root[:, 1] -= 0.04 * w + 0.04 * lean
    d.settle()
    sh = d.shoulders()
    mid = 0.5 * (sh["l"] + sh["r"])
    line = mid + d.heading((0.0, -0.12, 0.0))
    for s in "lr":
        if s not in arms_for(p.hand):
            continue
        g = SIGN[s]
        far = line + d.heading((g * 0.08, 0.0, 0.52 * d.body.arm * d.body.scale))
        near = line + d.heading((g * 0.12, -0.2, 0.12))
        d.reach(s, far + (near - far) * haul[:, None], w, pole=(0.7 * g, -0.7, -0.3))
    return d.finish("pull")
