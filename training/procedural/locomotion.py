"""Procedural gaits: walk, jog, run, sprint, walk_backward, sidestep, tiptoe, march, limp.

Each generator turns ActionParams into a ``GaitStyle`` (speed and cadence follow p.speed, the
mood and the leg length the way real gaits do: faster gaits take longer *and* quicker steps),
plans footsteps with ``gait.plan_gait`` and finishes with IK legs. p.variant may hold "start"
and/or "stop" (begin standing / end standing); when empty one is drawn and recorded.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ActionParams, Clip, action, finish_targets, mood_energy, mood_posture
from .gait import GaitPlan, GaitStyle, gait_angles, plan_gait
from .rig import J, facing_vector
from .styles import style_angles, style_gait, style_plan


def jitter(rng: np.random.Generator, x: float, rel: float = 0.06) -> float:
    """x times a random factor around 1 (every sample differs a little)."""
    return float(x * np.exp(rel * rng.standard_normal()))


def tempo(p: ActionParams) -> tuple[float, float]:
    """(speed multiplier, size multiplier) from p.speed, p.amplitude and the mood."""
    m_speed, m_size = mood_energy(p.mood)
    return p.speed * m_speed, p.amplitude * m_size


def pick_variant(p: ActionParams, rng: np.random.Generator,
                 weights=(0.35, 0.3, 0.1, 0.25)) -> ActionParams:
    """Choose start/stop for a gait clip when p.variant is empty and record it."""
    if p.variant:
        return p
    choice = str(rng.choice(["steady", "start", "stop", "start+stop"], p=weights))
    if choice == "start+stop" and p.duration < 2.6:
        choice = "start"
    return replace(p, variant=choice)


def gait_style(p: ActionParams, rng: np.random.Generator, speed: float, cadence: float,
               lo: float, hi: float, **kw) -> GaitStyle:
    """A GaitStyle whose speed and cadence scale with tempo and body size (a longer leg takes
    longer, slightly slower steps, as the Froude number predicts)."""
    sp, _ = tempo(p)
    leg = p.body.leg * p.body.scale
    v = float(np.clip(jitter(rng, speed * sp * np.sqrt(leg), 0.05), lo, hi))
    ratio = v / (speed * np.sqrt(leg))      # cadence rises with about the 0.6 power of speed
    c = jitter(rng, cadence * ratio ** 0.6 / np.sqrt(leg), 0.03)
    kw.setdefault("width", 0.16 * p.body.scale)
    # a heel kicked up to the buttock folds the leg so far that the knee whips round: cap it
    kw["lift"] = min(kw.get("lift", 0.1), 0.42 * (p.body.thigh + p.body.shin))
    return GaitStyle(speed=v, cadence=c, start="start" in p.variant, stop="stop" in p.variant,
                     **kw)


def gait_clip(p: ActionParams, rng: np.random.Generator, style: GaitStyle, label: str, *,
              arm_swing: float, elbow: float, lean: float, twist: float = 0.08,
              roll: float = 0.04, arm_out: float = 0.08, elbow_swing: float = 0.3,
              extra=None, **plan_kw) -> Clip:
    """Plan ``style``, add the upper body and the mood, and solve the legs onto the footsteps.

    extra(angles (T, J, 3), plan) may add action-specific touches in place; p.style (a named
    style) changes the gait's numbers, the upper body and its carriage (``styles``)."""
    if p.style:
        keys = ("arm_swing", "elbow", "lean", "twist", "roll", "arm_out", "elbow_swing")
        style, up = style_gait(p.style, style, dict(zip(keys, (
            arm_swing, elbow, lean, twist, roll, arm_out, elbow_swing))), p.body, rng)
        arm_swing, elbow, lean, twist, roll, arm_out, elbow_swing = (up[k] for k in keys)
    plan: GaitPlan = plan_gait(style, p.body, p.duration, p.fps, rng, **plan_kw)
    # arms lag the legs by about a seventh of a stride
    lag = float(np.clip(0.26 / style.cadence, 0.06, 0.16)) * float(rng.uniform(0.8, 1.2))
    ang = gait_angles(plan, arm_swing, lean=lean, elbow=elbow, twist=twist, roll=roll,
                      arm_out=arm_out, elbow_swing=elbow_swing, arm_lag=lag, rng=rng)
    mood_posture(ang, p.mood)
    if extra is not None:
        extra(ang, plan)
    if p.style:
        style_plan(p.style, plan, p.fps)
        style_angles(p.style, ang, plan.t, rng, style.limp_side)
    feet = {"l": plan.feet[:, 0], "r": plan.feet[:, 1]}
    return finish_targets(p, plan.root, plan.yaw, ang, feet, plan.contacts, label,
                          support=plan.support, knee_poles=gait_knee_poles(plan.yaw))


def gait_knee_poles(yaw: np.ndarray) -> dict[str, np.ndarray]:
    """Knees bend forward and a little down: with a pure forward pole a heel kicked up behind
    the hip leaves the knee undecided between up and down, and it flips."""
    pole = facing_vector(yaw) + np.array([0.0, -0.5, 0.0])
    return {"l": pole, "r": pole}


