"""Motion styles for the procedural actions: how an elderly, drunk or robotic figure walks,
stands and gestures (the named styles of ``engine.motion_styles``).

One table, ``MANNERS``, says what each style does to the numbers a motion is made of: the gait's
speed, cadence (and so stride), knee lift, stance width, lateral sway, pelvis height and bob,
heading weave and step irregularity; the upper body's arm swing, elbow bend, trunk lean, head
pitch, pelvis twist and roll; an arm carriage that replaces the swing (zombie arms out, a hand
clutching an injured side); robotic holds; and a tempo and size for gestures.

Where each part is applied:
- gaits and turns: ``locomotion.gait_clip`` calls ``style_gait`` (GaitStyle and upper-body
  settings), ``style_plan`` (pelvis bob) and ``style_angles`` (posture, carriage, holds);
- idle: ``idle.idle`` calls ``style_idle``;
- gestures: their generators are wrapped here (``GESTURES``): a styled gesture runs at the
  style's tempo and size and gets the style's trunk pitch, head pitch, sway and holds as rigid
  rotations of the upper body, so bone lengths and planted feet are untouched.
A clip with ``ActionParams.style`` None is exactly the unstyled motion.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.motion_styles import STYLES

from .base import MOODS, ActionParams
from .gait import GaitPlan, GaitStyle, _gauss_smooth
from .rig import J, Body


@dataclass(frozen=True)
class Manner:
    """What one style does. Multipliers default to 1, additions to 0."""
    speed: float = 1.0        # pelvis speed
    cadence: float = 1.0      # steps per second (stride length follows speed / cadence)
    lift: float = 1.0         # swing-foot apex height (knee lift)
    width: float = 1.0        # lateral distance between the footprints
    sway: float = 1.0         # pelvis shift toward the planted foot
    height: float = 0.0       # added to the pelvis ceiling (fraction of standing height)
    duty: float = 0.0         # added to each foot's share of a stride on the floor
    bob: float = 0.0          # extra pelvis dip at double support, metres (springy gaits)
    weave: float = 0.0        # heading wobble, radians (weaving path)
    scatter: float = 0.0      # extra random sideways footprint scatter, metres
    irregular: float = 0.0    # extra random step-time variation (fraction of a step)
    limp: float = 0.0         # one leg's stance shortened by this fraction (asymmetry)
    arm_swing: float = 1.0
    elbow: float = 0.0        # added elbow bend, radians
    elbow_swing: float = 1.0
    lean: float = 0.0         # added forward trunk pitch, radians
    neck: float = 0.0         # added head pitch, radians (+ = down)
    twist: float = 1.0        # pelvis twist with the legs
    roll: float = 1.0         # pelvis roll over the stance leg
    arm_out: float = 0.0      # added arm abduction, radians
    carriage: str = ""        # arm/trunk carriage replacing the swing (see _CARRIAGES)
    hold: int = 0             # robotic: upper body moves in holds of this many frames
    tempo: float = 1.0        # gestures: tempo multiplier
    size: float = 1.0         # gestures: movement size multiplier


MANNERS: dict[str, Manner] = {
    "elderly": Manner(speed=0.6, cadence=0.85, lift=0.55, width=1.25, sway=1.3, height=-0.03,
                      duty=0.04, arm_swing=0.4, elbow=0.35, lean=0.45, twist=0.5, tempo=0.75,
                      size=0.75),
    "tired": Manner(speed=0.65, cadence=0.8, lift=0.6, sway=1.3, height=-0.015, duty=0.03,
                    arm_swing=0.45, elbow=-0.1, lean=0.16, neck=0.35, twist=0.7, tempo=0.7,
                    size=0.65),
    "injured": Manner(speed=0.6, cadence=0.85, lift=0.7, sway=1.6, limp=0.25, arm_swing=0.5,
                      lean=0.1, carriage="clutch", tempo=0.8, size=0.8),
    "proud": Manner(speed=1.05, cadence=0.93, lift=1.1, arm_swing=1.15, lean=-0.12, neck=-0.12,
                    arm_out=0.04, tempo=0.95, size=1.05),
    "sad": Manner(speed=0.7, cadence=0.85, lift=0.7, arm_swing=0.3, elbow=-0.1, lean=0.12,
                  neck=0.5, twist=0.6, roll=0.8, tempo=0.75, size=0.7),
    "happy": Manner(speed=1.1, cadence=1.1, lift=1.35, arm_swing=1.5, elbow=0.15, neck=-0.06,
                    bob=0.025, tempo=1.15, size=1.2),
    "angry": Manner(speed=1.2, cadence=1.15, lift=1.15, width=1.1, arm_swing=1.5, elbow=0.7,
                    lean=0.12, neck=-0.05, twist=1.3, tempo=1.2, size=1.15),
    "sneaky": Manner(speed=0.55, cadence=0.8, lift=1.6, height=-0.08, width=1.1, arm_swing=0.15,
                     lean=0.22, neck=-0.05, carriage="sneak", tempo=0.75, size=0.8),
    "zombie": Manner(speed=0.5, cadence=0.75, lift=0.45, height=0.015, width=1.3, sway=2.0,
                     roll=2.0, irregular=0.1, arm_swing=0.05, lean=0.1, neck=0.25, twist=0.3,
                     carriage="zombie", tempo=0.7, size=0.8),
    "drunk": Manner(speed=0.75, cadence=0.9, lift=0.9, width=1.3, sway=2.5, weave=0.3,
                    scatter=0.05, irregular=0.12, arm_swing=0.8, arm_out=0.2, lean=0.05,
                    neck=0.1, carriage="drunk", tempo=0.85, size=1.1),
    "robotic": Manner(speed=0.85, cadence=0.9, lift=0.8, height=0.015, sway=0.2, roll=0.0,
                      twist=0.0, arm_swing=0.9, elbow=1.0, elbow_swing=0.0, hold=3,
                      tempo=0.9, size=0.9),
    "heavy": Manner(speed=0.75, cadence=0.85, lift=0.75, width=1.8, sway=2.6, roll=2.0,
                    height=-0.02, arm_swing=0.7, arm_out=0.22, lean=0.06, tempo=0.8, size=0.9),
    "bouncy": Manner(cadence=1.1, lift=1.4, bob=0.05, arm_swing=1.3, tempo=1.1, size=1.15),
    "stiff": Manner(speed=0.85, cadence=0.95, lift=0.55, height=0.02, sway=0.7, arm_swing=0.3,
                    elbow=-0.22, elbow_swing=0.0, twist=0.2, roll=0.2, lean=-0.02, tempo=0.9,
                    size=0.7),
    "relaxed": Manner(speed=0.85, cadence=0.88, lift=0.95, sway=1.8, arm_swing=1.4, elbow=-0.1,
                      twist=1.6, roll=1.6, lean=-0.04, neck=0.08, tempo=0.85),
    "childlike": Manner(cadence=1.3, lift=1.3, arm_swing=1.6, elbow=0.2, bob=0.015, tempo=1.2,
                        size=1.2),
    "cautious": Manner(speed=0.6, cadence=0.8, lift=0.8, width=1.15, arm_swing=0.3,
                       arm_out=0.25, elbow=0.5, lean=0.1, neck=0.2, tempo=0.8, size=0.8),
    "hurried": Manner(speed=1.3, cadence=1.2, lift=1.1, arm_swing=1.35, elbow=0.3, lean=0.16,
                      tempo=1.3),
    "swaggering": Manner(speed=0.9, cadence=0.8, width=1.35, sway=1.8, roll=1.8, twist=2.2,
                         arm_swing=1.3, arm_out=0.15, lean=-0.06, neck=-0.05, tempo=0.9,
                         size=1.1),
    "graceful": Manner(cadence=0.88, lift=1.1, width=0.7, arm_swing=1.25, elbow=0.15,
                       lean=-0.04, neck=-0.05, twist=1.1, arm_out=0.1, tempo=0.9, size=1.15),
    "penguin": Manner(speed=0.45, cadence=1.15, lift=0.35, height=0.02, width=1.35, sway=3.0,
                      roll=2.0, arm_swing=0.0, twist=0.2, carriage="penguin", tempo=1.0),
}
assert set(MANNERS) == set(STYLES), "every named style needs a manner"

# the gestures that take a style, and the styles that make sense while gesturing (a crouch, a
# waddle or arms held out would fight the gesture's own arms and legs)
GESTURES = ("wave", "clap", "point", "cheer", "shrug", "stretch", "talk", "nod", "shake_head",
            "look_around")
GESTURE_STYLES = ("elderly", "tired", "sad", "happy", "angry", "proud", "robotic", "drunk",
                  "relaxed", "childlike", "graceful", "hurried", "cautious")
LOCOMOTION = ("walk", "jog", "run", "sprint", "walk_backward", "sidestep", "tiptoe", "march",
              "limp", "turn_left", "turn_right", "turn_around", "idle")


def styles_for(action: str) -> tuple[str, ...]:
    """The styles an action can be performed in (empty: none)."""
    if action in LOCOMOTION:
        return STYLES
    if action in GESTURES:
        return GESTURE_STYLES
    return ()


def style_gait(name: str, gs: GaitStyle, upper: dict, body: Body,
               rng: np.random.Generator) -> tuple[GaitStyle, dict]:
    """The GaitStyle and the ``gait_angles`` settings of a gait performed in style ``name``."""
    m = MANNERS[name]
    # an injured figure favours a random leg; a limp keeps the leg its action chose
    limp_side = int(rng.integers(2)) if m.limp and not gs.limp else gs.limp_side
    # a style that sways more than a gait's own (possibly zero) sway sways at least walking's
    sway = gs.sway * m.sway if m.sway <= 1.0 else max(gs.sway, 0.02) * m.sway
    # more lift only up to a knee at hip height: a high march lifted further at a quicker
    # cadence would whip the foot round faster than a leg can
    lift = gs.lift * m.lift if m.lift <= 1.0 else min(gs.lift * m.lift, max(gs.lift, 0.3))
    lift = min(lift, 0.42 * (body.thigh + body.shin))
    flight = gs.duty < 0.5
    # quickening a gait that is already quick, high-kneed or limping would whip the legs
    # round faster than a leg swings: such gaits take only part of a style's quickening
    quick = gs.cadence > 2.2 or gs.lift > 0.25 or gs.limp > 0
    speed_m = m.speed if m.speed <= 1.0 or not quick else 1.0 + 0.4 * (m.speed - 1.0)
    cadence_m = m.cadence if m.cadence <= 1.0 or not quick else 1.0 + 0.4 * (m.cadence - 1.0)
    speed = gs.speed * speed_m if speed_m <= 1.0 else min(gs.speed * speed_m, max(gs.speed, 6.0))
    gs = replace(gs, speed=speed, cadence=gs.cadence * cadence_m, lift=lift,
                 width=gs.width * m.width, sway=sway, height=min(gs.height + m.height, 1.0),
                 duty=float(np.clip(gs.duty + m.duty, 0.2, 0.75)), weave=m.weave,
                 scatter=m.scatter, irregular=m.irregular,
                 bounce=gs.bounce + (0.5 * m.bob if flight else 0.0),
                 limp=max(gs.limp, m.limp), limp_side=limp_side)
    up = dict(upper)
    # a livelier swing only for arms that swing little: a march's or a run's big swing made
    # bigger at a quicker cadence would fling the hands faster than an arm moves
    up["arm_swing"] = upper["arm_swing"] * m.arm_swing if m.arm_swing <= 1.0 else \
        min(upper["arm_swing"] * m.arm_swing, max(upper["arm_swing"], 0.55))
    up["elbow"] = max(0.03, upper["elbow"] + m.elbow)
    up["elbow_swing"] = upper["elbow_swing"] * m.elbow_swing
    up["lean"] = upper["lean"] + m.lean
    up["twist"] = upper["twist"] * m.twist
    up["roll"] = upper["roll"] * m.roll
    up["arm_out"] = upper["arm_out"] + m.arm_out
    return gs, up


NATURAL_DIP = 0.06   # metres


def style_plan(name: str, plan: GaitPlan, fps: float) -> None:
    """Springy styles: the pelvis dips further while both feet are down (in place on plan.root;
    it is a ceiling the leg IK may lower further, never raise)."""
    bob = MANNERS[name].bob
    if bob <= 0 or plan.contacts.shape[0] < 3:
        return
    both = _gauss_smooth(plan.support.all(axis=1).astype(float), 0.06 * fps)
    # the legs' reach already lowers a walking pelvis ~6 cm at double support (the inverted
    # pendulum): the style's dip goes below that
    plan.root[:, 1] -= (NATURAL_DIP + bob) * both / max(float(both.max()), 1e-6)


def style_angles(name: str, ang: np.ndarray, t: np.ndarray, rng: np.random.Generator,
                 hurt: int = 1) -> None:
    """Posture, carriage and holds of style ``name`` on (T, J, 3) angles, in place.
    hurt: the injured leg's side (0 left, 1 right) for a carriage that favours it."""
    m = MANNERS[name]
    ang[:, J["neck"], 0] += m.neck
    if m.carriage:
        _CARRIAGES[m.carriage](ang, t, rng, hurt)
    if m.hold > 1:
        hold(ang, m.hold)


