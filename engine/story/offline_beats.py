"""What each clause of a story prompt makes its actors do: the offline story planner's reader.

A prompt is cut into clauses ("one waves", "the other runs over", "they high-five"), each with a
*link* to the clause before it: ``then`` (after everything before), ``while`` (at the same time)
or ``and`` (at the same time when the actors differ, after when they are the same). A clause is
read as a subject (resolved by the :class:`~engine.story.offline_cast.Cast`), then one of: a
meeting, an interaction between actors (high five, handshake, hug, hand-over, dancing together),
or the single-actor planner's segments plus a relation to another actor (toward, follow, away
from, around, face). Timing and placement happen later, in :mod:`engine.story.offline`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.actions import ACTION_INFO
from engine.planner.paths import TRAVEL
from engine.planner.rules import Nearest, PlanError, match_action, plan_prompt

from .offline_cast import PHRASE, Cast

_OBJ = rf"(?P<obj>{PHRASE})"
_STRONG = re.compile(r"\s*(?:[;.!?]+|(?:,?\s*(?:and\s+)?\b(?:then|after that|afterwards|finally|next)\b,?))\s*",
                     re.I)
_SOFT = re.compile(r"\s*(,\s*and\b|,\s*while\b|,|\band\b|\bwhile\b|\bmeanwhile\b|\bas\b(?= (?:he|she|they|"
                   r"it|the|a|an|one|\w+ly)\b))\s*", re.I)
SUBJECT = re.compile(rf"^(?P<subj>(?:{PHRASE}|(?:he|she|they|one)\b)(?:\s+and\s+{PHRASE})*)\s+(?P<rest>\S.*)$",
                     re.I)
MEET = re.compile(rf"\b(?:meet|meets|met|meeting|greet|greets|greeting|run into|runs into|bump into|"
                  rf"bumps into)\b(?:\s+{_OBJ})?", re.I)
TOGETHER = re.compile(rf"\btogether\b|\bwith each other\b|\bas a (?:group|pair|couple)\b|\bwith {_OBJ}", re.I)
# interaction -> pattern; an object pronoun after the verb names the partner
INTERACTIONS: tuple[tuple[str, re.Pattern], ...] = (
    ("hand_over", re.compile(rf"\b(?:hands?|handed|handing|gives?|gave|giving|pass(?:es)?|passed|offers?)\s+"
                             rf"{_OBJ}\s+(?:a|an|the|some|his|her|their|its)\s+(?P<thing>[a-z]+)|"
                             rf"\b(?:hands?|gives?|pass(?:es)?)\s+(?:over\s+)?(?:a|an|the|his|her)\s+"
                             rf"(?P<thing2>[a-z]+)\s+(?:over\s+)?to\s+(?P<obj2>{PHRASE})", re.I)),
    ("handshake", re.compile(rf"\bshak\w*\s+(?:hands|(?:his|her|their|each other's)\s+hands?)"
                             rf"(?:\s+with\s+{_OBJ})?|\bhandshake\b", re.I)),
    ("high_five", re.compile(rf"\bhigh[- ]?fiv\w*(?:\s+{_OBJ})?|\bslap hands\b", re.I)),
    ("hug", re.compile(rf"\b(?:hug|hugs|hugged|hugging|embrace\w*|cuddle\w*)\b(?:\s+{_OBJ})?", re.I)),
    ("punch_blocked", re.compile(rf"\bblocks?\s+(?:(?P<obj>{PHRASE})'s\s+)?(?:the\s+|a\s+|(?P<pos>his|her)\s+)?"
                                 rf"(?:punch|kick|blow|jab|attack)", re.I)),
)
# relation -> pattern; tried in order, the first whose object is an actor wins
RELATIONS: tuple[tuple[str, re.Pattern], ...] = (
    ("follow", re.compile(rf"\b(?:follow\w*|chas(?:e|es|ed|ing)|tails?|(?:runs?|walks?|goes|jogs?|"
                          rf"hurries|races?|sprints?) after)\s+{_OBJ}", re.I)),
    ("away_from", re.compile(rf"\b(?:away from|flees?(?: from)?|escapes?(?: from)?|runs? from|retreats? "
                             rf"from)\s+{_OBJ}", re.I)),
    ("circle_around", re.compile(rf"\b(?:(?:a)?round|circles?|circling|orbits?)\s+{_OBJ}", re.I)),
    ("face", re.compile(rf"\b(?:faces?|facing|turns? (?:to face|to|toward|towards)|looks? at|stares? at|"
                        rf"glares? at)\s+{_OBJ}", re.I)),
    # acting on someone where they stand ("punches a woman", "bows to the king"): face them
    ("face", re.compile(rf"\b(?:punch(?:es|ed|ing)?|kicks?|kicked|kicking|push(?:es|ed|ing)?|pull(?:s|ed|ing)?|"
                        rf"hits?|hitting|slaps?|slapped|shoves?|shoved|tackles?|tackled|bows? to|nods? (?:to|at)|"
                        rf"points? at|waves? (?:to|at)|talks? to|shouts? at|cheers? (?:for|at))\s+{_OBJ}", re.I)),
    ("toward", re.compile(rf"\b(?:toward|towards|over to|up to|to|at|approach\w*|reach\w*|joins?)\s+{_OBJ}",
                          re.I)),
)
OVER = re.compile(r"\b(?:runs?|walks?|comes?|came|goes|went|hurries|jogs?|rushes|dashes|skips?|wanders?|"
                  r"strolls?|sprints?|heads?)\s+(?:\w+ly\s+)?over\b(?!\s+(?:to|the|a)\b)|\bapproach\w*\b", re.I)
AWAY = re.compile(r"\baway\b(?!\s+from)", re.I)
# Seconds of each interaction; the base action is what the body does while the builder poses the
# arms (contact interactions stand; a punch and a dance keep their own action).
INTERACTION_SECONDS = {"high_five": 1.5, "handshake": 2.0, "hug": 2.5, "hand_over": 2.0,
                       "punch_blocked": 2.0, "dance_together": 5.0}
INTERACTION_WORDS = {"high_five": "gives a high five", "handshake": "shakes hands", "hug": "hugs",
                     "hand_over": "hands over the {thing}", "punch_blocked": "throws a punch",
                     "dance_together": "dances together"}


@dataclass
class Part:
    """One actor's beat from one clause; ``target`` and ``inherit`` are actor indexes."""
    actor: int
    fields: dict                      # Beat fields other than start, duration and target
    duration: float
    target: int | None = None
    explicit: bool = False            # the prompt said how long or how far
    inherit: int | None = None        # no action of its own: travel like this actor ("follows him")
    mutual: bool = False              # "toward each other": the target comes toward this actor too


