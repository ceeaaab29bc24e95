"""Where a segment goes: paths, directions, counts, distances and stops read from a clause
("jogs around in a circle", "walks off to the right", "four steps and halts", "to the window
and comes back", "10 metres toward the camera") into an engine.planner.PathCue, and how long
covering it takes.

The path phrases are hidden from the action rules (``hide_paths``), so "walks in a circle
clockwise" stays a walk and "walks back and forth" is not a walk backward. A clause that only
says stop ("then stops", "and halts") is not an action of its own: it sets ``stops`` on the
segment before it.
"""
from __future__ import annotations

import math
import re

from .lexicon import NUMBER_WORDS
from .plan import PathCue

# The actions a path applies to: they travel. (Turns, dances and gestures have no path.)
TRAVEL = ("walk", "jog", "run", "sprint", "walk_backward", "sidestep", "tiptoe", "march", "limp",
          "skip", "stumble", "crawl", "hop")
# Typical ground speed (m/s) and cadence (steps/s) per travelling action.
SPEED_MS = {"walk": 1.3, "jog": 2.5, "run": 3.5, "sprint": 6.0, "walk_backward": 0.9,
            "sidestep": 0.8, "tiptoe": 0.7, "march": 1.4, "limp": 0.8, "skip": 2.0,
            "stumble": 1.0, "crawl": 0.5, "hop": 1.0}
CADENCE = {"walk": 1.8, "jog": 2.6, "run": 2.8, "sprint": 3.2, "walk_backward": 1.5,
           "sidestep": 1.6, "tiptoe": 1.6, "march": 1.9, "limp": 1.4, "skip": 2.2,
           "stumble": 1.6, "crawl": 1.2, "hop": 1.8}
MAX_STEPS, MAX_DISTANCE_M, MAX_CIRCLES = 500, 5000.0, 10

_NUM = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + ")"
_CAMERA = r"(?:the )?(?:camera|viewer|viewers|audience|screen|lens|us|me|you)\b"
_SIDE = r"(?:the |his |her |their |its |one's )?(left|right)\b(?!\s*(?:hand|arm|leg|foot|knee|shoulder|fist|side))"

CIRCLE = re.compile(
    r"\b(?:(?:a)?round )?in (?:a |one |" + _NUM + r" )?(?:small |big |large |wide |tight |full |"
    r"little |slow )?(?:circles?|loops?|rings?)\b|\b(?:in|around) circles\b|\bround and round\b|"
    r"\b(?:(?:do|make|run|walk|jog|draw|trace|complete|go|sprint)(?:s|es)?|did|made|ran|went) "
    r"(?:a |" + _NUM + r" )?(?:small |big |large |wide |full )?(?:circles?|laps?|loops?)\b|"
    r"\b" + _NUM + r" (?:\w+ )?(?:laps|circles|loops)\b|\b(?:a)?round (?:the|a) (?:track|circle|loop|ring)\b", re.I)
CLOCKWISE = re.compile(r"\b((?:counter|anti)[- ]?)?clockwise\b", re.I)
BACK_AND_FORTH = re.compile(r"\bback and forth\b|\bto and fro\b|\bforth and back\b|"
                            r"\bup and down (?:the )?(?:room|hall|hallway|corridor|street|stage|"
                            r"floor|path|road|platform|track|line)\b", re.I)
THERE_AND_BACK = re.compile(
    r"\bthere and back(?: again)?\b|\bout and back\b|\band back(?: again)?\b|\bround trip\b|"
    r"\b(?:and|then) (?:\w+ )?(?:comes?|came|walks?|runs?|jogs?|goes?|heads?|turns? and comes?) "
    r"(?:right |straight )?back\b(?! and forth)|\b(?:and|then) (?:\w+ )?returns?\b|"
    r"\b(?:and|then) (?:\w+ )?(?:comes?|goes?|walks?|runs?|heads?|jogs?) back (?:again|to (?:where|the start))", re.I)
