"""Facial expressions and speech: continuous face parameters for every frame of a Motion.

An expression is a point in a small parameter space (:class:`FaceParams`); a change of
expression glides between two points over :data:`BLEND_SECONDS` with a smoothstep, starting at
the key, so there is never a snap. The per-frame ``Motion.expressions`` labels are the stored
track (a step function); :class:`ExpressionTrack` views it as keys (frame, expression), derives
default keys from the action track and takes user overrides.

Speech (talk, shout, whisper, sing) opens and closes the mouth in syllables. A sine at the
syllable rate sampled at the frame rate beats (a 10 Hz sine at 25 fps repeats a 5-frame pattern
whose weak and strong openings read as a slow flicker), so instead each syllable is a whole
number of frames (at least two) that starts with the mouth closed and opens once; lengths and
heights are jittered deterministically around the intended rate, so the per-frame openness has
one opening per syllable and no slow pattern.
"""
from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from typing import Sequence

import numpy as np

from .actions import EXPRESSIONS, SPEECH_STYLES, default_expression
from .motion import Motion

BLEND_SECONDS = 0.3      # an expression change takes this long
SPEECH_RAMP_SECONDS = 0.2   # speech fades in and out over this long at each end of a phrase


@dataclass(frozen=True)
class FaceParams:
    """The face, as numbers the draw list turns into strokes.

    Units are relative to the head radius where they are lengths.
    """
    mouth_curve: float = 0.0   # -1 frown .. +1 broad smile (corners up)
    mouth_open: float = 0.0    # 0 closed .. 1 wide open
    mouth_width: float = 0.8   # 1 = a broad mouth (its half-width is 0.4 head radii)
    brow_angle: float = 0.0    # -1 inner ends down (angry) .. +1 inner ends up (worried, sad)
    brow_height: float = 0.0   # -1 lowered .. +1 raised
    eye_open: float = 1.0      # 0 shut .. 1 normal .. 1.4 wide
    eye_size: float = 1.0      # overall eye scale

    def as_array(self) -> np.ndarray:
        return np.array(astuple(self), dtype=np.float64)

    @classmethod
    def from_array(cls, values: np.ndarray) -> "FaceParams":
        return cls(*(float(v) for v in values))


PARAM_NAMES: tuple[str, ...] = tuple(f.name for f in fields(FaceParams))

EXPRESSION_PARAMS: dict[str, FaceParams] = {
    "neutral": FaceParams(0.10, 0.0, 0.80, 0.05, 0.15, 1.00, 1.00),
    "happy": FaceParams(0.85, 0.08, 1.00, 0.15, 0.25, 0.80, 1.00),
    "sad": FaceParams(-0.70, 0.0, 0.75, 0.85, -0.10, 0.65, 0.95),
    "surprised": FaceParams(0.0, 0.70, 0.55, 0.25, 0.95, 1.35, 1.25),
    "angry": FaceParams(-0.50, 0.12, 0.90, -0.95, -0.45, 0.70, 0.90),
    "excited": FaceParams(1.00, 0.55, 1.10, 0.20, 0.60, 1.15, 1.15),
}
assert set(EXPRESSION_PARAMS) == set(EXPRESSIONS)


@dataclass(frozen=True)
class SpeechStyle:
    rate_hz: float        # syllables per second
    amplitude: float      # how far the mouth opens on a syllable
    shape: float          # exponent on the syllable bump: <1 holds the vowel open longer
    width: float          # added to mouth_width while the mouth is open
    jitter: float         # relative spread of syllable lengths


SPEECH: dict[str, SpeechStyle] = {
    "talk": SpeechStyle(8.0, 0.55, 0.8, 0.0, 0.25),
    "shout": SpeechStyle(6.0, 1.00, 0.6, 0.25, 0.25),
    "whisper": SpeechStyle(10.0, 0.25, 1.0, -0.1, 0.25),
    "sing": SpeechStyle(4.0, 0.85, 0.45, -0.3, 0.12),
}
assert set(SPEECH) == set(SPEECH_STYLES)


def _smoothstep(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3.0 - 2.0 * x)


@dataclass(frozen=True)
class ExpressionKey:
    frame: int
    expression: str

    def __post_init__(self) -> None:
        if self.expression not in EXPRESSION_PARAMS:
            raise ValueError(f"unknown expression {self.expression!r}; "
                             f"known: {', '.join(EXPRESSIONS)}")


