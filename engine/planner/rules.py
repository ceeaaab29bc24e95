"""The offline rule planner: prompt -> timed segments (action, text, duration, cues).

It splits the prompt into clauses, finds each clause's action by keyword rules (the earliest
match in the clause wins), reads durations, repetitions, speed, expression and speech cues, and
hands clauses with no rule to an embedding-nearest matcher when one is given. It never raises on
odd input except for a prompt with nothing in it (PlanError).
"""
from __future__ import annotations

import re
from typing import Callable

from ..actions import ACTION_INDEX, ACTION_INFO, ACTIONS
from ..defaults import MAX_CLIP_SECONDS
from .lexicon import (ACTION_RULES, DANCE_STYLES, DEFAULT_DANCE, EMOJI_ACTIONS, EXPRESSION_CUES, GENERIC_VERBS,
                      NUMBER_WORDS, SPEECH_CUES, SPEED_CUES)
from .plan import Plan, PlanSegment
from .wording import model_text

MAX_PROMPT_CHARS = 2000
MAX_SEGMENTS = 16
MIN_SEGMENT_S, MAX_TOTAL_S = 0.5, MAX_CLIP_SECONDS
DEFAULT_SECONDS = {"locomotion": 4.0, "jump": 2.0, "level": 2.5, "gesture": 2.5, "combat": 2.0,
                   "dance": 5.0, "acrobatics": 2.5}
REPEAT_SECONDS = {"gesture": 0.8, "combat": 1.0, "jump": 1.1, "dance": 1.5}

# Matcher for clauses no rule understands: text -> (action, similarity) or None. One that also
# has ``similarities(clause) -> (A,) scores`` (NearestAction) checks the rules' choice too.
Nearest = Callable[[str], "tuple[str, float] | None"]
# The meaning match overrules the rules when its best action scores this much higher than the
# rules' choice (measured on descriptions written apart from the rules: 0.05-0.15 all help,
# never overruling is 1-2 points worse, always trusting the meaning match 3-5 points worse).
OVERRULE_MARGIN = 0.1


class PlanError(ValueError):
    """The prompt cannot be planned at all (e.g. it is empty)."""


_STRONG_SPLIT = re.compile(
    r"\s*(?:[.;!?\n]+|,?\s*\b(?:and then|then|after that|afterwards|after this|next|finally|"
    r"and finally|later|followed by|before)\b,?)\s*", re.I)
_SOFT_SPLIT = re.compile(r"\s*(?:,\s*and\b|,|\band\b)\s*", re.I)
_LEADING_SUBJECT = re.compile(
    r"^(?:(?:a|an|the|this|that|my|our|some|one)\s+(?:\w+\s+)?(?:man|woman|person|guy|girl|boy|"
    r"kid|child|figure|character|dancer|athlete|player|runner|someone|soldier|lady|gentleman|"
    r"stick figure|robot|actor)\b|he|she|they|it|someone|somebody|i|we|you)\s*", re.I)
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + ")"
_DURATION = re.compile(r"\bfor\s+(?:about\s+|around\s+)?" + _NUM +
                       r"\s*(seconds?|secs?|s|minutes?|mins?)\b", re.I)
_REPEATS = re.compile(r"\b(once|twice|thrice|" + _NUM + r"\s+times)\b", re.I)


def _number(word: str) -> float:
    word = word.lower()
    return float(word) if word[0].isdigit() else float(NUMBER_WORDS.get(word, 1))


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


def match_candidates(clause: str) -> list[str]:
    """Every action some rule finds in ``clause``, earliest match first (ties: the more
    specific rule). A match inside a longer match of another rule is dropped ("long jump" is not
    also "jump"), and a generic verb gives way to a specific action in the same clause ("runs at
    full speed" is a sprint, "walks on tiptoe" a tiptoe)."""
    text = strip_subject(clause)
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
    if "dance" in ranked:
        styles = [a for a in ranked if a in DANCE_STYLES]
        ranked = [a for a in ranked if a != "dance" and a not in styles]
        ranked.insert(0, styles[0] if styles else DEFAULT_DANCE)
    if not ranked:
        ranked = [action for ch, action in EMOJI_ACTIONS.items() if ch in clause][:1]
    return ranked