@dataclass
class Piece:
    text: str
    link: str                         # "then", "and" or "while"
    subjects: list[int]
    parts: list[Part] = field(default_factory=list)
    joint: bool = False               # an interaction: starts when all its actors are free
    meeting: tuple[int, int] | None = None


def split_pieces(text: str) -> list[tuple[str, str]]:
    """(clause, link) in order: strong breaks give "then", "while" gives "while", else "and".

    A clause with neither subject nor action ("happily") joins the one before; a clause that
    is only a subject ("a man" in "a man and a woman dance") joins the one after."""
    out: list[tuple[str, str]] = []
    for i, strong in enumerate(p for p in _STRONG.split(text) if p and p.strip()):
        parts = _SOFT.split(strong)
        link = "then" if i else "and"
        pending, pending_link = "", link
        for k in range(0, len(parts), 2):
            piece = parts[k].strip(" ,")
            sep = parts[k - 1].lower() if k else ""
            if not piece:
                continue
            this = "while" if "while" in sep or "meanwhile" in sep or sep == "as" else link if k == 0 else "and"
            if pending:
                piece, this, pending = f"{pending} and {piece}", pending_link, ""
            alone = SUBJECT.match(piece + " x")
            if alone and alone.group("rest") == "x" and k + 2 < len(parts):
                pending, pending_link = piece, this   # only a subject: it goes with the next clause
                continue
            has_subject = SUBJECT.match(piece) is not None
            if out and not has_subject and _reads_nothing(piece):
                out[-1] = (f"{out[-1][0]} and {piece}", out[-1][1])
                continue
            out.append((piece, this))
        if pending:
            out.append((pending, link))
    return out


