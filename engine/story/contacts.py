"""Two actors touching: the contact pose of an interaction, and bodies that never overlap.

An interaction (high five, handshake, hug, blocked punch, dancing together, handing over) has
a *contact frame*. There the two are brought to the interaction's distance, squared up to face
each other (:func:`bring_together`), and the hands that touch are solved with two-bone IK
(bone lengths kept) onto shared contact points (:func:`contact_poses`). Those poses become pose
keys the generator blends into and out of; :func:`hand_gaps` measures what came out.

:func:`separate_bodies` is the last word on overlap: torsos are capsules round the pelvis-neck
segment, and where two come closer than two radii the actors are pushed apart, smoothly.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.ik import two_bone_ik
from engine.model.features import headings
from engine.skeleton import JOINT_INDEX as J

from .relations import body_headings, floor_of, heading_to, smooth, wrap, yaw

TORSO_RADIUS = 0.15       # metres: a torso is a capsule this thick round pelvis-neck
CONTACT_TOLERANCE = 0.10  # hands that should touch are at most this far apart
HOLD_S = 0.8              # bringing two together eases in over this long before the contact


@dataclass(frozen=True)
class Interaction:
    """distance: pelvis-to-pelvis (m) at the contact; pairs: (my hand, partner's hand, where)
    with ``where`` naming the contact point rule; actions and words: each side's model segment;
    hold_s: how long the hands stay together (0: a touch, like a high five); shake_m: how far
    held hands move up and down while held (a handshake pumps)."""
    distance: float
    pairs: tuple[tuple[str, str, str], ...]
    actions: tuple[str, str]
    words: tuple[str, str]
    hold_s: float = 0.0
    shake_m: float = 0.0


INTERACTIONS: dict[str, Interaction] = {
    "high_five": Interaction(0.7, (("r_hand", "r_hand", "overhead"),), ("cheer", "cheer"),
                             ("gives a high five", "gives a high five")),
    "handshake": Interaction(0.65, (("r_hand", "r_hand", "waist"),), ("idle", "idle"),
                             ("shakes hands", "shakes hands"), hold_s=1.0, shake_m=0.04),
    "hug": Interaction(0.38, (("l_hand", "r_hand", "back_high"), ("r_hand", "l_hand", "back_low")),
                       ("idle", "idle"), ("hugs", "hugs"), hold_s=1.6),
    "punch_blocked": Interaction(0.8, (("r_hand", "r_hand", "block"),), ("punch", "block"),
                                 ("throws a punch", "blocks a punch")),
    "dance_together": Interaction(0.85, (("r_hand", "l_hand", "chest_side"),
                                         ("l_hand", "r_hand", "chest_side")),
                                  ("dance_salsa", "dance_salsa"),
                                  ("dances with a partner", "dances with a partner"),
                                  hold_s=2.0, shake_m=0.06),
    "hand_over": Interaction(0.8, (("r_hand", "r_hand", "chest"),), ("idle", "idle"),
                             ("hands over an object", "takes an object"), hold_s=0.5),
}
KEY_STEP_S = 0.24     # a held contact gets a pose key this often


def contact_frames(kind: str, contact: int, first: int, stop: int, fps: float) -> list[int]:
    """Frames with pose keys for an interaction centred on ``contact``, inside [first, stop):
    the contact itself, or a row of them over the hold."""
    half = INTERACTIONS[kind].hold_s * fps / 2
    if half < 1:
        return [contact]
    a, b = max(first, int(round(contact - half))), min(stop - 1, int(round(contact + half)))
    n = max(1, int(round((b - a) / (KEY_STEP_S * fps))))
    return sorted({int(round(a + (b - a) * i / n)) for i in range(n + 1)})


def _side(hand: str) -> str:
    return hand[:2]


def _fwd(pose: np.ndarray) -> np.ndarray:
    h = float(headings(np.asarray(pose, np.float64)[None], along_time=False)[0])
    return np.array([np.sin(h), 0.0, np.cos(h)])


def _contact_point(where: str, a: np.ndarray, b: np.ndarray, hand_a: str, hand_b: str
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(point for a's hand, point for b's hand), (3,) each, for a pair of poses (J, 3)."""
    sa, sb = a[J[_side(hand_a) + "shoulder"]], b[J[_side(hand_b) + "shoulder"]]
    mid = (sa + sb) / 2
    up = np.array([0.0, 1.0, 0.0])
    if where in ("overhead", "waist", "chest", "chest_side"):
        height = {"overhead": max(a[J["head"], 1], b[J["head"], 1]) + 0.05,
                  "waist": (a[0, 1] + b[0, 1]) / 2 + 0.15,
                  "chest": (sa[1] + sb[1]) / 2 - 0.25,
                  "chest_side": (sa[1] + sb[1]) / 2 - 0.2}[where]
        p = np.array([mid[0], height, mid[2]])
        # palms meet: each hand stops a touch short of the shared point, on its own side
        toward_a = (a[0] - b[0]) * [1, 0, 1]
        toward_a /= max(np.linalg.norm(toward_a), 1e-9)
        return p + toward_a * 0.02, p - toward_a * 0.02
    if where in ("back_high", "back_low"):
        # arms round the partner: my hand on the partner's back, on my hand's side
        fb, fa = _fwd(b), _fwd(a)
        lift = 0.0 if where == "back_high" else -0.18
        spine = b[J["spine"]] + up * (0.12 + lift)
        side = np.cross(up, fa) * (1 if hand_a.startswith("l_") else -1)   # my left is +X at rest
        pa = spine - fb * 0.15 + side * 0.08
        spine_a = a[J["spine"]] + up * (0.05 + lift)
        side_b = np.cross(up, fb) * (1 if hand_b.startswith("l_") else -1)
        return pa, spine_a - fa * 0.15 + side_b * 0.08
    if where == "block":
        # b's forearm raised across the face; a's fist lands on its middle
        fb = _fwd(b)
        guard = b[J["head"]] + fb * 0.28 - up * 0.05
        return guard - fb * 0.02, guard
    raise ValueError(f"unknown contact point rule {where!r}")


def _solve_arm(pose: np.ndarray, hand: str, target: np.ndarray) -> np.ndarray:
    """The pose with one arm reaching ``target`` by two-bone IK (its bone lengths kept)."""
    side = _side(hand)
    s, e, h = J[side + "shoulder"], J[side + "elbow"], J[side + "hand"]
    l1 = float(np.linalg.norm(pose[e] - pose[s]))
    l2 = float(np.linalg.norm(pose[h] - pose[e]))
    outward = pose[s] - pose[J["neck"]]
    outward[1] = 0.0
    # elbows bend down, out and back, as arms do
    pole = (outward / max(np.linalg.norm(outward), 1e-9) - np.array([0.0, 0.8, 0.0])
            - _fwd(pose) * 0.3)
    mid, end = two_bone_ik(pose[s][None].astype(np.float64), np.asarray(target, float)[None],
                           l1, l2, pole[None])
    out = pose.copy()
    out[e], out[h] = mid[0], end[0]
    return out


def _arm(pose: np.ndarray, hand: str) -> tuple[np.ndarray, float]:
    """(shoulder (3,), arm length) of one arm."""
    side = _side(hand)
    s, e, h = pose[J[side + "shoulder"]], pose[J[side + "elbow"]], pose[J[hand]]
    return s, float(np.linalg.norm(e - s) + np.linalg.norm(h - e))


def _within_reach(pa, pb, hand_a, hand_b, ta, tb, slack: float = 0.97):
    """Shared contact points moved (as little as needed) toward the point between the two
    shoulders until both arms reach them: a high five a pushed-apart pair cannot reach overhead
    is given lower, not missed."""
    (sa, la), (sb, lb) = _arm(pa, hand_a), _arm(pb, hand_b)
    mid = (sa + sb) / 2
    for x in (0.0,) + tuple(np.linspace(0.05, 1.0, 20)):
        a_ = ta + (mid - ta) * x
        b_ = tb + (mid - tb) * x
        if (np.linalg.norm(a_ - sa) <= slack * la and np.linalg.norm(b_ - sb) <= slack * lb):
            return a_, b_
    return mid, mid     # out of reach even there: the arms point at it (the gap is reported)


def contact_poses(kind: str, a: np.ndarray, b: np.ndarray, phase: float = 0.0
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Poses (J, 3) of initiator ``a`` and partner ``b`` at the contact, hands on their points;
    ``phase`` (cycles since the hold began) moves shared points of a pumping contact."""
    spec = INTERACTIONS[kind]
    lift = np.array([0.0, spec.shake_m * np.sin(2 * np.pi * phase), 0.0])
    pa, pb = np.array(a, np.float64), np.array(b, np.float64)
    if kind == "punch_blocked":   # the guard goes up first, then the punch aims at it
        _, guard = _contact_point("block", pa, pb, "r_hand", "r_hand")
        pb = _solve_arm(pb, "r_hand", guard)
        pb = _solve_arm(pb, "l_hand", guard - _fwd(pb) * 0.05 - np.array([0, 0.25, 0]))
    for hand_a, hand_b, where in spec.pairs:
        ta, tb = _contact_point(where, pa, pb, hand_a, hand_b)
        if where not in ("block", "back_high", "back_low"):
            ta, tb = _within_reach(pa, pb, hand_a, hand_b, ta + lift, tb + lift)
        if where == "block":
            tb = pb[J[hand_b]]    # the blocking forearm is already placed
            forearm = (pb[J["r_elbow"]] + pb[J["r_hand"]]) / 2
            ta = forearm - _fwd(pb) * -0.04
        pa = _solve_arm(pa, hand_a, ta)
        if where != "block":
            pb = _solve_arm(pb, hand_b, tb)
    return pa.astype(np.float32), pb.astype(np.float32)


def contact_targets(kind: str, a: np.ndarray, b: np.ndarray) -> list[tuple[str, str, float]]:
    """Measured gaps at a contact: (what, between, metres) for each touching pair of poses."""
    out = []
    for hand_a, hand_b, where in INTERACTIONS[kind].pairs:
        if where == "block":
            forearm = (b[J["r_elbow"]] + b[J["r_hand"]]) / 2
            out.append((kind, f"{hand_a} to blocking forearm",
                        float(np.linalg.norm(a[J[hand_a]] - forearm))))
        elif where.startswith("back"):
            ta, _ = _contact_point(where, a, b, hand_a, hand_b)
            out.append((kind, f"{hand_a} on partner's back",
                        float(np.linalg.norm(a[J[hand_a]] - ta))))
        else:
            out.append((kind, f"{hand_a} to {hand_b}",
                        float(np.linalg.norm(a[J[hand_a]] - b[J[hand_b]]))))
    return out


# ---- placing two bodies ---------------------------------------------------------------------

def bring_together(a: np.ndarray, b: np.ndarray, frames: list[int], distance: float,
                   fps: float, move_a: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Motions (T, J, 3) moved and turned so that on each of ``frames`` (sorted) the pelvises
    stand ``distance`` apart on the floor, facing each other. ``move_a`` is a's share of the
    move (b takes the rest). The correction eases in over HOLD_S before the first frame, follows
    the pair through the frames (so a drifting model cannot pull held hands apart) and is kept
    after the last (the pair stays where it met instead of sliding back)."""
    T = len(a)
    shifts = {0: np.zeros((len(frames), 2)), 1: np.zeros((len(frames), 2))}
    turns = {0: np.zeros(len(frames)), 1: np.zeros(len(frames))}
    for i, f in enumerate(frames):
        fa, fb = floor_of(a)[f], floor_of(b)[f]
        d = fb - fa
        n = float(np.linalg.norm(d))
        u = d / n if n > 1e-6 else np.array([0.0, 1.0])
        mid = fa + (fb - fa) * move_a
        ta, tb = mid - u * distance * move_a, mid + u * distance * (1 - move_a)
        for k, (pos, here, there, want) in enumerate(((a, fa, ta, heading_to(fa, fb)),
                                                      (b, fb, tb, heading_to(fb, fa)))):
            h = float(headings(np.asarray(pos[f:f + 1], np.float64), along_time=False)[0])
            shifts[k][i] = there - here
            turns[k][i] = float(wrap(want - h))
    t = np.arange(T)
    n_in = max(1, int(round(HOLD_S * fps)))
    x = np.clip((t - (frames[0] - n_in)) / n_in, 0.0, 1.0)
    ease_in = x * x * (3 - 2 * x)
    out = []
    for k, pos in enumerate((a, b)):
        sh = np.stack([np.interp(t, frames, shifts[k][:, c]) for c in range(2)], 1)
        tu = np.interp(t, frames, np.unwrap(turns[k]))
        out.append(_move_turn(pos, sh * ease_in[:, None], tu * ease_in))
    return out[0], out[1]


def _move_turn(pos: np.ndarray, shift: np.ndarray, turn: np.ndarray) -> np.ndarray:
    """Each frame turned by ``turn`` (T,) about its pelvis floor point and moved by ``shift``
    (T, 2) on the floor."""
    p = np.asarray(pos, np.float64)
    fl = floor_of(p)
    own = np.stack([fl[:, 0], np.zeros(len(p)), fl[:, 1]], 1)[:, None]
    out = yaw(p - own, turn[:, None]) + own
    out[..., 0] += shift[:, None, 0]
    out[..., 2] += shift[:, None, 1]
    return out.astype(np.float32)


def facing_dot(a: np.ndarray, b: np.ndarray, frame: int, fps: float = 25.0) -> float:
    """Dot of the two actors' facing directions at ``frame`` (-1: face to face)."""
    ha, hb = body_headings(a, fps)[frame], body_headings(b, fps)[frame]
    return float(np.cos(ha - hb))


# ---- never inside each other ----------------------------------------------------------------

def _segment_gap(p1, q1, p2, q2) -> tuple[np.ndarray, np.ndarray]:
    """Per frame, the distance (T,) between segments p1-q1 and p2-q2 (each (T, 3)) and the
    floor direction (T, 2) from the first's closest point to the second's."""
    d1, d2, r = q1 - p1, q2 - p2, p1 - p2
    a = np.einsum("ti,ti->t", d1, d1)
    e = np.einsum("ti,ti->t", d2, d2)
    f = np.einsum("ti,ti->t", d2, r)
    c = np.einsum("ti,ti->t", d1, r)
    b = np.einsum("ti,ti->t", d1, d2)
    den = np.maximum(a * e - b * b, 1e-12)
    s = np.clip((b * f - c * e) / den, 0, 1)
    t = np.clip((b * s + f) / np.maximum(e, 1e-12), 0, 1)
    s = np.clip((b * t - c) / np.maximum(a, 1e-12), 0, 1)
    c1, c2 = p1 + d1 * s[:, None], p2 + d2 * t[:, None]
    gap = np.linalg.norm(c2 - c1, axis=1)
    flat = (c2 - c1)[:, [0, 2]]
    n = np.linalg.norm(flat, axis=1, keepdims=True)
    pel = (p2 - p1)[:, [0, 2]]
    flat = np.where(n > 1e-6, flat, pel)
    flat /= np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-9)
    return gap, flat


def torso_gaps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(T,) distance between two actors' pelvis-neck segments over their common frames."""
    T = min(len(a), len(b))
    return _segment_gap(a[:T, 0], a[:T, J["neck"]], b[:T, 0], b[:T, J["neck"]])[0]


def _push_direction(gap_dir: np.ndarray, rel: np.ndarray, close: np.ndarray) -> np.ndarray:
    """One floor direction (2,) to push b away from a over the frames ``close`` (T,) bool.

    Two bodies passing through each other (their floor offset ``rel`` (T, 2) turns round while
    close) are pushed sideways, across their relative travel, toward the side they already lean
    to; two that stand or lean into each other are pushed apart along their mean offset."""
    r = rel[close]
    travel = r[-1] - r[0]
    if np.linalg.norm(travel) > 0.2:
        side = np.array([-travel[1], travel[0]]) / np.linalg.norm(travel)
        lean = float(np.mean(r @ side))
        return side if lean >= 0 else -side
    mean = gap_dir[close].mean(axis=0)
    n = float(np.linalg.norm(mean))
    return mean / n if n > 1e-6 else np.array([1.0, 0.0])


def separate_bodies(motions: list[np.ndarray], fps: float, radius: float = TORSO_RADIUS,
                    rounds: int = 12) -> tuple[list[np.ndarray], float]:
    """Push actors apart wherever two torsos overlap (closer than ``2 * radius``).

    The push is split between the two, along one direction per pair (sideways for a pair
    passing through each other), widened and smoothed over time so nobody jumps. Returns
    (motions, the largest push between two actors in metres).
    """
    out = [np.array(m, np.float32, copy=True) for m in motions]
    need_gap = 2 * radius + 0.01
    total: dict[tuple[int, int], np.ndarray] = {}
    half = max(1, int(round(0.3 * fps)))
    for _ in range(rounds):
        moved = False
        for i in range(len(out)):
            for k in range(i + 1, len(out)):
                a, b = out[i], out[k]
                T = min(len(a), len(b))
                gap, u = _segment_gap(a[:T, 0], a[:T, J["neck"]], b[:T, 0], b[:T, J["neck"]])
                deficit = np.maximum(0.0, need_gap - gap)
                if not deficit.any():
                    continue
                moved = True
                d = _push_direction(u, floor_of(b[:T]) - floor_of(a[:T]), deficit > 0)
                # widen each push to its neighbours before smoothing so the peak survives
                wide = np.array([deficit[max(0, t - half): t + half + 1].max() for t in range(T)])
                push = smooth(wide, half)[:, None] * d * 0.6        # a bit over half each
                total[(i, k)] = total.get((i, k), 0) + 2 * push
                out[i][:T, :, 0] -= push[:, None, 0]
                out[i][:T, :, 2] -= push[:, None, 1]
                out[k][:T, :, 0] += push[:, None, 0]
                out[k][:T, :, 2] += push[:, None, 1]
        if not moved:
            break
    biggest = max((float(np.linalg.norm(p, axis=1).max()) for p in total.values()), default=0.0)
    return out, biggest


def min_torso_gap(motions: list[np.ndarray]) -> float:
    """The closest any two actors' torso segments come, over all frames (inf for one actor)."""
    best = float("inf")
    for i in range(len(motions)):
        for k in range(i + 1, len(motions)):
            best = min(best, float(torso_gaps(motions[i], motions[k]).min()))
    return best

