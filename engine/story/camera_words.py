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
        if c.duration is not None:
            end = c.start + c.duration
        else:
            end = later[0] if later else duration_s
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
            # a zoom closes in with the lens, so it starts from one shot wider
            dist = SHOT["medium" if shot == "close" and cue.move == "zoom" else shot][0]
            turn = _clear_turn(made[0], idx, motions, shot, dist)
            base = _view(made[0], motions[idx])[1]
            made = [_tighten(k, motions[idx], shot, dist, turn, base) for k in made]
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


def _look_point(key: CameraKey, motion: Motion, height: float) -> tuple[np.ndarray, np.ndarray]:
    """(look-at point, anchor) of a tightened key: offsets from the followed actor's ground
    point for a following key (anchor 0), world points otherwise."""
    frame = int(min(max(key.frame, 0), motion.num_frames - 1))
    anchor = np.zeros(3) if key.follow is not None else follow_anchor(motion, frame)
    return anchor + np.array([0.0, height, 0.0]), anchor


def _view(key: CameraKey, motion: Motion) -> tuple[np.ndarray, float]:
    """(unit direction from target to camera, distance) of a key."""
    view = np.asarray(key.position, float) - np.asarray(key.target, float)
    r = float(np.linalg.norm(view))
    if r < 1e-6:
        frame = int(min(max(key.frame, 0), motion.num_frames - 1))
        return facing(motion, frame), DEFAULT_DISTANCE
    return view / r, r


def _clear_turn(key: CameraKey, idx: int, motions: Sequence[Motion], shot: str,
                dist: float) -> float:
    """A turn (radians about +Y) of the shot's direction that leaves no other actor between the
    camera and the target: the actor someone faces often stands right in front of them."""
    target = motions[idx]
    frame = int(min(max(key.frame, 0), target.num_frames - 1))
    look = follow_anchor(target, frame) + np.array([0.0, SHOT[shot][1], 0.0])
    view, _ = _view(key, target)
    others = [m.positions[min(frame, m.num_frames - 1)][[0, 2, 3]].astype(float)
              for j, m in enumerate(motions) if j != idx]   # pelvis, neck, head
    for deg in (0, 35, -35, 70, -70, 110, -110, 150, -150, 180):
        c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
        v = np.array([c * view[0] + s * view[2], view[1], -s * view[0] + c * view[2]])
        eye = look + v * dist
        if all(_off_line(p, eye, look) > 0.35 for pts in others for p in pts):
            return float(np.radians(deg))
    return 0.0


def _off_line(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Distance from point p to the segment a-b."""
    d = b - a
    t = float(np.clip(np.dot(p - a, d) / max(np.dot(d, d), 1e-12), 0.0, 1.0))
    return float(np.linalg.norm(p - (a + d * t)))


def _tighten(key: CameraKey, motion: Motion, shot: str, dist: float, turn: float = 0.0,
             base: float = DEFAULT_DISTANCE) -> CameraKey:
    """``key`` moved in on one actor: looking at its chest (medium) or head (close) from
    ``dist`` metres, along the key's own direction turned by ``turn`` radians."""
    look, _ = _look_point(key, motion, SHOT[shot][1])
    view, r = _view(key, motion)
    c, s = np.cos(turn), np.sin(turn)
    view = np.array([c * view[0] + s * view[2], view[1], -s * view[0] + c * view[2]])
    # the move's own changes of distance and elevation (dolly, crane, orbit) carry over,
    # relative to where the move started (``base`` metres away)
    eye = look + view * dist * float(np.clip(r / base, 0.2, 3.0))
    return replace(key, position=tuple(float(x) for x in eye),
                   target=tuple(float(x) for x in look))
