"""The offline rule planner: prompt -> timed segments (action, text, duration, cues).

It splits the prompt into clauses, finds each clause's action by keyword rules read from the
verb on (the earliest match after the subject wins: "a dancer walks" is a walk; paths and
manner phrases are not read as actions), reads durations, repetitions, speed, expression and
speech cues, the path (engine.planner.paths), the style and intensity (engine.planner.styles),
and hands clauses with no rule to an embedding-nearest matcher when one is given. What it cannot
read it says in ``Plan.warnings`` and the figure idles (engine.planner.understood): gibberish
and other languages are never guessed. It never raises on odd input except for a prompt with
nothing in it (PlanError).
"""
from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..actions import ACTION_INDEX, ACTION_INFO, ACTIONS
from ..defaults import MAX_CLIP_SECONDS
from .lexicon import (ACTION_RULES, APPROXIMATIONS, DANCE_STYLES, DEFAULT_DANCE, EMOJI_ACTIONS, EXPRESSION_CUES, GENERIC_VERBS,
                      NUMBER_WORDS, SPEECH_CUES, SPEED_CUES)
from .paths import TRAVEL, hide_paths, is_return_only, is_stop_only, number, path_default_seconds, path_seconds, read_path
from .posture import fix_postures
from .plan import PathCue, Plan, PlanSegment
from .styles import hide_manner, read_intensity, read_style
from .understood import blank_unknown, content_words, language_problem, mostly_unknown, unknown_words
from .verbs import split_subject
from .wording import model_text

if TYPE_CHECKING:
    import numpy as np

MAX_PROMPT_CHARS = 2000
MAX_SEGMENTS = 16
MIN_SEGMENT_S, MAX_TOTAL_S = 0.5, MAX_CLIP_SECONDS
DEFAULT_SECONDS = {"locomotion": 4.0, "jump": 2.0, "level": 2.5, "gesture": 2.5, "combat": 2.0,
                   "dance": 5.0, "acrobatics": 2.5}
REPEAT_SECONDS = {"gesture": 0.8, "combat": 1.0, "jump": 1.1, "dance": 1.5}



class Nearest(Protocol):
    """A matcher for clauses no rule understands: clause -> (action, similarity) or None."""

    def __call__(self, clause: str) -> "tuple[str, float] | None": ...


@runtime_checkable
class MeaningMatch(Nearest, Protocol):
    """A matcher that also checks the rules' choice (``NearestAction``): it scores a clause
    against every action, knows the actions of its bank's own phrasings (those need no check)
    and encodes a prompt's texts in one batch before they are asked for."""

    def similarities(self, clause: str) -> "np.ndarray": ...   # (A,) scores, ACTIONS order

    def known_action(self, clause: str) -> str | None: ...

    def prepare(self, clauses: list[str], extra: list[str] = ()) -> None: ...


# The meaning match overrules the rules when its best action scores this much higher than the
# rules' choice (measured on descriptions written apart from the rules: 0.05-0.15 all help,
# never overruling is 1-2 points worse, always trusting the meaning match 3-5 points worse).
OVERRULE_MARGIN = 0.1


class PlanError(ValueError):
    """The prompt cannot be planned at all (e.g. it is empty)."""


_STRONG_SPLIT = re.compile(
    r"\s*(?:[.;!?\n]+|,?\s*\b(?:and then|then|after that|afterwards|after this|next|finally|"
    r"and finally|later|followed by|before(?!\s+(?:the|a|an|his|her|their|its|my|our|your)\s+\w+"
    r"\s*(?:$|[.,;!?])))\b,?)\s*", re.I)   # "kneels before the king" is one clause
_SOFT_SPLIT = re.compile(r"\s*(?:,\s*and\b|,|\band\b)\s*", re.I)
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + ")"
_DURATION = re.compile(r"\bfor\s+(?:about\s+|around\s+)?" + _NUM +
                       r"\s*(seconds?|secs?|s|minutes?|mins?)\b", re.I)
_REPEATS = re.compile(r"\b(once|twice|thrice|" + _NUM + r"\s+times)\b", re.I)


MAX_REPEATS = 50
# A meaning match may name an action for a clause of mostly unknown words only when this sure
# (gibberish scores 0.3-0.55 with the default encoder; it idles instead).
GUESS_FLOOR = 0.7


