"""The planner's output: timed segments of one actor's performance."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PlanSegment:
    action: str                  # a name from engine.actions.ACTIONS
    text: str                    # this segment's own words, for the text encoder
    duration: float              # seconds
    expression: str | None = None  # an explicit expression cue, None = the action's default
    speech: str | None = None      # talk / shout / whisper / sing, None = silent
    speed: float = 1.0             # tempo multiplier from words like "slowly"
    repeats: int | None = None     # "three times"
    explicit_duration: bool = False  # True when the prompt said how long
    matched_by: str = "rule"       # "rule", "embedding" or "default"


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
