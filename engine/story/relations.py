"""Where an actor goes relative to another, and the root warp that puts a generated motion there.

The model walks where its path channels steer it (engine.paths), but a tiny or noisy model, a
slipping stride or another actor who ended somewhere else would still leave "walks up to Bob"
half a metre off. So every beat gets a *leg* on the floor of the world: keep what the model made
(``free``), turn on the spot toward a heading (``face``), or travel along a polyline (``path``),
either at the motion's own pace (by its arc length: strides keep their rhythm) or time-aligned
with another actor (``follow``). :func:`warp_to_legs` then moves each frame's body along its leg
and turns it to the leg's tangent, so the relation holds by construction, whatever the model did.

Headings are radians about +Y, 0 facing +Z, as in ``engine.model.features``; floor points are
(x, z) metres.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.model.features import headings

REACH_M = 0.9           # "walks up to": pelvis to pelvis at arm's reach
FOLLOW_GAP_M = 1.5      # a follower stays this far behind, along the leader's path
CIRCLE_MIN_M = 1.5      # the smallest radius to circle someone (and whoever stands with them)
CIRCLE_MAX_M = 3.0
TURN_S = 0.6            # time a turn on the spot (or toward the end facing) takes
SMOOTH_S = 0.25         # heading corrections are eased over this much either side
WALK_MS = 1.2           # pace assumed where an action has no travel speed of its own
MAX_TRAVEL_M = 10.0     # the longest planned walk away (a wide shot must still hold it)


@dataclass
class Leg:
    """What one beat does on the floor, frames [start, stop).

    kind: "free" keeps the generated travel (turned with the body), "face" stays put and turns
    to ``face``, "path" travels ``path`` (N, 2) by the motion's own arc length, "timed" travels
    it at the fractions ``u`` (stop - start,) in [0, 1] given per frame (a follower).
    face: heading (radians) to end the leg with (None: the path's tangent / as generated).
    """
    start: int
    stop: int
    kind: str = "free"
    path: np.ndarray | None = None
    face: float | None = None
    u: np.ndarray | None = None


def wrap(a):
    return (np.asarray(a) + np.pi) % (2 * np.pi) - np.pi


def heading_to(src: np.ndarray, dst: np.ndarray) -> float:
    """Heading (radians) of the floor direction src -> dst, both (2,) (x, z)."""
    d = np.asarray(dst, float) - np.asarray(src, float)
    return float(np.arctan2(d[0], d[1]))


def yaw(v: np.ndarray, angle) -> np.ndarray:
    """Rotate vectors (..., 3) about +Y by ``angle`` radians (broadcast): heading h -> h + angle."""
    c, s = np.cos(angle), np.sin(angle)
    out = np.array(v, dtype=np.float64, copy=True)
    out[..., 0] = c * v[..., 0] + s * v[..., 2]
    out[..., 2] = -s * v[..., 0] + c * v[..., 2]
    return out


def floor_of(positions: np.ndarray) -> np.ndarray:
    """Pelvis floor points (T, 2) (x, z) of positions (T, J, 3)."""
    return np.asarray(positions)[:, 0][:, [0, 2]].astype(np.float64)


def smooth(a: np.ndarray, half: int) -> np.ndarray:
    """Moving average over +-``half`` frames along axis 0. Near the ends the window shrinks on
    both sides alike, so a steady drift is not pulled back (the end frames stay as they are:
    a leader's smoothed track still ends where the leader stands)."""
    a = np.asarray(a, dtype=np.float64)
    if half <= 0 or len(a) < 3:
        return a.copy()
    c = np.concatenate([np.zeros((1,) + a.shape[1:]), np.cumsum(a, axis=0)])
    n = len(a)
    i = np.arange(n)
    r = np.minimum(half, np.minimum(i, n - 1 - i))
    lo, hi = i - r, i + r + 1
    shape = (-1,) + (1,) * (a.ndim - 1)
    return (c[hi] - c[lo]) / (hi - lo).reshape(shape)


def body_headings(positions: np.ndarray, fps: float) -> np.ndarray:
    """(T,) unwrapped facing, smoothed over a stride so the walk's torso sway stays out of it."""
    h = np.unwrap(headings(np.asarray(positions, np.float64)))
    return smooth(h, int(round(0.3 * fps)))


# ---- polylines ------------------------------------------------------------------------------

def arc_lengths(path: np.ndarray) -> np.ndarray:
    """(N,) cumulative length along a polyline (N, 2)."""
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    return np.concatenate([[0.0], np.cumsum(seg)])


def point_at(path: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Points (n, 2) at arc lengths ``s`` (n,) along ``path`` (clamped to its ends)."""
    acc = arc_lengths(path)
    s = np.clip(np.asarray(s, float), 0.0, acc[-1])
    return np.stack([np.interp(s, acc, path[:, k]) for k in range(2)], axis=1)


def tangent_at(path: np.ndarray, s: np.ndarray, look: float = 0.25) -> np.ndarray:
    """Headings (n,) of the path around arc lengths ``s``: the chord over +-``look`` metres."""
    a, b = point_at(path, np.asarray(s) - look), point_at(path, np.asarray(s) + look)
    d = b - a
    return np.arctan2(d[:, 0], d[:, 1])


def straight(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    return np.stack([np.asarray(src, float), np.asarray(dst, float)])


def toward_end(me: np.ndarray, target: np.ndarray, reach: float = REACH_M) -> np.ndarray:
    """Where to stop walking up to ``target``: on the line from ``me``, ``reach`` short of it
    (where I already stand if I am closer than that)."""
    d = np.asarray(target, float) - np.asarray(me, float)
    n = float(np.linalg.norm(d))
    if n <= reach:
        return np.asarray(me, float).copy()
    return np.asarray(target, float) - d / n * reach


def travel_distance(action: str | None, seconds: float) -> float:
    """How far ``action`` carries a body in ``seconds``, starting and ending at rest, at the
    pace the model learnt it (engine.paths): a run planned at a walk's distance comes out as
    a strange hop."""
    from engine.paths import TRAVEL_SPEED

    speed = abs(TRAVEL_SPEED.get(action or "walk", WALK_MS))
    return min(MAX_TRAVEL_M, speed * max(0.5, seconds - 1.0))


def away_end(me: np.ndarray, target: np.ndarray, distance: float) -> np.ndarray:
    """Where going ``distance`` metres straight away from ``target`` ends."""
    d = np.asarray(me, float) - np.asarray(target, float)
    n = float(np.linalg.norm(d))
    u = d / n if n > 1e-6 else np.array([0.0, -1.0])
    return np.asarray(me, float) + u * distance


def circle_radius(distance: float, action: str | None, seconds: float) -> float:
    """The radius to circle someone ``distance`` metres away: no wider than the action's pace
    goes round in ``seconds`` (else the strides would have to stretch), no tighter than
    CIRCLE_MIN_M, no wider than CIRCLE_MAX_M."""
    pace = travel_distance(action, seconds) / (2 * np.pi)
    return float(np.clip(min(distance, pace), CIRCLE_MIN_M, CIRCLE_MAX_M))


def circle_path(me: np.ndarray, centre: np.ndarray, heading: float, radius: float,
                n: int = 72) -> np.ndarray:
    """A full circle of ``radius`` round ``centre``, entered from ``me`` (a straight lead-in
    where the actor stands nearer or farther), turning the way that starts closest to the
    actor's ``heading``."""
    d = np.asarray(me, float) - np.asarray(centre, float)
    r = float(radius)
    a0 = np.arctan2(d[0], d[1]) if np.linalg.norm(d) > 1e-6 else heading + np.pi
    ccw_tangent = a0 + np.pi / 2          # heading of the tangent when the angle increases
    sign = 1.0 if abs(wrap(ccw_tangent - heading)) <= np.pi / 2 else -1.0
    ang = a0 + sign * np.linspace(0, 2 * np.pi, n + 1)
    pts = np.asarray(centre, float) + r * np.stack([np.sin(ang), np.cos(ang)], axis=1)
    return np.vstack([np.asarray(me, float)[None], pts[1:]] if abs(np.linalg.norm(d) - r) < 0.05
                     else [np.asarray(me, float)[None], pts])


def follow_leg(start: int, stop: int, me: np.ndarray, leader_floor: np.ndarray,
               gap: float = FOLLOW_GAP_M) -> Leg:
    """A "timed" leg keeping ``gap`` metres behind a leader, along the leader's path.

    leader_floor (stop - start, 2): the leader's (smoothed) floor points over the leg. The
    follower's path runs from where it stands (``me``) onto the leader's first point and then
    along the leader's track; at each frame it is ``gap`` metres of path short of the leader
    (waiting at its start until the leader has gone that far).
    """
    leader = np.asarray(leader_floor, float)
    path = np.vstack([np.asarray(me, float)[None], leader])
    lead_in = float(np.linalg.norm(leader[0] - path[0]))
    acc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(leader, axis=0), axis=1))])
    total = lead_in + acc[-1]
    s = np.clip(lead_in + acc - gap, 0.0, None)
    u = s / total if total > 1e-6 else np.zeros(len(s))
    return Leg(start, stop, "timed", path, None, u)


