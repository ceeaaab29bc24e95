"""``Draft``: the working state of one standing-action sample, posed by where limbs point.

Gesture, combat and dance generators think in world terms ("the hand goes above the head", "the
left foot steps 25 cm forward"), while the rig wants local Euler angles. A draft holds the root
path, heading, torso angles and contacts, lets a generator say where each arm points or reaches
and where each foot stands, and turns that into angles with exact bone lengths before
``base.finish``. Directions and targets are in the clip's own frame (before ``p.direction``).
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, finish, mood_posture
from .rig import J, euler, rot_y, two_bone_ik, zero_angles

SIDES = ("l", "r")
FORWARD = np.array([0.0, 0.0, 1.0])


def unit(v: np.ndarray) -> np.ndarray:
    """(..., 3) vectors scaled to length 1."""
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _slerp(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Unit directions turning from a to b (T, 3) at an even angular rate, w (T,)."""
    a, b = unit(a), unit(b)
    theta = np.arccos(np.clip(np.sum(a * b, axis=-1), -1.0, 1.0))
    sa, sb = np.sin((1.0 - w) * theta), np.sin(w * theta)
    even = np.where(sa + sb > 1e-6, sb / np.maximum(sa + sb, 1e-6), w)[:, None]
    return unit(a * (1.0 - even) + b * even)


def blend_dirs(a: np.ndarray, b: np.ndarray, w: np.ndarray, via=None) -> np.ndarray:
    """Directions (T, 3) from a (w=0) to b (w=1), w (T,), turning at an even angular rate (a
    normalised lerp rushes through the middle of a wide swing and pops a hand). ``via`` (3,)
    bows the path through a side, so that opposite directions (arm down -> arm up) swing one
    definite way: the swing then passes through the midpoint pushed toward ``via``."""
    w = np.clip(np.asarray(w, dtype=np.float64), 0.0, 1.0)
    if via is None:
        return _slerp(a, b, w)
    mid = unit(0.5 * (unit(a) + unit(b)) + np.asarray(via, dtype=np.float64))
    first = _slerp(a, mid, np.minimum(2.0 * w, 1.0))
    second = _slerp(mid, b, np.maximum(2.0 * w - 1.0, 0.0))
    return np.where((w <= 0.5)[:, None], first, second)


def mix_dirs(weights: np.ndarray, dirs: list[np.ndarray]) -> np.ndarray:
    """Directions (T, 3) from keyed weights (T, K) over K direction tracks (each (T, 3)), where
    at most two weights are non-zero at a time (a keyed sequence of poses)."""
    order = np.argsort(weights, axis=1)
    i, j = order[:, -1], order[:, -2]
    rows = np.arange(len(weights))
    stack = np.stack(dirs, 1)                               # (T, K, 3)
    wi, wj = weights[rows, i], weights[rows, j]
    return blend_dirs(stack[rows, i], stack[rows, j], wj / np.maximum(wi + wj, 1e-9))


