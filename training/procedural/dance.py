"""Social dances on a beat: dance_disco, dance_hiphop and dance_salsa.

Each style steps to its own tempo, has its own arm work, and changes figure from one 8-count to
the next the way a dancer does (the first figure is always the style's plainest):
- disco: a side step-touch on every beat, the hips swaying over the weighted foot and a dip on
  the beat; the arms point up-and-out and down-across or roll the forearms in front of the
  chest; now and then a whole turn stepped in four beats with one hand up.
- hip-hop: a wide step-touch low in the knees, a hard bounce on every beat, the chest popping
  and turning toward the step; the fists pump, the palms push up ("raise the roof"), or the
  arms cross in front of the chest and fling open.
- salsa: steps on 1-2-3 and 5-6-7 (tapping on 4 and 8), forward and back or out to the sides,
  with Cuban hip action over the weighted leg and bent arms swinging against the steps; now
  and then a right turn on 5-6-7 under a raised hand.
A dance eases in from and out to the idle stance. Its countable unit (``p.repeats``) is one arm
point, up and down (disco), one 4-beat step-touch (hip-hop) or one 8-count basic (salsa); a
counted dance keeps to that figure so it can be counted. The limb energy (mean speed of the
joints relative to the pelvis) falls inside that of the real CMU dance clips.
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action
from .draft import Draft
from .footwork import StepPlan, foot_track, weight_root
from .gestures import SIGN, arms_for
from .keyframe import ease, energy, plan_cycles, pulse, window
from .rig import J

OTHER = {"l": "r", "r": "l"}


def _beat(bpm: tuple[float, float], tempo: float, rng: np.random.Generator) -> float:
    return 60.0 / rng.uniform(*bpm) / tempo


def dance_energy(p: ActionParams, rng: np.random.Generator) -> tuple[float, float]:
    """(tempo, size) for a dance: the mood and speed still show, but within limits: a dance at
    half tempo and half size is no longer a dance (real dance clips move their limbs at
    0.3-1.2 m/s on average, relative to the pelvis)."""
    tempo, size = energy(p, rng)
    return float(np.clip(tempo, 0.9, 1.4)), float(np.clip(size, 0.9, 1.4))


def _figures(p: ActionParams, rng: np.random.Generator, n: int, options: tuple[str, ...],
             probs: tuple[float, ...]) -> list[str]:
    """One figure per 8-count; the first is the plainest, and a counted dance keeps to it."""
    if p.repeats is not None:
        return [options[0]] * n
    return [options[0]] + [str(rng.choice(options, p=probs)) for _ in range(n - 1)]


def _turns(t: np.ndarray, spans) -> np.ndarray:
    """(T,) heading: one whole revolution eased over each (t0, t1, way) span."""
    yaw = np.zeros(len(t))
    for t0, t1, way in spans:
        yaw += way * 2 * np.pi * ease((t - t0) / max(t1 - t0, 1e-6))
    return yaw


def _shares(fig: np.ndarray, n: int, frames: int) -> np.ndarray:
    """(T, n) how much each arm figure shows: the per-frame figure index ``fig`` (T,) one-hot,
    eased across about ``frames`` so a change of figure is a movement, not a pop."""
    out = np.eye(n)[fig]
    box = np.ones(max(1, frames)) / max(1, frames)
    for _ in range(2):
        out = np.stack([np.convolve(np.pad(c, len(box), mode="edge"), box, mode="same")
                        [len(box):-len(box)] for c in out.T], -1)
    return out


def _arms(d: Draft, w: np.ndarray, shares: np.ndarray, spots: dict, poles: list) -> None:
    """Blend each arm's figure targets and reach them from the idle arm by ``w`` (T,).

    spots: side -> list of (T, 3) hand offsets from the shoulder in the body frame, metres for
    an average arm (scaled to this body's); poles: per figure, the elbow's body-frame pole."""
    sh = d.shoulders()
    scale = sum(d.arm_lengths) / 0.56
    for s, figs in spots.items():
        g = SIGN[s]
        spot = np.einsum("tk,ktc->tc", shares, np.stack([np.broadcast_to(f, (d.T, 3))
                                                        for f in figs]))
        pole = shares @ np.array([(g * a, b, c) for a, b, c in poles])
        d.reach(s, sh[s] + d.heading(spot * scale), w, pole=pole)


def _groove(d: Draft, feet, contacts, wl, w, follow: float, hip: float) -> np.ndarray:
    """Feet, pelvis over the weighted foot, and the hips rising over it; returns the (T,) side
    the weight is on (+1 left, -1 right), faded in and out with ``w``."""
    d.feet = feet
    d.contacts = contacts
    over = weight_root(d.feet, wl, follow)
    d.root[:, 0], d.root[:, 2] = over[:, 0], over[:, 2]
    side = (2.0 * wl - 1.0) * w
    d.angles[:, J["pelvis"], 2] += hip * side          # the weighted hip rises and pushes out
    d.angles[:, J["spine"], 2] -= 0.8 * hip * side     # the ribcage stays over the feet
    return side


def _close(plan: StepPlan, t0: float, t1: float, last: str) -> None:
    """Both feet back to the idle stance between t0 and t1, the unweighted foot first."""
    mid = 0.5 * (t0 + t1)
    plan.home_step(OTHER[last], t0, mid)
    plan.home_step(last, mid, t1)


def _step_touch(plan: StepPlan, beats: list[float], bars: list[str], width: float, hx: float,
                lead: str, swing: float) -> str:
    """Disco footwork, one step per beat time in ``beats``: out to the travelling side with the
    foot on that side and a touch of the other beside it (no weight), first toward ``lead``;
    in the second half of a "turn" 8-count, four steps in place round the turn. Returns the
    foot that has the weight at the end."""
    cx, last = 0.0, "r"
    for k, t0 in enumerate(beats):
        bar, pos = divmod(k, 8)
        if bars[bar] == "turn" and pos >= 4:
            last = lead if pos % 2 == 0 else OTHER[lead]
            plan.step(last, t0, t0 + swing, cx + SIGN[last] * hx)
            continue
        go = SIGN[lead] * (1 if (k // 2) % 2 == 0 else -1)
        cx = go * width / 2
        foot = "l" if go > 0 else "r"
        if k % 2 == 0:
            plan.step(foot, t0, t0 + swing, cx + go * hx)
            last = foot
        else:
            plan.step(OTHER[foot], t0, t0 + swing, cx - go * 0.05, weight=0.0)
    return last


@action("dance_disco")
def dance_disco(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.5)
    tempo, size = dance_energy(p, rng)
    beat = _beat((110, 126), tempo, rng)
    ramp = max(0.45, beat)
    cyc = plan_cycles(p, 2 * beat, ramp, ramp, min_period=1.0)
    bt, nb = cyc.period / 2, 2 * cyc.count
    end = (d.T - 1) / p.fps
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    bars = _figures(p, rng, -(-nb // 8), ("point", "roll", "turn"), (0.4, 0.35, 0.25))
    way = float(rng.choice([-1.0, 1.0]))
    swing = 0.55 * bt
    spans = []
    for i, f in enumerate(bars):
        if f == "turn" and 8 * i + 8 > nb:
            bars[i] = "point"   # a turn needs the whole second half of its 8-count
        elif f == "turn":
            spans.append((cyc.start + (8 * i + 4) * bt, cyc.start + (8 * i + 7) * bt + swing, way))
    d.yaw = _turns(d.t, spans)
    # side step-touch on every beat, and the turns
    width = float(np.clip(rng.uniform(0.26, 0.36) * size, 0.18, 0.44)) * d.body.scale
    hx = abs(float(d.home["l"][0]))
    lead = str(rng.choice(["l", "r"]))
    plan = StepPlan(d.t, d.yaw, d.home)
    last = _step_touch(plan, [cyc.start + k * bt for k in range(nb)], bars, width, hx, lead,
                       swing)
    _close(plan, cyc.stop, cyc.stop + 0.9 * (end - cyc.stop), last)
    feet, contacts, wl = plan.tracks(lift=0.08 * min(size, 1.3))
    _groove(d, feet, contacts, wl, w, 0.5, np.clip(0.1 * size, 0.05, 0.15))
    b = (d.t - cyc.start) / bt
    dip = (0.5 + 0.5 * np.cos(2 * np.pi * (b - 0.55))) ** 2        # down as the foot lands
    d.root[:, 1] -= (0.015 + np.clip(0.04 * size, 0.02, 0.055) * dip) * w * d.body.scale
    d.angles[:, J["neck"], 0] += 0.08 * np.sin(2 * np.pi * b) * w
    d.settle()
    # arm figures: 0 the point, 1 the forearm roll, 2 one hand up for the turn
    k = np.clip(np.floor(b).astype(int), 0, max(nb - 1, 0))
    fig = np.array([{"point": 0, "roll": 1}.get(bars[i // 8], 0 if i % 8 < 4 else 2) for i in k])
    shares = _shares(fig, 3, int(round(0.5 * bt * p.fps)))
    sides = arms_for(p.hand)
    first = int(rng.integers(len(sides)))
    up = pulse(d.t, cyc, max(0.45, 0.6 * bt), max(0.45, 0.6 * bt), hold=max(0.0, bt - 0.6 * bt))
    pair = np.clip(np.floor((d.t - cyc.start) / cyc.period + 0.3).astype(int), 0, cyc.count - 1)
    pointer = np.array(sides)[(pair + first) % len(sides)]
    el = rng.uniform(0.9, 1.2)
    roll = 2 * np.pi * b
    r = float(np.clip(0.11 * size, 0.07, 0.15))
    sweep = 0.12 * np.sin(np.pi * b / 4)                   # the roll travels across the chest
    spots = {}
    for s in "lr":
        g = SIGN[s]
        mine = _shares((pointer == s).astype(int), 2, int(round(0.6 * bt * p.fps)))[:, 1:]
        u = up[:, None]
        high = 0.54 * np.array([g * 0.8 * np.cos(el), np.sin(el), 0.3])
        low = 0.52 * np.array([-g * 0.45, -0.8, 0.4]) / np.linalg.norm([0.45, 0.8, 0.4])
        pointing = low + (high - low) * u + 4 * u * (1 - u) * np.array([0.0, 0.0, 0.18])
        # the other hand swings bent from the hip to the chest against the point
        hip = (np.array([g * 0.1, -0.4, 0.08]) + np.array([-g * 0.2, 0.2, 0.2]) * (1 - u)
               + np.array([0.0, 0.04, 0.04]) * dip[:, None])
        circle = np.stack([-g * 0.17 + sweep, -0.22 + r * np.sin(roll + (0 if s == "l" else np.pi)),
                           0.3 + r * np.cos(roll + (0 if s == "l" else np.pi))], -1)
        turn_hand = (np.array([g * 0.08, 0.5, 0.1]) if s == ("l" if way > 0 else "r")
                     else np.array([g * 0.45, -0.02, 0.18]))
        spots[s] = [hip + (pointing - hip) * mine, circle, np.broadcast_to(turn_hand, (d.T, 3))]
    _arms(d, w, shares, spots, [(0.9, -0.1, -0.3), (0.8, -0.6, -0.2), (0.9, 0.0, -0.3)])
    return d.finish("dance_disco")


@action("dance_hiphop")
def dance_hiphop(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.3)
    tempo, size = dance_energy(p, rng)
    beat = _beat((92, 106), tempo, rng)
    ramp = max(0.45, 0.8 * beat)
    cyc = plan_cycles(p, 4 * beat, ramp, ramp, min_period=4 * 0.36)
    bt = cyc.period / 4
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    b = (d.t - cyc.start) / bt
    # step-touch: out to one side and close, then out to the other side and close
    quick = min(1.0, bt / 0.55)   # a counted dance squeezed into a short clip moves smaller
    width = np.clip(rng.uniform(0.28, 0.38) * size, 0.18, 0.46) * d.body.scale * (0.5 + 0.5 * quick)
    lead = "l" if rng.random() < 0.5 else "r"
    moves = {"l": [], "r": []}
    pos = {s: d.home[s].copy() for s in "lr"}
    gl = SIGN[lead]
    for c in range(cyc.count):
        t0 = cyc.start + c * cyc.period
        for j, (foot, dx) in enumerate(((lead, gl), (OTHER[lead], gl), (OTHER[lead], -gl),
                                        (lead, -gl))):
            pos[foot] = pos[foot] + np.array([dx * width, 0.0, 0.0])
            moves[foot].append((t0 + j * bt, t0 + (j + 0.55) * bt, pos[foot].copy()))
    feet, contacts = {}, np.ones((d.T, 2), dtype=bool)
    for s in "lr":
        feet[s], contacts[:, "lr".index(s)] = foot_track(d.t, d.home[s], moves[s],
                                                         lift=0.2 * min(size, 1.2) * quick)
    wl = np.clip(0.5 + 0.5 * (feet["l"][:, 1] < feet["r"][:, 1] - 1e-3)
                 - 0.5 * (feet["r"][:, 1] < feet["l"][:, 1] - 1e-3), 0, 1)
    wl = np.convolve(np.pad(wl, 4, mode="edge"), np.ones(9) / 9, mode="valid")
    _groove(d, feet, contacts, wl, w, 0.4, np.clip(0.06 * size, 0.03, 0.1))
    bounce = (0.5 - 0.5 * np.cos(2 * np.pi * b)) ** 1.5       # down hard on every beat
    d.root[:, 1] -= (0.05 + np.clip(0.08 * size, 0.04, 0.11) * bounce) * w * d.body.scale
    d.angles[:, J["spine"], 0] += (0.16 + 0.1 * bounce) * w   # hunched, chest popping
    d.angles[:, J["neck"], 0] += 0.18 * bounce * w            # head bob on the beat
    # the chest and hips turn toward the side the step travels to
    d.angles[:, J["spine"], 1] += 0.3 * min(size, 1.3) * gl * np.sin(np.pi * b / 2) * w
    d.angles[:, J["pelvis"], 1] += 0.12 * gl * np.sin(np.pi * b / 2) * w
    d.settle()
    bars = _figures(p, rng, -(-cyc.count // 2), ("pump", "roof", "cross"), (0.4, 0.3, 0.3))
    k = np.clip(np.floor(b / 8).astype(int), 0, len(bars) - 1)
    fig = np.array([("pump", "roof", "cross").index(bars[i]) for i in k])
    shares = _shares(fig, 3, int(round(0.5 * bt * p.fps)))
    push = 0.5 - 0.5 * np.cos(2 * np.pi * b)                 # palms up on every beat
    fling = 0.5 - 0.5 * np.cos(2 * np.pi * b)                 # crossed on the beat, open between
    spots = {}
    for s in "lr":
        g = SIGN[s]
        # each fist pumps on every beat, the two half a beat apart
        pump = (0.5 - 0.5 * np.cos(2 * np.pi * b + (0 if s == "l" else np.pi))) ** 1.5
        sz = min(size, 1.3) * quick
        fist = np.stack([np.full(d.T, -g * 0.02), -0.12 - 0.36 * pump * sz,
                         0.22 + 0.26 * pump], -1)
        roof = np.stack([np.full(d.T, g * 0.16), -0.04 + 0.46 * push * sz,
                         0.14 + 0.08 * push], -1)
        crossed, opened = np.array([-g * 0.2, -0.18, 0.3]), np.array([g * 0.5, -0.02, 0.16])
        cross = crossed + (opened - crossed) * quick * fling[:, None]
        spots[s] = [fist, roof, cross]
    _arms(d, w, shares, spots, [(0.9, -0.4, -0.3), (0.9, -0.3, -0.2), (0.8, -0.5, -0.2)])
    return d.finish("dance_hiphop")


@action("dance_salsa")
def dance_salsa(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.3)
    tempo, size = dance_energy(p, rng)
    beat = _beat((170, 205), tempo, rng)
    ramp = max(0.4, 1.5 * beat)
    cyc = plan_cycles(p, 8 * beat, ramp, ramp, min_period=8 * 0.22)
    bt = cyc.period / 8
    end = (d.T - 1) / p.fps
    w = window(d.t, 0.0, cyc.stop + ramp, ramp, ramp)
    quick = min(1.0, bt / 0.3)   # very fast music takes smaller steps and arm swings
    stride = float(np.clip(rng.uniform(0.25, 0.33) * size, 0.16, 0.38)) * d.body.scale * quick
    bars = _figures(p, rng, cyc.count, ("basic", "side", "turn"), (0.45, 0.3, 0.25))
    swing = 0.7 * bt
    spans = [(cyc.start + (8 * c + 4) * bt, cyc.start + (8 * c + 6) * bt + swing, -1.0)
             for c, f in enumerate(bars) if f == "turn"]
    d.yaw = _turns(d.t, spans)
    hx = abs(float(d.home["l"][0]))
    plan = StepPlan(d.t, d.yaw, d.home)
    for c, fig in enumerate(bars):
        t0 = cyc.start + c * cyc.period
        at = [t0 + k * bt for k in range(8)]
        # 1: left out (forward or to the side); 2: rock onto the right; 3: left home
        out_l = (hx + stride, 0.0) if fig == "side" else (hx, stride)
        plan.step("l", at[0], at[0] + swing, *out_l)
        plan.shift(at[1] + swing, 0.0)
        plan.step("l", at[2], at[2] + swing, hx, 0.0)
        plan.step("r", at[3], at[3] + swing, -hx, 0.0, weight=0.0)   # 4: a tap, no weight
        if fig == "turn":   # 5-6-7: a right turn stepping right, left, right round the spot
            for k, s in ((4, "r"), (5, "l"), (6, "r")):
                plan.step(s, at[k], at[k] + swing, SIGN[s] * hx)
        else:
            # 5: right out (back or to the side); 6: rock onto the left; 7: right home
            out_r = (-hx - stride, 0.0) if fig == "side" else (-hx, -stride)
            plan.step("r", at[4], at[4] + swing, *out_r)
            plan.shift(at[5] + swing, 1.0)
            plan.step("r", at[6], at[6] + swing, -hx, 0.0)
        plan.step("l", at[7], at[7] + swing, hx, 0.0, weight=0.0)    # 8: a tap
    _close(plan, cyc.stop, cyc.stop + 0.9 * (end - cyc.stop), "r")
    feet, contacts, wl = plan.tracks(lift=0.07)
    hip = float(np.clip(0.17 * size, 0.1, 0.24))
    side = _groove(d, feet, contacts, wl, w, 0.6, hip)
    d.angles[:, J["pelvis"], 1] -= 0.5 * hip * side
    d.angles[:, J["spine"], 1] += 0.3 * min(size, 1.3) * side   # shoulders turn against hips
    d.root[:, 0] += d.heading((0.03 * size, 0, 0))[:, 0] * side
    b = (d.t - cyc.start) / bt
    d.root[:, 1] -= (0.03 + 0.015 * (0.5 + 0.5 * np.cos(2 * np.pi * (b - 0.7)))) * w
    d.settle()
    # arm figures: 0 the bent-arm frame swinging against the steps, 1 a hand raised for the turn
    kb = np.clip(np.floor(b).astype(int), 0, 8 * cyc.count - 1)
    fig = np.array([1 if bars[i // 8] == "turn" and 3 <= i % 8 <= 7 else 0 for i in kb])
    shares = _shares(fig, 2, int(round(0.8 * bt * p.fps)))
    fwd = np.einsum("tc,tc->t", feet["l"] - feet["r"],
                    np.stack([np.sin(d.yaw), 0 * d.yaw, np.cos(d.yaw)], -1))
    raised = "l" if p.hand in ("left", "both") else "r"
    spots = {}
    for s in "lr":
        g = SIGN[s]
        sw = -g * 0.9 * fwd * min(size, 1.3) * quick  # the hand goes back as its foot goes forward
        if s == raised and p.hand in ("left", "both"):
            sw = 0.3 * sw   # a hand held up to lead a partner keeps its place
        lilt = 0.08 * np.cos(2 * np.pi * (b - 0.7)) * w          # hands rise and fall on the steps
        frame = np.stack([-g * 0.02 - 0.12 * side * g, -0.3 + 0.05 * side * g + lilt, 0.3 + sw], -1)
        if s == raised and p.hand in ("left", "both"):
            frame[:, 1:] += (0.2, 0.06)  # a raised hand, as if leading a partner
        turn = (np.array([g * 0.06, 0.5, 0.12]) if s == raised
                else np.array([g * 0.42, -0.1, 0.2]))
        spots[s] = [frame, np.broadcast_to(turn, (d.T, 3))]
    _arms(d, w, shares, spots, [(0.8, -0.6, -0.3), (0.9, 0.0, -0.3)])
    return d.finish("dance_salsa")
