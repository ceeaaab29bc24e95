"""Stumbling: walking, the swinging foot catches, the body pitches forward with the arms flung
out, two quick short recovery steps catch the fall, then the walk goes on more carefully."""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action
from .gait import GaitPlan
from .locomotion import gait_clip, gait_style, jitter, tempo
from .rig import J, smoothstep


def pulse(t: np.ndarray, t0: float, rise: float, fall: float) -> np.ndarray:
    """(T,) 0 -> 1 over ``rise`` seconds from t0, back to 0 over the next ``fall`` seconds."""
    return smoothstep((t - t0) / rise) * (1.0 - smoothstep((t - t0 - rise) / fall))


@action("stumble")
def stumble(p: ActionParams, rng: np.random.Generator) -> Clip:
    _, size = tempo(p)
    style = gait_style(p, rng, 1.25, 1.85, 0.8, 1.5, duty=0.6, lift=0.1 * size, height=0.97)
    step = 1.0 / style.cadence
    # trip early enough that the recovery (~1.4 s) is over before the clip ends
    t_trip = max(min(float(rng.uniform(0.3, 0.5)) * p.duration, p.duration - 1.4), 0.3)
    state = {"phase": 0, "lagged": False}

    def step_scale(k: int, t_land: float) -> float:
        # the caught foot lands late, then two hurried short steps, then a calmer walk
        if state["phase"] == 0 and t_land + step > t_trip:
            state["phase"] = 1
            return 1.45
        if state["phase"] in (1, 2):
            state["phase"] += 1
            return 0.66
        return 1.08 if state["phase"] else 1.0

    def lag_of(side: int, t_on: float) -> float:
        if not state["lagged"] and t_on > t_trip:
            state["lagged"] = True
            return 1.8   # the foot stays back where it caught, then hurries forward
        return 1.0

    def speed_of(t: np.ndarray) -> np.ndarray:
        return 1.0 - 0.3 * pulse(t, t_trip, 0.2, 1.0)

    jolt = jitter(rng, 1.0, 0.15) * size

    def flail(ang: np.ndarray, plan: GaitPlan) -> None:
        k = pulse(plan.t, t_trip, 0.28, 0.9) * jolt
        ang[:, J["spine"], 0] += 0.45 * k                  # pitched forward
        ang[:, J["neck"], 0] -= 0.35 * k                   # head up, eyes on the floor ahead
        for s, out in (("l", 1.0), ("r", -1.0)):
            ang[:, J[f"{s}_shoulder"], 0] -= 1.1 * k       # arms thrown forward
            ang[:, J[f"{s}_shoulder"], 2] += out * 0.5 * k
            ang[:, J[f"{s}_elbow"], 0] -= 0.3 * k
        plan.root[:, 1] -= 0.06 * pulse(plan.t, t_trip + 0.1, 0.25, 0.8) * jolt
    return gait_clip(p, rng, style, "stumble", arm_swing=0.3 * size, elbow=0.3, lean=0.04,
                     extra=flail, step_scale=step_scale, lag_of=lag_of, speed_of=speed_of)
