"""A script's camera cues as camera keys (engine.camera).

Each cue covers frames [start, stop) (until the next cue or the scene's end when it gives no
duration). ``make_move`` makes the move over the cue's subject, then the shot sets how much of it
fills the picture: *wide* frames everyone (or the target with everyone in view), *medium* the
target's whole body, *close* the target's head and shoulders. ``track`` follows the target (the
key's ``follow`` is that actor's index); ``speed`` scales how far a move goes (an orbit's turns).
A scene without cues gets one wide static shot of everyone.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np

from engine.camera import (DEFAULT_DISTANCE, CameraKey, facing, follow_anchor, frame_subject,
                           make_move)
from engine.motion import Motion

# how far a move goes at each speed (an orbit: turns over the cue)
AMOUNT = {"slow": 0.5, "normal": 1.0, "fast": 1.6}
ORBIT_TURNS = {"slow": 0.25, "normal": 0.5, "fast": 1.0}
# distance (m) from the look-at point and its height above the floor, per shot
SHOT = {"medium": (3.0, 1.0), "close": (1.5, 1.45)}


def cue_frames(cues, duration_s: float, fps: float) -> list[tuple[int, int]]:
    """[start, stop) frames of each cue, in the order given."""
    T = int(round(duration_s * fps))
    starts = sorted(c.start for c in cues)
    out = []
    for c in cues:
        later = [s for s in starts if s > c.start]
        end = c.start + c.duration if c.duration is not None else (later[0] if later else duration_s)
        a = min(T - 1, int(round(c.start * fps)))
        out.append((a, max(a + 1, min(T, int(round(end * fps))))))
    return out


def camera_keys(cues, names: Sequence[str], motions: Sequence[Motion], duration_s: float,
                fps: float, aspect: float = 16 / 9) -> tuple[list[CameraKey], list[str]]:
    """(keys sorted by frame, notes) for a script's ``cues`` over the actors' ``motions``."""
    if not cues:
        return _from_front(make_move("static", motions, 0, None, aspect), motions, 0, None,
                           aspect), []
    keys: list[CameraKey] = []
    notes: list[str] = []
    for cue, (a, b) in sorted(zip(cues, cue_frames(cues, duration_s, fps)), key=lambda x: x[1]):
        idx = names.index(cue.target) if cue.target in names else None
        shot = cue.shot or ("wide" if idx is None else "medium")
        if shot != "wide" and idx is None:
            notes.append(f"camera at {cue.start:g} s: a {shot} shot needs a target; "
                         "framing everyone")
            shot = "wide"
        if idx is None:
            subject = list(motions)
        elif shot == "wide":   # the target first: a track follows (and centres) the first
            subject = [motions[idx]] + [m for j, m in enumerate(motions) if j != idx]
        else:
            subject = [motions[idx]]
        amount = ORBIT_TURNS[cue.speed] if cue.move == "orbit" else AMOUNT[cue.speed]
        made = make_move(cue.move, subject, a, b, aspect, amount)
        if cue.move == "track":
            # make_move follows the first motion it was given: point it at the real index
            made = [replace(k, follow=idx if idx is not None else 0) for k in made]
        if shot != "wide":
            made = [_tighten(k, motions[idx], shot) for k in made]
        else:
            made = _from_front(made, subject, a, b, aspect)
        keys += made
    keys.sort(key=lambda k: k.frame)
    return keys, notes


def _from_front(keys: list[CameraKey], motions: Sequence[Motion], a: int, b: int | None,
                aspect: float) -> list[CameraKey]:
    """Keys of a move framed from the first actor's facing, swung round to look from +Z (the
    audience's side of the stage, where the script's places are laid out for) and set at the
    distance that fits everyone from there."""
    p0, t0 = frame_subject(motions, a, b, aspect)
    p1, t1 = frame_subject(motions, a, b, aspect, direction=np.array([0.0, 0.0, 1.0]))
    o0, o1 = (p0 - t0)[[0, 2]], (p1 - t1)[[0, 2]]
    if np.linalg.norm(o0) < 1e-6:
        return keys
    angle = float(np.arctan2(o1[0], o1[1]) - np.arctan2(o0[0], o0[1]))
    scale = float(np.linalg.norm(o1) / np.linalg.norm(o0))
    c, s = np.cos(angle), np.sin(angle)
    out = []
    for k in keys:
        pos, tgt = np.asarray(k.position, float), np.asarray(k.target, float)
        if k.follow is None and k.move != "pan":
            tgt = tgt + (t1 - t0)
        off = pos - np.asarray(k.target, float)
        off = np.array([c * off[0] + s * off[2], off[1], -s * off[0] + c * off[2]])
        off[[0, 2]] *= scale
        out.append(replace(k, position=tuple(float(x) for x in tgt + off),
                           target=tuple(float(x) for x in tgt)))
    return out


def _tighten(key: CameraKey, motion: Motion, shot: str) -> CameraKey:
    """``key`` moved in on one actor: looking at its chest (medium) or head (close) from the
    shot's distance, along the key's own direction."""
    dist, height = SHOT[shot]
    frame = int(min(max(key.frame, 0), motion.num_frames - 1))
    pos = np.asarray(key.position, float)
    tgt = np.asarray(key.target, float)
    anchor = np.zeros(3) if key.follow is not None else follow_anchor(motion, frame)
    look = anchor + np.array([0.0, height, 0.0])
    view = pos - tgt
    r = float(np.linalg.norm(view))
    if r < 1e-6:
        view, r = facing(motion, frame), DEFAULT_DISTANCE
    # the move's own changes of distance and elevation (dolly, crane, orbit) carry over,
    # scaled from the default framing's distance to the shot's
    eye = look + view / r * dist * float(np.clip(r / DEFAULT_DISTANCE, 0.2, 3.0))
    return replace(key, position=tuple(float(x) for x in eye),
                   target=tuple(float(x) for x in look))