# ---- the warp -------------------------------------------------------------------------------

def _leg_floor(leg: Leg, floor: np.ndarray, here: np.ndarray, turn: float
               ) -> tuple[np.ndarray, np.ndarray | None]:
    """(points (n, 2), path headings (n,) or None) for one leg, starting from ``here``."""
    a, b = leg.start, leg.stop
    if leg.kind in ("free", "face"):
        rel = floor[a:b] - floor[a]
        c, s = np.cos(turn), np.sin(turn)
        rot = np.stack([c * rel[:, 0] + s * rel[:, 1], -s * rel[:, 0] + c * rel[:, 1]], axis=1)
        return here + rot, None
    path = np.asarray(leg.path, float)
    total = arc_lengths(path)[-1]
    if leg.kind == "timed":
        s = np.asarray(leg.u, float) * total
    else:   # the motion's own pace: its arc length, stretched to the path's
        steps = np.linalg.norm(np.diff(smooth(floor[a:b], 2), axis=0), axis=1)
        own = np.concatenate([[0.0], np.cumsum(steps)])
        if own[-1] > 0.05:
            s = own / own[-1] * total
        else:   # the model hardly moved: glide at an eased pace rather than teleport
            x = np.linspace(0.0, 1.0, b - a)
            s = x * x * (3 - 2 * x) * total
    if total < 0.05:
        return point_at(path, s), None
    tang = tangent_at(path, s)
    moving = np.gradient(s) > 1e-4 if len(s) > 1 else np.ones(len(s), bool)
    # where the body waits (a follower before the leader has gone far enough) it keeps the
    # heading it last had along the path, not the path's tangent further on
    for i in range(1, len(tang)):
        if not moving[i]:
            tang[i] = tang[i - 1]
    return point_at(path, s), tang


