"""dribble: bouncing a basketball, in place ("stand") or walking slowly forward ("walk").

The figure stands in an athletic stance (knees bent, wide feet, trunk leaning forward). The
dribbling hand (p.hand) pumps the ball down and meets it on the way up beside and in front of
the hip at about two bounces a second; the free arm is held out in front to protect the ball.
With hand="both" the ball crosses over in front from hand to hand every few bounces. The walk
variant plans real footsteps with ``gait.plan_gait``; the stand variant keeps both feet planted.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ActionParams, Clip, action, finish_targets, mood_posture
from .gait import GaitStyle, gait_angles, plan_gait
from .keyframe import energy, ease
from .locomotion import gait_knee_poles, jitter
from .rig import J, pose, rotate_y, zero_angles

SIGN = {"l": 1.0, "r": -1.0}  # +X is the figure's left


def _hand_on_ball(t: np.ndarray, period: float, hand: str,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(T,) weight of the left hand on the ball (the right has 1 - it) and (T,) the ball's side
    in [-1, 1] (+1 beside the left hip). With hand="both" the ball crosses over every 2-4
    bounces, the switch taking one bounce, starting at the top when the hand pushes across."""
    if hand in ("left", "right"):
        w = np.full(len(t), 1.0 if hand == "left" else 0.0)
        return w, 2.0 * w - 1.0
    start = str(rng.choice(["l", "r"]))
    w = np.full(len(t), 1.0 if start == "l" else 0.0)
    at, cur = float(rng.integers(1, 3)) * period, w[0]
    while at < t[-1]:
        u = ease((t - at) / period)
        target = 1.0 - cur
        w = np.where(t >= at, cur + (target - cur) * u, w)
        cur = target
        at += float(rng.integers(2, 5)) * period
    return w, 2.0 * w - 1.0


@action("dribble")
def dribble(p: ActionParams, rng: np.random.Generator) -> Clip:
    tempo, size = energy(p, rng)
    variant = p.variant if p.variant in ("stand", "walk") else \
        str(rng.choice(["stand", "walk"], p=[0.6, 0.4]))
    p = replace(p, variant=variant)
    body = p.body
    sc = body.scale
    t = p.time()
    T = len(t)
    crouch = float(np.clip(jitter(rng, 0.86, 0.02) + 0.03 * (p.mood == "tired"), 0.8, 0.92))
    lean = jitter(rng, 0.34, 0.1)                                  # trunk forward, radians
    freq = float(np.clip(jitter(rng, 2.0 * tempo ** 0.8, 0.06), 1.4, 2.9))   # bounces a second
    phase0 = float(rng.uniform(0, 1))
    cyc = freq * t + phase0
    # 0 at the top (hand meets the ball), 1 at the bottom (push done): a quick push, slower rise
    frac = cyc % 1.0
    push = np.where(frac < 0.42, ease(frac / 0.42), 1.0 - ease((frac - 0.42) / 0.58))

    if variant == "walk":
        style = GaitStyle(speed=float(np.clip(jitter(rng, 0.5 * tempo, 0.1), 0.3, 0.9)),
                          cadence=jitter(rng, 1.7, 0.05), duty=jitter(rng, 0.62, 0.02),
                          width=0.22 * sc, lift=jitter(rng, 0.07 * size, 0.1), sway=0.02,
                          height=min(crouch + 0.04, 0.94))
        plan = plan_gait(style, body, p.duration, p.fps, rng)
        root, yaw, contacts, support = plan.root.copy(), plan.yaw, plan.contacts, plan.support
        feet = {"l": plan.feet[:, 0], "r": plan.feet[:, 1]}
        ang = gait_angles(plan, 0.0, elbow=0.3, lean=lean, twist=0.05)
        knees = gait_knee_poles(yaw)
    else:
        half = body.hip_width / 2 + float(rng.uniform(0.08, 0.13)) * sc
        stagger = float(rng.uniform(0.05, 0.15)) * sc
        ahead = -SIGN[p.hand[0]] if p.hand in ("left", "right") else float(rng.choice([-1, 1]))
        # the foot on the protecting side is a little ahead
        stance = {s: np.array([SIGN[s] * half, 0.0, 0.5 * stagger * (SIGN[s] * ahead)])
                  for s in "lr"}
        root = np.zeros((T, 3))
        root[:, 1] = crouch * body.standing_pelvis_height()
        feet = {s: np.tile(stance[s], (T, 1)) for s in "lr"}
        contacts = np.ones((T, 2), bool)
        support = None
        yaw = np.zeros(T)
        ang = zero_angles(T)
        ang[:, J["spine"], 0] = lean
        ang[:, J["neck"], 0] = -0.5 * lean
        knees = {s: np.array([0.3 * SIGN[s], 0.0, 1.0]) for s in "lr"}
    ang[:, J["pelvis"], 0] += 0.1
    ang[:, J["neck"], 0] -= 0.25                                    # eyes up, not on the ball
    mood_posture(ang, p.mood, 0.5)
    root[:, 1] -= 0.012 * size * sc * push                          # knees give with each push
    w_left, side = _hand_on_ball(t, 1.0 / freq, p.hand, rng)
    ang[:, J["spine"], 1] += 0.12 * side                            # ball side turned back a bit
    ang[:, J["spine"], 2] -= 0.05 * side

    # the ball's path beside and in front of the hip, in the body frame; heights are world
    shoulders = pose(body, root, yaw, ang)[:, [J["l_shoulder"], J["r_shoulder"]]]
    y_sh = shoulders[..., 1].mean(-1)
    arm = body.upper_arm + body.forearm
    out, fwd = jitter(rng, 0.27, 0.08) * sc, jitter(rng, 0.32, 0.08) * sc
    fwd_sh = float(np.mean(rotate_y(shoulders.mean(1) - root, -yaw)[:, 2]))
    reach_down = np.sqrt(np.maximum((0.95 * arm) ** 2 - (fwd - fwd_sh) ** 2 - 0.01, 0.04))
    top = y_sh - jitter(rng, 0.22, 0.08) * sc
    bottom = np.maximum(top - np.clip(jitter(rng, 0.34 * size, 0.08), 0.2, 0.42) * sc,
                        y_sh - reach_down)
    ball = np.stack([side * out,
                     top + (bottom - top) * push,
                     fwd + 0.05 * sc * push + 0.06 * sc * (1.0 - np.abs(side))], -1)
    hands = {}
    for s, w in (("l", w_left), ("r", 1.0 - w_left)):
        g = SIGN[s]
        guard = np.stack([np.full(T, g * 0.3 * sc), y_sh - 0.3 * sc,
                          np.full(T, 0.25 * sc)], -1)
        guard[:, 1] += 0.02 * np.sin(2 * np.pi * 0.4 * t + g)
        local = guard + (ball - guard) * w[:, None]
        hands[s] = root * [1.0, 0.0, 1.0] + rotate_y(local, yaw)
        hands[s][:, 1] = local[:, 1]
    elbows = {s: rotate_y(np.tile([0.7 * SIGN[s], -0.3, -0.6], (T, 1)), yaw) for s in "lr"}
    return finish_targets(p, root, yaw, ang, feet, contacts, "dribble", knee_poles=knees,
                          hands=hands, elbow_poles=elbows, support=support)