@action("walk")
def walk(p: ActionParams, rng: np.random.Generator) -> Clip:
    p = pick_variant(p, rng)
    _, size = tempo(p)
    # real walks lift the foot point 0.17-0.26 m at its highest (heel rising in the push-off,
    # then the swing): a higher swing and push-off than a sole skimming the floor
    style = gait_style(p, rng, 1.35, 1.9, 0.6, 1.75, duty=jitter(rng, 0.6, 0.02),
                       lift=jitter(rng, 0.15 * size, 0.1), rise=0.08, sway=jitter(rng, 0.025),
                       height=jitter(rng, 0.97, 0.005))
    return gait_clip(p, rng, style, "walk", arm_swing=jitter(rng, 0.32 * size, 0.1),
                     elbow=jitter(rng, 0.25, 0.2), lean=jitter(rng, 0.04, 0.3))


@action("jog")
def jog(p: ActionParams, rng: np.random.Generator) -> Clip:
    p = pick_variant(p, rng)
    _, size = tempo(p)
    # real jogs and runs spend about half their frames with both feet up (measured on the
    # ankle-height foot point of the CMU clips): short stances, long flights
    style = gait_style(p, rng, 2.6, 2.5, 1.8, 3.3, duty=jitter(rng, 0.27, 0.03), width=0.12,
                       lift=jitter(rng, 0.2 * size, 0.1), lift_peak=0.36, sway=0.012,
                       place=0.4, roll=0.4, rise=0.1, bounce=0.02, accel=1.0, follow=0.3)
    return gait_clip(p, rng, style, "jog", arm_swing=jitter(rng, 0.5 * size, 0.1),
                     elbow=jitter(rng, 1.25, 0.08), lean=jitter(rng, 0.09, 0.2), twist=0.1,
                     elbow_swing=0.15)


@action("run")
def run(p: ActionParams, rng: np.random.Generator) -> Clip:
    p = pick_variant(p, rng)
    _, size = tempo(p)
    style = gait_style(p, rng, 3.4, 2.25, 2.8, 4.6, duty=jitter(rng, 0.21, 0.04), width=0.1,
                       lift=jitter(rng, 0.42 * size, 0.1), lift_peak=0.32, sway=0.01,
                       place=0.38, roll=0.45, rise=0.12, bounce=0.03, accel=1.3, follow=0.5)
    # real runs pump the arms hard and the trunk rocks and twists with every step: their limbs
    # move at 0.9-1.0 m/s on average relative to the pelvis, the chest and head at 0.2-0.3
    def trunk(ang: np.ndarray, plan: GaitPlan) -> None:
        landed = np.convolve(plan.support.any(axis=1).astype(float), np.ones(3) / 3, "same")
        ang[:, J["spine"], 0] += 0.1 * (landed - landed.mean())  # the chest drops on landing
        ang[:, J["neck"], 0] -= 0.05 * (landed - landed.mean())
    return gait_clip(p, rng, style, "run", arm_swing=jitter(rng, 1.2 * size, 0.1),
                     elbow=jitter(rng, 1.4, 0.06), lean=jitter(rng, 0.14, 0.2), twist=0.2,
                     elbow_swing=0.35, extra=trunk)


@action("sprint")
def sprint(p: ActionParams, rng: np.random.Generator) -> Clip:
    p = pick_variant(p, rng, weights=(0.45, 0.25, 0.15, 0.15))
    _, size = tempo(p)
    style = gait_style(p, rng, 6.5, 3.5, 5.2, 8.5, duty=jitter(rng, 0.24, 0.04), width=0.08,
                       lift=jitter(rng, 0.46 * size, 0.08), lift_peak=0.3, sway=0.008,
                       place=0.36, rise=0.12, bounce=0.03, accel=1.8, follow=0.6)
    return gait_clip(p, rng, style, "sprint", arm_swing=jitter(rng, 0.95 * size, 0.08),
                     elbow=jitter(rng, 1.5, 0.05), lean=jitter(rng, 0.22, 0.15), twist=0.14,
                     elbow_swing=0.1)


@action("walk_backward")
def walk_backward(p: ActionParams, rng: np.random.Generator) -> Clip:
    p = pick_variant(p, rng)
    _, size = tempo(p)
    style = gait_style(p, rng, 0.8, 1.7, 0.4, 1.3, duty=jitter(rng, 0.62, 0.02),
                       travel=np.pi, lift=jitter(rng, 0.08 * size, 0.1), sway=0.02)
    return gait_clip(p, rng, style, "walk_backward", arm_swing=jitter(rng, 0.18 * size, 0.15),
                     elbow=jitter(rng, 0.35, 0.2), lean=jitter(rng, 0.08, 0.3), arm_out=0.14)