def aim(parent: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Local Euler angles (T, 3) that point a hanging bone along ``direction`` (T, 3, world) under
    a parent whose global rotation is ``parent`` (T, 3, 3). Uses no twist (y = 0): a stick bone
    has none, and the child bone is aimed on its own."""
    local = unit(np.einsum("tji,tj->ti", parent, direction))
    z = np.arcsin(np.clip(local[:, 0], -1.0, 1.0))
    x = np.arctan2(-local[:, 2], -local[:, 1])
    return np.stack([x, np.zeros_like(x), z], -1)


class Draft:
    """Mutable pose plan of one sample; ``finish`` turns it into a Clip.

    Order of work: trunk angles, root path and foot targets first, then ``settle`` (which may
    lower the root), then the arms, whose reach targets are world points computed from the
    settled shoulders."""

    def __init__(self, p: ActionParams, rng: np.random.Generator, posture: float = 1.0):
        self.p, self.rng, self.body = p, rng, p.body
        self.t = p.time()                                  # (T,) seconds
        self.T = len(self.t)
        self.off = self.body.offsets()                     # (J, 3) rest offsets of this body
        self.angles = zero_angles(self.T)                  # (T, J, 3) local Euler angles
        mood_posture(self.angles, p.mood, posture)
        self.root = np.zeros((self.T, 3))                  # (T, 3) pelvis path
        self.root[:, 1] = self.body.standing_pelvis_height()
        self.yaw = np.zeros(self.T)                        # (T,) heading, radians
        self.contacts = np.ones((self.T, 2), dtype=bool)   # (left, right) planted
        hx = abs(float(self.off[J["l_hip"], 0]))
        self.home = {"l": np.array([hx, 0.0, 0.0]), "r": np.array([-hx, 0.0, 0.0])}
        self.feet = {s: np.tile(self.home[s], (self.T, 1)) for s in SIDES}  # (T, 3) foot targets
        self.arm_dirs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._sway_phase = rng.uniform(0, 2 * np.pi)

    # -- frames -------------------------------------------------------------------------------
    @property
    def leg_length(self) -> float:
        return self.body.thigh + self.body.shin

    @property
    def arm_lengths(self) -> tuple[float, float]:
        return (float(np.linalg.norm(self.off[J["l_elbow"]])),
                float(np.linalg.norm(self.off[J["l_hand"]])))

    def heading(self, v) -> np.ndarray:
        """Body-frame vectors (3,) or (T, 3) (forward +Z, left +X) turned by the heading -> (T, 3)."""
        v = np.broadcast_to(np.asarray(v, dtype=np.float64), (self.T, 3))
        return np.einsum("tij,tj->ti", rot_y(self.yaw), v)

    def rotations(self) -> tuple[np.ndarray, np.ndarray]:
        """Global rotations (T, 3, 3) of the pelvis and of the neck (the shoulders' parent)."""
        pelvis = rot_y(self.yaw) @ euler(self.angles[:, J["pelvis"]])
        neck = pelvis @ euler(self.angles[:, J["spine"]]) @ euler(self.angles[:, J["neck"]])
        return pelvis, neck

    def hips(self) -> dict[str, np.ndarray]:
        pelvis, _ = self.rotations()
        return {s: self.root + pelvis @ self.off[J[f"{s}_hip"]] for s in SIDES}

    def shoulders(self) -> dict[str, np.ndarray]:
        """World shoulder positions (T, 3) per side for the current root and torso."""
        pelvis, neck = self.rotations()
        spine = pelvis @ euler(self.angles[:, J["spine"]])
        base = self.root + pelvis @ self.off[J["spine"]] + spine @ self.off[J["neck"]]
        return {s: base + neck @ self.off[J[f"{s}_shoulder"]] for s in SIDES}

    # -- arms ---------------------------------------------------------------------------------
    def idle_arm(self, side: str) -> tuple[np.ndarray, np.ndarray]:
        """Relaxed hanging arm, breathing a little: (upper, fore) world directions (T, 3)."""
        sign = 1.0 if side == "l" else -1.0
        a = 0.12 + 0.03 * np.sin(2 * np.pi * 0.25 * self.t + self._sway_phase)
        upper = np.stack([sign * np.sin(a), -np.cos(a), np.zeros_like(a)], -1)
        fore = unit(upper + 0.16 * FORWARD)
        return self.heading(upper), self.heading(fore)

    def set_arm(self, side: str, upper: np.ndarray, fore: np.ndarray,
                weight: np.ndarray | None = None, via=None, chest: bool = False) -> None:
        """Point an arm: upper arm and forearm along world directions (T, 3), blended from the
        idle arm by ``weight`` (T,) in [0, 1] (None = fully). With ``chest`` the directions are in
        the chest's frame instead, so the arm follows the trunk as it bends (a side stretch)."""
        if chest:
            _, neck = self.rotations()
            upper = np.einsum("tij,tj->ti", neck, np.broadcast_to(upper, (self.T, 3)))
            fore = np.einsum("tij,tj->ti", neck, np.broadcast_to(fore, (self.T, 3)))
        if weight is not None:
            iu, fo = self.idle_arm(side)
            via_w = None if via is None else np.asarray(via, dtype=np.float64)
            upper = blend_dirs(iu, unit(upper), weight, via_w)
            fore = blend_dirs(fo, unit(fore), weight, via_w)
        self.arm_dirs[side] = (unit(upper), unit(fore))

    def reach(self, side: str, target: np.ndarray, weight: np.ndarray | None = None,
              pole=None, via=None) -> None:
        """Put the hand at world ``target`` (T, 3), moving from the idle hand by ``weight`` (T,)
        in a straight line, or bowed out by the body-frame offset ``via`` (3,) halfway (so a hand
        going up to the face passes in front of the shoulder, not through it). The elbow bends
        toward ``pole`` (body frame; default back, down and out)."""
        shoulder = self.shoulders()[side]
        if weight is not None:
            w = np.asarray(weight, dtype=np.float64)[:, None]
            iu, fo = self.idle_arm(side)
            rest = shoulder + iu * self.arm_lengths[0] + fo * self.arm_lengths[1]
            target = rest * (1.0 - w) + target * w
            if via is not None:
                target = target + 4.0 * w * (1.0 - w) * self.heading(via)
        self.arm_dirs[side] = self.ik_dirs(side, target, pole)

    def ik_dirs(self, side: str, target: np.ndarray, pole=None) -> tuple[np.ndarray, np.ndarray]:
        """(upper, fore) world directions (T, 3) that put the hand at ``target`` (T, 3). Targets
        are kept inside 97% of the arm's reach: a locked-straight arm has no defined elbow
        bend, and the elbow would whip round as the hand came back in."""
        sign = 1.0 if side == "l" else -1.0
        pole = (0.45 * sign, -0.5, -0.75) if pole is None else pole
        l1, l2 = self.arm_lengths
        shoulder = self.shoulders()[side]
        d = target - shoulder
        n = np.linalg.norm(d, axis=-1, keepdims=True)
        target = shoulder + d * np.minimum(1.0, 0.97 * (l1 + l2) / np.maximum(n, 1e-9))
        elbow, hand = two_bone_ik(shoulder, target, l1, l2, self.heading(pole))
        return unit(elbow - shoulder), unit(hand - elbow)

    # -- legs and root ------------------------------------------------------------------------
    def settle(self, slack: float = 0.995) -> None:
        """Lower the root where a targeted foot would be out of the leg's reach, keeping every
        standing knee a little bent (as the finishing pass does, so it finds nothing to fix)."""
        hips = self.hips()
        reach = self.leg_length * slack
        drop = np.zeros(self.T)
        for s in SIDES:
            d = hips[s] - self.feet[s]
            flat = np.minimum(np.hypot(d[:, 0], d[:, 2]), reach * 0.999)
            drop = np.maximum(drop, d[:, 1] - np.sqrt(reach * reach - flat * flat))
        self.root[:, 1] -= np.maximum(drop, 0.0)

    def _pose_legs(self) -> None:
        pelvis, _ = self.rotations()
        hips = self.hips()
        # knees point forward and a little up, so a leg swung up in front bends its knee upward
        pole = self.heading((0.0, 0.5, 1.0))
        for s in SIDES:
            knee, foot = two_bone_ik(hips[s], self.feet[s], self.body.thigh, self.body.shin, pole)
            thigh = aim(pelvis, knee - hips[s])
            self.angles[:, J[f"{s}_hip"]] = thigh
            self.angles[:, J[f"{s}_knee"]] = aim(pelvis @ euler(thigh), foot - knee)

    def _pose_arms(self) -> None:
        _, neck = self.rotations()
        for s in SIDES:
            upper, fore = self.arm_dirs.get(s) or self.idle_arm(s)
            sh = aim(neck, upper)
            self.angles[:, J[f"{s}_shoulder"]] = sh
            self.angles[:, J[f"{s}_elbow"]] = aim(neck @ euler(sh), fore)

    def finish(self, label: str) -> Clip:
        self.settle()
        self._pose_legs()
        self._pose_arms()
        clip = finish(self.p, self.root, self.yaw, self.angles, self.contacts, label)
        self._bend_lifted_knees(clip)
        return clip

    def _bend_lifted_knees(self, clip: Clip) -> None:
        """Re-aim the knee of every lifted leg forward-and-up. The finishing pass bends knees
        straight ahead, which is undefined for a leg swung up level in front (a kick) and lets
        the knee flip; hip and foot stay put, so every bone keeps its length."""
        pos = clip.positions
        pole = np.einsum("tij,j->ti", rot_y(self.yaw + self.p.direction), (0.0, 0.5, 1.0))
        for k, s in enumerate(SIDES):
            up = ~clip.contacts[:, k]
            if not up.any():
                continue
            hip, foot = pos[up, J[f"{s}_hip"]].astype(np.float64), pos[up, J[f"{s}_foot"]]
            knee, _ = two_bone_ik(hip, foot.astype(np.float64), self.body.thigh,
                                  self.body.shin, pole[up])
            pos[up, J[f"{s}_knee"]] = knee
