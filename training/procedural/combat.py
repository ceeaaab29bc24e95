"""Combat and sport actions: punch, kick, block, throw and catch.

The feet stay where they are (a kick lifts one foot and puts it back on its own footprint). Strikes
have floors on their durations: at 25 frames a second a fist cannot cover half a metre in two
frames without the motion popping, so an angry, quick punch is quick, but not instantaneous.
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action
from .draft import Draft
from .gestures import SIGN, arms_for
from .keyframe import curve, energy, keys, phases, plan_cycles, pulse, window
from .rig import J

GUARD = np.array([-0.1, 0.04, 0.26])  # a fist in front of the chin, from its own shoulder (x * sign)


def _side_offset(g: float, v) -> np.ndarray:
    """A body-frame offset written for the left side, mirrored to the side with sign ``g``."""
    return np.array([g * v[0], v[1], v[2]], dtype=np.float64)


def _guard(d: Draft, w: np.ndarray, sides=("l", "r")) -> dict[str, np.ndarray]:
    """Fists up in front of the chin, weighted by ``w``; returns the guard spots (T, 3)."""
    sh = d.shoulders()
    spots = {s: sh[s] + d.heading(_side_offset(SIGN[s], GUARD)) for s in sides}
    for s in sides:
        d.reach(s, spots[s], w, pole=_side_offset(SIGN[s], (0.5, -1.0, -0.3)))
    return spots


@action("punch")
def punch(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    out_t, hold, back_t = max(0.14, 0.17 / tempo), 0.04, max(0.16, 0.25 / tempo)
    ramp = max(0.4, 0.45 / tempo ** 0.5)
    cyc = plan_cycles(p, rng.uniform(0.6, 0.9) / tempo, ramp + 0.1, ramp,
                      min_period=out_t + hold + back_t + 0.06)
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    strike = pulse(d.t, cyc, out_t, back_t, hold=hold)
    which = np.clip(np.floor(cyc.phase(d.t)).astype(int), 0, cyc.count - 1)
    sides = arms_for(p.hand)
    if len(sides) == 2:  # both hands: a one-two, starting with either
        first = int(rng.integers(2))
        puncher = np.where((which + first) % 2 == 0, 0, 1)
    else:
        puncher = np.zeros(d.T, dtype=int)
    gp = np.array([SIGN[s] for s in sides])[puncher]
    d.root[:, 1] -= 0.04 * w                          # soft knees
    d.angles[:, J["spine"], 0] += 0.1 * w             # hunched over the fists
    d.angles[:, J["neck"], 0] -= 0.06 * w
    d.angles[:, J["spine"], 1] -= gp * np.clip(0.35 * size, 0.15, 0.5) * strike  # shoulder drives
    d.settle()
    sh = d.shoulders()
    reach = 0.95 * sum(d.arm_lengths) * min(1.0, 0.85 + 0.15 * size)
    for s in ("l", "r"):
        g = SIGN[s]
        guard = sh[s] + d.heading(_side_offset(g, GUARD))
        hit = sh[s] + d.heading(_side_offset(g, (-0.12, 0.03, np.sqrt(reach ** 2 - 0.12 ** 2))))
        amount = (strike * (np.array(sides)[puncher] == s))[:, None]
        d.reach(s, guard + (hit - guard) * amount, w, pole=_side_offset(g, (0.5, -1.0, -0.3)))
    return d.finish("punch")


@action("kick")
def kick(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    # the kicking leg: an explicit side if one is set, else the hand parameter ("both" -> right)
    leg = p.side if p.side in ("left", "right") else p.hand if p.hand in ("left", "right") else "right"
    s, o = leg[0], "r" if leg[0] == "l" else "l"
    durs = [max(0.3, 0.3 / tempo), max(0.26, 0.22 / tempo), 0.06, max(0.28, 0.24 / tempo),
            max(0.34, 0.32 / tempo)]  # chamber, extend, hold, re-chamber, put down
    kt = phases(durs)
    shift = max(0.35, 0.4 / tempo ** 0.5)
    cyc = plan_cycles(p, kt[-1] + 0.4 / tempo, shift + 0.05, shift, min_period=kt[-1] + 0.12)
    w = window(d.t, 0.0, cyc.stop + shift, shift, shift)
    local = np.where((d.t >= cyc.start) & (d.t < cyc.stop), (d.t - cyc.start) % cyc.period, 1e3)
    ext = keys(local, kt, [0.0, 0.5, 1.0, 1.0, 0.5, 0.0])
    fold = keys(local, kt, [0.0, 1.0, 0.08, 0.08, 1.0, 0.0])
    flying = local < kt[-1]
    d.contacts[:, "lr".index(s)] = ~flying
    # weight over the standing foot, knee soft, trunk leaning back against the leg
    d.root[:, 0] += 0.8 * d.home[o][0] * w
    d.root[:, 1] -= 0.03 * w
    d.angles[:, J["spine"], 0] -= 0.22 * ext * min(size, 1.2)
    d.angles[:, J["pelvis"], 0] -= 0.12 * ext * min(size, 1.2)
    d.settle()
    hip = d.hips()[s]
    above = hip[:, 1]                                 # hip height over the floor
    angle = np.clip(rng.uniform(1.35, 1.55) * size, 0.7, 1.75) * ext
    r = np.minimum(above * (1.0 - 0.45 * fold) * (1.0 + 0.02 * ext), 0.99 * d.leg_length)
    swing = np.stack([-0.25 * (d.home[s][0]) * ext, above - r * np.cos(angle), r * np.sin(angle)], -1)
    d.feet[s] = d.home[s] + d.heading(swing)
    d.feet[s][:, 1] = np.maximum(d.feet[s][:, 1], 0.0)
    _guard(d, w)
    return d.finish("kick")


@action("block")
def block(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    ramp = max(0.4, 0.45 / tempo ** 0.5)
    up_t, down_t = max(0.15, 0.18 / tempo), max(0.2, 0.3 / tempo)
    cyc = plan_cycles(p, rng.uniform(1.0, 1.6) / tempo, ramp + 0.05, ramp,
                      min_period=up_t + down_t + 0.15)
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    hold = max(0.1, cyc.period - up_t - down_t - rng.uniform(0.05, 0.25))
    cover = pulse(d.t, cyc, up_t, down_t, hold=hold)
    d.root[:, 1] -= 0.04 * w
    d.root[:, 2] -= 0.03 * cover                      # flinch back from the blow
    d.angles[:, J["spine"], 0] += 0.1 * w - 0.14 * cover
    d.angles[:, J["neck"], 0] += 0.12 * cover         # chin tucked
    d.settle()
    sh = d.shoulders()
    high = rng.random() < 0.5  # forearm across above the brow, or both fists covering the face
    for s in ("l", "r"):
        g = SIGN[s]
        guard = sh[s] + d.heading(_side_offset(g, GUARD))
        active = s in arms_for(p.hand)
        if high:
            spot, pole = (-0.16, 0.3, 0.3), (1.0, 0.2, -0.1)
        else:
            spot, pole = (-0.06, 0.22, 0.2), (0.3, -1.0, -0.1)
        shield = sh[s] + d.heading(_side_offset(g, spot))
        a = (cover * active)[:, None]
        d.reach(s, guard + (shield - guard) * a, w, pole=_side_offset(g, pole))
    return d.finish("block")


@action("throw")
def throw(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    durs = [max(0.45, 0.55 / tempo), 0.08, max(0.28, 0.22 / tempo), max(0.3, 0.35 / tempo),
            max(0.45, 0.5 / tempo)]  # wind up, cock, release, follow through, recover
    kt = phases(durs)
    cyc = plan_cycles(p, kt[-1] + 0.3, 0.1, 0.1, min_period=kt[-1] + 0.05)
    local = np.where((d.t >= cyc.start) & (d.t < cyc.stop), (d.t - cyc.start) % cyc.period, 1e3)
    wind = keys(local, kt, [0.0, 1.0, 1.0, 0.0, 0.0, 0.0])   # coiled back
    fwd = keys(local, kt, [0.0, 0.0, 0.0, 1.0, 0.7, 0.0])    # uncoiled toward the target
    arm_w = keys(local, kt, [0.0, 1.0, 1.0, 1.0, 1.0, 0.0])
    sides = arms_for(p.hand)
    two = len(sides) == 2  # two hands: a throw-in from behind the head, square to the target
    gt = 0.0 if two else SIGN[sides[0]]
    twist = np.clip(0.45 * size, 0.2, 0.6)
    d.angles[:, J["spine"], 1] += gt * twist * (wind - 0.8 * fwd)
    d.angles[:, J["spine"], 0] += -0.12 * wind + 0.2 * fwd * min(size, 1.2)
    d.root[:, 2] += (-0.05 * wind + 0.06 * fwd) * d.body.scale
    d.root[:, 1] -= 0.03 * np.maximum(wind, fwd)
    d.settle()
    sh = d.shoulders()
    for s in ("l", "r"):
        g = SIGN[s]
        if s in sides:
            # the hand path: back behind the head, over the shoulder, out in front, across
            if two:
                path = [(-0.05, 0.22, -0.2), (-0.05, 0.22, -0.2), (-0.05, 0.24, -0.22),
                        (-0.05, 0.4, 0.1), (-0.06, 0.3, 0.45), (-0.1, -0.2, 0.45),
                        (-0.1, -0.3, 0.4)]
            else:
                path = [(0.12, 0.2, -0.28), (0.12, 0.2, -0.28), (0.14, 0.22, -0.3),
                        (0.06, 0.38, 0.08), (-0.1, 0.25, 0.45), (-0.35, -0.42, 0.3),
                        (-0.3, -0.45, 0.25)]
            pt = np.insert(kt, 3, 0.5 * (kt[2] + kt[3]))
            off = curve(np.minimum(local, kt[-1]), pt, [_side_offset(g, v) for v in path])
            d.reach(s, sh[s] + d.heading(off), arm_w, pole=_side_offset(g, (0.8, -0.5, -0.4)))
        else:  # the free arm reaches toward the target, then tucks in as the body turns
            d.reach(s, sh[s] + d.heading(_side_offset(g, (-0.05, 0.0, 0.5))), 0.8 * wind)
    return d.finish("throw")


@action("catch")
def catch(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng)
    tempo, size = energy(p, rng)
    durs = [max(0.45, 0.45 / tempo), rng.uniform(0.15, 0.5) / tempo, max(0.2, 0.22 / tempo),
            max(0.2, 0.35 / tempo), max(0.45, 0.5 / tempo)]  # reach, wait, catch, hold, lower
    kt = phases(durs)
    cyc = plan_cycles(p, kt[-1] + 0.2, 0.1, 0.1, min_period=kt[-1] + 0.05)
    local = np.where((d.t >= cyc.start) & (d.t < cyc.stop), (d.t - cyc.start) % cyc.period, 1e3)
    out = keys(local, kt, [0.0, 1.0, 1.0, 0.0, 0.0, 0.0])     # hands out toward the ball
    pull = keys(local, kt, [0.0, 0.0, 0.0, 1.0, 1.0, 0.0])    # ball pulled in to the chest
    height = rng.uniform(-0.2, 0.35) * size                   # below or above the shoulders
    lateral = rng.uniform(-0.2, 0.2)
    d.root[:, 1] -= 0.05 * pull + 0.02 * out                  # the knees take the ball's weight
    d.angles[:, J["spine"], 0] += 0.12 * out - 0.06 * pull
    d.settle()
    sh = d.shoulders()
    mid = 0.5 * (sh["l"] + sh["r"])
    ball = mid + d.heading((lateral, height, 0.45 + 0.1 * size))
    chest = mid + d.heading((0.0, -0.18, 0.22))
    for s in ("l", "r"):
        g = SIGN[s]
        hold = (ball * out[:, None] + chest * pull[:, None]) / np.maximum(out + pull, 1e-6)[:, None]
        spot = hold + d.heading((g * 0.1, 0.0, 0.0))
        d.reach(s, spot, np.minimum(out + pull, 1.0), pole=_side_offset(g, (0.7, -0.7, -0.2)))
    return d.finish("catch")
