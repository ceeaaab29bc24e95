"""Where a scene's actors start and which way they face, from what they do to each other.

Actors stand in a row across the floor (along X, centred on the origin, facing the camera by
default); a follower starts behind the actor it follows; then each turns to suit its first
relation: toward its partner for a meeting, an interaction or an approach, away from whom it
flees, side-on to whom it circles (so the circle goes the way the path turns). Nobody starts
closer than :data:`MIN_GAP_M` to anyone else.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

MIN_GAP_M = 1.5        # two figures' arm spans clear each other with room to step
ROW_GAP_M = 2.0        # neighbours in the row
APPROACH_GAP_M = 3.0   # the row's gap when someone walks over to someone: room for a few steps
FOLLOW_GAP_M = 2.0     # a follower starts this far behind whom it follows
ASIDE_M = 1.6          # ... and steps this far aside when someone already stands there


@dataclass
class Relation:
    """An actor's first relation to another, as the layout needs it."""
    kind: str               # toward, follow, away_from, circle_around, face, meet, or an interaction
    target: int
    turn: float = 1.0       # +1: a circle turning to the actor's left, -1: to its right


def bearing(frm: tuple[float, float], to: tuple[float, float]) -> float:
    """Facing (degrees about +Y, 0 = +Z, 90 = +X) that looks from ``frm`` to ``to`` (x, z)."""
    return math.degrees(math.atan2(to[0] - frm[0], to[1] - frm[1]))


def _forward(facing: float) -> tuple[float, float]:
    r = math.radians(facing)
    return math.sin(r), math.cos(r)


def _clear(p: tuple[float, float], placed: dict[int, tuple[float, float]], gap: float) -> bool:
    return all(math.dist(p, q) >= gap for q in placed.values())


def _facing(a: int, rel: Relation | None, pos: dict, relations: dict[int, Relation], group_dance: bool) -> float:
    if rel is None:
        # someone comes to me, meets me or acts on me: look at them
        for b, r in relations.items():
            if r.target == a and r.kind not in ("follow", "away_from", "circle_around"):
                return bearing(pos[a], pos[b])
        return 0.0
    if rel.kind == "dance_together" and group_dance:
        return 0.0              # a dance troupe faces its audience
    to = bearing(pos[a], pos[rel.target])
    if rel.kind == "away_from":
        return _wrap(to + 180.0)
    if rel.kind == "follow":
        return to
    if rel.kind == "circle_around":
        # facing = bearing - 90 puts the centre on the actor's left, where a left turn curves
        return _wrap(to - 90.0 * rel.turn)
    return to


def _wrap(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def layout(n: int, relations: dict[int, Relation]) -> list[tuple[float, float, float]]:
    """(x, z, facing) for each of ``n`` actors given each one's first relation (if any)."""
    followers = {a: r.target for a, r in relations.items() if r.kind == "follow" and r.target != a}
    # a follower of a follower is placed after whom it follows; a cycle falls back to the row
    row = [a for a in range(n) if a not in followers]
    if not row:
        row, followers = list(range(n)), {}
    gap = APPROACH_GAP_M if any(r.kind in ("toward", "meet") for r in relations.values()) else ROW_GAP_M
    pos: dict[int, tuple[float, float]] = {a: ((k - (len(row) - 1) / 2) * gap, 0.0) for k, a in enumerate(row)}
    group_dance = sum(r.kind == "dance_together" for r in relations.values()) >= 3
    facing = {a: _facing(a, relations.get(a), pos, relations, group_dance) for a in row}
    pending = dict(followers)
    while pending:
        ready = [a for a, t in pending.items() if t in pos]
        if not ready:   # following in a circle: start the rest in the row's continuation
            for a in pending:
                pos[a] = ((len(pos) - (n - 1) / 2) * gap, 0.0)
                facing[a] = 0.0
            break
        for a in ready:
            t = pending.pop(a)
            pos[a] = _behind(pos, t, facing[t])
            facing[a] = bearing(pos[a], pos[t])
    _spread(pos, n)
    return [(round(pos[a][0], 3), round(pos[a][1], 3), round(facing[a], 1)) for a in range(n)]


def _behind(pos: dict, target: int, target_facing: float) -> tuple[float, float]:
    fx, fz = _forward(target_facing)
    tx, tz = pos[target]
    base = (tx - fx * FOLLOW_GAP_M, tz - fz * FOLLOW_GAP_M)
    side = (fz, -fx)     # the target's left-right axis: step aside if someone stands there
    for k in (0.0, 1.0, -1.0, 2.0, -2.0):
        p = (base[0] + side[0] * k * ASIDE_M, base[1] + side[1] * k * ASIDE_M)
        if _clear(p, pos, MIN_GAP_M):
            return p
    return base


def _spread(pos: dict, n: int) -> None:
    """Push anyone closer than MIN_GAP_M to an earlier actor toward the camera until clear."""
    for _ in range(3 * n):
        moved = False
        for a in range(n):
            for b in range(a):
                d = math.dist(pos[a], pos[b])
                if d < MIN_GAP_M:
                    pos[a] = (pos[a][0], pos[a][1] + MIN_GAP_M - d + 0.1)
                    moved = True
        if not moved:
            return
