"""The shape of a ``.stickgen`` project (schema 4) as pydantic models: types, ranges and finite
numbers of every field the loader reads, checked before any of it reaches the app.

``check_project(data, path)`` raises FormatError with one line naming the file and the first
bad field (``actors[0].seed: must be ...``); the loader then builds the dataclasses from data
that is known to be sound.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from pydantic import (BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt,
                      StrictStr, ValidationError, field_validator)

from ..actions import EXPRESSIONS, SPEECH_STYLES
from ..motion import MAX_HEAD_YAW
from .errors import FormatError
from .limits import MAX_FRAME, fps_problem

Seed = StrictInt
Number = StrictFloat | StrictInt


def _known_name(v: str, known, what: str) -> str:
    """``v`` if it is one of ``known``, else the one-line error naming the choices."""
    if v not in known:
        raise ValueError(f"unknown {what} {v[:40]!r}; known: {', '.join(known)}")
    return v


def _all_known(values: list, known, what: str) -> list:
    """``values`` if every one is in ``known``, else an error naming up to three others."""
    bad = sorted(set(values) - set(known))
    if bad:
        raise ValueError(f"unknown {what} {bad[:3]}; known: {', '.join(known)}")
    return values

class _Model(BaseModel):
    # Unknown keys are kept (newer minor additions), but never coerced: "1" is not 1.
    model_config = ConfigDict(extra="allow", strict=True)


def _finite(value: float, lo: float, hi: float) -> float:
    if not math.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"must be a finite number in [{lo:g}, {hi:g}], got {value!r}")
    return value


class ArrayData(_Model):
    dtype: StrictStr = "float32"
    shape: list[StrictInt] = Field(min_length=3, max_length=3)
    data: StrictStr

    @field_validator("shape")
    @classmethod
    def _shape(cls, v: list[int]) -> list[int]:
        if v[2] != 3 or not 1 <= v[0] <= MAX_FRAME or not 1 <= v[1] <= 256:
            raise ValueError(f"must be [frames >= 1, joints in 1..256, 3], got {v}")
        return v


class MotionData(_Model):
    positions: ArrayData
    fps: Number
    joints: list[StrictStr] = Field(min_length=1, max_length=256)
    parents: list[StrictInt] = Field(min_length=1, max_length=256)
    actions: list[StrictStr]
    expressions: list[StrictStr]
    speech: list[Optional[StrictStr]]
    head_yaw: Optional[list[Number]] = None      # radians per frame; None = facing ahead

    @field_validator("fps")
    @classmethod
    def _fps(cls, v: float) -> float:
        if fps_problem(v):
            raise ValueError(fps_problem(v))
        return v

    @field_validator("expressions")
    @classmethod
    def _expressions(cls, v: list[str]) -> list[str]:
        return _all_known(v, EXPRESSIONS, "expressions")

    @field_validator("speech")
    @classmethod
    def _speech(cls, v: list[str | None]) -> list[str | None]:
        _all_known([s for s in v if s is not None], SPEECH_STYLES, "speech styles")
        return v

    @field_validator("head_yaw")
    @classmethod
    def _head_yaw(cls, v: list[float] | None) -> list[float] | None:
        for t, x in enumerate(v or ()):
            try:
                _finite(x, -MAX_HEAD_YAW - 1e-5, MAX_HEAD_YAW + 1e-5)
            except ValueError as exc:
                raise ValueError(f"frame {t} {exc} (radians)") from None
        return v


class ExpressionKeyData(_Model):
    frame: StrictInt = Field(ge=0, le=MAX_FRAME)
    expression: StrictStr

    @field_validator("expression")
    @classmethod
    def _known(cls, v: str) -> str:
        return _known_name(v, EXPRESSIONS, "expression")


class SpeechData(_Model):
    start: StrictInt = Field(ge=0, le=MAX_FRAME)
    stop: StrictInt = Field(ge=0, le=MAX_FRAME)
    style: StrictStr

    @field_validator("style")
    @classmethod
    def _known(cls, v: str) -> str:
        return _known_name(v, SPEECH_STYLES, "speech style")


class PoseKeyData(_Model):
    frame: StrictInt = Field(ge=0, le=MAX_FRAME)
    positions: list[list[Number]] = Field(min_length=1, max_length=256)

    @field_validator("positions")
    @classmethod
    def _points(cls, v: list[list[float]]) -> list[list[float]]:
        for row in v:
            if len(row) != 3:
                raise ValueError("each joint needs three numbers (x, y, z)")
            for x in row:
                _finite(x, -1e4, 1e4)
        return v


class PathData(_Model):
    shape: StrictStr = "straight"
    direction: Optional[StrictStr] = None
    turn_deg: Optional[Number] = None
    distance_m: Optional[Number] = None
    steps: Optional[StrictInt] = Field(default=None, ge=0, le=100_000)
    stops: StrictBool = False

    @field_validator("turn_deg", "distance_m")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        return None if v is None else _finite(v, -1e6, 1e6)


class SegmentData(_Model):
    """A planner segment placed on the actor's frames (engine.project.TimedSegment)."""
    action: StrictStr
    text: Optional[StrictStr] = None
    duration: Optional[Number] = None
    expression: Optional[StrictStr] = None
    speech: Optional[StrictStr] = None
    speed: Number = 1.0
    repeats: Optional[StrictInt] = Field(default=None, ge=0, le=100_000)
    explicit_duration: StrictBool = False
    matched_by: StrictStr = "rule"
    style: Optional[StrictStr] = None
    intensity: Number = 1.0
    path: Optional[PathData] = None
    start: StrictInt = Field(default=0, ge=0, le=MAX_FRAME)
    stop: StrictInt = Field(default=0, ge=0, le=MAX_FRAME)

    @field_validator("duration")
    @classmethod
    def _duration(cls, v: float | None) -> float | None:
        return None if v is None else _finite(v, 0.0, 3600.0)

    @field_validator("speed", "intensity")
    @classmethod
    def _scale(cls, v: float) -> float:
        return _finite(v, 0.0, 100.0)


