"""crawl: moving on hands and knees.

The four supports step in a diagonal rhythm (left hand with right knee, then right hand with
left knee, each knee a little after its hand). Like the gaits, it is planned support-first:
knee and hand prints are placed where the hips and shoulders will pass over them, then each
hip is set at exactly one thigh length above its knee (the pelvis rolls about the spine to let
both hips do so), the shins trail behind on the toes, and the arms reach their hand prints by
IK with the elbows pointing back. Clip.contacts (feet) stay False: the body rests on the knees.
"""
from __future__ import annotations

import numpy as np

from .base import ActionParams, Clip, action, finish_targets
from .gait import Footfalls, foot_track
from .locomotion import jitter, tempo
from .rig import J, pose, rot_x, rot_y, zero_angles

# stance phase offsets within a cycle: left hand, right knee, right hand, left knee
PHASES = {"l_hand": 0.0, "r_knee": 0.12, "r_hand": 0.5, "l_knee": 0.62}


def _prints(name: str, anchor, lateral: float, t0: float, cycle: float, duty: float,
            n: int, lift: float, y: float, rng: np.random.Generator) -> Footfalls:
    on = t0 + (PHASES[name] + np.arange(n)) * cycle
    off = on + duty * cycle
    mid = (on + off) / 2
    pos = np.stack([anchor(m) for m in mid])
    pos[:, 0] += lateral + 0.01 * rng.standard_normal(n)
    pos[:, 2] += 0.015 * rng.standard_normal(n)
    pos[:, 1] = y
    return Footfalls(on, off, pos, np.full(n, lift))


@action("crawl")
def crawl(p: ActionParams, rng: np.random.Generator) -> Clip:
    sp, size = tempo(p)
    body = p.body
    t = p.time()
    T = len(t)
    v = float(np.clip(jitter(rng, 0.4 * sp, 0.1), 0.15, 0.8))
    cycle = jitter(rng, 1.15 / sp ** 0.4, 0.06)
    duty = jitter(rng, 0.72, 0.03)
    knee_y = 0.05 * body.scale
    arm = body.upper_arm + body.forearm
    hip_y = knee_y + body.thigh
    torso = float(np.linalg.norm(pose(body, np.zeros((1, 3)), np.zeros(1),
                                      zero_angles(1))[0, J["neck"], 1]))
    # the torso tilts up toward the shoulders just enough for slightly bent arms to reach
    pitch = float(np.arccos(np.clip((0.9 * arm - hip_y) / torso, -0.3, 0.6)))
    R = rot_x(np.array(pitch))
    rest = pose(body, np.zeros((1, 3)), np.zeros(1), zero_angles(1), R[None])[0]
    off_hip = {s: rest[J[f"{s}_hip"]] for s in "lr"}
    off_sh = {s: rest[J[f"{s}_shoulder"]] for s in "lr"}
    z0 = float(rng.uniform(0, cycle))

    def path(tq):
        return np.array([0.0, 0.0, v * tq])
    n = int(np.ceil((p.duration + 3 * cycle) / cycle)) + 1
    start = -2 * cycle - z0
    prints = {}
    for s, sign in (("l", 1.0), ("r", -1.0)):
        prints[f"{s}_knee"] = _prints(f"{s}_knee", lambda m, s=s: path(m) + off_hip[s] * [0, 0, 1],
                                      off_hip[s][0], start, cycle, duty, n, 0.05 * size, knee_y,
                                      rng)
        prints[f"{s}_hand"] = _prints(f"{s}_hand", lambda m, s=s: path(m) + off_sh[s] * [0, 0, 1],
                                      off_sh[s][0] + sign * 0.02, start, cycle, duty, n,
                                      0.08 * size, 0.0, rng)
    track = {k: foot_track(t, ff, 0.45)[0] for k, ff in prints.items()}
    root = np.stack([np.zeros(T), np.zeros(T), v * t], -1)
    # each hip exactly a thigh length above its knee print: heights per side, then roll
    need = {}
    for s in "lr":
        hip = root + off_hip[s]
        r2 = np.sum((hip[:, [0, 2]] - track[f"{s}_knee"][:, [0, 2]]) ** 2, axis=-1)
        need[s] = track[f"{s}_knee"][:, 1] + np.sqrt(np.maximum(body.thigh ** 2 - r2, 1e-4))
    hip_w = off_hip["l"][0] - off_hip["r"][0]
    roll = np.arcsin(np.clip((need["l"] - need["r"]) / (hip_w * np.sin(pitch)), -0.5, 0.5))
    root[:, 1] = (need["l"] + need["r"]) / 2 - off_hip["l"][1]
    root_rot = R[None] @ rot_y(roll)
    ang = zero_angles(T)
    ang[:, J["spine"], 1] = -roll                     # shoulders stay level over the hands
    ang[:, J["neck"], 0] = -0.9 + 0.1 * np.sin(2 * np.pi * t / cycle)   # looking ahead
    sway = np.sin(2 * np.pi * (t + z0) / cycle)
    ang[:, J["spine"], 2] = 0.04 * sway
    # toes trail behind each knee, exactly a shin away so the IK puts the knee on its print
    up = 0.02 * body.scale
    trail = np.array([0.0, up, -np.sqrt(body.shin ** 2 - up ** 2)])
    feet = {s: track[f"{s}_knee"] + trail for s in "lr"}
    poles = {s: np.array([0.0, -1.0, 0.3]) for s in "lr"}
    hands = {s: track[f"{s}_hand"] for s in "lr"}
    elbows = {"l": np.array([0.3, 0.0, -1.0]), "r": np.array([-0.3, 0.0, -1.0])}
    return finish_targets(p, root, np.zeros(T), ang, feet, np.zeros((T, 2), bool), "crawl",
                          knee_poles=poles, hands=hands, elbow_poles=elbows, reach=False,
                          root_rotation=root_rot)
