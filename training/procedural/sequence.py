"""Sequences: several actions joined into one clip with smooth transitions.

Each join overlaps the tail of what came before with the head of the next action (~0.4 s):
- the pelvis path and heading are blended by *velocity* (the per-frame displacements are mixed
  and integrated), so the body neither jumps nor backtracks, and the next action then carries
  on rigidly from where and facing where the blend left it;
- the pose relative to the pelvis is cross-faded bone by bone (``pose_blend``) with a smoothstep
  weight (zero slope at both ends, so positions and velocities are continuous at the seams);
- labels switch at the middle of the overlap;
- a foot planted across a seam stays where it first landed until it lifts (knee re-solved by
  IK, the body lowered smoothly if the foot would be out of reach).
Finally bone lengths are made exact and the whole clip is kept above the floor.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine.skeleton import bone_lengths, enforce_bone_lengths

from .base import REGISTRY, ActionParams, Clip, contact_runs, sample_params
from .continuity import (GAITS, STANDING, TERMINAL, bridge, can_follow, end_posture, fit_variant,
                         moving, start_posture)
from .pose_blend import blend_poses, turn_needed
from .rig import J, Body, ground, lower_to_reach, rotate_y, smoothstep, two_bone_ik
from .styles import assign_styles

BLEND_S = 0.4          # seconds of overlap between two standing actions
STRIDING = GAITS | {"skip", "stumble"}   # steady stepping that can hand over mid-stride
# what a posture change needs to look unhurried (random_sequence gives at least this)
MIN_SECONDS = {"lie_down": 3.4, "get_up": 3.2, "sit_down": 2.6, "stand_up": 2.4,
               "fall_down": 2.4, "kneel": 2.2, "crouch": 1.8, "crawl": 2.5, "jump": 1.8,
               "jump_forward": 2.0, "hop": 2.2, "turn_around": 2.0, "stumble": 2.6,
               "cartwheel": 2.2, "backflip": 2.2, "roll": 2.6, "climb": 2.5, "dribble": 2.0,
               **{g: 2.4 for g in GAITS}}
POSTURE_BLEND_S = 0.8  # ... and between two different resting postures (lying -> all fours)
MAX_TURN_RATE = 5.0    # rad/s: the most a blend may add to the turning speed of a bone
MAX_ACCEL = 5.0        # m/s^2: how fast a blend may change the body's speed


def clip_heading(clip: Clip) -> np.ndarray:
    """(T,) facing yaw of a clip: its recorded heading, else from the hips."""
    if clip.heading is not None:
        return np.asarray(clip.heading, dtype=np.float64)
    across = clip.positions[:, J["l_hip"]] - clip.positions[:, J["r_hip"]]
    return np.unwrap(np.arctan2(-across[:, 2], across[:, 0]))


def _horizontal(p: np.ndarray) -> np.ndarray:
    out = np.array(p, dtype=np.float64, copy=True)
    out[..., 1] = 0.0
    return out


def _wrap(a: np.ndarray) -> np.ndarray:
    return (a + np.pi) % (2 * np.pi) - np.pi


def _speed(clip: Clip, i: int, k: int = 5) -> float:
    """Horizontal pelvis speed (m/s) over the k frames at frame i's end of the clip."""
    P = clip.positions[:, 0, [0, 2]].astype(np.float64)
    lo, hi = (max(0, i - k), i) if i > 0 else (0, min(k, len(P) - 1))
    return float(np.linalg.norm(P[hi] - P[lo]) * clip.params.fps / max(hi - lo, 1))


def _local_pose(clip: Clip, i: int) -> np.ndarray:
    """Frame i of a clip relative to its pelvis and facing: (J, 3)."""
    return rotate_y(clip.positions[i] - _horizontal(clip.positions[i, 0]), -clip_heading(clip)[i])


