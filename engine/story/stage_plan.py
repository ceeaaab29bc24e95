"""Blocking a scene before anything is generated: where actors start, where each beat should take
them, and the one-actor plan (timed segments with path cues) the model is asked for.

Beats become frame *slots*. Start places are spread so nobody stands inside anybody. A first,
kinematic pass walks through all beats in time order and estimates where each actor will be
(so "walks up to Bob" knows how far to plan the walk, and two actors walking toward each other
meet in the middle). Each actor's plan covers the whole scene: its beats, the idle before,
between and after them, and the partner's side of an interaction another actor starts.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.planner.plan import PathCue, Plan, PlanSegment
from engine.story.script import Beat, Script, beat_times

from .contacts import INTERACTIONS
from .relations import (FOLLOW_GAP_M, REACH_M, WALK_MS, away_end, circle_radius, toward_end,
                        travel_distance)

MIN_APART_M = 1.0        # start places closer than this are spread ...
SPREAD_TO_M = 1.2        # ... to this far apart
APPROACH_SLACK_M = 0.25  # an interaction opens with a walk when this much past its distance
TRAVEL = ("toward", "away_from", "circle_around", "follow")


@dataclass
class Slot:
    """One beat on an actor's frames [start, stop). For an interaction: the walk up to the
    partner ends at ``split`` (None: no walk) and the hands touch on ``contact``."""
    beat: Beat
    start: int
    stop: int
    split: int | None = None
    contact: int | None = None
    mirror: bool = False      # the partner's own copy of an interaction another slot leads
    walked: tuple[float, float] | None = None   # (metres the model walked, metres of the path)
    distance: float = 0.0     # an interaction's pelvis-to-pelvis distance for this pair
    radius: float = 0.0       # circling someone: the circle's radius
    path_m: float = 0.0       # ... and the length of its way round, lead-in included
    est_from: np.ndarray = field(default_factory=lambda: np.zeros(2))
    est_to: np.ndarray = field(default_factory=lambda: np.zeros(2))


def scene_frames(script: Script, fps: float) -> int:
    return max(1, int(round(script.duration * fps)))


def slots_of(script: Script, fps: float) -> dict[str, list[Slot]]:
    T = scene_frames(script, fps)
    out = {}
    for actor in script.actors:
        slots = []
        for beat, (s, e) in zip(actor.beats, beat_times(actor)):
            a = min(T - 1, int(round(s * fps)))
            slots.append(Slot(beat, a, max(a + 1, min(T, int(round(e * fps))))))
        out[actor.name] = slots
    return out


def layout(script: Script) -> tuple[dict[str, np.ndarray], list[str]]:
    """Start floor points {name: (x, z)}, spread where two are closer than MIN_APART_M."""
    pts = {a.name: np.array([a.start.x, a.start.z], float) for a in script.actors}
    names = list(pts)
    notes = []
    for _ in range(50):
        moved = False
        for i in range(len(names)):
            for k in range(i + 1, len(names)):
                p, q = pts[names[i]], pts[names[k]]
                d = q - p
                n = float(np.linalg.norm(d))
                if n >= MIN_APART_M - 1e-9:
                    continue
                if n < 1e-6:   # on the same spot: side by side along X
                    d, n = np.array([1.0, 0.0]), 1.0
                    p = p + np.array([-1e-3, 0.0])
                mid, u = (p + q) / 2, d / max(n, 1e-9)
                pts[names[i]], pts[names[k]] = mid - u * SPREAD_TO_M / 2, mid + u * SPREAD_TO_M / 2
                moved = True
        if not moved:
            break
    for a in script.actors:
        was = np.array([a.start.x, a.start.z])
        if np.linalg.norm(pts[a.name] - was) > 1e-6:
            x, z = pts[a.name]
            notes.append(f"{a.name} started within {MIN_APART_M:g} m of another actor: moved "
                         f"from ({was[0]:.2f}, {was[1]:.2f}) to ({x:.2f}, {z:.2f})")
    return pts, notes


def _overlaps(a: Slot, b: Slot) -> bool:
    return a.start < b.stop and b.start < a.stop


def estimate(script: Script, slots: dict[str, list[Slot]], starts: dict[str, np.ndarray],
             fps: float) -> None:
    """Fill each slot's estimated floor points (est_from, est_to) and interaction timing, in
    scene time order, from the start places."""
    where = {n: p.copy() for n, p in starts.items()}
    order = sorted(((s.start, i, name, s) for name, ss in slots.items()
                    for i, s in enumerate(ss)), key=lambda x: (x[0], x[1]))
    seen: set[int] = set()
    for _, _, name, slot in order:
        seen.add(id(slot))
        b = slot.beat
        me = where[name]
        slot.est_from = me.copy()
        other = where.get(b.target) if b.target else None
        to = me
        lead = _mirrored(slots, name, slot)
        if lead is not None:   # both list the same interaction: one contact, led by the first
            slot.mirror, slot.contact = True, lead.contact
        elif b.interaction:
            dist = slot.distance = pair_distance(script, name, b.target, b.interaction)
            far = float(np.linalg.norm(other - me)) > dist + APPROACH_SLACK_M
            n = slot.stop - slot.start
            if far:
                walk = float(np.linalg.norm(other - me)) - dist
                slot.split = slot.start + int(np.clip(walk / WALK_MS * fps, 0.8 * fps, 0.6 * n))
                to = toward_end(me, other, dist)
            rest = slot.stop - (slot.split or slot.start)
            slot.contact = min(slot.stop - 1, (slot.split or slot.start) + int(0.45 * rest))
        elif b.relation == "toward":
            mutual = [s for s in slots[b.target] if s.beat.relation == "toward"
                      and s.beat.target == name and _overlaps(s, slot)]
            if mutual:   # both walk: meet in the middle of where both set out from
                them = mutual[0].est_from if id(mutual[0]) in seen else other
                mid = (me + them) / 2
                to = toward_end(me, mid, REACH_M / 2)
            else:
                to = toward_end(me, other, REACH_M)
        elif b.relation == "circle_around":
            slot.radius = circle_radius(float(np.linalg.norm(other - me)), b.action,
                                        (slot.stop - slot.start) / fps)
            lead_in = abs(float(np.linalg.norm(other - me)) - slot.radius)
            to = other + (me - other) / max(float(np.linalg.norm(me - other)), 1e-6) * slot.radius
            slot.path_m = 2 * np.pi * slot.radius + lead_in
        elif b.relation == "away_from":
            to = away_end(me, other, travel_distance(b.action, (slot.stop - slot.start) / fps))
        elif b.relation == "follow":
            to = toward_end(me, other, FOLLOW_GAP_M)
        elif b.path in ("toward_camera", "away"):
            sign = 1.0 if b.path == "toward_camera" else -1.0
            to = me + np.array([0.0, sign * travel_distance(b.action,
                                                            (slot.stop - slot.start) / fps)])
        slot.est_to = np.asarray(to, float)
        where[name] = slot.est_to.copy()


def pair_distance(script: Script, a: str, b: str, kind: str) -> float:
    """Pelvis-to-pelvis distance (m) for an interaction between actors ``a`` and ``b``: the
    interaction's own, scaled by the pair's mean height (a child reaches less far)."""
    size = {x.name: x.look.height for x in script.actors}
    return INTERACTIONS[kind].distance * (size[a] + size[b]) / 2


def _mirrored(slots: dict[str, list[Slot]], name: str, slot: Slot) -> Slot | None:
    """The already-placed interaction slot of the target that is this one seen from the other
    side (same interaction, aimed at this actor, overlapping in time), or None."""
    b = slot.beat
    if not b.interaction:
        return None
    for s in slots.get(b.target, []):
        if (s.beat.interaction == b.interaction and s.beat.target == name and not s.mirror
                and s.contact is not None and _overlaps(s, slot)):
            return s
    return None


# ---- the one-actor plan ---------------------------------------------------------------------

def _cue(slot: Slot, beat: Beat) -> PathCue | None:
    """The model's path cue for a beat (the travel part of an interaction included)."""
    dist = float(np.linalg.norm(slot.est_to - slot.est_from))
    if beat.relation in ("toward", "away_from") or beat.interaction or beat.path in (
            "toward_camera", "away"):
        return PathCue(distance_m=max(0.3, dist), stops=True)
    if beat.relation == "circle_around":   # the model covers the circle at its own pace
        return PathCue(shape="circle", turn_deg=360.0, distance_m=slot.path_m)
    if beat.relation == "follow":
        return PathCue()
    if beat.path == "circle":
        return PathCue(shape="circle")
    if beat.path in ("left", "right"):
        return PathCue(direction=beat.path)
    if beat.path in ("there_and_back", "back_and_forth"):
        return PathCue(shape=beat.path)
    if beat.path == "straight":
        return PathCue()
    return None