def split_clauses(prompt: str) -> list[str]:
    """Clauses in order: strong separators (then, '.', ';') first, then 'and'/',' pieces that
    each carry an action of their own. A piece with no action joins its neighbour: the one
    before it ("walks slowly and happily"), or, at the start, the one after it ("bends down and
    picks up a box"); so does a piece with the same action as the one before it."""
    out: list[str] = []
    for strong in _STRONG_SPLIT.split(prompt):
        pieces = [p for p in _SOFT_SPLIT.split(strong) if p and p.strip()]
        merged: list[str] = []
        lead, last = "", None            # last: the action of merged[-1]
        for p in pieces:
            action = match_action(p)
            if merged and action in (None, last):
                merged[-1] += " and " + p  # "stands and waits": one idle, not two
            elif action is None:
                lead = f"{lead} and {p}" if lead else p
            else:
                merged.append(f"{lead} and {p}" if lead else p)
                lead, last = "", action
        if lead:
            merged.append(lead)
        out.extend(m.strip() for m in merged if m.strip())
    return out


def _rank(text: str) -> list[str]:
    """Every action some rule finds in ``text``, earliest match first (ties: the more specific
    rule), a match inside a longer match of another rule dropped, generic verbs last."""
    return list(_ranked(text))


@functools.lru_cache(maxsize=4096)
def _ranked(text: str) -> tuple[str, ...]:
    spans: dict[str, tuple[int, int, int]] = {}
    for order, (pattern, action) in enumerate(ACTION_RULES):
        m = pattern.search(text)
        if m and action not in spans:
            spans[action] = (m.start(), m.end(), order)

    def inside(a: str) -> bool:
        s0, e0, o0 = spans[a]
        return any(b != a and s1 <= s0 and e0 <= e1 and (e1 - s1 > e0 - s0 or o1 < o0)
                   for b, (s1, e1, o1) in spans.items())

    ranked = sorted((a for a in spans if not inside(a)), key=lambda a: (spans[a][0], spans[a][2]))
    for generic, specifics in GENERIC_VERBS.items():
        if generic in ranked and any(specifics == "*" or a in specifics
                                     for a in ranked if a != generic):
            ranked.remove(generic)
            ranked.append(generic)
    return tuple(ranked)


def _specialises(action: str, generic: str) -> bool:
    """Whether ``action`` is a kind of ``generic`` in the same family ("runs lightly" is a jog,
    "walks sneakily" a tiptoe), not another action a manner word happens to name."""
    if action not in ACTION_INFO or generic not in ACTION_INFO:
        return action in DANCE_STYLES and generic == "dance"
    specifics = GENERIC_VERBS.get(generic, ())
    return (ACTION_INFO[action].family == ACTION_INFO[generic].family
            and (specifics == "*" or action in specifics))


def match_candidates(clause: str) -> list[str]:
    """Every action some rule finds in ``clause`` after its subject, earliest match first (ties:
    the more specific rule). A match inside a longer match of another rule is dropped ("long
    jump" is not also "jump"), and a generic verb gives way to a specific action in the same
    clause ("runs at full speed" is a sprint, "walks on tiptoe" a tiptoe). Nouns naming the actor
    ("a dancer walks") are not read, and neither are path phrases ("walks in a circle
    clockwise") nor manner phrases ("walks gracefully", "like a penguin") unless the clause
    has no other action or they make the verb more specific ("runs lightly" is a jog)."""
    text = blank_unknown(strip_subject(clause))
    full = _rank(text)
    ranked = _rank(hide_paths(text))
    if ranked and ranked[0] in TRAVEL:   # a path phrase can only be a travelling one's
        text = hide_paths(text)
    else:
        ranked = full
    plain = _rank(hide_manner(text))
    if plain and ranked and plain[0] != ranked[0] and not _specialises(ranked[0], plain[0]):
        ranked = plain
    if "dance" in ranked:
        # the kind of dance may come from anywhere, the actor too ("a ballerina dancing")
        styles = [a for a in ranked + full + _rank(clause) if a in DANCE_STYLES]
        ranked = [a for a in ranked if a != "dance" and a not in styles]
        ranked.insert(0, styles[0] if styles else DEFAULT_DANCE)
    if not ranked:
        ranked = [action for ch, action in EMOJI_ACTIONS.items() if ch in clause][:1]
    return ranked


def verb_action(clause: str) -> str | None:
    """The action a rule reads in the clause's verb itself (the first word after the subject
    and any adverbs), else None: "a dancer walks to the door" -> walk."""
    text = hide_paths(strip_subject(clause)).lstrip()
    word = re.match(r"(?:(?:\w+ly|then|and|also|now|just|suddenly)\s+)*(\S+)", text, re.I)
    if not word:
        return None
    ranked = _rank(text[word.start(1):])
    first = _rank(word.group(1))
    return ranked[0] if ranked and first and first[0] == ranked[0] else None


def strip_subject(clause: str) -> str:
    """``clause`` without a leading subject ("a tall man walks" -> "walks")."""
    return split_subject(clause)[1]


def match_action(clause: str) -> str | None:
    """The action of the earliest rule match in ``clause`` (ties: the more specific rule)."""
    ranked = match_candidates(clause)
    return ranked[0] if ranked else None