def _reads_nothing(piece: str) -> bool:
    return (match_action(piece) is None and not MEET.search(piece) and not OVER.search(piece)
            and not any(p.search(piece) for _, p in INTERACTIONS)
            and not any(p.search(piece) for _, p in RELATIONS))


def read_subject(piece: str, cast: Cast, previous: list[int]) -> tuple[list[int], str]:
    """(actors the clause is about, the words from its verb on)."""
    m = SUBJECT.match(piece)
    if m and match_action(m.group("subj").split()[0]) is None:
        found: list[int] = []
        for phrase in re.split(r"\s+and\s+", m.group("subj")):
            found += [i for i in cast.resolve(phrase) if i not in found]
        if found:
            return found, m.group("rest")
    return (previous or cast.ensure_someone()), piece


EACH_OTHER = -1   # a target meaning "each other": every subject targets the next one


def _object(m: re.Match, cast: Cast, subjects: list[int]) -> list[int]:
    words = next((v for k, v in m.groupdict().items() if k.startswith("obj") and v), None)
    if words is None and m.groupdict().get("pos"):   # "blocks his punch": him
        words = {"his": "him"}.get(m.group("pos").lower(), m.group("pos"))
    if words is None:
        return []
    if re.fullmatch(r"each other|one another", words, re.I):
        return [EACH_OTHER] if len(subjects) >= 2 else []
    return [i for i in cast.resolve(words, exclude=subjects) if i not in subjects]


def _pairs(group: list[int]) -> list[tuple[int, int]]:
    """(actor, target) for a joint interaction: a pair face each other; a larger group follows
    its first member, who watches the second."""
    if len(group) == 2:
        return [(group[0], group[1]), (group[1], group[0])]
    return [(group[0], group[1])] + [(a, group[0]) for a in group[1:]]


def read_interaction(rest: str, subjects: list[int], cast: Cast, nearest: Nearest | None,
                     notes: list[str]) -> tuple[list[Part], bool]:
    """Parts for an interaction named in ``rest`` ([] if none) and whether it was read."""
    for name, pattern in INTERACTIONS:
        m = pattern.search(rest)
        if m is None:
            continue
        other = [i for i in _object(m, cast, subjects) if i != EACH_OTHER]
        group = subjects + [i for i in other if i not in subjects]
        if len(group) < 2:
            group = subjects + cast.partner(subjects)
        if len(group) < 2:
            notes.append(f"{rest[:40]!r} needs two actors; only one was found")
            return [], False
        words = INTERACTION_WORDS[name].format(thing=m.groupdict().get("thing") or m.groupdict().get("thing2") or "box")
        if name == "punch_blocked":   # "B blocks A's punch": the subject blocks, the other punches
            return ([Part(group[1], _fields("punch", "throws a punch", name), 2.0, group[0]),
                     Part(group[0], _fields("block", "blocks the punch", name), 2.0, group[1])], True)
        if name == "hand_over":
            thing = words.split()[-1]
            return ([Part(group[0], _fields("idle", words, name), 2.0, group[1]),
                     Part(group[1], _fields("idle", f"takes the {thing}", name), 2.0, group[0])], True)
        return [Part(a, _fields("idle", words, name), INTERACTION_SECONDS[name], t)
                for a, t in _pairs(group[:2] if len(subjects) < 2 else group)], True
    plan = _plan(rest, nearest, [])
    together = TOGETHER.search(rest)
    if plan and together and ACTION_INFO[plan[0].action].family == "dance":
        other = [i for i in _object(together, cast, subjects) if i != EACH_OTHER]
        group = subjects + [i for i in other if i not in subjects]
        if len(group) >= 2:
            seg = plan[0]
            return [Part(a, _fields(seg.action, seg.text, "dance_together", seg.style), seg.duration, t,
                         seg.explicit_duration) for a, t in _pairs(group)], True
    return [], False