class ActorData(_Model):
    name: StrictStr = Field(max_length=1000)
    motion: MotionData
    color: StrictStr = "#2b6cb0"
    prompt: StrictStr = ""
    seed: Seed = Field(default=0, ge=0, lt=2 ** 63)
    visible: StrictBool = True
    segments: list[SegmentData] = []
    expression_keys: list[ExpressionKeyData] = []
    speech: list[SpeechData] = []
    pose_keys: list[PoseKeyData] = []


class GenerationData(_Model):
    model_config = ConfigDict(extra="forbid", strict=True)
    prompt: StrictStr
    seed: Seed = Field(ge=0, lt=2 ** 63)
    seconds: Number
    model: StrictStr = "small"

    @field_validator("seconds")
    @classmethod
    def _seconds(cls, v: float) -> float:
        return _finite(v, 0.0, 3600.0)


class ProjectData(_Model):
    fps: Number = 25.0
    actors: list[ActorData] = []
    camera: list[dict[str, Any]] = []
    history: list[GenerationData] = []
    settings: dict[str, Any] = {}
    # the scene script; its own model (engine.story.script) checks it after this one
    script: Optional[dict[str, Any]] = None

    @field_validator("fps")
    @classmethod
    def _fps(cls, v: float) -> float:
        if fps_problem(v):
            raise ValueError(fps_problem(v))
        return v


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "top level"


def check_project(data: dict[str, Any], path: object) -> ProjectData:
    """Validate a migrated project dict; FormatError names the file and the first bad field."""
    try:
        return ProjectData.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        got = err.get("input")
        shown = "" if isinstance(got, (dict, list)) or "got" in msg else f" (got {str(got)[:40]!r})"
        raise FormatError(path, f"{_where(err['loc'])}: {msg}{shown}") from None
