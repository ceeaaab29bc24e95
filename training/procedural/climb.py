"""climb: climbing a ladder that stands just in front of the figure (the ladder is not drawn).

The rungs are ``rung`` metres apart. Limbs move in a diagonal rhythm: in every half cycle one
hand lets go of its rung and grips the rung two above it, and the opposite foot steps up two
rungs (the very first step goes onto the first rung), so the body rises one rung per half cycle.
The figure starts standing on the floor with its hands hanging; the hands reach up to grip
during a short lead-in. The pelvis is keyed one leg reach above the lower foot after each
step, which keeps every support foot within reach. Feet on rungs are not planted on the floor:
Clip.contacts is True only while a foot still stands on the floor.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ActionParams, Clip, action, finish_targets, idle_arms, mood_posture
from .locomotion import jitter, tempo
from .rig import J, keyframes, min_jerk, pose, zero_angles

SIGN = {"l": 1.0, "r": -1.0}  # +X is the figure's left
OTHER = {"l": "r", "r": "l"}


def limb_track(t: np.ndarray, start: np.ndarray, moves: list[tuple[float, float, np.ndarray]],
               back: float, lift: float) -> np.ndarray:
    """(T, 3) path of a hand or foot that holds still between moves.

    start: (3,) position before the first move; moves: (t_from, t_to, target (3,)) in time order.
    While moving it eases (min-jerk) to the target, bowing ``back`` metres away from the ladder
    (-Z) and ``lift`` metres up late in the move, so it clears the rung it steps over.
    """
    out = np.tile(np.asarray(start, dtype=np.float64), (len(t), 1))
    here = np.asarray(start, dtype=np.float64)
    for a, b, target in moves:
        u = np.clip((t - a) / max(b - a, 1e-6), 0.0, 1.0)
        w = min_jerk(u)[:, None]
        path = here + (target - here) * w
        path[:, 2] -= back * np.sin(np.pi * u)
        path[:, 1] += lift * np.sin(np.pi * u ** 1.5)
        moving = t >= a
        out[moving] = path[moving]
        here = np.asarray(target, dtype=np.float64)
    return out


@action("climb")
def climb(p: ActionParams, rng: np.random.Generator) -> Clip:
    sp, size = tempo(p)
    body = p.body
    sc = body.scale
    t = p.time()
    T = len(t)
    rung = jitter(rng, 0.3 * sc, 0.05)
    v = float(np.clip(jitter(rng, 0.36 * sp, 0.1), 0.15, 0.5))    # pelvis rise, m/s
    H = rung / v                                                   # one hand + one foot move
    t0 = min(float(rng.uniform(0.45, 0.65)), 0.25 * p.duration)     # hands reach up to grip
    first = p.hand[0] if p.hand in ("left", "right") else str(rng.choice(["l", "r"]))
    z_foot = jitter(rng, 0.17, 0.08) * sc                          # feet on the rungs
    z_hand = z_foot + jitter(rng, 0.12, 0.1) * sc                   # hands on the rungs
    x_foot = body.hip_width / 2 + 0.02 * sc
    x_hand = jitter(rng, 0.19, 0.05) * sc * body.shoulders
    leg = body.thigh + body.shin
    # pelvis height one nearly straight leg above a foot standing on a rung
    c = float(np.sqrt((0.97 * leg) ** 2 - z_foot ** 2)) + body.hip_drop
    sway = float(rng.uniform(0.01, 0.025)) * size

    ang = zero_angles(T)
    ang[:, J["spine"], 0] = float(rng.uniform(0.02, 0.08))       # upright, close to the rungs
    ang[:, J["neck"], 0] = -float(rng.uniform(0.15, 0.35))       # looking up the ladder
    mood_posture(ang, p.mood, 0.5)
    idle_arms(ang, t, rng)                                         # only shows before the grip
    rest = pose(body, np.array([[0.0, c, 0.0]]), np.zeros(1), ang[:1])[0]
    sh0 = float(rest[J["l_shoulder"], 1])
    q = int(round((sh0 + 0.32 * sc) / rung))   # rung of the top hand after the first move

    # half cycles: hand ``hs`` moves up two rungs, then the opposite foot steps up
    n = int(np.ceil((p.duration - t0) / H)) + 2
    hand_rung = {first: q - 2, OTHER[first]: q - 1}
    foot_rung = {"l": 0, "r": 0}
    moves = {k: [] for k in ("l_hand", "r_hand", "l_foot", "r_foot")}
    key_t, key_y = [0.0, t0], [c, c]
    hand_time = jitter(rng, 0.55, 0.05)
    for i in range(n):
        ts = t0 + i * H
        hs = first if i % 2 == 0 else OTHER[first]
        fs = OTHER[hs]
        hand_rung[hs] += 2
        moves[f"{hs}_hand"].append((ts, ts + hand_time * H,
                                    np.array([SIGN[hs] * x_hand, hand_rung[hs] * rung, z_hand])))
        foot_rung[fs] = i + 1
        moves[f"{fs}_foot"].append((ts + 0.3 * H, ts + 0.85 * H,
                                    np.array([SIGN[fs] * x_foot, foot_rung[fs] * rung, z_foot])))
        key_t.append(ts + 0.9 * H)
        key_y.append(c + rung * i)
    root = np.zeros((T, 3))
    root[:, 1] = keyframes(np.array(key_t), np.array(key_y), t)
    # the weight shifts a little toward the foot that is not stepping
    step_side = np.zeros(T)
    for i in range(n):
        ts = t0 + i * H
        fs = OTHER[first] if i % 2 == 0 else first
        step_side += SIGN[fs] * np.exp(-0.5 * ((t - ts - 0.55 * H) / (0.25 * H)) ** 2)
    root[:, 0] = -sway * step_side
    ang[:, J["pelvis"], 2] += 0.03 * step_side             # the stepping hip rises

    # hands: from the hanging pose up to the first grips during the lead-in, then rung to rung
    hanging = pose(body, root, np.zeros(T), ang)
    hands = {}
    for s in "lr":
        grip = np.array([SIGN[s] * x_hand, (q - 2 + (s != first)) * rung, z_hand])
        track = limb_track(t, grip, moves[f"{s}_hand"], 0.03 * sc, 0.03 * sc)
        w = min_jerk(t / max(t0, 1e-6))[:, None]
        hands[s] = hanging[:, J[f"{s}_hand"]] * (1.0 - w) + track * w
    feet = {s: limb_track(t, np.array([SIGN[s] * x_foot, 0.0, z_foot]), moves[f"{s}_foot"],
                          0.12 * sc, 0.06 * sc) for s in "lr"}
    contacts = np.stack([t < moves[f"{s}_foot"][0][0] for s in "lr"], -1)
    knees = {s: np.array([0.25 * SIGN[s], 0.3, 1.0]) for s in "lr"}
    elbows = {s: np.array([0.5 * SIGN[s], -0.7, -0.5]) for s in "lr"}
    p = replace(p, variant="ladder")
    return finish_targets(p, root, np.zeros(T), ang, feet, contacts, "climb",
                          knee_poles=knees, hands=hands, elbow_poles=elbows)