class ExpressionTrack:
    """Expression keys: each holds from its frame until the next key; evaluation blends."""

    def __init__(self, keys: Sequence[ExpressionKey] = ()):
        self.keys: list[ExpressionKey] = []
        for k in keys:
            self.set(k.frame, k.expression)

    @classmethod
    def from_labels(cls, labels: Sequence[str]) -> "ExpressionTrack":
        """Keys at every change of a per-frame label list (``Motion.expressions``)."""
        keys = [ExpressionKey(t, e) for t, e in enumerate(labels) if t == 0 or e != labels[t - 1]]
        return cls(keys)

    @classmethod
    def from_actions(cls, actions: Sequence[str]) -> "ExpressionTrack":
        """Default keys: the expression each action suggests (celebrate -> happy, ...)."""
        return cls.from_labels([default_expression(a) for a in actions])

    def set(self, frame: int, expression: str) -> None:
        """Add a key, replacing any key at the same frame (a user override)."""
        key = ExpressionKey(int(frame), expression)
        self.keys = sorted([k for k in self.keys if k.frame != key.frame] + [key],
                           key=lambda k: k.frame)

    def remove(self, frame: int) -> None:
        self.keys = [k for k in self.keys if k.frame != int(frame)]

    def merged(self, overrides: "ExpressionTrack") -> "ExpressionTrack":
        """This track with ``overrides``' keys added; at a shared frame the override wins."""
        out = ExpressionTrack(self.keys)
        for k in overrides.keys:
            out.set(k.frame, k.expression)
        return out

    def label_at(self, frame: float) -> str:
        """The expression in force at ``frame`` (the step value, before blending)."""
        label = self.keys[0].expression if self.keys else "neutral"
        for k in self.keys:
            if k.frame > frame:
                break
            label = k.expression
        return label

    def labels(self, num_frames: int) -> list[str]:
        """Per-frame step labels, as stored in ``Motion.expressions``."""
        return [self.label_at(t) for t in range(num_frames)]

    def params_at(self, frame: float, fps: float) -> FaceParams:
        """Blended parameters at ``frame`` (may be fractional).

        Each key starts a smoothstep glide from wherever the face is at that moment, so keys
        closer together than the blend time still give a continuous face.
        """
        if not self.keys:
            return EXPRESSION_PARAMS["neutral"]
        blend = max(1e-6, BLEND_SECONDS * fps)  # frames
        start = target = EXPRESSION_PARAMS[self.keys[0].expression].as_array()
        start_frame = float(self.keys[0].frame)
        for k in self.keys[1:]:
            if k.frame > frame:
                break
            w = _smoothstep((k.frame - start_frame) / blend)
            start = start + (target - start) * w
            target = EXPRESSION_PARAMS[k.expression].as_array()
            start_frame = float(k.frame)
        w = _smoothstep((frame - start_frame) / blend)
        return FaceParams.from_array(start + (target - start) * w)

    def to_list(self) -> list[dict]:
        return [{"frame": k.frame, "expression": k.expression} for k in self.keys]

    @classmethod
    def from_list(cls, data: Sequence[dict]) -> "ExpressionTrack":
        return cls([ExpressionKey(int(d["frame"]), str(d["expression"])) for d in data])


def with_expression(motion: Motion, expression: str) -> Motion:
    """A copy of ``motion`` showing ``expression`` on every frame (the CLI's --expression)."""
    ExpressionKey(0, expression)  # validates the name
    out = motion.copy()
    out.expressions = [expression] * out.num_frames
    return out


def _segments(speech: Sequence[str | None]) -> list[tuple[int, int, str]]:
    """Runs of one speech style: (start, stop, style) with stop exclusive."""
    out: list[tuple[int, int, str]] = []
    start = 0
    for t in range(1, len(speech) + 1):
        if t == len(speech) or speech[t] != speech[start]:
            if speech[start] is not None:
                out.append((start, t, str(speech[start])))
            start = t
    return out


