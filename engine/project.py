"""The project: everything a user makes, as plain dataclasses (no Qt).

The app's Document wraps a Project and changes it only through undo commands; the file format
(engine.formats.project_file) saves and loads it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .face import ExpressionKey
from .motion import Motion

ACTOR_COLORS = ("#2b6cb0", "#c53030", "#2f855a", "#b7791f", "#6b46c1", "#d53f8c", "#319795",
                "#dd6b20", "#4a5568", "#805ad5")


@dataclass
class Generation:
    """One generation request and where it came from, for the history list."""
    prompt: str
    seed: int
    seconds: float
    model: str = "small"


@dataclass
class SpeechRange:
    start: int      # first frame
    stop: int       # one past the last frame
    style: str      # talk, shout, whisper, sing


@dataclass
class PoseKey:
    """A user-edited pose at one frame: joint positions the motion passes through."""
    frame: int
    positions: list[list[float]]   # (J, 3) metres


@dataclass
class Actor:
    name: str
    motion: Motion
    color: str = ACTOR_COLORS[0]
    prompt: str = ""
    seed: int = 0
    segments: list[dict[str, Any]] = field(default_factory=list)  # planner segments as dicts
    # user overrides on top of the action-derived expressions (engine.face.ExpressionTrack)
    expression_keys: list[ExpressionKey] = field(default_factory=list)
    speech: list[SpeechRange] = field(default_factory=list)
    pose_keys: list[PoseKey] = field(default_factory=list)
    visible: bool = True


@dataclass
class Project:
    fps: float = 25.0
    actors: list[Actor] = field(default_factory=list)
    camera: list[dict[str, Any]] = field(default_factory=list)   # camera keys as dicts
    history: list[Generation] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)       # render style, background...

    @property
    def num_frames(self) -> int:
        return max((a.motion.num_frames for a in self.actors), default=0)


def to_motion_file(project: Project):
    """The project as a MotionFile (visible actors, shot camera) for rendering and export."""
    from .formats.motion_json import Actor as FileActor, MotionFile

    actors = [FileActor(a.name, a.motion) for a in project.actors if a.visible]
    if not actors:
        raise ValueError("the project has no visible actor to render")
    first = next(a for a in project.actors if a.visible)
    return MotionFile(actors, prompt=first.prompt, seed=first.seed, camera=list(project.camera))
