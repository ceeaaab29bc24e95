"""fall_down: losing balance and ending on the floor.

"front": the body tips forward, the knees buckle onto the floor, the hands break the fall and
the body slides down flat on its front. "back": the body tips backward, sits down hard with the
hands slapping the floor behind, and rolls onto its back. The drops are timed close to free
fall (about 0.3 s for the pelvis to fall half a metre), so they are fast but bounded.
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action
from .idle import stance, standing_height
from .keyposes import KeyPoses, build
from .level import _breathe, _choose, hurry
from .locomotion import jitter, tempo
from . import postures as P


def _fall_front(p: ActionParams, rng: np.random.Generator, kp: KeyPoses, feet: np.ndarray,
                H: float) -> None:
    body, (x, _, z) = p.body, feet.mean(axis=0)
    knee_z = z + body.shin * 0.9                      # knees land ahead of the toes
    fours = P.all_fours(body, x, knee_z)
    toes = [np.array(fours[f"{s}_foot"]) * [1, 1, 0] + [0, 0, z - 0.05] for s in "lr"]
    kp.key(jitter(rng, 0.22, 0.1), root=(x, H - 0.03, z + 0.12), pelvis=(0.3, 0, 0),
           spine=(0.15, 0, 0), l_shoulder=(-0.7, 0, 0.3), r_shoulder=(-0.7, 0, -0.3),
           l_elbow=(-0.3, 0, 0), r_elbow=(-0.3, 0, 0))
    kp.key(jitter(rng, 0.3, 0.08), root=(x, fours["root"][1] + 0.02, knee_z - 0.05),
           pelvis=(0.6, 0, 0), spine=(0.3, 0, 0), neck=(-0.5, 0, 0),
           l_shoulder=(-1.4, 0, 0.3), r_shoulder=(-1.4, 0, -0.3),
           l_foot=toes[0], r_foot=toes[1], planted=(False, False))
    kp.key(jitter(rng, 0.22, 0.08), **dict(fours, root=(x, fours["root"][1], knee_z + 0.05)))
    lie = P.lying_front(body, x, knee_z + 0.1)
    kp.key(jitter(rng, 0.4, 0.1), **dict(lie, root=(x, 0.28, knee_z + 0.12), pelvis=(1.45, 0, 0),
                                         planted=(False, False),
                                         l_foot=np.asarray(lie["l_foot"]) + [0, 0.03, 0],
                                         r_foot=np.asarray(lie["r_foot"]) + [0, 0.03, 0]))
    kp.key(jitter(rng, 0.35, 0.1), **lie)


def _fall_back(p: ActionParams, rng: np.random.Generator, kp: KeyPoses, feet: np.ndarray,
               H: float) -> None:
    body, (x, _, z) = p.body, feet.mean(axis=0)
    sit = P.seated_floor(body, feet)
    seat_z = sit["root"][2]
    kp.key(jitter(rng, 0.22, 0.1), root=(x, H - 0.05, z - 0.1), pelvis=(-0.15, 0, 0),
           spine=(-0.1, 0, 0), l_shoulder=(-0.8, 0, 0.5), r_shoulder=(-0.8, 0, -0.5))
    hands = {"l_hand": (x + 0.3, 0.0, seat_z - 0.25), "r_hand": (x - 0.3, 0.0, seat_z - 0.25)}
    kp.key(jitter(rng, 0.3, 0.08), **dict(P.crouched(body, feet, 0.9), pelvis=(-0.2, 0, 0),
                                          spine=(0.1, 0, 0), root=(x, 0.35, seat_z + 0.1),
                                          l_shoulder=(0.2, 0, 0.4), r_shoulder=(0.2, 0, -0.4),
                                          hand_w=(0.5, 0.5), **hands))
    kp.key(jitter(rng, 0.18, 0.08), **dict(sit, pelvis=(-0.5, 0, 0), spine=(0.0, 0, 0),
                                           l_shoulder=(0.3, 0, 0.4), r_shoulder=(0.3, 0, -0.4),
                                           hand_w=(1.0, 1.0), **hands))
    lie = P.lying_back(body, x, seat_z)
    kp.key(jitter(rng, 0.45, 0.1), **dict(lie, l_shoulder=(-0.3, 0, 0.6),
                                          r_shoulder=(-0.3, 0, -0.6), planted=(False, False)))
    kp.key(jitter(rng, 0.5, 0.1), **lie)


@action("fall_down")
def fall_down(p: ActionParams, rng: np.random.Generator) -> Clip:
    v = _choose(p, rng, ("front", "back"))
    sp, _ = tempo(p)
    feet = stance(p.body, rng)
    H = standing_height(p.body, rng)
    kp = KeyPoses(**P.standing(p.body, feet, H))
    (_fall_front if v == "front" else _fall_back)(p, rng, kp, feet, H)
    wait = float(rng.uniform(0.1, 0.8)) / max(sp, 0.5)
    wait = hurry(kp, wait, p.duration, limit=0.85)   # gravity sets the pace of a fall
    return build(p, kp, "fall_down", t0=-wait, extra=_breathe(rng, 1.5), variant=v)
