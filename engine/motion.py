"""``Motion``: one actor's 3D joint positions over time with its per-frame tracks.

positions: (T, J, 3) float32, metres; actions/expressions/speech: one entry per frame;
head_yaw: (T,) float32, radians, the head turned about its own up axis relative to the way the
shoulders face (positive toward the figure's left). The joints cannot show that turn: the head
joint is only the centre of the head circle.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from .actions import EXPRESSIONS, SPEECH_STYLES
from .skeleton import JOINT_NAMES, PARENTS

DEFAULT_FPS = 25.0
MAX_HEAD_YAW = math.pi / 2      # radians: a head turned further would face backwards


@dataclass
class Motion:
    positions: np.ndarray                   # (T, J, 3) float32, metres
    fps: float = DEFAULT_FPS
    actions: list[str] = field(default_factory=list)          # T labels
    expressions: list[str] = field(default_factory=list)      # T names from EXPRESSIONS
    speech: list[str | None] = field(default_factory=list)    # T entries, None = silent
    joints: tuple[str, ...] = JOINT_NAMES
    parents: tuple[int, ...] = PARENTS
    head_yaw: np.ndarray | None = None      # (T,) float32 radians; None = facing ahead

    def __post_init__(self) -> None:
        self.positions = np.ascontiguousarray(self.positions, dtype=np.float32)
        if self.positions.ndim != 3 or self.positions.shape[2] != 3:
            raise ValueError(f"positions must be (T, J, 3), got {self.positions.shape}")
        T, J = self.positions.shape[:2]
        if J != len(self.joints) or len(self.parents) != J:
            raise ValueError(f"positions have {J} joints but {len(self.joints)} names "
                             f"and {len(self.parents)} parents")
        if not self.fps or not np.isfinite(self.fps) or self.fps <= 0:
            raise ValueError(f"fps must be positive, got {self.fps}")
        self.actions = list(self.actions) if self.actions else ["idle"] * T
        self.expressions = list(self.expressions) if self.expressions else ["neutral"] * T
        self.speech = list(self.speech) if self.speech else [None] * T
        for name, track in (("actions", self.actions), ("expressions", self.expressions),
                            ("speech", self.speech)):
            if len(track) != T:
                raise ValueError(f"{name} track has {len(track)} entries for {T} frames")
        self.head_yaw = _head_yaw(self.head_yaw, T)
        bad = sorted({e for e in self.expressions if e not in EXPRESSIONS})
        if bad:
            raise ValueError(f"unknown expressions {bad}; known: {', '.join(EXPRESSIONS)}")
        bad = sorted({s for s in self.speech if s is not None and s not in SPEECH_STYLES})
        if bad:
            raise ValueError(f"unknown speech styles {bad}; known: {', '.join(SPEECH_STYLES)}")

    @property
    def num_frames(self) -> int:
        return int(self.positions.shape[0])

    @property
    def duration(self) -> float:
        return self.num_frames / self.fps

    def joint(self, name: str) -> np.ndarray:
        """Trajectory of one joint: (T, 3)."""
        return self.positions[:, self.joints.index(name)]

    def copy(self) -> "Motion":
        return replace(self, positions=self.positions.copy(), actions=list(self.actions),
                       expressions=list(self.expressions), speech=list(self.speech),
                       head_yaw=self.head_yaw.copy())

    def slice(self, start: int, stop: int) -> "Motion":
        """Frames [start, stop) as a new Motion."""
        start, stop = max(0, start), min(self.num_frames, stop)
        if stop <= start:
            raise ValueError(f"empty slice [{start}, {stop}) of a {self.num_frames}-frame motion")
        return replace(self, positions=self.positions[start:stop].copy(),
                       actions=self.actions[start:stop], expressions=self.expressions[start:stop],
                       speech=self.speech[start:stop], head_yaw=self.head_yaw[start:stop].copy())

    def resample(self, fps: float) -> "Motion":
        """The same motion at ``fps``: positions and head yaw linearly interpolated, the label
        tracks nearest-frame."""
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        if abs(fps - self.fps) < 1e-9:
            return self.copy()
        T = self.num_frames
        n = max(1, int(round((T - 1) * fps / self.fps)) + 1)
        src = np.arange(n) * (self.fps / fps)
        src = np.clip(src, 0, T - 1)
        i0 = np.floor(src).astype(int)
        i1 = np.minimum(i0 + 1, T - 1)
        w = (src - i0)[:, None, None].astype(np.float32)
        pos = self.positions[i0] * (1 - w) + self.positions[i1] * w
        yaw = self.head_yaw[i0] * (1 - w[:, 0, 0]) + self.head_yaw[i1] * w[:, 0, 0]
        near = np.clip(np.round(src).astype(int), 0, T - 1)
        return replace(self, positions=pos, fps=float(fps), head_yaw=yaw,
                       actions=[self.actions[i] for i in near],
                       expressions=[self.expressions[i] for i in near],
                       speech=[self.speech[i] for i in near])


def concatenate(motions: list[Motion], blend_frames: int = 8) -> Motion:
    """Join motions end to start with smooth transitions.

    Each next motion is moved on the floor so its first root position starts where the overlap
    begins (no jump in place), and over ``blend_frames`` the poses (and head yaws) cross-fade
    with a smoothstep weight: the tail of the previous clip and the head of the next overlap.
    All motions must share fps and joints.
    """
    if not motions:
        raise ValueError("nothing to concatenate")
    out = motions[0].copy()
    for nxt in motions[1:]:
        if abs(nxt.fps - out.fps) > 1e-6 or nxt.joints != out.joints:
            raise ValueError("motions to concatenate must share fps and joints")
        nxt = nxt.copy()
        b = int(max(0, min(blend_frames, out.num_frames - 1, nxt.num_frames - 1)))
        # Align the next clip's start with the first overlapping frame of the previous one.
        shift = out.positions[out.num_frames - max(b, 1), 0] - nxt.positions[0, 0]
        shift[1] = 0.0
        nxt.positions += shift
        if b > 0:
            t = (np.arange(1, b + 1) / (b + 1)).astype(np.float32)
            w = (t * t * (3 - 2 * t))[:, None, None]
            tail = out.positions[-b:]
            head = nxt.positions[:b]
            nxt.positions[:b] = tail * (1 - w) + head * w
            nxt.head_yaw[:b] = out.head_yaw[-b:] * (1 - w[:, 0, 0]) + nxt.head_yaw[:b] * w[:, 0, 0]
            out = out.slice(0, out.num_frames - b)
        out = Motion(np.concatenate([out.positions, nxt.positions]), out.fps,
                     out.actions + nxt.actions, out.expressions + nxt.expressions,
                     out.speech + nxt.speech, out.joints, out.parents,
                     np.concatenate([out.head_yaw, nxt.head_yaw]))
    return out


def _head_yaw(values, T: int) -> np.ndarray:
    """A checked head yaw track: (T,) float32 radians, zeros when ``values`` is None."""
    if values is None:
        return np.zeros(T, np.float32)
    try:
        yaw = np.asarray(values, dtype=np.float32)
    except (TypeError, ValueError):
        raise ValueError("head_yaw must be numbers (radians), one per frame") from None
    if yaw.shape != (T,):
        raise ValueError(f"head_yaw track has shape {yaw.shape} for {T} frames")
    if not np.isfinite(yaw).all():
        raise ValueError("head_yaw holds NaN or infinity")
    worst = float(np.abs(yaw).max(initial=0.0))
    if worst > MAX_HEAD_YAW + 1e-5:
        raise ValueError(f"head_yaw reaches {worst:.3f} rad; a head turns at most "
                         f"{MAX_HEAD_YAW:.4f} rad (90 degrees) either way")
    # float32 rounding of pi/2 may land a hair outside
    return np.clip(yaw, -MAX_HEAD_YAW, MAX_HEAD_YAW).astype(np.float32)
