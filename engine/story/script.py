"""The scene script: a validated, versioned description of a scene with several actors.

A script says who is in the scene, where each actor starts and how they look, what each one does
and when (a list of timed *beats*), and what the camera does. It is what the story planners
(offline rules or an LLM) produce and what the scene builder turns into motions; the app keeps it
in the project file. It is deliberately plain JSON so that a language model can write one from
:func:`script_schema` and a person can edit one by hand.

Units and axes follow the skeleton (DESIGN.md §3): metres, Y up, the floor is the XZ plane, +Z
points toward the default camera and +X is a resting figure's left. ``facing`` is degrees about
+Y: 0 faces +Z (the camera), 90 faces +X.

Versions: ``version`` is an integer; :func:`parse_script` upgrades older files forward through
``UPGRADES`` (one function per step, OpenTimelineIO style) and refuses newer ones. Every problem
is reported as a :class:`ScriptError` whose lines name the field path
(``actors[1].beats[0].target: no actor named 'Bob'``).
"""
from __future__ import annotations

import copy
import json
import math
import re
from typing import Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from engine.actions import ACTIONS, EXPRESSIONS
from engine.motion_styles import NEUTRAL, STYLES

SCRIPT_FORMAT = "stickgen.script"
SCRIPT_VERSION = 1

PATHS: tuple[str, ...] = ("straight", "circle", "left", "right", "toward_camera", "away",
                          "there_and_back", "back_and_forth")
RELATIONS: tuple[str, ...] = ("toward", "follow", "away_from", "circle_around", "face")
INTERACTIONS: tuple[str, ...] = ("high_five", "handshake", "hug", "punch_blocked", "dance_together",
                                 "hand_over")
CAMERA_MOVES: tuple[str, ...] = ("static", "pan", "zoom", "track", "dolly", "crane", "orbit")
MAX_ACTORS = 10
MAX_SCENE_SECONDS = 120.0
MIN_SCENE_SECONDS = 1.0
MAX_BEAT_SECONDS = 60.0
MAX_PLACE_M = 50.0          # a stage wider than this would not fit any sensible camera
_EPS = 1e-6                 # float slack when comparing beat ends (0.1 + 0.2 != 0.3)
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

RelationName = Literal["toward", "follow", "away_from", "circle_around", "face"]
InteractionName = Literal["high_five", "handshake", "hug", "punch_blocked", "dance_together",
                          "hand_over"]