@action("sidestep")
def sidestep(p: ActionParams, rng: np.random.Generator) -> Clip:
    side = p.pick_side(rng)
    p = replace(pick_variant(p, rng), side=side)
    _, size = tempo(p)
    sp, _ = tempo(p)
    v = float(np.clip(jitter(rng, 0.5 * sp, 0.08), 0.25, 0.9))
    c = jitter(rng, 1.8 * (v / 0.5) ** 0.3, 0.04)
    step = v / c
    style = GaitStyle(speed=v, cadence=c, duty=jitter(rng, 0.64, 0.02), width=step + 0.14,
                      lift=jitter(rng, 0.07 * size, 0.1), travel=np.pi / 2 if side == "left"
                      else -np.pi / 2, height=0.965, sway=0.0, start="start" in p.variant,
                      stop="stop" in p.variant, first_side=0 if side == "left" else 1)

    def arms_out(ang: np.ndarray, plan: GaitPlan) -> None:
        ang[:, J["l_shoulder"], 2] += 0.15 * size   # arms a little away from the body
        ang[:, J["r_shoulder"], 2] -= 0.15 * size
    return gait_clip(p, rng, style, "sidestep", arm_swing=0.0, elbow=jitter(rng, 0.5, 0.2),
                     lean=jitter(rng, 0.06, 0.3), twist=0.0, roll=0.0, extra=arms_out)


@action("tiptoe")
def tiptoe(p: ActionParams, rng: np.random.Generator) -> Clip:
    p = pick_variant(p, rng)
    _, size = tempo(p)
    # We have no toe joint: the heels-up look comes from short, quick, light steps that keep the
    # legs almost straight (a high pelvis with little bob) and hands held up by the chest.
    style = gait_style(p, rng, 0.5, 1.7, 0.3, 0.8, duty=jitter(rng, 0.62, 0.02),
                       width=0.1 * p.body.scale, lift=jitter(rng, 0.06, 0.1), height=1.0,
                       sway=0.012)

    def sneaky(ang: np.ndarray, plan: GaitPlan) -> None:
        for s, out in (("l", 0.25), ("r", -0.25)):
            ang[:, J[f"{s}_shoulder"], 0] += -0.35 * size
            ang[:, J[f"{s}_shoulder"], 2] += out
            ang[:, J[f"{s}_elbow"], 0] -= 1.2
        ang[:, J["neck"], 0] += 0.15                  # looking down where the feet go
    return gait_clip(p, rng, style, "tiptoe", arm_swing=0.06, elbow=0.3,
                     lean=jitter(rng, 0.1, 0.2), twist=0.03, roll=0.02, extra=sneaky)


@action("march")
def march(p: ActionParams, rng: np.random.Generator) -> Clip:
    p = pick_variant(p, rng)
    _, size = tempo(p)
    style = gait_style(p, rng, 1.3, 2.0, 0.8, 1.8, duty=jitter(rng, 0.6, 0.02),
                       lift=jitter(rng, 0.38 * size, 0.08), lift_peak=0.5,
                       width=0.18 * p.body.scale, sway=0.02)

    def upright(ang: np.ndarray, plan: GaitPlan) -> None:
        ang[:, J["spine"], 0] -= 0.05
        ang[:, J["neck"], 0] -= 0.05
    # stiff arms: a big swing from the shoulder with nearly straight elbows
    return gait_clip(p, rng, style, "march", arm_swing=jitter(rng, 0.75 * size, 0.08),
                     elbow=0.06, elbow_swing=0.5, lean=0.0, twist=0.04, extra=upright)


@action("limp")
def limp(p: ActionParams, rng: np.random.Generator) -> Clip:
    side = p.pick_side(rng)  # the hurt leg
    p = replace(pick_variant(p, rng), side=side)
    bad = 0 if side == "left" else 1
    style = gait_style(p, rng, 0.8, 1.6, 0.4, 1.05, duty=jitter(rng, 0.62, 0.02),
                       lift=jitter(rng, 0.09, 0.1), sway=jitter(rng, 0.04, 0.1),
                       limp=float(rng.uniform(0.18, 0.3)), limp_side=bad)

    def lift_of(s: int, k: int) -> float:
        return 0.35 if s == bad else 1.0     # the stiff leg barely clears the floor

    def lean_over(ang: np.ndarray, plan: GaitPlan) -> None:
        # antalgic lean: the trunk tips over the hurt leg while it carries weight (spine z > 0
        # tips toward the figure's left), and the hurt leg's arm stays close and still
        on_bad = plan.contacts[:, bad] & ~plan.contacts[:, 1 - bad]
        tip = np.convolve(on_bad.astype(float), np.ones(5) / 5, mode="same")
        ang[:, J["spine"], 2] += (0.12 if bad == 0 else -0.12) * tip
        ang[:, J["pelvis"], 2] += (0.06 if bad == 1 else -0.06) * tip  # hip hike
        arm = "l" if bad == 0 else "r"
        ang[:, J[f"{arm}_shoulder"], 0] *= 0.3
    return gait_clip(p, rng, style, "limp", arm_swing=jitter(rng, 0.2, 0.15), elbow=0.3,
                     lean=jitter(rng, 0.08, 0.2), extra=lean_over, lift_of=lift_of)
