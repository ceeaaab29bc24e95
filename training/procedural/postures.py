"""Reference whole-body postures as key channels: standing, seated (chair or floor), crouched,
kneeling, on all fours, lying on the back or the front.

Each function returns a dict of ``KeyPoses`` channels for one body, built so that the feet
(and, on all fours, the knees and hands) rest exactly on the floor: the pelvis height follows
from the bone lengths rather than from a guess. ``x`` and ``z`` place the posture.
"""
from __future__ import annotations

import numpy as np

from .rig import Body

HALF_PI = np.pi / 2


def relaxed_arms() -> dict:
    return {"l_shoulder": (0.0, 0.0, 0.12), "r_shoulder": (0.0, 0.0, -0.12),
            "l_elbow": (-0.15, 0.0, 0.0), "r_elbow": (-0.15, 0.0, 0.0)}


def upright() -> dict:
    return {"pelvis": (0.0, 0.0, 0.0), "spine": (0.0, 0.0, 0.0), "neck": (0.0, 0.0, 0.0)}


def standing(body: Body, feet: np.ndarray, height: float) -> dict:
    """feet: (2, 3) left/right floor positions; height: pelvis height."""
    mid = feet.mean(axis=0)
    return {"root": (mid[0], height, mid[2]), **upright(), **relaxed_arms(),
            "l_foot": feet[0], "r_foot": feet[1], "planted": (True, True), "hand_w": (0, 0)}


def crouched(body: Body, feet: np.ndarray, depth: float) -> dict:
    """Squatting over planted feet; depth 0 (standing) .. 1 (a full squat)."""
    mid = feet.mean(axis=0)
    y = body.standing_pelvis_height() * (1.0 - 0.5 * depth)
    arms = 0.9 * depth
    return {"root": (mid[0], y, mid[2] - 0.14 * depth * body.scale),
            "pelvis": (0.1 * depth, 0, 0), "spine": (0.4 * depth, 0, 0),
            "neck": (-0.35 * depth, 0, 0),
            "l_shoulder": (-arms, 0, 0.15), "r_shoulder": (-arms, 0, -0.15),
            "l_elbow": (-0.5 * depth, 0, 0), "r_elbow": (-0.5 * depth, 0, 0),
            "l_foot": feet[0], "r_foot": feet[1], "planted": (True, True)}


def seated_chair(body: Body, feet: np.ndarray) -> dict:
    """On an invisible chair: thighs level, shins upright over the planted feet."""
    mid = feet.mean(axis=0)
    seat = body.shin * 1.02 + body.hip_drop
    return {"root": (mid[0], seat, mid[2] - body.thigh * 0.95), **upright(),
            "spine": (0.06, 0, 0), "neck": (0.05, 0, 0),
            "l_shoulder": (-0.45, 0, 0.1), "r_shoulder": (-0.45, 0, -0.1),
            "l_elbow": (-0.9, 0, 0), "r_elbow": (-0.9, 0, 0),   # hands resting on the thighs
            "l_foot": feet[0], "r_foot": feet[1], "planted": (True, True), "hand_w": (0, 0)}


def seated_floor(body: Body, feet: np.ndarray) -> dict:
    """Sitting on the floor, knees up, feet planted, forearms resting on the knees."""
    mid = feet.mean(axis=0)
    return {"root": (mid[0], 0.11 * body.scale, mid[2] - 0.55 * body.leg * body.scale),
            "pelvis": (-0.25, 0, 0), "spine": (0.35, 0, 0), "neck": (0.0, 0, 0),
            "l_shoulder": (-0.7, 0, 0.15), "r_shoulder": (-0.7, 0, -0.15),
            "l_elbow": (-0.6, 0, 0), "r_elbow": (-0.6, 0, 0),
            "l_foot": feet[0], "r_foot": feet[1], "planted": (True, True), "hand_w": (0, 0)}


