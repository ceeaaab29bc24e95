"""Which resting posture each action starts and ends in, so that actions can follow each other
plausibly: stand_up after sitting down the same way, get_up or crawl after lying down, no walking
while lying. Every action not named here (gaits, gestures, combat, dance) starts and ends
standing near the idle stance.
"""
from __future__ import annotations

from dataclasses import replace

from .base import ActionParams

STANDING = "standing"
GAITS = frozenset({"walk", "jog", "run", "sprint", "walk_backward", "sidestep", "tiptoe",
                   "march", "limp"})
TURNS = frozenset({"turn_left", "turn_right", "turn_around"})
# actions that leave the body somewhere nothing else can start from (up a ladder): last only
TERMINAL = frozenset({"climb"})

# what a variant of a posture-changing action leaves the body in
_ENDS = {
    ("crouch", None): "crouched",
    ("sit_down", "chair"): "sitting_chair", ("sit_down", "floor"): "sitting_floor",
    ("kneel", None): "kneeling",
    ("lie_down", "back"): "lying_back", ("lie_down", "front"): "lying_front",
    ("fall_down", "back"): "lying_back", ("fall_down", "front"): "lying_front",
    ("crawl", None): "all_fours",
}
# actions that start from a posture other than standing, by the variant that says which
_STARTS = {
    ("stand_up", "chair"): "sitting_chair", ("stand_up", "floor"): "sitting_floor",
    ("stand_up", "crouch"): "crouched", ("stand_up", "kneel"): "kneeling",
    ("get_up", "back"): "lying_back", ("get_up", "front"): "lying_front",
    ("get_up", "all_fours"): "all_fours",
    ("crawl", None): "all_fours",
}
# the variant of each getting-up action that starts from a posture
_LEAVE = {"sitting_chair": ("stand_up", "chair"), "sitting_floor": ("stand_up", "floor"),
          "crouched": ("stand_up", "crouch"), "kneeling": ("stand_up", "kneel"),
          "lying_back": ("get_up", "back"), "lying_front": ("get_up", "front"),
          "all_fours": ("get_up", "all_fours")}
# what may follow a resting posture (besides getting up)
_ALSO = {"lying_front": ("crawl",), "all_fours": ("crawl",)}


def end_posture(name: str, p: ActionParams) -> str:
    """The posture a finished action leaves the body in (p is the clip's recorded params)."""
    return _ENDS.get((name, p.variant), _ENDS.get((name, None), STANDING))


def start_posture(name: str, p: ActionParams) -> str:
    return _STARTS.get((name, p.variant), _STARTS.get((name, None), STANDING))


def can_follow(posture: str, name: str) -> bool:
    """Whether ``name`` can start from ``posture`` (choosing its variant to fit)."""
    if posture == STANDING:
        return name not in ("stand_up", "get_up", "crawl")
    return name == _LEAVE[posture][0] or name in _ALSO.get(posture, ())


# typical pelvis speeds (m/s): a blend can hand one gait over to another mid-stride only when
# they are not too far apart; a sprint turns into a walk by slowing to a stop first
PACE = {"walk": 1.35, "jog": 2.6, "run": 4.0, "sprint": 6.5, "walk_backward": 0.8,
        "sidestep": 0.5, "tiptoe": 0.5, "march": 1.3, "limp": 0.8, "stumble": 1.25,
        "turn_left": 1.1, "turn_right": 1.1, "turn_around": 1.1}
MAX_HANDOVER = 2.5


def moving(name: str | None, p: ActionParams | None) -> bool:
    """Whether an action ends (or, for the next one, starts) in mid-stride."""
    if name in GAITS or name == "stumble":
        return p is None or "stop" not in p.variant
    return name in TURNS and (p is None or p.variant == "walking")


def hand_over(a: str | None, b: str | None) -> bool:
    """Whether gait a can blend into gait b without stopping."""
    return a in PACE and b in PACE and abs(PACE[a] - PACE[b]) <= MAX_HANDOVER


def fit_variant(posture: str, prev_name: str | None, prev_p: ActionParams | None, name: str,
                p: ActionParams, next_name: str | None) -> ActionParams:
    """Params for ``name`` that continue from ``posture`` and lead into ``next_name``: the
    matching stand_up/get_up variant, a face-down lie before a crawl, gait starts and stops
    only where the neighbour is not itself under way at a similar pace, turns taken walking
    between gaits."""
    if posture in _LEAVE and _LEAVE[posture][0] == name:
        return replace(p, variant=_LEAVE[posture][1])
    if name in ("lie_down", "fall_down") and not p.variant:
        return replace(p, variant="front" if next_name == "crawl" else "")
    was_moving = moving(prev_name, prev_p) and hand_over(prev_name, name)
    if (name in GAITS or name == "stumble") and not p.variant:
        words = [w for w, need in (("start", not was_moving),
                                   ("stop", not hand_over(name, next_name))) if need]
        if len(words) == 2 and p.duration < 2.6:   # no time for both: arrive at rest
            words = ["stop"]
        return replace(p, variant="+".join(words) or "steady")
    if name in TURNS and not p.variant:
        walking = was_moving or (next_name in GAITS and hand_over(name, next_name))
        return replace(p, variant="walking" if walking else "in_place")
    return p


def bridge(posture: str, name: str) -> str | None:
    """The action to insert when ``name`` cannot start from ``posture`` (None if it can)."""
    if can_follow(posture, name):
        return None
    if posture == STANDING:
        return {"get_up": "lie_down", "crawl": "lie_down"}.get(name, "sit_down")
    return _LEAVE[posture][0]
