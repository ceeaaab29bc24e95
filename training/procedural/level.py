"""Level changes: crouch, sit_down, stand_up, kneel, lie_down, get_up, fall_down.

Each is a path of key postures (``postures``) from standing down to a resting posture, or the
same path played backwards for the way up. p.variant names the resting posture and is recorded
so that a sequence can stand up the way it sat down:
- sit_down / stand_up: "chair" | "floor" (stand_up also "crouch", "kneel")
- lie_down / get_up / fall_down: "back" | "front" (get_up also "all_fours")
- crouch: "squat" | "low";  kneel: p.side says which knee goes down.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ActionParams, Clip, action
from .idle import breathing, stance, standing_height
from .keyposes import KeyPoses, build
from .locomotion import jitter, tempo
from . import postures as P


def _feet_step(feet: np.ndarray, side: int, dz: float, lift: float = 0.0) -> np.ndarray:
    out = feet.copy()
    out[side, 2] += dz
    out[side, 1] = lift
    return out


def descent(kind: str, p: ActionParams, rng: np.random.Generator) -> KeyPoses:
    """Keys from the idle stance down to the resting posture ``kind`` (starting at t = 0)."""
    body = p.body
    sp, size = tempo(p)
    slow = 1.0 / max(sp, 0.3) ** 0.6
    d = lambda s: jitter(rng, s * slow, 0.1)  # noqa: E731  (a jittered, tempo-scaled duration)
    feet = stance(body, rng)
    H = standing_height(body, rng)
    kp = KeyPoses(**P.standing(body, feet, H))
    x, z = feet.mean(axis=0)[0], feet.mean(axis=0)[2]
    if kind in ("crouch_squat", "crouch_low"):
        depth = float(np.clip((0.95 if kind == "crouch_squat" else 0.6) * size, 0.4, 1.0))
        kp.key(d(0.6), **P.crouched(body, feet, depth))
    elif kind == "chair":
        lean = P.crouched(body, feet, 0.35)
        kp.key(d(0.45), **lean)
        seat = P.seated_chair(body, feet)
        kp.key(d(0.6), **dict(seat, spine=(0.4, 0, 0)))
        kp.key(d(0.4), **seat)
    elif kind in ("floor", "back"):
        # arms only a little forward: they are about to reach back for the floor
        kp.key(d(0.55), **dict(P.crouched(body, feet, 0.85), l_shoulder=(-0.2, 0, 0.15),
                               r_shoulder=(-0.2, 0, -0.15)))
        sit = P.seated_floor(body, feet)
        hands_back = {"l_hand": (x + 0.24, 0.0, sit["root"][2] - 0.2),
                      "r_hand": (x - 0.24, 0.0, sit["root"][2] - 0.2), "hand_w": (1.0, 1.0)}
        kp.key(d(0.45), **dict(P.crouched(body, feet, 1.0), spine=(0.25, 0, 0),
                               root=(x, 0.32, sit["root"][2] + 0.15),
                               l_shoulder=(0.5, 0, 0.2), r_shoulder=(0.5, 0, -0.2), **hands_back))
        kp.key(d(0.4), **dict(sit, spine=(0.1, 0, 0), **hands_back))
        kp.key(d(0.5), **sit)
        if kind == "back":
            lie = P.lying_back(body, x, sit["root"][2])
            mid_feet = (np.asarray(sit["l_foot"]) + np.asarray(lie["l_foot"])) / 2
            # lean back with the hands still on the floor by the hips, feet sliding out
            kp.key(d(0.6), **dict(sit, pelvis=(-1.0, 0, 0), spine=(0.1, 0, 0),
                                  l_shoulder=(0.0, 0, 0.3), r_shoulder=(0.0, 0, -0.3),
                                  l_elbow=(-0.3, 0, 0), r_elbow=(-0.3, 0, 0), hand_w=(1.0, 1.0),
                                  l_hand=(x + 0.28, 0.0, sit["root"][2] - 0.05),
                                  r_hand=(x - 0.28, 0.0, sit["root"][2] - 0.05),
                                  l_foot=mid_feet + [0, 0.03, 0],
                                  r_foot=mid_feet * [-1, 1, 1] + [2 * x, 0.03, 0],
                                  planted=(False, False)))
            kp.key(d(0.6), **lie)
    elif kind in ("kneel_left", "kneel_right"):
        side = 0 if kind == "kneel_left" else 1
        kp.key(d(0.25), **dict(P.standing(body, _feet_step(feet, side, -0.15, 0.1), H - 0.04),
                               planted=(side != 0, side != 1)))
        kp.key(d(0.25), **P.standing(body, _feet_step(feet, side, -0.3), H - 0.06))
        kp.key(d(0.7), **P.kneeling(body, feet, side))
    elif kind in ("front", "all_fours"):
        kp.key(d(0.55), **P.crouched(body, feet, 0.85))
        fours = P.all_fours(body, x, z + 0.3 * body.scale)
        knees_down = dict(fours, pelvis=(0.5, 0, 0), spine=(0.2, 0, 0), neck=(-0.3, 0, 0),
                          root=(x, fours["root"][1], z + 0.2 * body.scale), hand_w=(0.3, 0.3),
                          l_foot=np.asarray(fours["l_foot"]) + [0, 0, 0.1],
                          r_foot=np.asarray(fours["r_foot"]) + [0, 0, 0.1])
        kp.key(d(0.5), **knees_down)
        kp.key(d(0.5), **fours)
        if kind == "front":
            lie = P.lying_front(body, x, z + 0.15 * body.scale)
            # hips sink forward while the legs stretch back, so the knees never dig in
            kp.key(d(0.45), **dict(lie, root=(x, 0.3 * body.scale, z + 0.2 * body.scale),
                                   pelvis=(1.45, 0, 0), planted=(False, False),
                                   l_foot=np.asarray(lie["l_foot"]) + [0, 0.03, 0],
                                   r_foot=np.asarray(lie["r_foot"]) + [0, 0.03, 0]))
            kp.key(d(0.5), **lie)
    else:
        raise ValueError(f"unknown level posture {kind!r}")
    return kp


def _breathe(rng: np.random.Generator, amount: float = 1.0):
    phase = rng.uniform(0, 100)

    def extra(ang: np.ndarray, t: np.ndarray) -> None:
        ang[:, 2, 0] += 0.015 * amount * breathing(t + phase, rng)   # spine
    return extra


def hurry(kp: KeyPoses, wait: float, duration: float, limit: float = 0.65) -> float:
    """Speed the keys up (at most to ``limit`` of their time: faster would not be humanly
    possible) so that a short clip still reaches its posture; returns the scaled lead-in."""
    fit = max(min((duration - 0.25) / (kp.end + wait), 1.0), limit)
    kp.keys = [dict(k, t=k["t"] * fit) for k in kp.keys]
    return wait * fit


def going_down(p: ActionParams, rng: np.random.Generator, kind: str, label: str,
               variant: str) -> Clip:
    kp = descent(kind, p, rng)
    wait = float(rng.uniform(0.05, 0.4))
    wait = hurry(kp, wait, p.duration)
    return build(p, kp, label, t0=-wait, extra=_breathe(rng), variant=variant)


def getting_up(p: ActionParams, rng: np.random.Generator, kind: str, label: str,
               variant: str) -> Clip:
    kp = descent(kind, replace(p, speed=p.speed * 1.1), rng).reversed()
    wait = float(rng.uniform(0.1, 0.5))
    wait = hurry(kp, wait, p.duration)
    return build(p, kp, label, t0=-wait, extra=_breathe(rng), variant=variant)


def _choose(p: ActionParams, rng: np.random.Generator, options: tuple[str, ...],
            weights=None) -> str:
    return p.variant if p.variant in options else str(rng.choice(options, p=weights))


@action("crouch")
def crouch(p: ActionParams, rng: np.random.Generator) -> Clip:
    v = _choose(p, rng, ("squat", "low"))
    return going_down(p, rng, f"crouch_{v}", "crouch", v)


@action("sit_down")
def sit_down(p: ActionParams, rng: np.random.Generator) -> Clip:
    v = _choose(p, rng, ("chair", "floor"))
    return going_down(p, rng, v, "sit_down", v)


@action("stand_up")
def stand_up(p: ActionParams, rng: np.random.Generator) -> Clip:
    v = _choose(p, rng, ("chair", "floor", "crouch", "kneel"), [0.4, 0.3, 0.15, 0.15])
    kind = {"crouch": "crouch_squat", "kneel": f"kneel_{p.pick_side(rng)}"}.get(v, v)
    return getting_up(p, rng, kind, "stand_up", v)


@action("kneel")
def kneel(p: ActionParams, rng: np.random.Generator) -> Clip:
    side = p.pick_side(rng)
    return going_down(replace(p, side=side), rng, f"kneel_{side}", "kneel", "kneel")


@action("lie_down")
def lie_down(p: ActionParams, rng: np.random.Generator) -> Clip:
    v = _choose(p, rng, ("back", "front"), [0.65, 0.35])
    return going_down(p, rng, v, "lie_down", v)


@action("get_up")
def get_up(p: ActionParams, rng: np.random.Generator) -> Clip:
    v = _choose(p, rng, ("back", "front", "all_fours"), [0.5, 0.35, 0.15])
    return getting_up(p, rng, v, "get_up", v)
