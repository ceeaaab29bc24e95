"""The planner's output: timed segments of one actor's performance."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PathCue:
    """Where a segment goes, read from words like "in a circle", "to the left", "four steps".

    Angles are degrees about +Y, positive to the figure's own left (its facing at the start of
    the segment). The generator turns a cue into a planned root path (planar velocity and turn
    rate per frame) that the model is conditioned on.
    """
    shape: str = "straight"        # "straight", "circle", "there_and_back", "back_and_forth"
    direction: str | None = None   # "left", "right", "toward" (the camera), "away", None = ahead
    turn_deg: float | None = None  # total turn over the segment (a circle: +-360), None = free
    distance_m: float | None = None  # path length to cover
    steps: int | None = None       # number of steps to take (then the segment ends)
    stops: bool = False            # "and stops": the figure comes to rest at the segment's end


@dataclass
class PlanSegment:
    action: str                  # a name from engine.actions.ACTIONS
    text: str                    # this segment's own words, for the text encoder
    duration: float              # seconds
    expression: str | None = None  # an explicit expression cue, None = the action's default
    speech: str | None = None      # talk / shout / whisper / sing, None = silent
    speed: float = 1.0             # tempo multiplier from words like "slowly"
    repeats: int | None = None     # "three times"
    explicit_duration: bool = False  # True when the prompt said how long (or how far, how many steps)
    matched_by: str = "rule"       # "rule", "embedding" or "default"
    style: str | None = None       # an engine.motion_styles name, None = neutral
    intensity: float = 1.0         # "as hard as she can" > 1, "gently" < 1
    path: PathCue | None = None    # where the segment goes, None = wherever the action goes


@dataclass
class Plan:
    prompt: str
    segments: list[PlanSegment]
    warnings: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.segments)

    def frame_bounds(self, fps: float) -> list[tuple[int, int]]:
        """[start, stop) frames of each segment at ``fps``, contiguous from 0."""
        out, t = [], 0.0
        for s in self.segments:
            a, t = int(round(t * fps)), t + s.duration
            out.append((a, max(a + 1, int(round(t * fps)))))
        return out
