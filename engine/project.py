"""The project: everything a user makes, as plain dataclasses (no Qt).

The app's Document wraps a Project and changes it only through undo commands; the file format
(engine.formats.project_file) saves and loads it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .camera import CameraKey
from .face import ExpressionKey
from .motion import Motion
from .planner.plan import PathCue, PlanSegment

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
class TimedSegment(PlanSegment):
    """A planner segment placed on an actor's frames [start, stop), for the timeline and for
    regenerating part of a take."""
    start: int = 0
    stop: int = 0

    @classmethod
    def placed(cls, segment: PlanSegment, start: int, stop: int) -> "TimedSegment":
        own = {f.name: getattr(segment, f.name) for f in fields(PlanSegment)}
        return cls(**own, start=int(start), stop=int(stop))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], fps: float) -> "TimedSegment":
        """From a project file; fields a file predates take their defaults (an older file has
        no duration: it is the frame span's), fields a newer one adds are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in known}
        values.setdefault("text", str(values.get("action", "")))
        values.setdefault("duration", (int(d.get("stop", 0)) - int(d.get("start", 0))) / fps)
        if isinstance(values.get("path"), dict):
            values["path"] = PathCue(**{k: v for k, v in values["path"].items()
                                        if k in {f.name for f in fields(PathCue)}})
        return cls(**values)


@dataclass
class Actor:
    name: str
    motion: Motion
    color: str = ACTOR_COLORS[0]
    prompt: str = ""
    seed: int = 0
    segments: list[TimedSegment] = field(default_factory=list)
    # user overrides on top of the action-derived expressions (engine.face.ExpressionTrack)
    expression_keys: list[ExpressionKey] = field(default_factory=list)
    speech: list[SpeechRange] = field(default_factory=list)
    pose_keys: list[PoseKey] = field(default_factory=list)
    visible: bool = True


@dataclass
class Project:
    fps: float = 25.0
    actors: list[Actor] = field(default_factory=list)
    camera: list[CameraKey] = field(default_factory=list)
    history: list[Generation] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)       # render style, background...
    # the scene script the actors were staged from (engine.story.script, its JSON form), None
    # when the project was made one prompt at a time; kept so a scene can be re-planned and edited
    script: dict[str, Any] | None = None

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
    return MotionFile(actors, prompt=first.prompt, seed=first.seed,
                      camera=[k.to_dict() for k in project.camera])
