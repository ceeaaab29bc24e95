"""Posture sense across a plan's segments: getting up means the way back from where the body
is, and a clause that only says where the body starts ("lying on the floor, she gets up") is a
starting posture, not an action of its own."""
from __future__ import annotations

import re

from .plan import PlanSegment

# what "gets up" / "stands (up) again" means after each lowering action
_UP_FROM = {"sit_down": "stand_up", "crouch": "stand_up", "kneel": "stand_up",
            "lie_down": "get_up", "fall_down": "get_up", "crawl": "get_up"}
_UP = frozenset({"stand_up", "get_up"})
# "lying on the floor, ..." / "sitting in a chair, ..." / "on her knees, ...": a start posture
START_STATE = re.compile(
    r"^\s*(?:(?:while|still)\s+)?(?:lying|laying|sitting|seated|kneeling|crouching|squatting|"
    r"on (?:his|her|their|its|the) (?:back|front|belly|stomach|knees))\b", re.I)
# "gets down on all fours and crawls": the body goes down before it crawls
GETS_DOWN = re.compile(r"\b(?:gets?|got|getting|drops?|dropp(?:ed|ing)|goes|go|went|going)\s+"
                       r"down\b|\bdrops? to\b", re.I)
GET_DOWN_S = 1.2
STANDS_AGAIN = re.compile(r"\bstands?\b(?:\s+\w+)?\s+(?:again|back up|up again|back)\b|"
                          r"\bgets? back on (?:his|her|their|its) feet\b", re.I)


def fix_postures(segments: list[PlanSegment], clauses: list[str]) -> list[PlanSegment]:
    """Segments with getting-up actions matched to the posture before them and leading
    start-posture clauses dropped (the generator then starts the body low)."""
    out: list[PlanSegment] = []
    for i, seg in enumerate(segments):
        clause = clauses[i] if i < len(clauses) else seg.text
        nxt = segments[i + 1] if i + 1 < len(segments) else None
        if (not out and nxt is not None and nxt.action in _UP
                and START_STATE.match(clause)):
            continue            # "lying on the floor, she gets up": she starts lying
        if seg.action == "crawl" and (not out or out[-1].action not in _UP_FROM) \
                and GETS_DOWN.search(clause):
            down = min(GET_DOWN_S, seg.duration / 2) if seg.explicit_duration else GET_DOWN_S
            out.append(PlanSegment("kneel", "gets down on hands and knees", down,
                                   matched_by=seg.matched_by))
            if seg.explicit_duration:       # the time asked for covers getting down too
                seg.duration -= down
        if out and out[-1].action in _UP_FROM:
            if seg.action in _UP or (seg.action == "idle" and STANDS_AGAIN.search(seg.text)):
                seg.action = _UP_FROM[out[-1].action]
        out.append(seg)
    return out