def strip_subject(clause: str) -> str:
    """``clause`` without a leading subject ("a tall man walks" -> "walks")."""
    return _LEADING_SUBJECT.sub("", clause.strip())


def match_action(clause: str) -> str | None:
    """The action of the earliest rule match in ``clause`` (ties: the more specific rule)."""
    ranked = match_candidates(clause)
    return ranked[0] if ranked else None


def _cue(clause: str, cues) -> object | None:
    for pattern, value in cues:
        if pattern.search(clause):
            return value
    return None


def _repeats(clause: str) -> int | None:
    m = _REPEATS.search(clause)
    if not m:
        return None
    word = m.group(1).lower()
    n = {"once": 1, "twice": 2, "thrice": 3}.get(word)
    return int(n if n is not None else _number(m.group(2)))


def _duration(clause: str) -> float | None:
    m = _DURATION.search(clause)
    if not m:
        return None
    value = _number(m.group(1))
    return value * (60.0 if m.group(2).lower().startswith("m") else 1.0)


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
    clauses = split_clauses(text)
    if len(clauses) > MAX_SEGMENTS:
        warnings.append(f"the prompt describes {len(clauses)} actions; only the first "
                        f"{MAX_SEGMENTS} were used")
        clauses = clauses[:MAX_SEGMENTS]
    if hasattr(nearest, "prepare"):
        # the generator's caption and, where the rules' choice stands, its segment texts too
        guesses = [(match_action(c), c) for c in clauses]
        nearest.prepare(clauses, [prompt] + [model_text(a, c) for a, c in guesses if a])
    segments = [_segment(c, nearest, warnings) for c in clauses]
    segments = [s for s in segments if s is not None]
    if not segments:
        warnings.append(f"could not find an action in {prompt[:60]!r}; showing the figure idle")
        segments = [PlanSegment("idle", text[:200] or "stands still", 3.0, matched_by="default")]
    _fit_durations(segments, seconds, warnings)
    return Plan(prompt, segments, warnings)


def _segment(clause: str, nearest: Nearest | None, warnings: list[str]) -> PlanSegment | None:
    candidates = match_candidates(clause)
    action, how = (candidates[0] if candidates else None), "rule"
    if (action is not None and hasattr(nearest, "similarities")
            and getattr(nearest, "known_action", lambda c: None)(clause) != action):
        action, how = _check_rules(candidates, nearest.similarities(clause))
    elif action is None:
        if not re.search(r"\w", clause):
            return None
        found = nearest(clause) if nearest is not None else None
        if found is None:
            warnings.append(f"no action understood in {clause[:60]!r}; skipped")
            return None
        action, score = found
        how = "embedding"
        if score < 0.3:
            warnings.append(f"{clause[:60]!r} is unclear; guessed '{action}' "
                            f"(similarity {score:.2f})")
    info = ACTION_INFO[action]
    speed = _cue(clause, SPEED_CUES) or 1.0
    repeats = _repeats(clause)
    duration = _duration(clause)
    explicit = duration is not None
    if duration is None:
        duration = DEFAULT_SECONDS[info.family]
        if repeats:
            duration = max(duration * 0.6, repeats * REPEAT_SECONDS.get(info.family, 1.0))
        duration /= max(0.5, min(float(speed), 1.5)) ** 0.5
    return PlanSegment(action, clause, float(duration), _cue(clause, EXPRESSION_CUES),
                       _cue(clause, SPEECH_CUES), float(speed), repeats, explicit, how)


def _check_rules(candidates: list[str], sims) -> tuple[str, str]:
    """(action, how) from the rules' candidates and the meaning match's (A,) scores: the rules'
    first choice, unless the meaning match clearly prefers another action; then the rules'
    candidate it scores best if that is close, else its own best."""
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