def warp_to_legs(positions: np.ndarray, legs: list[Leg], fps: float) -> np.ndarray:
    """Move and turn a placed motion so each leg is done where it says.

    positions (T, J, 3) float32 world metres; legs cover [0, T) in order (gaps are "free").
    Returns (T, J, 3) float32: each frame's body turned about its own pelvis floor point and set
    on the leg's floor point. Poses, heights and limbs are the model's.
    """
    pos = np.asarray(positions, np.float64)
    T = len(pos)
    floor = floor_of(pos)
    body = body_headings(pos, fps)
    q = np.zeros((T, 2))
    turn = np.zeros(T)
    here, cur = floor[0].copy(), 0.0
    for leg in _cover(legs, T):
        a, b = leg.start, leg.stop
        pts, tang = _leg_floor(leg, floor, here, cur)
        q[a:b] = pts
        if tang is not None:
            want = cur + np.unwrap(wrap(tang - body[a:b] - cur))
            ramp = _ease(b - a, int(round(TURN_S * fps)))
            turn[a:b] = cur + (want - cur) * ramp
        else:
            turn[a:b] = cur
        if leg.face is not None:
            end = cur if tang is None else turn[b - 1]
            delta = float(wrap(leg.face - (body[b - 1] + end)))
            n = min(b - a, int(round(TURN_S * fps)) + 1)
            w = np.zeros(b - a)
            if leg.kind == "face":   # turn first, then hold the new facing
                w[:] = 1.0
                w[:n] = _ease(n, n)
            else:                    # arrive, then square up over the last moments
                w[b - a - n:] = _ease(n, n)
            turn[a:b] += delta * w
        cur = float(turn[b - 1])
        here = q[b - 1] + (_rot2(floor[b] - floor[b - 1], cur) if b < T else 0.0)
    turn = smooth(turn, int(round(SMOOTH_S * fps / 2)))
    out = yaw(pos - np.concatenate([floor[:, :1], np.zeros((T, 1)), floor[:, 1:]], 1)[:, None],
              turn[:, None])
    out[..., 0] += q[:, None, 0]
    out[..., 2] += q[:, None, 1]
    return out.astype(np.float32)


def _rot2(v: np.ndarray, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([c * v[0] + s * v[1], -s * v[0] + c * v[1]])


def _ease(n: int, frames: int) -> np.ndarray:
    """(n,) smoothstep from 0 to 1 over the first ``frames`` frames, then 1."""
    x = np.clip((np.arange(n) + 1) / max(1, frames), 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _cover(legs: list[Leg], T: int) -> list[Leg]:
    """Legs sorted, clipped to [0, T) and with "free" legs filling the gaps."""
    out, t = [], 0
    for leg in sorted(legs, key=lambda g: g.start):
        a, b = max(t, leg.start), min(T, leg.stop)
        if b <= a:
            continue
        if a > t:
            out.append(Leg(t, a))
        out.append(Leg(a, b, leg.kind, leg.path, leg.face, None if leg.u is None
                       else np.asarray(leg.u)[a - leg.start: b - leg.start]))
        t = b
    if t < T:
        out.append(Leg(t, T))
    return out
