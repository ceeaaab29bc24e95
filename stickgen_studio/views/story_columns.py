"""The columns of the Story panel's script tables: which script field each cell edits, how its
text turns into a value, and the choices its drop-down offers.

A field is named by its path inside the script's JSON form relative to the row's object
(``("start", "x")`` of an actor, ``("duration",)`` of a beat). Reading a cell never guesses:
text that is not a number where one is needed is a :class:`CellError` naming the field, and the
script's own validation (engine.story.script) judges everything else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from engine.actions import ACTIONS, EXPRESSIONS
from engine.motion_styles import STYLES
from engine.story.script import CAMERA_MOVES, INTERACTIONS, PATHS, RELATIONS

NUMBER, OPT_NUMBER, TEXT, OPT_TEXT = "number", "opt-number", "text", "opt-text"


class CellError(ValueError):
    """A cell's text cannot be a value of its field (the message names the field)."""


@dataclass(frozen=True)
class Column:
    header: str
    path: tuple[str, ...]
    kind: str = OPT_TEXT
    choices: Callable[[list[str]], list[str]] | None = None   # actor names -> drop-down items
    tip: str = ""
    width: int = 64


def _fixed(values, optional: bool = True):
    items = ([""] if optional else []) + list(values)
    return lambda names: items


def _others(names: list[str]) -> list[str]:
    return [""] + list(names)


ACTOR_COLUMNS = (
    Column("Name", ("name",), TEXT, tip="a unique name; beats and camera cues refer to it",
           width=90),
    Column("X", ("start", "x"), NUMBER, tip="start position, metres; +X is the figure's left"),
    Column("Z", ("start", "z"), NUMBER, tip="start position, metres; +Z is toward the camera"),
    Column("Facing", ("start", "facing"), NUMBER, tip="degrees: 0 faces the camera, 90 faces +X"),
    Column("Colour", ("look", "color"), OPT_TEXT, tip="#rrggbb; empty: the app's palette",
           width=100),
    Column("Height", ("look", "height"), NUMBER, tip="scale of the 1.75 m figure (0.5–1.3)"),
)

BEAT_COLUMNS = (
    Column("Start", ("start",), OPT_NUMBER,
           tip="seconds from the scene's start; empty: right after the previous beat", width=52),
    Column("Dur.", ("duration",), NUMBER, tip="seconds", width=48),
    Column("Action", ("action",), OPT_TEXT, _fixed(ACTIONS), width=92),
    Column("Text", ("text",), TEXT, tip="free words for the motion model", width=130),
    Column("Style", ("style",), OPT_TEXT, _fixed(STYLES), width=72),
    Column("Path", ("path",), OPT_TEXT, _fixed(PATHS), width=72),
    Column("Target", ("target",), OPT_TEXT, _others, tip="another actor", width=76),
    Column("Relation", ("relation",), OPT_TEXT, _fixed(RELATIONS), width=76),
    Column("Interaction", ("interaction",), OPT_TEXT, _fixed(INTERACTIONS), width=86),
    Column("Expression", ("expression",), OPT_TEXT, _fixed(EXPRESSIONS), width=80),
    Column("Speech", ("speech",), OPT_TEXT, _fixed(("talk", "shout", "whisper", "sing")),
           width=64),
    Column("Line", ("line",), OPT_TEXT, tip="words spoken (a caption)", width=110),
)

CAMERA_COLUMNS = (
    Column("Start", ("start",), NUMBER, tip="seconds", width=52),
    Column("Dur.", ("duration",), OPT_NUMBER, tip="seconds; empty: until the next cue or the end",
           width=48),
    Column("Move", ("move",), TEXT, _fixed(CAMERA_MOVES, optional=False), width=72),
    Column("Shot", ("shot",), OPT_TEXT, _fixed(("wide", "medium", "close")), width=64),
    Column("Target", ("target",), OPT_TEXT, _others, tip="an actor; empty: everyone", width=76),
    Column("Speed", ("speed",), TEXT, _fixed(("slow", "normal", "fast"), optional=False),
           width=64),
)


def get(obj: dict, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def put(obj: dict, path: tuple[str, ...], value: Any) -> None:
    """Set ``path`` in ``obj`` to ``value``; None removes it (the field's default applies)."""
    for key in path[:-1]:
        obj = obj.setdefault(key, {})
    if value is None:
        obj.pop(path[-1], None)
    else:
        obj[path[-1]] = value


def show(value: Any) -> str:
    """A field's value as its cell shows it."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def read(column: Column, text: str, where: str) -> Any:
    """The value ``text`` means in ``column``; ``where`` names the field for the message."""
    raw = text.strip()
    if column.kind in (NUMBER, OPT_NUMBER):
        if column.kind == OPT_NUMBER and raw.startswith("(") and raw.endswith(")"):
            raw = ""     # "(2.5)" is how an unset start shows its computed time
        if not raw:
            if column.kind == OPT_NUMBER:
                return None
            raise CellError(f"{where}: needs a number")
        try:
            return float(raw.replace(",", "."))
        except ValueError:
            raise CellError(f"{where}: {raw!r} is not a number") from None
    if column.kind == OPT_TEXT:
        return raw or None
    # Names are kept exactly as typed, so the script's own check can say what is wrong with
    # spaces around them instead of the panel quietly changing the name.
    return text if column.path == ("name",) else raw