TOWARD = re.compile(
    r"\b(?:toward|towards|to|at|over to|up to|straight at|right at|in front of)\s+" + _CAMERA +
    r"|\bcloser to " + _CAMERA + r"|\bapproach\w* " + _CAMERA + r"|\bin our direction\b|"
    r"\bforward,? toward " + _CAMERA, re.I)
AWAY = re.compile(
    r"\baway from " + _CAMERA + r"|\binto the distance\b|\bwith (?:his|her|their|its) back to "
    r"(?:the camera|us)\b|\b(?:walks?|runs?|jogs?|sprints?|heads?|moves?|goes?|strolls?|marches|"
    r"wanders?|trudges?|hurries|limps?|tiptoes?|walking|running|jogging)\s+(?:\w+ly\s+)?(?:off\s+)?"
    r"away\b(?! from)", re.I)
SIDEWAYS = re.compile(r"\b(?:off |over |out )?(?:to|toward|towards|on|off to|over to)\s+" + _SIDE +
                      r"|\b(left|right)wards?\b", re.I)
STEPS = re.compile(r"(?<![\w.])" + _NUM + r"\s+(?:(?:big|small|long|short|quick|slow|tiny|giant|"
                   r"careful|more|heavy|light|measured|deliberate|brisk|large|little|baby|full|"
                   r"quiet|normal|regular|even|steady)\s+)?(?:steps?|paces?|strides?)\b", re.I)
DISTANCE = re.compile(r"(?<![\w.])" + _NUM + r"\s*(m|metres?|meters?|km|kilometres?|kilometers?|"
                      r"yards?|yds?)(?![\w])|(?<![\w.])(\d+(?:[.,]\d+)?)\s*(feet|foot|ft)\b", re.I)
_UNIT_M = {"m": 1.0, "me": 1.0, "k": 1000.0, "y": 0.9144, "f": 0.3048}
STOPS = re.compile(r"\b(?:and|then|,)\s+(?:then\s+)?(?:\w+\s+)?(?:stops?|halts?|stopped|halted|"
                   r"comes? to (?:a )?(?:stop|halt|standstill|rest)|freezes)\b(?! to\b)", re.I)
# A clause that says only "stop": it belongs to the segment before.
STOP_ONLY = re.compile(
    r"^(?:and\s+|then\s+)*(?:(?:he|she|they|it|the \w+)\s+)?(?:stops?|halts?|stopped|halted|"
    r"comes? to (?:a )?(?:stop|halt|standstill|rest)|freezes)(?:\s+(?:there|walking|running|"
    r"jogging|moving|again|dead|still|in (?:his|her|their|its) tracks))*\s*[.!]*$", re.I)

# A clause that only says "come back": the travel before goes there and back.
RETURN_ONLY = re.compile(
    r"^(?:and\s+|then\s+)*(?:(?:he|she|they|it|the \w+)\s+)?(?:(?:comes?|came|goes?|went|heads?)"
    r"\s+(?:right |straight )?back|returns?|returned)(?:\s+(?:again|home|here|to (?:where|the "
    r"start|the beginning|us|me|the camera)\b.*))?\s*[.!]*$", re.I)

_HIDE = re.compile("|".join(f"(?:{p.pattern})" for p in (CIRCLE, CLOCKWISE, BACK_AND_FORTH,
                                                         THERE_AND_BACK, TOWARD, AWAY, STEPS,
                                                         DISTANCE)), re.I)


_LEADING_VERB = re.compile(r"^(?:walk|run|jog|sprint|go|do|make|draw|trace|complete)(?:s|es)?\b|"
                           r"^(?:did|made|ran|went)\b", re.I)


def hide_paths(text: str) -> str:
    """``text`` with its path phrases blanked out (same length); a verb that opens one ("walks
    a big circle") stays, since it is the clause's action."""
    def blank(m: re.Match) -> str:
        phrase = m.group(0)
        verb = _LEADING_VERB.match(phrase)
        keep = verb.end() if verb else 0
        return phrase[:keep] + " " * (len(phrase) - keep)

    return _HIDE.sub(blank, text)


