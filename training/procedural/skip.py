"""Skipping: a step-hop rhythm (step onto a foot, hop on it, step onto the other foot, hop...)
with a flight in every hop and the free knee driven high, arms swinging big."""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action, finish_targets, mood_posture
from .gait import Footfalls, GaitPlan, foot_track, gait_angles, support_height
from .locomotion import gait_knee_poles, jitter, tempo
from .rig import J


def plan_skip(p: ActionParams, rng: np.random.Generator) -> GaitPlan:
    sp, size = tempo(p)
    v = float(np.clip(jitter(rng, 1.9 * sp, 0.08), 1.1, 2.8))
    half = jitter(rng, 0.5 / sp ** 0.3, 0.04)          # one step-hop, seconds
    c1, fl = 0.32 * half, jitter(rng, 0.36 * size ** 0.5, 0.06) * half  # step contact, hop flight
    width = 0.15 * p.body.scale
    T = p.frames
    t = np.arange(T) / p.fps
    n = int(np.ceil((p.duration + 2.0) / half)) + 2
    t0 = -1.0 - float(rng.uniform(0, half))
    on: list[list[float]] = [[], []]
    off: list[list[float]] = [[], []]
    pos: list[list[np.ndarray]] = [[], []]
    lift: list[list[float]] = [[], []]
    side = int(rng.integers(2))
    for k in range(n):
        ts = t0 + k * half
        lat = (0.5 if side == 0 else -0.5) * width
        for a, b, big in ((ts, ts + c1, True), (ts + c1 + fl, ts + half + 0.03, False)):
            on[side].append(a)
            off[side].append(b)
            pos[side].append(np.array([lat, 0.0, v * (a + b) / 2 + 0.01 * rng.standard_normal()]))
            # the swing into a step comes from far behind with a high knee; the hop is small
            lift[side].append(jitter(rng, 0.2 * size, 0.1) if big else 0.05)
        side = 1 - side
    feet = tuple(Footfalls(np.array(on[s]), np.array(off[s]), np.array(pos[s]),
                           np.array(lift[s])) for s in (0, 1))
    tracks = [foot_track(t, ff, 0.42) for ff in feet]
    feet_xyz = np.stack([tr[0] for tr in tracks], 1)
    contacts = np.stack([tr[1] for tr in tracks], 1)
    body = p.body
    y_stand = 0.97 * body.standing_pelvis_height()
    leg = 0.98 * (body.thigh + body.shin)
    d = v * c1 / 2
    y_touch = min(y_stand, float(np.sqrt(leg * leg - d * d)) + body.hip_drop)
    root = np.zeros((T, 3))
    root[:, 2] = v * t
    root[:, 1] = support_height(t, feet, y_stand, y_touch, 0.03)
    shift = contacts[:, 0].astype(float) - contacts[:, 1]
    root[:, 0] = 0.02 * np.convolve(np.pad(shift, 3, mode="edge"), np.ones(7) / 7, "valid")
    yaw = np.zeros(T)
    ahead = feet_xyz[:, :, 2] - root[:, None, 2]
    return GaitPlan(t, root, yaw, feet_xyz, contacts, contacts.copy(), ahead, v * half, feet)


@action("skip")
def skip(p: ActionParams, rng: np.random.Generator) -> Clip:
    plan = plan_skip(p, rng)
    _, size = tempo(p)
    ang = gait_angles(plan, jitter(rng, 0.75 * size, 0.1), elbow=0.9, lean=0.05, twist=0.1)
    # joy: arms swing high on the forward beat
    for s in ("l", "r"):
        ang[:, J[f"{s}_shoulder"], 0] -= 0.15 * size
    mood_posture(ang, p.mood if p.mood != "neutral" else "happy")
    feet = {"l": plan.feet[:, 0], "r": plan.feet[:, 1]}
    return finish_targets(p, plan.root, plan.yaw, ang, feet, plan.contacts, "skip",
                          support=plan.support, knee_poles=gait_knee_poles(plan.yaw))