def _cue(clause: str, cues) -> object | None:
    for pattern, value in cues:
        if pattern.search(clause):
            return value
    return None


def _repeats(clause: str, warnings: list[str]) -> int | None:
    m = _REPEATS.search(clause)
    if not m:
        return None
    word = m.group(1).lower()
    n = {"once": 1, "twice": 2, "thrice": 3}.get(word)
    return int(n if n is not None else max(1, number(m.group(2), warnings, MAX_REPEATS)))


def _duration(clause: str, warnings: list[str]) -> float | None:
    m = _DURATION.search(clause)
    if not m:
        return None
    value = number(m.group(1), warnings, MAX_TOTAL_S)
    return value * (60.0 if m.group(2).lower().startswith("m") else 1.0)


_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF]")


def plan_prompt(prompt: str, seconds: float | None = None, nearest: Nearest | None = None) -> Plan:
    """Plan ``prompt``. ``seconds`` (if given) is the total length to fill; ``nearest`` maps
    clauses no rule understands to an action by embedding similarity."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise PlanError("the prompt is empty: describe a motion, e.g. 'a man walks and waves'")
    if seconds is not None and not (seconds > 0):
        raise PlanError(f"duration must be positive, got {seconds}")
    warnings: list[str] = []
    text = " ".join(prompt.split())
    if len(text) > MAX_PROMPT_CHARS:
        warnings.append(f"the prompt is {len(text)} characters; only the first "
                        f"{MAX_PROMPT_CHARS} were used")
        text = text[:MAX_PROMPT_CHARS]
    problem = language_problem(text)
    clauses = split_clauses(text)
    if len(clauses) > MAX_SEGMENTS:
        warnings.append(f"the prompt describes {len(clauses)} actions; only the first "
                        f"{MAX_SEGMENTS} were used")
        clauses = clauses[:MAX_SEGMENTS]
    actor = split_subject(clauses[0])[0] if clauses else ""
    if isinstance(nearest, MeaningMatch) and problem is None:
        # the generator's caption and, where the rules' choice stands, its segment texts too
        guesses = [(match_action(c), c) for c in clauses]
        nearest.prepare(clauses, [prompt] + [
            model_text(a, c, read_style(c, split_subject(c)[0] or actor)) for a, c in guesses if a])
    segments: list[PlanSegment] = []
    seg_clauses: list[str] = []
    for clause in clauses:
        if is_stop_only(clause):
            # "then stops": the travel before comes to rest (any other action simply ends);
            # not an action of its own. Said first, it is standing still.
            if not segments:
                segments.append(PlanSegment("idle", clause, DEFAULT_SECONDS["locomotion"] / 2))
            elif segments[-1].action in TRAVEL:
                segments[-1].path = segments[-1].path or PathCue()
                segments[-1].path.stops = True
            continue
        if is_return_only(clause) and segments and segments[-1].action in TRAVEL:
            # "..., then comes back": the travel before goes there and back
            segments[-1].path = segments[-1].path or PathCue()
            segments[-1].path.shape = "there_and_back"
            segments[-1].text += " and " + clause
            continue
        seg = _segment(clause, nearest, warnings, actor, problem is not None)
        if seg is not None:
            segments.append(seg)
            seg_clauses.append(clause)
    segments = fix_postures(segments, seg_clauses)
    understood = any(s.matched_by != "default" for s in segments)
    emoji = _EMOJI.findall(text)
    if problem and understood and problem.endswith("emoji or symbols)"):
        warnings.insert(0, "the prompt is emoji, not words; read as "
                        + ", ".join(s.action.replace("_", " ") for s in segments))
    elif problem:
        warnings.insert(0, f"{problem}; the planner reads English only, so "
                        + ("only its English words were used" if understood else "the figure idles"))
    elif emoji:
        warnings.append(f"the emoji {''.join(emoji)[:12]} in the prompt were not read")
    if not segments:
        if not problem:
            warnings.append(f"did not understand {text[:60]!r}; the figure idles")
        segments = [PlanSegment("idle", text[:200] or "stands still", 3.0, matched_by="default")]
    _fit_durations(segments, seconds, warnings)
    return Plan(prompt, segments, warnings)


def _segment(clause: str, nearest: Nearest | None, warnings: list[str], actor: str = "",
             foreign: bool = False) -> PlanSegment | None:
    candidates = match_candidates(clause)
    action, how = (candidates[0] if candidates else None), "rule"
    if action is not None:
        if isinstance(nearest, MeaningMatch) and nearest.known_action(clause) != action:
            # the verb itself names the action, and no simile ("like a crab") redefines it
            anchored = (verb_action(clause) == action
                        and not re.search(r"\blike an? \w+", hide_manner(clause), re.I))
            action, how = _check_rules(candidates, nearest.similarities(clause), anchored)
        warnings.extend(note for p, near, note in APPROXIMATIONS
                        if action == near and p.search(clause))
        unknown = unknown_words(strip_subject(clause))   # who acts need not be understood
        if unknown and not foreign:
            warnings.append(f"did not understand {' '.join(unknown)[:60]!r} in {clause[:60]!r}")
    else:
        if foreign or not re.search(r"[^\W_]", clause) or not content_words(clause):
            return None
        unknown = mostly_unknown(clause)
        found = nearest(clause) if nearest is not None else None
        said = (" ".join(unknown) if unknown else strip_subject(clause) or clause)[:60]
        if unknown and found is not None and found[1] >= GUESS_FLOOR:
            action, how = found[0], "embedding"
            warnings.append(f"did not understand {said!r}; guessed '{action}'")
        elif unknown or found is None:
            warnings.append(f"did not understand {said!r}; the figure idles")
            action, how = "idle", "default"
        else:
            action, score = found
            how = "embedding"
            if score < 0.3:
                warnings.append(f"{clause[:60]!r} is unclear; guessed '{action}' "
                                f"(similarity {score:.2f})")
    style = read_style(clause, split_subject(clause)[0] or actor)
    if style == "zombie" and action == "stumble":
        action = "walk"       # a zombie's lurch is its walk
    info = ACTION_INFO[action]
    speed = _cue(clause, SPEED_CUES) or 1.0
    repeats = _repeats(clause, warnings)
    path = read_path(clause, action, warnings)
    duration = _duration(clause, warnings)
    if duration is None:
        duration = path_seconds(path, action, speed)
    explicit = duration is not None
    if duration is None:
        duration = path_default_seconds(path) or DEFAULT_SECONDS[info.family]
        if repeats:
            duration = max(duration * 0.6, repeats * REPEAT_SECONDS.get(info.family, 1.0))
        duration /= max(0.5, min(float(speed), 1.5)) ** 0.5
    return PlanSegment(action, clause, float(duration), _cue(clause, EXPRESSION_CUES),
                       _cue(clause, SPEECH_CUES), float(speed), repeats, explicit, how,
                       style=style, intensity=read_intensity(clause), path=path)


def _check_rules(candidates: list[str], sims, anchored: bool = False) -> tuple[str, str]:
    """(action, how) from the rules' candidates and the meaning match's (A,) scores: the rules'
    first choice, unless the meaning match clearly prefers another action; then the rules'
    candidate it scores best if that is close, else its own best. When the clause's verb itself
    names the rules' choice (``anchored``), the meaning match may not replace it with an action
    no rule found: "a dancer walks to the door" is a walk, however door-like the sentence."""
    def score(action: str) -> float:
        # Sentence embeddings barely tell left from right: an action and its mirror share a score.
        mirror = ACTION_INFO[action].mirror
        return float(max(sims[ACTION_INDEX[action]], sims[ACTION_INDEX[mirror]] if mirror else -1))

    best = int(sims.argmax())
    if sims[best] - score(candidates[0]) <= OVERRULE_MARGIN:
        return candidates[0], "rule"
    alt = max(candidates, key=score)
    if sims[best] - score(alt) <= OVERRULE_MARGIN:
        return alt, "rule"
    if anchored:
        return candidates[0], "rule"
    return ACTIONS[best], "embedding"


def _fit_durations(segments: list[PlanSegment], seconds: float | None,
                   warnings: list[str]) -> None:
    """Scale free segments to fill ``seconds``; keep every segment >= MIN_SEGMENT_S and the
    total <= MAX_TOTAL_S."""
    for s in segments:
        if s.duration <= 0:
            warnings.append(f"duration {s.duration:g} s is not positive; used {MIN_SEGMENT_S} s")
        s.duration = max(MIN_SEGMENT_S, s.duration)
    if seconds is not None:
        if seconds > MAX_TOTAL_S:
            warnings.append(f"{seconds:g} s is too long; limited to {MAX_TOTAL_S:g} s")
            seconds = MAX_TOTAL_S
        seconds = max(seconds, MIN_SEGMENT_S * len(segments))
        fixed = sum(s.duration for s in segments if s.explicit_duration)
        free = [s for s in segments if not s.explicit_duration]
        if free and fixed < seconds - MIN_SEGMENT_S * len(free):
            scale = (seconds - fixed) / sum(s.duration for s in free)
            for s in free:
                s.duration *= scale
        else:
            scale = seconds / sum(s.duration for s in segments)
            for s in segments:
                s.duration *= scale
    total = sum(s.duration for s in segments)
    if total > MAX_TOTAL_S:
        warnings.append(f"the plan lasts {total:.0f} s; shortened to {MAX_TOTAL_S:g} s")
        for s in segments:
            s.duration *= MAX_TOTAL_S / total
    for s in segments:
        s.duration = max(MIN_SEGMENT_S, s.duration)
