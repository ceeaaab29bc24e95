"""Turning on one foot: spin and dance_ballet (pliés, port de bras and a pirouette).

A turn pivots on the supporting foot, which stays planted on its footprint: the pelvis is kept
with the supporting hip straight over that foot, so the body rotates about the standing leg
while the free foot is held up (at the ankle for a spin, at the knee, in passé, for a
pirouette). Turns are whole revolutions, so the figure ends facing where it began, and their
speed is capped so that nothing held out from the axis moves more than about 0.2 m a frame.

The skeleton's foot joint is the sole on the floor, so a relevé cannot lift the heel; it shows
as the standing leg straightening fully out of the plié with the body drawn up.
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action
from .draft import Draft, blend_dirs, mix_dirs, unit
from .gestures import SIGN
from .dance import dance_energy
from .footwork import foot_track
from .keyframe import ease, keys, phases, plan_cycles
from .rig import J, rot_y


def _pivot(d: Draft, support: str, yaw: np.ndarray, centre: np.ndarray) -> None:
    """Turn by ``yaw`` (T,) about the supporting foot; ``centre`` (T,) in [0, 1] is how far the
    pelvis has shifted over that foot (0 = between the feet)."""
    d.yaw = yaw
    foot = d.home[support]
    hip = d.off[J[f"{support}_hip"]]
    over = foot[None, :] - np.einsum("tij,j->ti", rot_y(yaw), hip)  # root with the hip over foot
    over[:, 1] = 0.0
    mid = np.zeros(3)
    d.root[:, [0, 2]] = (mid + (over - mid) * centre[:, None])[:, [0, 2]]


def _turn_profile(t: np.ndarray, t0: float, t1: float, turns: int, direction: float) -> np.ndarray:
    """(T,) yaw: ``turns`` whole revolutions between t0 and t1, easing in and out."""
    return direction * 2 * np.pi * turns * ease((t - t0) / max(t1 - t0, 1e-6))


def _free_foot(d: Draft, free: str, support: str, lift: np.ndarray, height: float,
               ahead: float) -> None:
    """Hold the free foot ``lift`` (T,) of the way up to ``height`` m beside the standing leg."""
    g = SIGN[free]
    up = d.home[support] + d.heading((g * 0.06, height, ahead))
    d.feet[free] = d.home[free] + (up - d.home[free]) * lift[:, None]
    d.contacts[:, "lr".index(free)] = lift < 1e-3


@action("spin")
def spin(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.4)
    tempo, size = dance_energy(p, rng)
    way = {"left": 1.0, "right": -1.0}.get(p.side, float(rng.choice([-1.0, 1.0])))
    support = "l" if way > 0 else "r"  # turn toward the standing leg's side
    free = "r" if support == "l" else "l"
    per_turn = max(0.75, rng.uniform(0.75, 0.95) / tempo)  # faster would whip the elbows
    prep = land = max(0.4, 0.5 / tempo)
    total = (d.T - 1) / p.fps
    avail = total - 0.2
    fit = max(1, int((avail - 0.5) / 0.75))
    turns = max(1, min(p.repeats or int((avail - prep - land) / per_turn), fit))
    turn_time = max(turns * 0.75, min(turns * per_turn, avail - prep - land))
    if turn_time + prep + land > avail:  # a short clip: shorten the wind-up and the landing
        prep = land = max(0.25, 0.5 * (avail - turn_time))
    t0 = 0.1 + prep
    t1 = t0 + turn_time
    kt = [0.0, 0.1, t0, t1, t1 + land, total]
    centre = keys(d.t, kt, [0, 0, 1, 1, 0, 0])
    coil = keys(d.t, kt, [0, 0, 1, 0, 0, 0])                # wind up against the turn
    tuck = keys(d.t, [0.0, 0.1, t0 - 0.15, t0 + 0.25, t1 - 0.1, t1 + land, total],
                [0, 0, 0, 1, 1, 0, 0])
    _pivot(d, support, _turn_profile(d.t, t0, t1, turns, way), centre)
    d.angles[:, J["spine"], 1] -= way * 0.35 * coil
    d.root[:, 1] -= 0.06 * coil + 0.02 * tuck
    d.angles[:, J["neck"], 0] -= 0.05 * tuck
    # the preparation steps the free foot back into fourth, the push-off lifts it from there to
    # the standing ankle, the landing puts it back down in fourth, and a last step closes it
    fourth = d.home[free] + d.heading((0.0, 0.0, -0.3 * d.body.scale))[0]
    close = min(t1 + land, total - 0.3)
    base, planted = foot_track(d.t, d.home[free], [
        (0.1, 0.1 + max(0.2, 0.5 * (t0 - 0.2)), fourth),
        (close, close + min(0.45, 0.9 * (total - close)), d.home[free])], lift=0.06)
    ankle = d.home[support] + d.heading((SIGN[free] * 0.06, 0.18 * d.body.scale, 0.05))
    lift = np.clip(tuck, 0, 1) * (d.t > 0.1) * (d.t < t1 + land)
    d.feet[free] = base + (ankle - base) * lift[:, None]
    d.contacts[:, "lr".index(free)] = planted & (lift < 1e-3)
    d.settle()
    sh = d.shoulders()
    mid = 0.5 * (sh["l"] + sh["r"])
    for s in ("l", "r"):
        g = SIGN[s]
        # arms open for the wind-up, then hug the chest to spin fast
        out = d.heading(unit(np.array([g * 1.0, -0.3, 0.4])))
        iu, fo = d.idle_arm(s)
        hug_u, hug_f = d.ik_dirs(s, mid + d.heading((g * 0.06, -0.12, 0.2)),
                                 pole=(0.9 * g, -0.4, -0.2))
        opened = coil * (1 - tuck)
        d.set_arm(s, blend_dirs(blend_dirs(iu, out, opened), hug_u, tuck),
                  blend_dirs(blend_dirs(fo, out, opened), hug_f, tuck))
    return d.finish("spin")


@action("dance_ballet")
def dance_ballet(p: ActionParams, rng: np.random.Generator) -> Clip:
    d = Draft(p, rng, posture=0.0)
    tempo, size = dance_energy(p, rng)
    slow = tempo ** 0.7
    way = float(rng.choice([-1.0, 1.0]))
    support = "l" if way > 0 else "r"
    free = "r" if support == "l" else "l"
    turns = 2 if size > 1.05 and rng.random() < 0.5 else 1
    kicks = int(rng.integers(1, 3))
    # plié with arms to first, relevé into passé with arms en haut and turn, close with the
    # arms opening to second, grand battements to the front, and lower the arms
    def plan(turns: int, kicks: int) -> np.ndarray:
        return phases([max(0.5, 0.7 / slow), max(0.55, 0.55 / slow),
                       max(0.95, 1.0 / slow) * turns if turns else 0.45,
                       max(0.6, 0.6 / slow), max(0.55, 0.6 / slow) * kicks if kicks else 0.0,
                       max(0.5, 0.6 / slow)])
    avail = (d.T - 1) / p.fps - 0.4
    while kicks and plan(turns, kicks)[-1] > avail:  # a short clip leaves out the battements
        kicks -= 1
    while turns and plan(turns, kicks)[-1] > avail:  # shorter: it balances in passé instead
        turns -= 1
    one = plan(turns, kicks)
    if one[-1] > avail:  # shorter still: every phase at its quickest, then squeezed
        one = phases([0.3, 0.45, 0.2, 0.45, 0.0, 0.3])
        one = one * min(1.0, max(avail + 0.3, 0.8) / one[-1])
    # a long clip dances its cycles up to a quarter quicker rather than slowing them down
    cyc = plan_cycles(p, one[-1], 0.05, 0.35, min_period=0.75 * one[-1])
    scale = cyc.period / one[-1]
    times, plie, rise, hold, arms = [0.0], [0.0], [0.0], [0.0], []
    yaw, kick = np.zeros(d.T), np.zeros(d.T)
    for c in range(cyc.count):
        kt = cyc.start + c * cyc.period + one * scale
        yaw += _turn_profile(d.t, kt[2], kt[3], turns, way)
        u = np.clip((d.t - kt[4]) / max(kt[5] - kt[4], 1e-6), 0.0, 1.0)
        kick += np.sin(np.pi * kicks * u) ** 2 * ((d.t > kt[4]) & (d.t < kt[5]))
        times += list(kt)
        plie += [0.0, 1.0, 0.0, 0.0, 0.3, 0.0, 0.0]
        rise += [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0]
        hold += [0.0, 0.0, 0.0, 0.0, float(kicks > 0), float(kicks > 0), 0.0]
        arms += [(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 1, 0), (0, 0, 0, 1),
                 (0, 0, 0, 1), (1, 0, 0, 0)]
    times.append((d.T - 1) / p.fps + 1.0)
    for curve_keys in (plie, rise, hold):
        curve_keys.append(0.0)
    arms = [(1, 0, 0, 0)] + arms + [(1, 0, 0, 0)]
    times = np.maximum.accumulate(np.array(times))
    plie_w, rise_w, hold_w = (keys(d.t, times, v) for v in (plie, rise, hold))
    arm_w = keys(d.t, times, np.array(arms, dtype=float))
    _pivot(d, support, yaw, np.clip(plie_w + rise_w + hold_w, 0, 1))
    d.root[:, 1] -= np.clip(rng.uniform(0.07, 0.1) * size, 0.04, 0.12) * plie_w * d.body.scale
    d.angles[:, J["spine"], 0] -= 0.06 * (1 - plie_w)         # a long, lifted back
    d.angles[:, J["neck"], 0] -= 0.08
    _free_foot(d, free, support, rise_w, 0.42 * d.body.leg * d.body.scale, 0.06)
    # grand battement: the straight free leg brushes up in front, toward hip height, and down
    leg = d.body.leg * d.body.scale
    front = d.home[free] + d.heading((-SIGN[free] * 0.04, np.clip(0.45 * size, 0.35, 0.6) * leg,
                                      0.62 * leg))
    d.feet[free] = d.feet[free] + (front - d.home[free]) * kick[:, None]
    d.contacts[:, "lr".index(free)] &= kick < 1e-3
    d.angles[:, J["spine"], 0] -= 0.05 * kick                 # the back stays lifted against it
    d.settle()
    sh = d.shoulders()
    mid = 0.5 * (sh["l"] + sh["r"])
    for s in ("l", "r"):
        g = SIGN[s]
        iu, fo = d.idle_arm(s)
        spots = [  # bras bas is the idle hang; first, en haut and second are rounded shapes
            (iu, fo),
            d.ik_dirs(s, mid + d.heading((g * 0.1, -0.25, 0.3)), pole=(g, -0.2, -0.1)),
            d.ik_dirs(s, mid + d.heading((g * 0.1, 0.52, 0.12)), pole=(g, 0.2, -0.1)),
            (d.heading(unit(np.array([g, -0.15, 0.15]))), d.heading(unit(np.array([g, -0.25, 0.35])))),
        ]
        d.set_arm(s, mix_dirs(arm_w, [sp[0] for sp in spots]), mix_dirs(arm_w, [sp[1] for sp in spots]))
    return d.finish("dance_ballet")
