"""Sequences: several actions joined into one clip with smooth transitions.

Each join overlaps the tail of what came before with the head of the next action (~0.4 s):
- the pelvis path and heading are blended by *velocity* (the per-frame displacements are mixed
  and integrated), so the body neither jumps nor backtracks, and the next action then carries
  on rigidly from where and facing where the blend left it;
- the pose relative to the pelvis is cross-faded with a smoothstep weight (zero slope at both
  ends, so positions and velocities are continuous at the seams);
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
from .continuity import STANDING, bridge, can_follow, end_posture, fit_variant, start_posture
from .rig import J, Body, ground, lower_to_reach, rotate_y, smoothstep, two_bone_ik

BLEND_S = 0.4          # seconds of overlap between two standing actions
POSTURE_BLEND_S = 0.8  # ... and between two different resting postures (lying -> all fours)


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


class _Joined:
    """The sequence built so far, in float64."""

    def __init__(self, clip: Clip) -> None:
        self.pos = np.array(clip.positions, dtype=np.float64)
        self.contacts = np.array(clip.contacts, bool)
        self.labels = list(clip.actions)
        self.heading = clip_heading(clip)
        self.seams: list[tuple[int, int]] = []
        self.starts = [0]

    def append(self, clip: Clip, n: int) -> None:
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
        mixed = rotate_y((1 - w[:, None, None]) * la + w[:, None, None] * lb, head) + root[:, None]
        turn = head[-1] - hb_n[-1]
        rest = rotate_y(B[n:] - rb[-1], turn) + root[-1]
        half = n // 2
        self.pos = np.concatenate([self.pos[:a0], mixed, rest])
        self.contacts = np.concatenate([self.contacts[:a0 + half], clip.contacts[half:]])
        self.labels = self.labels[:a0 + half] + list(clip.actions[half:])
        self.heading = np.concatenate([self.heading[:a0], head, hb[n:] + turn])
        self.seams.append((a0, Ta))
        self.starts.append(a0 + half)


def _lock_feet_across_seams(pos: np.ndarray, contacts: np.ndarray, heading: np.ndarray, seams,
                            body: Body, fps: float) -> np.ndarray:
    """Keep every foot that is planted across a seam where its run began; (T, J, 3) -> same."""
    T = len(pos)
    targets = {s: pos[:, J[f"{s}_foot"]].copy() for s in "lr"}
    touched = np.zeros((T, 2), bool)
    for k, s in enumerate("lr"):
        for a, b in contact_runs(contacts[:, k]):
            if not any(a <= hi and b >= lo for lo, hi in seams):
                continue
            lock = targets[s][a].copy()
            lock[1] = 0.0
            foot = pos[:, J[f"{s}_foot"]]
            targets[s][a:b] = lock
            touched[max(0, a - 3):min(T, b + 3), k] = True
            for i in range(1, 4):  # ease into and out of the lock
                wgt = i / 4.0
                if b - 1 + i < T and not contacts[b - 1 + i, k]:
                    targets[s][b - 1 + i] = lock * (1 - wgt) + foot[b - 1 + i] * wgt
                if a - i >= 0 and not contacts[a - i, k]:
                    targets[s][a - i] = lock * (1 - wgt) + foot[a - i] * wgt
    if not touched.any():
        return pos
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
    return out


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
            todo.insert(i, (extra, replace(p, duration=3.0, variant="", side="")))
            continue
        nxt = todo[i + 1][0] if i + 1 < len(todo) else None
        p = fit_variant(posture, prev, name, replace(p, body=body, fps=fps, direction=0.0), nxt)
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
        joined.append(b, int(round((blend if same else POSTURE_BLEND_S) * fps)))
    body = clips[0].params.body
    pos = enforce_bone_lengths(joined.pos, bone_lengths(clips[0].positions[:1])[0])
    pos = _lock_feet_across_seams(pos.astype(np.float64), joined.contacts, joined.heading,
                                  joined.seams, body, fps)
    pos = ground(pos, fps)
    ends = joined.starts[1:] + [len(pos)]
    segments = [(s, e, c.params) for s, e, c in zip(joined.starts, ends, clips)]
    first = clips[0].params
    return Clip(pos.astype(np.float32), joined.contacts, joined.labels,
                replace(first, duration=len(pos) / fps), joined.heading.astype(np.float32),
                segments)


def random_sequence(rng: np.random.Generator, n_actions: int, total_seconds: float, *,
                    fps: float = 25.0, actions: list[str] | None = None) -> Clip:
    """A plausible random sequence of ``n_actions`` actions lasting ``total_seconds``.

    Actions are drawn from ``actions`` (default: every registered generator) subject to the
    posture rules (lying is followed by get_up or crawl, sitting by stand_up, ...); one body
    and usually one mood for the whole sequence.
    """
    pool = sorted(actions if actions is not None else REGISTRY)
    names: list[str] = []
    variants: list[str] = []
    posture, prev = STANDING, None
    for _ in range(max(1, n_actions)):
        options = [a for a in pool if a != prev and can_follow(posture, a)]
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
    dur = np.maximum(share * budget, min(2.0, budget / n))
    dur *= budget / dur.sum()
    base = sample_params(rng)
    keep_mood = rng.random() < 0.7
    params = []
    for d, v in zip(dur, variants):
        q = sample_params(rng, duration=float(d), body=base.body, variant=v)
        params.append(replace(q, mood=base.mood) if keep_mood else q)
    clip = make_sequence(names, rng, params, fps=fps, blend=blend)
    T = max(2, int(round(total_seconds * fps)))
    if clip.num_frames > T:
        clip = Clip(clip.positions[:T], clip.contacts[:T], clip.actions[:T], clip.params,
                    clip.heading[:T], [(s, min(e, T), p) for s, e, p in clip.segments if s < T])
    return clip


_RESTING = {"sit_down": ("chair", "floor"), "lie_down": ("back", "front"),
            "fall_down": ("back", "front")}
