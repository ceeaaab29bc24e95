"""The offline story planner: a sentence -> a scene :class:`~engine.story.script.Script`.

The default planner: rules plus the single-actor planner (``engine.planner``: its verb lexicon,
styles, paths and, when given one, its meaning match), no network, deterministic (the same
prompt and seed give the same script). The steps, each in its own module:

1. take the camera's words out (:mod:`.offline_camera`);
2. cut the rest into clauses and read each one's actors, interaction or actions and relation
   (:mod:`.offline_beats`, with the cast in :mod:`.offline_cast`);
3. place the actors (:mod:`.offline_layout`);
4. time the beats: a clause after "then" starts when everything before it has ended, clauses
   joined by "and"/"while" with different actors play at once, an interaction starts when all
   its actors are free; gaps and the time after an actor's last beat are filled with ``idle``.

A prompt with one actor and no one to relate to keeps the single-actor planner's own segments.
"""
from __future__ import annotations

import math

from pydantic import ValidationError

from engine.planner.paths import SPEED_MS, TRAVEL
from engine.planner.rules import MAX_PROMPT_CHARS, Nearest, PlanError, plan_prompt
from engine.paths import START_RAMP_S, STOP_RAMP_S

from .offline_beats import Part, Piece, path_name, read_piece, split_pieces
from .offline_camera import CameraWords, split_camera
from .offline_cast import GROUP_WORDS, Cast
from .offline_layout import Relation, layout
from .script import (MAX_ACTORS, MAX_BEAT_SECONDS, MAX_SCENE_SECONDS, ActorScript, Beat, CameraCue, Look,
                     Place, Script, problems_of)

PALETTE = ("#e4572e", "#17bebb", "#ffc914", "#76b041", "#7d5ba6", "#2e86ab", "#f18f01", "#c73e1d",
           "#3b1f2b", "#a23b72")
REACH_M = 0.9            # an approach stops this far from whom it approaches: within arm's reach
MIN_TRAVEL_S = 1.5       # a walk over is never shorter than this, however close
IDLE_TEXT = "stands and waits"
MAX_TEXT = 400           # Beat.text's limit
_AGENT_ACTIONS = {"runner": ("run", "jog", "sprint"), "jogger": ("jog",), "walker": ("walk",),
                  "jumper": ("jump", "jump_forward", "hop"), "dancer": ("dance_disco", "dance_hiphop",
                                                                         "dance_ballet", "dance_salsa", "spin")}


def plan_story(prompt: str, seed: int = 0, nearest: Nearest | None = None) -> Script:
    """The scene ``prompt`` describes (see :func:`plan_story_notes`)."""
    return plan_story_notes(prompt, seed, nearest)[0]


def plan_story_notes(prompt: str, seed: int = 0, nearest: Nearest | None = None) -> tuple[Script, list[str]]:
    """(the scene ``prompt`` describes, notes on what was not understood or was changed).

    ``nearest`` is the single-actor planner's meaning match for verbs no rule knows (None: rules
    only). ``seed`` only turns the colour palette, so the same prompt always stages the same way.
    Never raises for a prompt: nonsense gives one idling actor and a note."""
    notes: list[str] = []
    text = " ".join(str(prompt or "").split())
    if len(text) > MAX_PROMPT_CHARS:
        notes.append(f"the prompt is {len(text)} characters; only the first {MAX_PROMPT_CHARS} were used")
        text = text[:MAX_PROMPT_CHARS]
    try:
        script = _plan(str(prompt or ""), text, seed, nearest, notes)
    except ValidationError as e:   # a planner bug must not lose the user's prompt: say what, and idle
        notes.append(f"the planned scene was invalid ({'; '.join(problems_of(e))}); the figure idles")
        script = _idle_script(str(prompt or ""), text)
    return script, _dedupe(notes)


def _plan(prompt: str, text: str, seed: int, nearest: Nearest | None, notes: list[str]) -> Script:
    rest, cam_words = split_camera(text)
    cast = Cast()
    pieces = _read(rest, cast, nearest, notes)
    notes.extend(cast.notes)
    if not cast.members:
        cast.ensure_someone()
    if len(cast.members) > MAX_ACTORS:
        notes.append(f"the prompt names {len(cast.members)} actors; the first {MAX_ACTORS} were kept")
        pieces = _keep_actors(pieces, MAX_ACTORS)
        del cast.members[MAX_ACTORS:]
    if len(cast.members) == 1 and not any(p.target is not None for pc in pieces for p in pc.parts):
        timed = {0: _solo_beats(rest, nearest, notes)}
        places = [(0.0, 0.0, 0.0)]
    else:
        places = layout(len(cast.members), _first_relations(pieces, cast))
        timed = _schedule(pieces, len(cast.members), places)
    names = cast.names()
    end = _clamp(timed, notes)
    actors = []
    for a, name in enumerate(names):
        beats = _fill(timed.get(a, []), end, names)
        look = Look(color=PALETTE[(a + seed) % len(PALETTE)], height=cast.members[a].height)
        x, z, facing = places[a]
        actors.append(ActorScript(name=name, start=Place(x=x, z=z, facing=facing), look=look, beats=beats))
    camera = _camera(cam_words, cast, names, timed, end, notes)
    return Script(prompt=prompt[:10_000], title=_title(text), actors=actors, camera=camera)


