"""Camera words in a story prompt: "the camera slowly orbits them", "close-up on her", "wide shot".

The offline story planner takes the camera's phrases out of the prompt before it reads what the
actors do (so "follow the runner" is not an actor following anyone) and turns each into a
:class:`CameraWords`: a move, a shot size, a speed and the words naming its subject, which the
cast resolves once it knows the actors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .offline_cast import PHRASE

_SUBJECT = rf"(?P<who>{PHRASE}|the (?:runner|walker|jogger|dancer|jumper|fighter|group|pair|couple|scene|action))"
_ON = rf"(?:\s+(?:on|of|onto|at|around|round|in on|to|toward|towards)\s+{_SUBJECT})?"
_CAM = r"(?:the |a )?camera\s+(?:\w+ly\s+)?"
# (pattern, move, shot): tried in order on each camera fragment; the first match wins.
_RULES: tuple[tuple[str, str, str | None], ...] = (
    (rf"\b{_CAM}(?:orbits?|orbiting|circles?|circling|revolves?|spins?|goes|moves|swings?)(?:\s+(?:a)?round)?(?:\s+{_SUBJECT})?", "orbit", None),
    (rf"\b(?:orbit(?:s|ing)?|circling|revolving)\s+(?:shot|camera|(?:a)?round)(?:\s+{_SUBJECT})?", "orbit", None),
    (rf"\bclose[- ]?ups?{_ON}|\bclose shot{_ON}|\bclose on\s+{_SUBJECT}", "static", "close"),
    (rf"\b(?:{_CAM})?zoom(?:s|ing)?\s+in{_ON}", "zoom", "close"),
    (rf"\b(?:{_CAM})?zoom(?:s|ing)?\s+out{_ON}", "zoom", "wide"),
    (rf"\b(?:{_CAM})?zoom(?:s|ing)?{_ON}", "zoom", None),
    (rf"\b{_CAM}(?:follows?|following|tracks?|tracking|stays? with)\s+{_SUBJECT}", "track", None),
    (rf"^(?:and\s+)?(?:follow|track)(?:s|ing)?\s+{_SUBJECT}", "track", None),
    (rf"\btracking shot{_ON}", "track", None),
    (rf"\b(?:{_CAM})?pan(?:s|ning|ned)?\b(?:\s+(?:left|right|across|over|slowly|quickly))*{_ON}|\bpanning shot{_ON}", "pan", None),
    (rf"\b(?:{_CAM})?cran(?:e|es|ing)\b(?:\s+(?:shot|up|down|over))*{_ON}", "crane", None),
    (rf"\b(?:{_CAM})?dolly(?:ing)?\b|\b{_CAM}dollies\b(?:\s+(?:in|out|shot))*{_ON}", "dolly", None),
    (rf"\b(?:wide|long|establishing|full)[- ]shot{_ON}", "static", "wide"),
    (rf"\bmedium[- ]shot{_ON}", "static", "medium"),
)


def _numbered(pattern: str) -> str:
    """``pattern`` with each ``(?P<who>`` renamed ``who0``, ``who1``...: one rule may name its
    subject in several alternatives, and a group name may occur only once."""
    parts = pattern.split("(?P<who>")
    return parts[0] + "".join(f"(?P<who{i}>{rest}" for i, rest in enumerate(parts[1:]))


RULES = tuple((re.compile(_numbered(p), re.I), move, shot) for p, move, shot in _RULES)
CAMERA_WORD = re.compile(r"\bcamera\b|\bshot\b|\bclose[- ]?ups?\b|\bzoom|\bpans?\b|\bpanning\b|"
                         r"\bcran(?:e|es|ing)\b|\bdolly|\bdollies\b|\borbit|^(?:and\s+)?(?:follow|track)\w*\b", re.I)
SLOW = re.compile(r"\bslow(?:ly)?\b|\bgentl[ey]\b|\bgradual(?:ly)?\b|\bleisurely\b", re.I)
FAST = re.compile(r"\bfast\b|\bquick(?:ly)?\b|\brapid(?:ly)?\b|\bswift(?:ly)?\b|\bsudden(?:ly)?\b", re.I)
# Fragments: camera phrases are cut at punctuation and at the conjunctions that join clauses.
_FRAGMENT = re.compile(r"[^,;:.!?]+", re.I)
_JOIN = re.compile(r"\s+(?:and|while|as|then)\s+", re.I)


@dataclass
class CameraWords:
    move: str                 # a CameraCue move
    shot: str | None          # wide / medium / close
    speed: str                # slow / normal / fast
    who: str | None           # the words naming the subject ("her", "the runner"), None = everyone
    text: str                 # the fragment, for notes


def _read(fragment: str) -> CameraWords | None:
    if not CAMERA_WORD.search(fragment):
        return None
    for pattern, move, shot in RULES:
        m = pattern.search(fragment)
        if m:
            who = next((v for k, v in m.groupdict().items() if k.startswith("who") and v), None)
            speed = "slow" if SLOW.search(fragment) else "fast" if FAST.search(fragment) else "normal"
            return CameraWords(move, shot, speed, who, fragment.strip())
    return None


def split_camera(prompt: str) -> tuple[str, list[CameraWords]]:
    """(the prompt without its camera phrases, the camera phrases in order).

    A fragment (text between punctuation, or between "and"/"while"/"as"/"then") that reads as a
    camera instruction is removed whole; everything else stays as it was written.
    """
    cues: list[CameraWords] = []
    out: list[str] = []
    pos = 0
    for m in _FRAGMENT.finditer(prompt):
        out.append(prompt[pos:m.start()])
        pieces, kept, last = [], [], 0
        for j in _JOIN.finditer(m.group(0)):
            pieces.append((last, j.start(), j.end()))
            last = j.end()
        pieces.append((last, len(m.group(0)), len(m.group(0))))
        text = m.group(0)
        for start, stop, next_start in pieces:
            cue = _read(text[start:stop].strip())
            if cue is None:
                kept.append(text[start:next_start])
            else:
                cues.append(cue)
        piece = "".join(kept)
        piece = re.sub(r"\s+(?:and|while|as|then)\s*$", "", piece, flags=re.I)
        out.append(piece)
        pos = m.end()
    out.append(prompt[pos:])
    rest = "".join(out)
    rest = re.sub(r"\s*([,;:.!?])(?:\s*[,;:.!?])+", r"\1", rest)  # ", , " left by a removed fragment
    rest = re.sub(r"^[\s,;:.!?]+|[\s,;:]+$", "", rest)
    return " ".join(rest.split()), cues