def is_stop_only(clause: str) -> bool:
    return bool(STOP_ONLY.match(clause.strip()))


def is_return_only(clause: str) -> bool:
    return bool(RETURN_ONLY.match(clause.strip()))


def number(word: str, warnings: list[str] | None = None, limit: float = 1e6) -> float:
    """A number word or numeral; huge or odd ones are clamped to ``limit`` with a warning."""
    word = word.lower().replace(",", ".")
    try:
        value = float(word) if word[0].isdigit() else float(NUMBER_WORDS.get(word, 1))
    except (ValueError, OverflowError):
        value = math.inf
    if not math.isfinite(value) or value > limit:
        if warnings is not None:
            warnings.append(f"the number {word[:12]}{'...' if len(word) > 12 else ''} is too "
                            f"large; used {limit:g}")
        value = limit
    return value


def read_path(clause: str, action: str, warnings: list[str]) -> PathCue | None:
    """The PathCue ``clause`` describes for ``action``, or None when it names no path (or the
    action does not travel and nothing says stop)."""
    cue = PathCue()
    found = False
    if action in TRAVEL:
        m = CIRCLE.search(clause)
        if m:
            circles = 1.0
            n = re.search(_NUM + r" (?:\w+ )?(?:circles|loops|laps)", m.group(0), re.I)
            if n:
                circles = number(n.group(1), warnings, MAX_CIRCLES)
            cue.shape, found = "circle", True
            cue.turn_deg = 360.0 * max(1.0, round(circles))
        elif BACK_AND_FORTH.search(clause):
            cue.shape, found = "back_and_forth", True
        elif THERE_AND_BACK.search(clause):
            cue.shape, found = "there_and_back", True
        side = SIDEWAYS.search(clause)
        spin = CLOCKWISE.search(clause)
        if TOWARD.search(clause):
            cue.direction, found = "toward", True
        elif AWAY.search(clause) and action != "walk_backward":
            cue.direction, found = "away", True
        elif side:
            cue.direction, found = (side.group(1) or side.group(2)).lower(), True
        if cue.shape == "circle":
            right = (spin and not spin.group(1)) or (not spin and cue.direction == "right")
            cue.turn_deg = -cue.turn_deg if right else cue.turn_deg
            if cue.direction in ("left", "right"):
                cue.direction = None     # the side says which way round, not where to go
        m = STEPS.search(clause)
        if m:
            cue.steps, found = int(number(m.group(1), warnings, MAX_STEPS)), True
            cue.steps = max(1, cue.steps)
        m = DISTANCE.search(clause)
        if m:
            value, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            unit = unit.lower()
            scale = _UNIT_M["k" if unit.startswith("k") else "y" if unit.startswith("y")
                            else "f" if unit.startswith("f") else "m"]
            metres = number(value, warnings, MAX_DISTANCE_M / scale) * scale
            if metres > 0:
                cue.distance_m, found = metres, True
        if STOPS.search(clause):
            cue.stops, found = True, True
    return cue if found else None


def path_seconds(cue: PathCue | None, action: str, speed: float = 1.0) -> float | None:
    """How long covering ``cue`` takes at the action's pace (None: the cue does not say):
    distance / ground speed, or steps / cadence; "slowly"/"quickly" scale the pace."""
    if cue is None or action not in SPEED_MS:
        return None
    pace = max(0.3, min(float(speed), 2.0))
    if cue.distance_m:
        return cue.distance_m / (SPEED_MS[action] * pace)
    if cue.steps:
        return cue.steps / (CADENCE[action] * pace)
    return None


def path_default_seconds(cue: PathCue | None) -> float | None:
    """A free duration for a path that says no distance or count: time to go round (each
    circle 8 s) or to go and come back (8 s); None for the action's own default."""
    if cue is None:
        return None
    if cue.shape == "circle":
        return 8.0 * max(1.0, abs(cue.turn_deg or 360.0) / 360.0)
    if cue.shape in ("there_and_back", "back_and_forth"):
        return 8.0
    return None