def _keep_actors(pieces: list[Piece], n: int) -> list[Piece]:
    """``pieces`` without the parts of actors past the first ``n`` (or aimed at them)."""
    for piece in pieces:
        piece.parts = [p for p in piece.parts if p.actor < n and (p.target is None or p.target < n)
                       and (p.inherit is None or p.inherit < n)]
        if piece.meeting and max(piece.meeting) >= n:
            piece.meeting = None
    return pieces


# --- reading -------------------------------------------------------------------------------------

def _read(text: str, cast: Cast, nearest: Nearest | None, notes: list[str]) -> list[Piece]:
    pieces: list[Piece] = []
    previous: list[int] = []
    last: dict[int, Part] = {}
    for clause, link in split_pieces(text) if text else []:
        piece = read_piece(clause, link, cast, previous, nearest, notes, last)
        pieces.append(piece)
        previous = piece.subjects
        for part in piece.parts:
            last[part.actor] = part
    _pair_blocks(pieces)
    return pieces


def _pair_blocks(pieces: list[Piece]) -> None:
    """"A throws a punch and B blocks it": one joint punch_blocked exchange for both."""
    for i in range(len(pieces) - 1):
        a, b = pieces[i], pieces[i + 1]
        if (len(a.parts) == 1 and len(b.parts) == 1 and not a.joint and not b.joint
                and a.parts[0].fields.get("action") in ("punch", "kick")
                and b.parts[0].fields.get("action") == "block" and a.parts[0].actor != b.parts[0].actor):
            pa, pb = a.parts[0], b.parts[0]
            pa.fields["interaction"] = pb.fields["interaction"] = "punch_blocked"
            pa.target, pb.target = pb.actor, pa.actor
            pa.fields.pop("relation", None)
            pb.fields.pop("relation", None)
            a.parts, a.joint, b.parts = [pa, pb], True, []


def _first_relations(pieces: list[Piece], cast: Cast) -> dict[int, Relation]:
    out: dict[int, Relation] = {}
    for piece in pieces:
        if piece.meeting:
            a, b = piece.meeting
            out.setdefault(a, Relation("meet", b))
            out.setdefault(b, Relation("meet", a))
        for p in piece.parts:
            if p.target is None or p.actor in out:
                continue
            kind = p.fields.get("interaction") or p.fields.get("relation") or "face"
            out[p.actor] = Relation(kind, p.target)
    return out


def _solo_beats(text: str, nearest: Nearest | None, notes: list[str]) -> list[tuple[float, float, dict, int | None]]:
    """One actor, nobody to relate to: the single-actor planner's segments, one after another."""
    try:
        plan = plan_prompt(text, nearest=nearest)
    except PlanError as e:
        notes.append(f"{e}; the figure idles")
        return [(0.0, 3.0, {"action": "idle", "text": IDLE_TEXT}, None)]
    notes.extend(plan.warnings)
    out, t = [], 0.0
    for s in plan.segments:
        f = {"action": s.action, "text": s.text, "style": s.style, "path": path_name(s.path),
             "expression": s.expression, "speech": s.speech}
        out.append((t, s.duration, f, None))
        t += s.duration
    return out


# --- timing --------------------------------------------------------------------------------------

def _schedule(pieces: list[Piece], n: int, places: list[tuple[float, float, float]]) -> dict:
    """actor -> [(start, duration, fields, target)], in time order."""
    timed: dict[int, list] = {a: [] for a in range(n)}
    free = [0.0] * n
    step = prev_start = 0.0
    for piece in pieces:
        if not piece.parts:
            continue
        if piece.link == "then":
            step = max(free)
        elif piece.link == "while":
            step = prev_start
        if piece.joint:
            actors = [p.actor for p in piece.parts]
            start = max([step] + [free[a] for a in actors])
            length = max(p.duration for p in piece.parts)   # they finish the exchange together
            for p in piece.parts:
                timed[p.actor].append((start, length, dict(p.fields), p.target))
                free[p.actor] = start + length
            step = prev_start = start
            continue
        starts = []
        for p in piece.parts:
            t = max(step, free[p.actor])
            fields, duration = _resolve_part(p, t, timed, places)
            timed[p.actor].append((t, duration, fields, p.target))
            free[p.actor] = t + duration
            starts.append(t)
        prev_start = min(starts)
    return timed