def viseme_curve(num_frames: int, fps: float, style: str, seed: int = 0) -> np.ndarray:
    """Mouth openness for one phrase of ``style``: (num_frames,) float64 in [0, amplitude].

    Syllables are whole numbers of frames (at least two, so one closed and one open frame),
    averaging ``fps / rate``; a rate above fps/2 cannot be shown and tops out there.
    """
    spec = SPEECH[style]
    rng = np.random.default_rng([seed & 0xFFFFFFFF, SPEECH_STYLES.index(style)])
    mean_len = max(2.0, fps / spec.rate_hz)
    out = np.zeros(num_frames, dtype=np.float64)
    pos, edge = 0.0, 0
    while edge < num_frames:
        pos += mean_len * (1.0 + spec.jitter * rng.uniform(-1.0, 1.0))
        nxt = max(edge + 2, int(round(pos)))
        length = nxt - edge
        amp = spec.amplitude * rng.uniform(0.65, 1.0)
        i = np.arange(length, dtype=np.float64)
        bump = np.sin(np.pi * i / length) ** spec.shape  # 0 at the syllable's first frame
        stop = min(nxt, num_frames)
        out[edge:stop] = amp * bump[: stop - edge]
        edge = nxt
    return out


class FaceTracks:
    """Everything needed to evaluate one actor's face, precomputed once per Motion.

    ``mouth_add`` and ``width_add`` are (T,) float64 arrays: speech's contribution per frame.
    """

    def __init__(self, expressions: ExpressionTrack, speech: Sequence[str | None], fps: float):
        self.expressions = expressions
        self.fps = float(fps)
        T = len(speech)
        self.mouth_add = np.zeros(T, dtype=np.float64)
        self.width_add = np.zeros(T, dtype=np.float64)
        ramp = max(1.0, SPEECH_RAMP_SECONDS * self.fps)
        for start, stop, style in _segments(speech):
            n = stop - start
            curve = viseme_curve(n, self.fps, style, seed=start)
            t = np.arange(n, dtype=np.float64)
            env = np.clip(np.minimum((t + 1) / ramp, (n - t) / ramp), 0.0, 1.0)
            env = env * env * (3 - 2 * env)
            self.mouth_add[start:stop] = curve * env
            self.width_add[start:stop] = SPEECH[style].width * curve / SPEECH[style].amplitude * env

    @classmethod
    def from_motion(cls, motion: Motion) -> "FaceTracks":
        return cls(ExpressionTrack.from_labels(motion.expressions), motion.speech, motion.fps)

    def mouth_openness(self) -> np.ndarray:
        """Speech's mouth opening per frame, (T,) float64 (0 when silent)."""
        return self.mouth_add.copy()

    def params(self, frame: float) -> FaceParams:
        base = self.expressions.params_at(frame, self.fps)
        T = len(self.mouth_add)
        if T == 0:
            return base
        # Linear between frames so a viewport playing faster than the motion stays smooth.
        f = min(max(float(frame), 0.0), T - 1.0)
        i0 = int(np.floor(f))
        i1 = min(i0 + 1, T - 1)
        w = f - i0
        add = self.mouth_add[i0] * (1 - w) + self.mouth_add[i1] * w
        wadd = self.width_add[i0] * (1 - w) + self.width_add[i1] * w
        if add == 0.0 and wadd == 0.0:
            return base
        # Speech opens the mouth on top of the expression, never past fully open.
        mouth_open = base.mouth_open + (1.0 - base.mouth_open) * min(1.0, add)
        width = max(0.35, base.mouth_width + wadd)
        return FaceParams(base.mouth_curve * (1.0 - 0.5 * min(1.0, add)), mouth_open, width,
                          base.brow_angle, base.brow_height + 0.15 * add, base.eye_open,
                          base.eye_size)


_CACHE: dict[tuple, FaceTracks] = {}


def tracks_for(motion: Motion) -> FaceTracks:
    """FaceTracks for ``motion``, cached on exactly what they are computed from (fps and the
    expression and speech tracks), so an edited motion is never served stale tracks."""
    key = (motion.fps, tuple(motion.expressions), tuple(motion.speech))
    hit = _CACHE.get(key)
    if hit is None:
        if len(_CACHE) > 32:
            _CACHE.clear()
        hit = _CACHE[key] = FaceTracks.from_motion(motion)
    return hit


def face_params(source: Motion | FaceTracks, frame: float) -> FaceParams:
    """The face of ``source`` (a Motion or precomputed FaceTracks) at ``frame``."""
    tracks = source if isinstance(source, FaceTracks) else tracks_for(source)
    return tracks.params(frame)