def _fields(action: str | None, text: str, interaction: str | None = None, style: str | None = None,
            **more) -> dict:
    out = {"action": action, "text": text, "interaction": interaction, "style": style}
    out.update(more)
    return out


def _plan(text: str, nearest: Nearest | None, notes: list[str]):
    try:
        plan = plan_prompt(text, nearest=nearest)
    except PlanError as e:
        notes.append(str(e))
        return []
    notes.extend(plan.warnings)
    return plan.segments


def path_name(cue) -> str | None:
    """The script's path name for a planner PathCue (None: no path)."""
    if cue is None:
        return None
    if cue.shape != "straight":
        return cue.shape
    return {"toward": "toward_camera", "away": "away", "left": "left", "right": "right"}.get(cue.direction or "",
                                                                                            "straight")


def read_relation(rest: str, subjects: list[int], cast: Cast) -> tuple[str | None, int | None]:
    """(relation, target actor) named in ``rest``, or (None, None)."""
    for name, pattern in RELATIONS:
        for m in pattern.finditer(rest):
            other = _object(m, cast, subjects)
            if other:
                return name, other[0]
    if OVER.search(rest):
        partner = cast.partner(subjects)
        if partner:
            return "toward", partner[0]
    return None, None


def read_actions(rest: str, subjects: list[int], cast: Cast, nearest: Nearest | None, notes: list[str],
                 after: Part | None) -> list[Part]:
    """Parts for a clause that is no interaction: the planner's segments, the first travel one
    (or the first) carrying the relation to another actor."""
    relation, target = read_relation(rest, subjects, cast)
    if relation is None and after is not None and after.fields.get("interaction") and AWAY.search(rest):
        relation, target = "away_from", after.target   # "hands him a box and walks away": from him
    own: list[str] = []
    segments = _plan(rest, nearest, own)
    understood = [s for s in segments if s.matched_by != "default"]
    if relation is not None and not understood:
        own = [n for n in own if not n.startswith("did not understand")]   # the relation was understood
    notes.extend(own)
    parts: list[Part] = []
    for k, a in enumerate(subjects):
        carried = False
        for seg in (understood or segments[:1]):
            f = _fields(seg.action, seg.text, None, seg.style, path=path_name(seg.path),
                        expression=seg.expression, speech=seg.speech)
            part = Part(a, f, seg.duration, None, seg.explicit_duration)
            if relation is not None and not carried and (seg.action in TRAVEL or seg is segments[-1]
                                                         or not understood):
                carried = True
                part.target = subjects[(k + 1) % len(subjects)] if target == EACH_OTHER else target
                part.mutual = target == EACH_OTHER
                travels = seg.action in TRAVEL or not understood
                f["relation"] = relation if travels or relation == "face" else "face"
                if not understood:   # "follows him": move the way the target moves
                    if relation in ("follow", "toward", "circle_around"):
                        f["action"], part.inherit = None, part.target
                    else:
                        f["action"] = "run" if relation == "away_from" else "idle"
                if relation == "circle_around":
                    f["path"] = "circle"
                elif f.get("path") in ("straight", "away", "toward_camera", "left", "right"):
                    f["path"] = None   # the relation says where to go; "away" now means from the target
            parts.append(part)
    return parts


def read_piece(text: str, link: str, cast: Cast, previous: list[int], nearest: Nearest | None,
               notes: list[str], last_parts: dict[int, Part]) -> Piece:
    """One clause, read."""
    subjects, rest = read_subject(text, cast, previous)
    piece = Piece(text, link, subjects)
    m = MEET.search(rest)
    if m and match_action(rest) is None:
        other = _object(m, cast, subjects) if m.group("obj") else []
        group = subjects + [i for i in other if i not in subjects]
        if len(group) < 2:
            group += cast.partner(group)
        if len(group) >= 2:
            piece.meeting = (group[0], group[1])
            return piece
    parts, joint = read_interaction(rest, subjects, cast, nearest, notes)
    if joint:
        piece.parts, piece.joint = parts, True
        return piece
    piece.parts = read_actions(rest, subjects, cast, nearest, notes, last_parts.get(subjects[0]))
    return piece
