"""The standing pose a generated clip starts from unless the prompt puts the figure elsewhere.

It is the median first frame of the procedural training sequences that start standing (relaxed
arms, feet hip-width apart), in the body's own frame: the pelvis above the origin, facing +Z.
The generator gives it to the model as the first frame's known pose, so a "sit down" shows the
whole way down instead of starting seated.
"""
from __future__ import annotations

import numpy as np

from .skeleton import JOINT_NAMES

_STANDING = {
    "pelvis": (0.000, 0.934, 0.000), "spine": (0.000, 1.184, 0.000),
    "neck": (0.000, 1.431, 0.000), "head": (0.000, 1.600, 0.000),
    "l_shoulder": (0.189, 1.402, 0.001), "l_elbow": (0.233, 1.121, 0.002),
    "l_hand": (0.252, 0.868, 0.046),
    "r_shoulder": (-0.189, 1.402, 0.001), "r_elbow": (-0.233, 1.121, 0.002),
    "r_hand": (-0.252, 0.868, 0.046),
    "l_hip": (0.100, 0.904, 0.000), "l_knee": (0.100, 0.463, 0.050),
    "l_foot": (0.100, 0.000, 0.000),
    "r_hip": (-0.100, 0.904, 0.000), "r_knee": (-0.100, 0.463, 0.050),
    "r_foot": (-0.100, 0.000, 0.000),
}

# Seated on a chair, hands on the thighs: the median last frame of 40 procedural "sit_down"
# clips of the chair variant (training.procedural.level), in the same body frame. A clause that
# names a chair holds the trunk and legs here (engine.controls): the model, never told in its
# captions which seat a sit was, otherwise sat on the floor.
_SEATED_CHAIR = {
    "pelvis": (0.000, 0.512, 0.000), "spine": (0.000, 0.768, 0.000),
    "neck": (0.000, 1.015, 0.015), "head": (0.000, 1.184, 0.034),
    "l_shoulder": (0.188, 0.985, 0.012), "l_elbow": (0.216, 0.716, 0.109),
    "l_hand": (0.232, 0.625, 0.368),
    "r_shoulder": (-0.188, 0.985, 0.012), "r_elbow": (-0.216, 0.716, 0.109),
    "r_hand": (-0.232, 0.625, 0.368),
    "l_hip": (0.100, 0.480, 0.000), "l_knee": (0.110, 0.470, 0.451),
    "l_foot": (0.124, 0.000, 0.430),
    "r_hip": (-0.100, 0.480, 0.000), "r_knee": (-0.110, 0.470, 0.451),
    "r_foot": (-0.124, 0.000, 0.430),
}

# Actions that begin away from standing: a clip that opens with one of them starts where the
# model puts it (seated, lying, on all fours, on a ladder).
STARTS_ELSEWHERE = frozenset({"stand_up", "get_up", "crawl", "climb"})


def standing_pose() -> np.ndarray:
    """(J, 3) float32 metres: the standing start pose, facing +Z, feet on the floor."""
    return np.array([_STANDING[n] for n in JOINT_NAMES], dtype=np.float32)


def seated_chair_pose() -> np.ndarray:
    """(J, 3) float32 metres: seated on a chair, facing +Z, the pelvis above the origin."""
    return np.array([_SEATED_CHAIR[n] for n in JOINT_NAMES], dtype=np.float32)


def starts_standing(first_action: str) -> bool:
    return first_action not in STARTS_ELSEWHERE