def _resolve_part(p: Part, t: float, timed: dict, places) -> tuple[dict, float]:
    """The part's fields and seconds once its start is known: an inherited action ("follows
    him") takes the target's travel at ``t``; an approach lasts as long as the distance needs."""
    fields, duration = dict(p.fields), p.duration
    if p.inherit is not None:
        fields["action"], duration = "walk", duration
        for s, d, f, _ in timed.get(p.inherit, []):
            if s <= t + 1e-6 < s + d and f.get("action") in TRAVEL:
                fields["action"], duration = f["action"], max(MIN_TRAVEL_S, s + d - t)
                break
    action = fields.get("action")
    if (p.target is not None and not p.explicit and action in SPEED_MS and SPEED_MS[action] > 0
            and fields.get("relation") in ("toward", "circle_around")):
        (x0, z0, _), (x1, z1, _) = places[p.actor], places[p.target]
        dist = math.hypot(x1 - x0, z1 - z0)
        metres = max(0.0, dist - REACH_M) if fields["relation"] == "toward" else 2 * math.pi * dist
        if p.mutual:   # both walk toward each other: each covers half the gap
            metres /= 2
        ramps = START_RAMP_S + (STOP_RAMP_S if fields["relation"] == "toward" else 0.0)
        duration = max(MIN_TRAVEL_S, metres / SPEED_MS[action] + ramps)
    return fields, duration


def _clamp(timed: dict, notes: list[str]) -> float:
    """The scene's end, cutting beats past the script's limit (with a note)."""
    end = max((s + d for beats in timed.values() for s, d, _, _ in beats), default=0.0)
    if end <= MAX_SCENE_SECONDS:
        return max(end, 1.0)
    notes.append(f"the scene would last {end:.0f} s; it was cut to {MAX_SCENE_SECONDS:.0f} s")
    for a, beats in timed.items():
        timed[a] = [(s, min(d, MAX_SCENE_SECONDS - s), f, t) for s, d, f, t in beats if s < MAX_SCENE_SECONDS - 0.05]
    return MAX_SCENE_SECONDS


def _fill(beats: list, end: float, names: list[str]) -> list[Beat]:
    """Script beats with explicit starts, idle filling the gaps and the time up to ``end``."""
    out: list[Beat] = []
    t = 0.0
    idle = {"action": "idle", "text": IDLE_TEXT}
    for start, duration, fields, target in sorted(beats, key=lambda b: b[0]):
        if start - t > 0.05:
            t = _add(out, t, start - t, idle)
        clean = {k: v for k, v in fields.items() if v is not None}
        clean["text"] = str(clean.get("text", ""))[:MAX_TEXT]   # a runaway clause stays a valid beat
        if target is not None:
            clean["target"] = names[target]
        t = _add(out, max(start, t), duration, clean)
    if end - t > 0.05 or not out:
        t = _add(out, t, max(end - t, 1.0 if not out else 0.06), idle)
    return out


def _add(out: list[Beat], start: float, duration: float, fields: dict) -> float:
    """Append a beat (as several, when longer than a beat may be: "walks for 90 s"); its end."""
    pieces = max(1, math.ceil(duration / MAX_BEAT_SECONDS - 1e-9))
    step = round(duration / pieces, 3)
    for _ in range(pieces):
        out.append(Beat(start=round(start, 3), duration=step, **fields))
        start = round(start + step, 3)
    return start


# --- camera and the rest -------------------------------------------------------------------------

def _camera_target(w: CameraWords, cast: Cast, names: list[str], timed: dict) -> str | None:
    if w.who is None or GROUP_WORDS.match(w.who) or w.who.lower().startswith("the scene"):
        return None
    noun = w.who.lower().split()[-1]
    if noun in _AGENT_ACTIONS and not any(m.role == noun for m in cast.members):
        for a in range(len(names)):
            if any(f.get("action") in _AGENT_ACTIONS[noun] for _, _, f, _ in timed.get(a, [])):
                return names[a]
    found = cast.resolve(w.who, create=False)
    return names[found[0]] if len(found) == 1 and found[0] < len(names) else None


def _camera(words: list[CameraWords], cast: Cast, names: list[str], timed: dict, end: float,
            notes: list[str]) -> list[CameraCue]:
    """One cue per camera phrase, sharing the scene's time in the order they were written."""
    out = []
    for k, w in enumerate(words):
        target = _camera_target(w, cast, names, timed)
        if w.who is not None and target is None and not GROUP_WORDS.match(w.who):
            notes.append(f"the camera's {w.who!r} names nobody in the scene; it frames everyone")
        start = round(k * end / len(words), 3)
        out.append(CameraCue(start=start, move=w.move, shot=w.shot, target=target, speed=w.speed))
    return out


def _title(text: str) -> str:
    words = text.split()
    title = " ".join(words[:8]) + (" ..." if len(words) > 8 else "")
    return title[:1].upper() + title[1:200]


def _idle_script(prompt: str, text: str) -> Script:
    return Script(prompt=prompt[:10_000], title=_title(text),
                  actors=[ActorScript(name="person", beats=[Beat(duration=3.0, action="idle", text=IDLE_TEXT)])])


def _dedupe(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))


__all__ = ["plan_story", "plan_story_notes"]