class _Joined:
    """The sequence built so far, in float64."""

    def __init__(self, clip: Clip) -> None:
        self.pos = np.array(clip.positions, dtype=np.float64)
        self.contacts = np.array(clip.contacts, bool)
        self.labels = list(clip.actions)
        self.heading = clip_heading(clip)
        self.seams: list[tuple[int, int]] = []
        self.starts = [0]
        self.lengths = bone_lengths(self.pos[:1])[0].astype(np.float64)

    def append(self, clip: Clip, n: int, agree: bool = False) -> None:
        """Blend ``clip`` in over n frames. agree: a foot counts as planted in the overlap only
        where both clips plant it (for posture changes, where the resting feet of one clip
        mean nothing to the other)."""
        B = np.asarray(clip.positions, dtype=np.float64)
        hb = clip_heading(clip)
        Ta = len(self.pos)
        n = int(max(2, min(n, Ta - 1, len(B) - 1)))
        a0 = Ta - n
        ra, rb = _horizontal(self.pos[a0:, 0]), _horizontal(B[:n, 0])
        ha, hb_n = self.heading[a0:], hb[:n]
        w = smoothstep((np.arange(n) + 0.5) / n)
        # blend per-frame displacements (in each clip's own facing frame) and integrate them
        da = rotate_y(np.diff(ra, axis=0), -ha[:-1])
        db = rotate_y(np.diff(rb, axis=0), -hb_n[:-1])
        dh = (1 - w[1:]) * _wrap(np.diff(ha)) + w[1:] * _wrap(np.diff(hb_n))
        head = ha[0] + np.concatenate([[0.0], np.cumsum(dh)])
        step = (1 - w[1:, None]) * da + w[1:, None] * db
        root = ra[0] + np.concatenate([np.zeros((1, 3)), np.cumsum(rotate_y(step, head[:-1]),
                                                                  axis=0)])
        la = rotate_y(self.pos[a0:] - ra[:, None], -ha)
        lb = rotate_y(B[:n] - rb[:, None], -hb_n)
        mixed = rotate_y(blend_poses(la, lb, w, self.lengths), head) + root[:, None]
        turn = head[-1] - hb_n[-1]
        rest = rotate_y(B[n:] - rb[-1], turn) + root[-1]
        half = n // 2
        self.pos = np.concatenate([self.pos[:a0], mixed, rest])
        self.contacts = np.concatenate([self.contacts[:a0 + half], clip.contacts[half:]])
        if agree:
            self.contacts[a0:Ta] &= clip.contacts[:n]
        self.labels = self.labels[:a0 + half] + list(clip.actions[half:])
        self.heading = np.concatenate([self.heading[:a0], head, hb[n:] + turn])
        self.seams.append((a0, Ta))
        self.starts.append(a0 + half)