def kneeling(body: Body, feet: np.ndarray, side: int) -> dict:
    """On one knee (side 0 = left knee down): the other foot planted in front, the kneeling
    foot resting on its toes behind its knee, the pelvis right above the kneeling knee."""
    mid = feet.mean(axis=0)
    knee_y, toe_y = 0.05 * body.scale, 0.07 * body.scale
    back = feet[side].copy()
    back[2] = mid[2] - 0.3 * body.scale
    back[1] = toe_y
    knee_z = back[2] + np.sqrt(body.shin ** 2 - (toe_y - knee_y) ** 2) * 0.995
    front = 1 - side
    arm_front = ("l", "r")[front]
    out = {"root": (mid[0], knee_y + body.thigh + body.hip_drop, knee_z), **upright(),
           **relaxed_arms(), "neck": (0.1, 0, 0), "planted": (True, True), "hand_w": (0, 0)}
    out[f"{arm_front}_shoulder"] = (-0.55, 0, 0.1 if front == 0 else -0.1)   # hand on the knee
    out[f"{arm_front}_elbow"] = (-0.6, 0, 0)
    out[("l_foot", "r_foot")[side]] = back
    out[("l_foot", "r_foot")[front]] = feet[front]
    out["planted"] = (side != 0, side != 1)   # only the front foot is flat on the floor
    return out


def all_fours(body: Body, x: float, z: float) -> dict:
    """Hands and knees: knees under the hips, hands under the shoulders, feet behind."""
    knee_y = 0.05 * body.scale
    y = knee_y + body.thigh + body.hip_drop
    pitch = 1.42
    torso = (0.25 + 0.25 + 0.0) * body.torso * body.scale
    shoulder_z = z + torso * np.sin(pitch)
    hw = 0.19 * body.shoulders * body.scale
    foot_y = knee_y + 0.02 * body.scale
    return {"root": (x, y, z), "pelvis": (pitch, 0, 0), "spine": (0.0, 0, 0),
            "neck": (-0.9, 0, 0),
            "l_shoulder": (-1.3, 0, 0.05), "r_shoulder": (-1.3, 0, -0.05),
            "l_elbow": (-0.1, 0, 0), "r_elbow": (-0.1, 0, 0),
            "l_hand": (x + hw, 0.0, shoulder_z), "r_hand": (x - hw, 0.0, shoulder_z),
            "hand_w": (1.0, 1.0),
            "l_foot": (x + 0.1 * body.scale, foot_y, z - body.shin * 0.99),
            "r_foot": (x - 0.1 * body.scale, foot_y, z - body.shin * 0.99),
            "planted": (False, False)}


def lying_back(body: Body, x: float, z: float) -> dict:
    """Flat on the back, head toward -z, arms along the body, legs straight along +z."""
    y = 0.1 * body.scale
    leg = (body.thigh + body.shin) * 0.99
    foot = (y - 0.04 * body.scale, z + body.hip_drop + np.sqrt(leg ** 2 - (0.04 * body.scale) ** 2))
    return {"root": (x, y, z), "pelvis": (-HALF_PI, 0, 0), "spine": (0.0, 0, 0),
            "neck": (0.05, 0, 0),
            "l_shoulder": (0.0, 0, 0.2), "r_shoulder": (0.0, 0, -0.2),
            "l_elbow": (-0.1, 0, 0), "r_elbow": (-0.1, 0, 0), "hand_w": (0, 0),
            "l_foot": (x + 0.12 * body.scale, foot[0], foot[1]),
            "r_foot": (x - 0.12 * body.scale, foot[0], foot[1]), "planted": (True, True)}


def lying_front(body: Body, x: float, z: float) -> dict:
    """Flat on the front, head toward +z, hands flat on the floor beside the chest (elbows up
    and out, ready to push up), legs straight along -z."""
    y = 0.11 * body.scale
    leg = (body.thigh + body.shin) * 0.995
    drop = 0.05 * body.scale
    foot_z = z - body.hip_drop - np.sqrt(leg ** 2 - drop ** 2)
    chest_z = z + 0.42 * body.torso * body.scale
    hw = 0.34 * body.shoulders * body.scale
    return {"root": (x, y, z), "pelvis": (HALF_PI, 0, 0), "spine": (0.0, 0, 0),
            "neck": (-0.15, 0, 0),
            "l_shoulder": (0.3, 0, 0.9), "r_shoulder": (0.3, 0, -0.9),
            "l_elbow": (-1.5, 0, 0), "r_elbow": (-1.5, 0, 0),
            "l_hand": (x + hw, 0.0, chest_z), "r_hand": (x - hw, 0.0, chest_z),
            "hand_w": (1.0, 1.0),
            "l_foot": (x + 0.12 * body.scale, y - drop, foot_z),
            "r_foot": (x - 0.12 * body.scale, y - drop, foot_z), "planted": (True, True)}