def hold(ang: np.ndarray, frames: int) -> None:
    """Robotic motion: the upper body keeps each pose for ``frames`` frames, then snaps on
    (in place on (T, J, 3) angles; the legs stay on their footsteps)."""
    upper = [J[n] for n in ("pelvis", "spine", "neck", "head", "l_shoulder", "l_elbow",
                            "r_shoulder", "r_elbow")]
    # fewer frames where the arms swing fast: a snap must stay within what a limb can move
    while frames > 1 and np.abs(ang[frames:, upper] - ang[:-frames, upper]).max(initial=0) > 0.3:
        frames -= 1
    idx = (np.arange(len(ang)) // frames) * frames
    ang[:, upper] = ang[idx][:, upper]


def _zombie(ang, t, rng, hurt) -> None:
    # both arms held out in front, nearly straight, bobbing a little with the steps
    for s, inward in (("l", -0.06), ("r", 0.06)):
        sh = J[f"{s}_shoulder"]
        ang[:, sh, 0] = -1.35 + 0.15 * ang[:, sh, 0]
        ang[:, sh, 2] = inward
        ang[:, J[f"{s}_elbow"], 0] = -0.12
    ang[:, J["neck"], 2] += 0.18          # the head lolls to one side


def _clutch(ang, t, rng, hurt) -> None:
    # the hand on the hurt side presses against the belly/side
    s = "l" if hurt == 0 else "r"
    ang[:, J[f"{s}_shoulder"], 0] = -0.35
    ang[:, J[f"{s}_shoulder"], 2] = -0.08 if s == "l" else 0.08
    ang[:, J[f"{s}_elbow"], 0] = -1.75


def _sneak(ang, t, rng, hurt) -> None:
    for s, out in (("l", 0.25), ("r", -0.25)):
        ang[:, J[f"{s}_shoulder"], 0] += -0.4
        ang[:, J[f"{s}_shoulder"], 2] += out
        ang[:, J[f"{s}_elbow"], 0] -= 1.1


def _penguin(ang, t, rng, hurt) -> None:
    # flippers: straight arms held a little out from the sides; the trunk waddles over the
    # stance leg (the pelvis roll tips the trunk toward the swing side; this tips it back
    # past vertical toward the stance side)
    for s, out in (("l", 0.3), ("r", -0.3)):
        ang[:, J[f"{s}_shoulder"], 0] = 0.05
        ang[:, J[f"{s}_shoulder"], 2] = out
        ang[:, J[f"{s}_elbow"], 0] = -0.03
    ang[:, J["spine"], 2] -= 2.0 * ang[:, J["pelvis"], 2]


def _drunk(ang, t, rng, hurt) -> None:
    # the trunk and head wobble slowly and out of step with the feet
    f = float(rng.uniform(0.35, 0.6))
    ph = rng.uniform(0, 2 * np.pi, 2)
    ang[:, J["spine"], 2] += 0.1 * np.sin(2 * np.pi * f * t + ph[0])
    ang[:, J["neck"], 2] += 0.14 * np.sin(2 * np.pi * 0.7 * f * t + ph[1])


_CARRIAGES = {"zombie": _zombie, "clutch": _clutch, "sneak": _sneak, "penguin": _penguin,
              "drunk": _drunk}


def style_idle(name: str, root: np.ndarray, ang: np.ndarray, feet: np.ndarray, t: np.ndarray,
               fps: float, rng: np.random.Generator) -> None:
    """Standing in style ``name``, in place: root (T, 3) pelvis, ang (T, J, 3), feet (T, 2, 3)
    planted foot targets. Width scales the stance, sway the weight shift, height and bob the
    pelvis; lean, head, arms and carriage as when walking."""
    m = MANNERS[name]
    centre = feet[:, :, 0].mean(axis=1, keepdims=True)
    feet[:, :, 0] = centre + (feet[:, :, 0] - centre) * m.width
    mid = root[:, 0].mean()
    root[:, 0] = mid + (root[:, 0] - mid) * max(m.sway, 0.3)
    root[:, 1] += min(m.height, 0.0) * root[:, 1]
    if m.weave > 0 or m.carriage == "drunk":   # drunk: a slow, large sway over the feet
        f = float(rng.uniform(0.3, 0.5))
        root[:, 0] += 0.05 * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    if m.bob > 0:                               # bouncing on the knees
        root[:, 1] -= m.bob * 0.5 * (1 - np.cos(2 * np.pi * 1.6 * t))
    ang[:, J["spine"], 0] += m.lean
    ang[:, J["neck"], 0] -= 0.5 * m.lean        # the eyes stay on the horizon
    for s, sign in (("l", 1.0), ("r", -1.0)):
        ang[:, J[f"{s}_shoulder"], 2] += sign * m.arm_out
        ang[:, J[f"{s}_elbow"], 0] -= max(m.elbow, -0.1)
    if m.carriage == "penguin":
        ang[:, J["pelvis"], 2] += 0.08 * np.sin(2 * np.pi * 0.8 * t)
    style_angles(name, ang, t, rng)


def assign_styles(names: list[str], params: list[ActionParams], rng: np.random.Generator,
                  share: tuple[float, float] = (0.35, 0.2)) -> list[ActionParams]:
    """Give a random ``share`` (locomotion, gestures) of a sequence's actions a style.

    Half the sequences keep the first style they draw for every styled action after it ("an
    old man shuffles along, then waves"). A styled action's mood is the style when the style
    is also a mood (tired, happy, angry, proud) and neutral otherwise, and its tempo stays
    near 1, so that its caption names one manner and no contradicting speed.
    """
    whole = rng.random() < 0.5
    chosen: str | None = None
    out = []
    for name, p in zip(names, params):
        options = styles_for(name)
        rate = share[0] if name in LOCOMOTION else share[1]
        if not options or rng.random() >= rate:
            out.append(p)
            continue
        style = chosen if whole and chosen in options else str(rng.choice(options))
        chosen = chosen or style
        out.append(replace(p, style=style, mood=style if style in MOODS else "neutral",
                           speed=float(np.exp(rng.normal(0.0, 0.08)))))
    return out