class ScriptError(ValueError):
    """A script could not be read; ``problems`` holds one line per problem, each naming its field."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        head = "invalid scene script" if len(self.problems) != 1 else "invalid scene script:"
        if len(self.problems) == 1:
            super().__init__(f"{head} {self.problems[0]}")
        else:
            super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class _Model(BaseModel):
    # Unknown keys are errors: a misspelt field from a person or an LLM must not vanish silently.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_assignment=False)


class Place(_Model):
    """Where an actor stands at the start of the scene."""
    x: float = Field(0.0, ge=-MAX_PLACE_M, le=MAX_PLACE_M, description="metres; +X is a resting figure's left")
    z: float = Field(0.0, ge=-MAX_PLACE_M, le=MAX_PLACE_M, description="metres; +Z points toward the default camera")
    facing: float = Field(0.0, description="degrees about +Y: 0 faces +Z (the camera), 90 faces +X")


class Look(_Model):
    """How an actor is drawn."""
    color: str | None = Field(None, description="#rrggbb, None = the app's palette colour")
    height: float = Field(1.0, ge=0.5, le=1.3, description="scale of the standard 1.75 m figure")

    @field_validator("color")
    @classmethod
    def _color(cls, v: str | None) -> str | None:
        if v is not None and not _COLOR.match(v):
            raise ValueError(f"colour {v!r} is not #rrggbb")
        return v.lower() if v is not None else None


class Beat(_Model):
    """One thing one actor does, for a while."""
    start: float | None = Field(None, ge=0, description="seconds from scene start; None = right after the previous beat")
    duration: float = Field(..., gt=0, le=MAX_BEAT_SECONDS, description="seconds")
    action: str | None = Field(None, description="a name from engine.actions.ACTIONS")
    text: str = Field("", max_length=400, description="free words for the motion model, e.g. 'jogs in a circle'")
    style: str | None = Field(None, description="an engine.motion_styles name")
    path: str | None = Field(None, description="one of " + ", ".join(PATHS))
    target: str | None = Field(None, description="another actor's name")
    relation: RelationName | None = Field(None, description="a path relative to target")
    interaction: InteractionName | None = Field(None, description="done together with target")
    expression: str | None = Field(None, description="one of " + ", ".join(EXPRESSIONS))
    speech: Literal["talk", "shout", "whisper", "sing"] | None = None
    line: str | None = Field(None, max_length=400, description="words spoken; a caption, informational only")

    @field_validator("action")
    @classmethod
    def _action(cls, v: str | None) -> str | None:
        if v is not None and v not in ACTIONS:
            raise ValueError(f"unknown action {v!r}; actions are {', '.join(ACTIONS)}")
        return v

    @field_validator("style")
    @classmethod
    def _style(cls, v: str | None) -> str | None:
        if v == NEUTRAL:
            return None  # "neutral" is the absence of a style, stored as None
        if v is not None and v not in STYLES:
            raise ValueError(f"unknown style {v!r}; styles are {', '.join(STYLES)}")
        return v

    @field_validator("path")
    @classmethod
    def _path(cls, v: str | None) -> str | None:
        if v is not None and v not in PATHS:
            raise ValueError(f"unknown path {v!r}; paths are {', '.join(PATHS)}")
        return v

    @field_validator("expression")
    @classmethod
    def _expression(cls, v: str | None) -> str | None:
        if v is not None and v not in EXPRESSIONS:
            raise ValueError(f"unknown expression {v!r}; expressions are {', '.join(EXPRESSIONS)}")
        return v

    @model_validator(mode="after")
    def _needs(self) -> "Beat":
        if self.action is None and not self.text.strip():
            raise ValueError("a beat needs an action or some text")
        if self.target is None:
            if self.relation is not None:
                raise ValueError(f"relation {self.relation!r} needs a target actor")
            if self.interaction is not None:
                raise ValueError(f"interaction {self.interaction!r} needs a target actor")
        return self


class ActorScript(_Model):
    """One actor: a unique name, a start place, a look and the beats it performs."""
    name: str = Field(..., min_length=1, max_length=40)
    start: Place = Field(default_factory=Place)
    look: Look = Field(default_factory=Look)
    beats: list[Beat] = Field(..., min_length=1)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a name cannot be blank")
        if v != v.strip():
            raise ValueError(f"name {v!r} starts or ends with spaces")
        return v


class CameraCue(_Model):
    """What the camera does from ``start`` for ``duration`` seconds (None = until the next cue or the end)."""
    start: float = Field(0.0, ge=0)
    duration: float | None = Field(None, gt=0)
    move: Literal["static", "pan", "zoom", "track", "dolly", "crane", "orbit"] = "static"
    shot: Literal["wide", "medium", "close"] | None = None
    target: str | None = Field(None, description="an actor's name; None = everyone")
    speed: Literal["slow", "normal", "fast"] = "normal"


def beat_times(actor: ActorScript) -> list[tuple[float, float]]:
    """Resolved (start, stop) seconds of each of ``actor``'s beats, in order.

    A beat without a ``start`` begins when the actor's previous beat ends (the first at 0).
    """
    out: list[tuple[float, float]] = []
    t = 0.0
    for b in actor.beats:
        s = t if b.start is None else float(b.start)
        t = s + float(b.duration)
        out.append((s, t))
    return out


def _actor_problems(i: int, actor: ActorScript, names: set[str]) -> list[str]:
    out = []
    prev_end = 0.0
    for j, (b, (s, e)) in enumerate(zip(actor.beats, beat_times(actor))):
        where = f"actors[{i}].beats[{j}]"
        if j and s < prev_end - _EPS:
            out.append(f"{where}.start: {s:g} s begins before the previous beat ends at {prev_end:g} s "
                       "(an actor does one beat at a time)")
        prev_end = e
        if b.target is None:
            continue
        if b.target == actor.name:
            out.append(f"{where}.target: {actor.name!r} cannot target itself")
        elif b.target not in names:
            out.append(f"{where}.target: no actor named {b.target!r}")
    return out


class Script(_Model):
    """A whole scene. ``duration`` 0 (or left out) means: end when the last beat ends.

    Otherwise ``duration`` must lie in 1..120 s and cover the end of every beat; a scene may be
    longer than its beats (actors then stand still at the end).
    """
    format: Literal["stickgen.script"] = SCRIPT_FORMAT
    version: int = SCRIPT_VERSION
    prompt: str = Field("", max_length=10_000)
    title: str = Field("", max_length=200)
    duration: float = Field(0.0, ge=0, le=MAX_SCENE_SECONDS, description="seconds; 0 = the end of the last beat")
    actors: list[ActorScript] = Field(..., min_length=1, max_length=MAX_ACTORS)
    camera: list[CameraCue] = Field(default_factory=list)

    @field_validator("version")
    @classmethod
    def _version(cls, v: int) -> int:
        if v != SCRIPT_VERSION:
            raise ValueError(f"this model holds version {SCRIPT_VERSION}; read older files with parse_script")
        return v

    @model_validator(mode="after")
    def _cross(self) -> "Script":
        problems: list[str] = []
        names = {a.name for a in self.actors}
        seen: dict[str, int] = {}
        for i, a in enumerate(self.actors):
            key = a.name.casefold()  # "Bob" and "bob" would confuse a reader and a target
            if key in seen:
                problems.append(f"actors[{i}].name: {a.name!r} is already the name of actors[{seen[key]}]")
            seen.setdefault(key, i)
            problems += _actor_problems(i, a, names)
        end = max(e for a in self.actors for _, e in beat_times(a))
        if self.duration == 0:
            # Rounded up to a tenth so the computed length reads cleanly and still covers the beats.
            self.duration = max(MIN_SCENE_SECONDS, math.ceil(end * 10 - _EPS) / 10)
        elif self.duration < MIN_SCENE_SECONDS:
            problems.append(f"duration: {self.duration:g} s is shorter than {MIN_SCENE_SECONDS:g} s")
        elif end > self.duration + _EPS:
            problems.append(f"duration: {self.duration:g} s ends before the last beat ends at {end:g} s")
        if end > MAX_SCENE_SECONDS + _EPS:
            problems.append(f"actors: the beats end at {end:g} s, past the {MAX_SCENE_SECONDS:g} s limit")
        for k, c in enumerate(self.camera):
            if c.target is not None and c.target not in names:
                problems.append(f"camera[{k}].target: no actor named {c.target!r}")
            if c.start >= self.duration:
                problems.append(f"camera[{k}].start: {c.start:g} s is not before the scene's end at {self.duration:g} s")
        if problems:
            raise ValueError("\n".join(problems))
        return self


# --- reading, writing, versions ------------------------------------------------------------------

# UPGRADES[v] turns a version-v script dict into a version-(v + 1) one. Version 1 is the first, so
# the table is empty today; a future change of meaning adds one entry and a test with an old file.
UPGRADES: dict[int, Callable[[dict], dict]] = {}


def migrate(data: dict, upgrades: dict[int, Callable[[dict], dict]] | None = None,
            latest: int = SCRIPT_VERSION) -> dict:
    """``data`` (a script dict of any known version) upgraded to version ``latest``."""
    table = UPGRADES if upgrades is None else upgrades
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ScriptError(f"version: expected a whole number, got {version!r}")
    if version > latest:
        raise ScriptError(f"version: this script is version {version}, made by a newer Stick-Gen; "
                          f"this one reads versions up to {latest}")
    if version < 1:
        raise ScriptError(f"version: {version} is not a script version (they start at 1)")
    data = copy.deepcopy(data)  # upgrades edit in place; the caller's dict stays as it was
    while version < latest:
        step = table.get(version)
        if step is None:
            raise ScriptError(f"version: no upgrade from version {version}")
        data = step(data)
        if data.get("version") != version + 1:
            raise ScriptError(f"version: the upgrade from version {version} did not make version {version + 1}")
        version += 1
    return data


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def problems_of(err: ValidationError) -> list[str]:
    """One line per problem in ``err``, each starting with its field path."""
    out = []
    for e in err.errors(include_url=False):
        msg = e["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                msg = msg[len(prefix):]
        path = _path(tuple(e["loc"]))
        if not path:  # the Script's own cross checks already name their fields, one per line
            out += msg.splitlines()
        else:
            out.append(f"{path}: {msg}")
    return out


def parse_script(data: str | bytes | dict) -> Script:
    """A :class:`Script` from JSON text or a dict; older versions are upgraded.

    Raises :class:`ScriptError` for bad JSON, another format, a newer version or any invalid field.
    """
    if isinstance(data, (str, bytes, bytearray)):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ScriptError(f"not JSON: {e}") from None
    if not isinstance(data, dict):
        raise ScriptError(f"a script is a JSON object, not {type(data).__name__}")
    fmt = data.get("format")
    if fmt != SCRIPT_FORMAT:
        raise ScriptError(f"format: expected {SCRIPT_FORMAT!r}, got {fmt!r}")
    data = migrate(data)
    try:
        return Script.model_validate(data)
    except ValidationError as e:
        raise ScriptError(problems_of(e)) from None


def script_to_dict(script: Script) -> dict:
    """The JSON form of ``script`` (unset optional fields left out)."""
    return script.model_dump(mode="json", exclude_none=True)


def script_to_json(script: Script) -> str:
    """Stable, indented JSON text of ``script``: fields in declaration order, unset options left out."""
    return json.dumps(script_to_dict(script), indent=2, ensure_ascii=False) + "\n"


def script_schema() -> dict:
    """The JSON schema of a script (for LLM prompts and editors)."""
    return Script.model_json_schema()
