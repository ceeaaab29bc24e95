"""Social dances on a beat: dance_disco, dance_hiphop and dance_salsa.

Each style has its own tempo, footwork and arm pattern so that the three read differently:
disco stays on its feet swaying the hips and points one arm up across the body and down again;
hip-hop bounces low in the knees with step-touches to the sides and pumping fists; salsa does
the forward/back basic (1-2-3, 5-6-7, holding on 4 and 8) with the hips swaying over the weighted
leg. A dance eases in from and out to the idle stance; its countable unit (``p.repeats``) is one
arm point, up and down (disco), one 4-beat step-touch (hip-hop) or one 8-count basic (salsa).
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action
from .draft import Draft, blend_dirs, unit
from .footwork import foot_track, weight_root
from .gestures import SIGN, arms_for
from .keyframe import energy, keys, plan_cycles, pulse, window
from .rig import J


def _beat(bpm: tuple[float, float], tempo: float, rng: np.random.Generator) -> float:
    return 60.0 / rng.uniform(*bpm) / tempo


@action("dance_disco")
def dance_disco(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.5)
    tempo, size = energy(p, rng)
    beat = _beat((108, 124), tempo, rng)
    ramp = max(0.45, beat)
    cyc = plan_cycles(p, 2 * beat, ramp, ramp, min_period=1.0)
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    b = (d.t - cyc.start) / (cyc.period / 2)                   # beats since the groove began
    sway = np.sin(np.pi * b) * w                                # one hip per beat
    d.root[:, 0] += 0.05 * size * sway * d.body.scale
    d.angles[:, J["pelvis"], 2] -= 0.08 * size * sway           # the hip pushed out rises
    d.angles[:, J["spine"], 2] += 0.1 * size * sway             # shoulders counter the hips
    d.root[:, 1] -= (0.02 + 0.025 * size * (0.5 - 0.5 * np.cos(2 * np.pi * b))) * w
    d.angles[:, J["neck"], 0] += 0.08 * np.sin(2 * np.pi * b) * w
    d.settle()
    # the pointing arm: up and out to its own side for two beats, down across the body for two
    # which arm points: decided a little ahead of each point so the hand-over is done by then
    k = np.clip((d.t + 0.3 * cyc.period - cyc.start) / cyc.period, 0, cyc.count)
    i = np.clip(np.floor(k).astype(int), 0, cyc.count - 1)
    sides = arms_for(p.hand)
    first = int(rng.integers(len(sides)))
    pointer = np.array(sides)[(i + first) % len(sides)]  # both hands take turns
    bt = cyc.period / 2  # up on one beat, down across on the next
    swing = max(0.45, 0.6 * bt)  # a straight arm sweeping a metre and more needs this long
    up = pulse(d.t, cyc, swing, swing, hold=max(0.0, bt - swing))
    hx = d.hips()
    el = rng.uniform(0.9, 1.2)
    box = np.ones(max(1, int(round(p.fps * bt * 0.6))))
    for s in ("l", "r"):
        g = SIGN[s]
        # a straight arm sweeps from up-and-out to down across the body, in front of the chest
        high = d.heading(unit(np.array([g * 0.8 * np.cos(el), np.sin(el), 0.3])))
        low = d.heading(unit(np.array([-g * 0.45, -0.8, 0.4])))
        sweep = blend_dirs(low, high, up, via=(0.0, 0.0, 0.6))
        hip_u, hip_f = d.ik_dirs(s, hx[s] + d.heading((g * 0.12, 0.08, 0.02)),
                                 pole=(0.9 * g, -0.1, -0.3))
        # how much this arm is the pointing one; a hand-over eases across about a beat
        share = (pointer == s).astype(float)
        for _ in range(2):
            share = np.convolve(np.pad(share, len(box), mode="edge"), box / box.sum(),
                                mode="same")[len(box):-len(box)]
        d.set_arm(s, blend_dirs(hip_u, sweep, share), blend_dirs(hip_f, sweep, share), w,
                  via=(0.3 * g, 0.0, 0.5))
    return d.finish("dance_disco")


@action("dance_hiphop")
def dance_hiphop(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.3)
    tempo, size = energy(p, rng)
    beat = _beat((86, 100), tempo, rng)
    ramp = max(0.45, 0.8 * beat)
    cyc = plan_cycles(p, 4 * beat, ramp, ramp, min_period=4 * 0.36)
    bt = cyc.period / 4
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    b = (d.t - cyc.start) / bt
    # step-touch: out to one side and close, then out to the other side and close
    width = np.clip(rng.uniform(0.24, 0.34) * size, 0.15, 0.42) * d.body.scale
    lead = "l" if rng.random() < 0.5 else "r"
    other = "r" if lead == "l" else "l"
    moves = {"l": [], "r": []}
    pos = {s: d.home[s].copy() for s in "lr"}
    gl = SIGN[lead]
    for c in range(cyc.count):
        t0 = cyc.start + c * cyc.period
        for j, (foot, dx) in enumerate(((lead, gl), (other, gl), (other, -gl), (lead, -gl))):
            pos[foot] = pos[foot] + np.array([dx * width, 0.0, 0.0])
            moves[foot].append((t0 + j * bt, t0 + (j + 0.55) * bt, pos[foot].copy()))
    for s in "lr":
        d.feet[s], c = foot_track(d.t, d.home[s], moves[s], lift=0.1 * min(size, 1.2))
        d.contacts[:, "lr".index(s)] = c
    wl = np.clip(0.5 + 0.5 * (d.feet["l"][:, 1] < d.feet["r"][:, 1] - 1e-3)
                 - 0.5 * (d.feet["r"][:, 1] < d.feet["l"][:, 1] - 1e-3), 0, 1)
    wl = np.convolve(np.pad(wl, 4, mode="edge"), np.ones(9) / 9, mode="valid")
    over = weight_root(d.feet, wl, 0.35)
    d.root[:, 0] = over[:, 0]
    d.root[:, 2] = over[:, 2]
    bounce = (0.5 - 0.5 * np.cos(2 * np.pi * b)) ** 1.5       # down hard on every beat
    d.root[:, 1] -= (0.04 + np.clip(0.06 * size, 0.03, 0.09) * bounce) * w * d.body.scale
    d.angles[:, J["spine"], 0] += (0.16 + 0.06 * bounce) * w  # hunched, chest popping
    d.angles[:, J["neck"], 0] += 0.14 * bounce * w            # head bob on the beat
    d.angles[:, J["spine"], 1] += 0.15 * np.sin(np.pi * b) * w
    d.settle()
    sh = d.shoulders()
    for s in ("l", "r"):
        g = SIGN[s]
        # fists pump down and forward, the arms taking turns on alternate beats
        pump = (0.5 - 0.5 * np.cos(np.pi * b + (0 if s == "l" else np.pi))) ** 2
        spot = np.stack([np.full(d.T, -g * 0.02), -0.22 - 0.18 * pump * size,
                         0.28 + 0.12 * pump], -1)
        d.reach(s, sh[s] + d.heading(spot), w, pole=(0.9 * g, -0.4, -0.3))
    return d.finish("dance_hiphop")


@action("dance_salsa")
def dance_salsa(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.3)
    tempo, size = energy(p, rng)
    beat = _beat((165, 200), tempo, rng)
    ramp = max(0.4, 1.5 * beat)
    cyc = plan_cycles(p, 8 * beat, ramp, ramp, min_period=8 * 0.22)
    bt = cyc.period / 8
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    stride = np.clip(rng.uniform(0.18, 0.26) * size, 0.1, 0.32) * d.body.scale
    moves = {"l": [], "r": []}
    weight = [(0.0, 0.5), (cyc.start, 0.5)]
    home = {s: d.heading(d.home[s])[0] for s in "lr"}
    fwd = d.heading((0.0, 0.0, stride))[0]
    for c in range(cyc.count):
        t0 = cyc.start + c * cyc.period
        swing = 0.7 * bt
        # 1: left forward; 2: rock back onto the right; 3: left home; 5: right back; 6: rock
        # forward onto the left; 7: right home. 4 and 8 hold.
        moves["l"] += [(t0, t0 + swing, home["l"] + fwd), (t0 + 2 * bt, t0 + 2 * bt + swing, home["l"])]
        moves["r"] += [(t0 + 4 * bt, t0 + 4 * bt + swing, home["r"] - fwd),
                       (t0 + 6 * bt, t0 + 6 * bt + swing, home["r"])]
        for k, wl in enumerate((1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0)):
            weight.append((t0 + (k + 0.7) * bt, wl))
    weight.append((cyc.stop + ramp, 0.5))
    for s in "lr":
        d.feet[s], c = foot_track(d.t, d.home[s], moves[s], lift=0.04)
        d.contacts[:, "lr".index(s)] = c
    wt, wv = zip(*weight)
    wl = keys(d.t, np.array(wt), np.array(wv))
    over = weight_root(d.feet, wl, 0.55)
    d.root[:, 0], d.root[:, 2] = over[:, 0], over[:, 2]
    # Cuban hip action: the hip over the weighted leg rises and swings out; the ribcage stays
    side = (2.0 * wl - 1.0) * w
    hip = np.clip(0.12 * size, 0.05, 0.18)
    d.angles[:, J["pelvis"], 2] += hip * side
    d.angles[:, J["pelvis"], 1] -= 0.5 * hip * side
    d.angles[:, J["spine"], 2] -= 0.8 * hip * side
    d.root[:, 0] += d.heading((0.03 * size, 0, 0))[:, 0] * side
    d.root[:, 1] -= 0.03 * w
    d.settle()
    sh = d.shoulders()
    for s in ("l", "r"):
        g = SIGN[s]
        # elbows bent, hands at waist height swinging against the hips
        sw = -0.06 * side * g
        spot = np.stack([np.full(d.T, -g * 0.02) + sw, np.full(d.T, -0.3), np.full(d.T, 0.28)], -1)
        if s == "l" and p.hand in ("left", "both"):
            spot[:, 1] += 0.25  # a raised hand, as if leading a partner
        d.reach(s, sh[s] + d.heading(spot), w, pole=(0.8 * g, -0.6, -0.3))
    return d.finish("dance_salsa")