def _seg(action: str, text: str, frames: int, fps: float, beat: Beat | None = None,
         path: PathCue | None = None) -> PlanSegment:
    return PlanSegment(action, text or action.replace("_", " "), frames / fps,
                       expression=beat.expression if beat else None,
                       speech=beat.speech if beat else None,
                       style=beat.style if beat else None, path=path,
                       explicit_duration=True, matched_by="script")


def beat_segments(slot: Slot, fps: float, read_text) -> list[PlanSegment]:
    """Plan segments filling a slot's frames. ``read_text(text, seconds)`` -> Plan reads a beat
    that gives words but no action (the planner, with its meaning match)."""
    b = slot.beat
    n = slot.stop - slot.start
    if b.interaction and slot.mirror:
        spec = INTERACTIONS[b.interaction]
        return [_seg(b.action or spec.actions[1], b.text or spec.words[1], n, fps, b)]
    if b.interaction:
        spec = INTERACTIONS[b.interaction]
        out = []
        if slot.split is not None:
            out.append(_seg("walk", "walks up to someone", slot.split - slot.start, fps, b,
                            _cue(slot, b)))
        rest = slot.stop - (slot.split or slot.start)
        out.append(_seg(b.action or spec.actions[0], b.text or spec.words[0], rest, fps, b))
        return out
    if b.action is None and not b.relation:
        plan = read_text(b.text, n / fps)
        segs = _fit(plan.segments, n, fps)
        for s in segs:
            s.expression = b.expression or s.expression
            s.speech = b.speech or s.speech
            s.style = b.style or s.style
            if b.path:
                s.path = _cue(slot, b) or s.path
        return segs
    action = b.action or ("walk" if b.relation in TRAVEL else "idle")
    return [_seg(action, b.text, n, fps, b, _cue(slot, b))]