def _lock_feet_across_seams(pos: np.ndarray, contacts: np.ndarray, heading: np.ndarray, seams,
                            body: Body, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Keep every foot that is planted across a seam where its run began.

    pos: (T, J, 3); contacts: (T, 2). A lock is released early (the foot lifts) once the hip
    has moved too far from it to keep it planted; the foot then eases back onto its own path
    over a few frames, more when it has further to go. Returns (positions, contacts).
    """
    T = len(pos)
    contacts = contacts.copy()
    targets = {s: pos[:, J[f"{s}_foot"]].copy() for s in "lr"}
    touched = np.zeros((T, 2), bool)
    reach = 0.92 * (body.thigh + body.shin)
    for k, s in enumerate("lr"):
        foot = pos[:, J[f"{s}_foot"]]
        hip = pos[:, J[f"{s}_hip"]]
        for a, b in contact_runs(contacts[:, k]):
            if not any(a <= hi and b >= lo for lo, hi in seams):
                continue
            lock = targets[s][a].copy()
            # flat on the floor, unless the foot rests higher all through the run (lying)
            lock[1] = float(foot[a:b, 1].min()) if foot[a:b, 1].min() > 0.03 else 0.0
            # hold the lock through the run, unless the next action wants that foot somewhere
            # else (then step it there once the blend is over) or the body walks away from it
            over = max(hi for lo, hi in seams if a <= hi and b >= lo)
            if b > over and np.linalg.norm(foot[b - 1] - lock) > 0.12:
                end = over
            else:
                end = b
            far = np.flatnonzero(np.linalg.norm(hip[a:end] - lock, axis=-1) > reach)
            if len(far):
                end = a + max(int(far[0]), 1)
            contacts[end:b, k] = False
            b = end
            targets[s][a:b] = lock
            gap = float(np.linalg.norm(foot[min(b, T - 1)] - lock))
            n = int(np.clip(np.ceil(gap / 0.06), 3, 12))
            touched[max(0, a - 3):min(T, b + n), k] = True
            for i in range(1, n + 1):  # ease out of the lock, lifting the foot if it travels
                f = b - 1 + i
                if f < T and not contacts[f, k]:
                    w = smoothstep(np.array(i / (n + 1.0)))
                    targets[s][f] = lock * (1 - w) + foot[f] * w
                    targets[s][f, 1] += min(0.06, 0.3 * gap) * np.sin(np.pi * i / (n + 1))
            for i in range(1, 4):  # ease into it before landing
                if a - i >= 0 and not contacts[a - i, k]:
                    targets[s][a - i] = lock * (1 - i / 4.0) + foot[a - i] * (i / 4.0)
    if not touched.any():
        return pos, contacts
    mask = {s: touched[:, k] & contacts[:, k] for k, s in enumerate("lr")}
    out = lower_to_reach(pos, targets, body, fps=fps, mask=mask)
    for k, s in enumerate("lr"):
        idx = np.flatnonzero(touched[:, k])
        if len(idx) == 0:
            continue
        hip, knee = out[idx, J[f"{s}_hip"]], out[idx, J[f"{s}_knee"]]
        foot = out[idx, J[f"{s}_foot"]]
        fwd = np.stack([np.sin(heading[idx]), np.zeros(len(idx)), np.cos(heading[idx])], -1)
        pole = knee - (hip + foot) / 2 + 0.05 * fwd     # keep the knee bending the way it did
        mid, end = two_bone_ik(hip, targets[s][idx], body.thigh, body.shin, pole)
        out[idx, J[f"{s}_knee"]], out[idx, J[f"{s}_foot"]] = mid, end
    return out, contacts


def _feet_local(clip: Clip, frames: slice) -> np.ndarray:
    """Feet relative to the pelvis in the clip's facing frame: (n, 2, 3)."""
    P = np.asarray(clip.positions[frames], dtype=np.float64)
    feet = P[:, [J["l_foot"], J["r_foot"]]] - _horizontal(P[:, 0])[:, None]
    return rotate_y(feet, -clip_heading(clip)[frames])


def _phase_matched(prev: Clip, longer: Clip, frames: int, n: int) -> Clip:
    """The ``frames``-long window of ``longer`` whose first n frames best continue the feet of
    the last n frames of ``prev``."""
    n = max(2, min(n, prev.num_frames - 1))
    tail = _feet_local(prev, slice(prev.num_frames - n, None))
    tail_c = prev.contacts[-n:]
    best, best_cost = 0, np.inf
    for o in range(0, longer.num_frames - frames + 1):
        head = _feet_local(longer, slice(o, o + n))
        cost = np.sum((head - tail) ** 2) + 0.05 * np.sum(longer.contacts[o:o + n] != tail_c)
        if cost < best_cost:
            best, best_cost = o, cost
    s = slice(best, best + frames)
    heading = None if longer.heading is None else longer.heading[s]
    return Clip(longer.positions[s], longer.contacts[s], longer.actions[s],
                replace(longer.params, duration=frames / longer.params.fps), heading)


def make_sequence(names: list[str], rng: np.random.Generator,
                  params: list[ActionParams] | None = None, *, fps: float = 25.0,
                  blend: float = BLEND_S) -> Clip:
    """Join the actions ``names`` into one clip (see the module docstring).

    params: one ActionParams per action (their bodies are replaced by the first one's so the
    figure keeps its proportions); None draws them. Variants are fitted so that each action
    continues the posture the previous one left (stand_up after sit_down on a chair stands up
    from the chair); where an action cannot follow at all (walk while lying) the action that
    gets the body there (get_up) is inserted. Clip.segments lists each action's frames and the
    params it was generated with.
    """
    if not names:
        raise ValueError("make_sequence needs at least one action")
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise ValueError(f"no procedural generator for {unknown}; known: {sorted(REGISTRY)}")
    if params is not None and len(params) != len(names):
        raise ValueError(f"{len(params)} params for {len(names)} actions")
    plist = list(params) if params is not None else [sample_params(rng) for _ in names]
    body = plist[0].body
    posture, prev = STANDING, None
    clips: list[Clip] = []
    todo = list(zip(names, plist))
    i = 0
    while i < len(todo):
        name, p = todo[i]
        extra = bridge(posture, name)
        if extra is not None and len(todo) < 4 * len(names):
            todo.insert(i, (extra, replace(p, duration=3.0, variant="", side="", style=None)))
            continue
        nxt = todo[i + 1][0] if i + 1 < len(todo) else None
        prev_p = clips[-1].params if clips else None
        p = fit_variant(posture, prev, prev_p, name,
                        replace(p, body=body, fps=fps, direction=0.0), nxt)
        if clips and prev in STRIDING and name in STRIDING and moving(prev, prev_p) \
                and "start" not in p.variant:
            # gait into gait: make a little more and start where the feet match the previous
            # stride (left foot forward continues left foot forward), so the blend is smooth
            longer = REGISTRY[name](replace(p, duration=p.duration + 1.2), rng)
            clip = _phase_matched(clips[-1], longer, p.frames, int(round(blend * fps)))
        else:
            clip = REGISTRY[name](p, rng)
        clips.append(clip)
        posture, prev = end_posture(name, clip.params), name
        i += 1
    return join_clips(clips, fps=fps, blend=blend)


def join_clips(clips: list[Clip], *, fps: float = 25.0, blend: float = BLEND_S) -> Clip:
    """Join already generated clips (same body) with blended transitions."""
    joined = _Joined(clips[0])
    for a, b in zip(clips[:-1], clips[1:]):
        same = end_posture(a.actions[-1], a.params) == start_posture(b.actions[0], b.params)
        seconds = blend if same else POSTURE_BLEND_S
        # a limb that must turn far (arms overhead -> by the sides) gets the time to do so; the
        # blend runs from where the overlap starts in one clip to where it ends in the other
        n = int(round(seconds * fps))
        turn = max(turn_needed(_local_pose(a, a.num_frames - 1), _local_pose(b, 0)),
                   turn_needed(_local_pose(a, max(0, a.num_frames - n)),
                               _local_pose(b, min(b.num_frames - 1, n - 1))))
        # the blend adds up to 1.5 * turn / duration of angular speed at its middle, and it
        # must give the body time to change speed (sprint -> walk) at a human deceleration
        dv = abs(_speed(a, a.num_frames - 1) - _speed(b, 0))
        seconds = min(max(seconds, 1.5 * turn / MAX_TURN_RATE, dv / MAX_ACCEL), 1.2)
        joined.append(b, int(round(seconds * fps)), agree=not same)
    body = clips[0].params.body
    pos = enforce_bone_lengths(joined.pos, bone_lengths(clips[0].positions[:1])[0])
    pos, contacts = _lock_feet_across_seams(pos.astype(np.float64), joined.contacts,
                                            joined.heading, joined.seams, body, fps)
    pos = ground(pos, fps)
    ends = joined.starts[1:] + [len(pos)]
    segments = [(s, e, c.params) for s, e, c in zip(joined.starts, ends, clips)]
    first = clips[0].params
    return Clip(pos.astype(np.float32), contacts, joined.labels,
                replace(first, duration=len(pos) / fps), joined.heading.astype(np.float32),
                segments)


def random_sequence(rng: np.random.Generator, n_actions: int, total_seconds: float, *,
                    fps: float = 25.0, actions: list[str] | None = None,
                    style_share: tuple[float, float] | None = None) -> Clip:
    """A plausible random sequence of ``n_actions`` actions lasting ``total_seconds``.

    Actions are drawn from ``actions`` (default: every registered generator) subject to the
    posture rules (lying is followed by get_up or crawl, sitting by stand_up, a climb comes
    last, ...); one body and usually one mood for the whole sequence. style_share: the shares
    (locomotion, gestures) of actions performed in a random motion style (``styles``); None:
    every action neutral.
    """
    pool = sorted(actions if actions is not None else REGISTRY)
    names: list[str] = []
    variants: list[str] = []
    posture, prev = STANDING, None
    for i in range(max(1, n_actions)):
        last = i == max(1, n_actions) - 1
        options = [a for a in pool if a != prev and can_follow(posture, a)
                   and (last or a not in TERMINAL)]
        if not options:  # e.g. a pool without the getting-up actions: let the bridge decide
            options = [bridge(posture, "idle") or "idle"]
        name = str(rng.choice(options))
        # pick resting variants now, so that what follows can be planned to fit them
        variant = str(rng.choice(_RESTING[name])) if name in _RESTING else ""
        names.append(name)
        variants.append(variant)
        if name in ("stand_up", "get_up"):
            posture = STANDING
        else:
            posture = end_posture(name, ActionParams(variant=variant))
        prev = name
    n = len(names)
    blend = BLEND_S
    # split the time (plus what the overlaps eat, and a little spare that is trimmed off the
    # end) in random shares, none too short
    share = rng.dirichlet(np.full(n, 4.0))
    budget = total_seconds + (n - 1) * POSTURE_BLEND_S + 0.3
    least = np.array([MIN_SECONDS.get(a, 1.5) for a in names])
    least *= min(1.0, budget / least.sum())
    dur = least + share * max(budget - least.sum(), 0.0)
    base = sample_params(rng)
    keep_mood = rng.random() < 0.7
    params = []
    for d, v in zip(dur, variants):
        q = sample_params(rng, duration=float(d), body=base.body, variant=v)
        params.append(replace(q, mood=base.mood) if keep_mood else q)
    if style_share is not None:
        params = assign_styles(names, params, rng, style_share)
    clip = make_sequence(names, rng, params, fps=fps, blend=blend)
    T = max(2, int(round(total_seconds * fps)))
    if clip.num_frames > T:
        clip = Clip(clip.positions[:T], clip.contacts[:T], clip.actions[:T], clip.params,
                    clip.heading[:T], [(s, min(e, T), p) for s, e, p in clip.segments if s < T])
    return clip


_RESTING = {"sit_down": ("chair", "floor"), "lie_down": ("back", "front"),
            "fall_down": ("back", "front")}