def _fit(segs: list[PlanSegment], frames: int, fps: float) -> list[PlanSegment]:
    """Segments rescaled to fill exactly ``frames`` frames (whole frames each, at least one)."""
    total = sum(s.duration for s in segs) or 1.0
    edges = [0]
    acc = 0.0
    for s in segs:
        acc += s.duration
        edges.append(int(round(acc / total * frames)))
    edges[-1] = frames
    out = []
    for s, a, b in zip(segs, edges, edges[1:]):
        if b > a:
            s.duration = (b - a) / fps
            out.append(s)
    return out or [_seg("idle", "stands idle", frames, fps)]


def actor_plan(name: str, slots: dict[str, list[Slot]], T: int, fps: float, prompt: str,
               read_text) -> tuple[Plan, int]:
    """The whole-scene plan for one actor, and the frame its last beat ends (the idle tail
    starts there). Gaps are idle, except where another actor's interaction with this one needs
    its partner's side (a block for a punch, a hand held out for a handshake)."""
    segs: list[PlanSegment] = []
    t = 0
    partner = sorted((s.contact, s) for other, ss in slots.items() if other != name
                     for s in ss if s.beat.interaction and s.beat.target == name
                     and not s.mirror)
    last = max(s.stop for s in slots[name])
    for slot in slots[name]:
        if slot.start > t:
            segs += _gap(t, slot.start, partner, fps)
        segs += beat_segments(slot, fps, read_text)
        t = slot.stop
    if t < T:
        segs += _gap(t, T, partner, fps)
    return Plan(prompt, segs), last


def _gap(a: int, b: int, partner: list, fps: float) -> list[PlanSegment]:
    """Idle from a to b, with the partner's action around any interaction contact inside."""
    out, t = [], a
    for contact, slot in partner:
        if not a <= contact < b:
            continue
        s, e = max(t, slot.split or slot.start), min(b, slot.stop)
        if e <= s:
            continue
        if s > t:
            out.append(_seg("idle", "stands idle", s - t, fps))
        spec = INTERACTIONS[slot.beat.interaction]
        out.append(_seg(spec.actions[1], spec.words[1], e - s, fps))
        t = e
    if b > t:
        out.append(_seg("idle", "stands idle", b - t, fps))
    return out

