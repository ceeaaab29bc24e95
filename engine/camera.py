"""Camera keyframes, easing, evaluation over time, and the preset moves that create keys.

A :class:`CameraKey` holds position, target, vertical field of view, roll and the easing of the
stretch from it to the next key. A key may ``follow`` an actor: its position and target are
then offsets from that actor's smoothed ground point, so a "track" move keeps a walker framed.
Keys evaluate to world space first and are blended after, so a followed key can hand over to a
fixed one. ``path="orbit"`` swings the position around the target (radius, azimuth and height
are interpolated) instead of cutting straight across, so an orbit keeps its distance.

Keys serialise as the ``camera`` list of a .motion.json (:meth:`CameraTrack.to_list`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np

from .motion import Motion
from .projection import CameraState

EASINGS: tuple[str, ...] = ("linear", "ease_in", "ease_out", "ease_in_out", "hold")
MOVES: tuple[str, ...] = ("static", "pan", "zoom", "track", "dolly", "crane", "orbit")
PATHS: tuple[str, ...] = ("line", "orbit")
DEFAULT_FOV = 38.0        # degrees, vertical
DEFAULT_DISTANCE = 4.5    # metres from the subject's centre
DEFAULT_HEIGHT = 1.2      # metres above the floor at the default distance
FOLLOW_SMOOTH_SECONDS = 0.4  # a followed actor's position is averaged over +- this long


def ease(kind: str, u: float) -> float:
    """Eased fraction for ``u`` in [0, 1]; every curve gives 0 at 0 and 1 at 1 (hold: 0 until 1).

    ease_in/out are quadratic halves and ease_in_out is smoothstep, all C1 inside the span.
    """
    u = min(1.0, max(0.0, float(u)))
    if kind == "linear":
        return u
    if kind == "ease_in":
        return u * u
    if kind == "ease_out":
        return 1.0 - (1.0 - u) * (1.0 - u)
    if kind == "ease_in_out":
        return u * u * (3.0 - 2.0 * u)
    if kind == "hold":
        return 1.0 if u >= 1.0 else 0.0
    raise ValueError(f"unknown easing {kind!r}; known: {', '.join(EASINGS)}")


def _vec3(value: Any, what: str) -> tuple[float, float, float]:
    try:
        v = tuple(float(x) for x in value)
    except (TypeError, ValueError):
        raise ValueError(f"camera key {what} must be three numbers, got {value!r}") from None
    if len(v) != 3 or not all(math.isfinite(x) for x in v):
        raise ValueError(f"camera key {what} must be three finite numbers, got {value!r}")
    return v  # type: ignore[return-value]


@dataclass(frozen=True)
class CameraKey:
    frame: float
    position: tuple[float, float, float]   # metres (an offset when ``follow`` is set)
    target: tuple[float, float, float]     # metres (an offset when ``follow`` is set)
    fov: float = DEFAULT_FOV               # vertical field of view, degrees
    roll: float = 0.0                      # degrees about the view axis
    easing: str = "ease_in_out"            # curve from this key to the next
    move: str = "custom"                   # the preset that made it, for the UI
    follow: int | None = None              # actor index whose ground point anchors this key
    path: str = "line"                     # "line" or "orbit": how position travels onward

    def __post_init__(self) -> None:
        if self.easing not in EASINGS:
            raise ValueError(f"unknown easing {self.easing!r}; known: {', '.join(EASINGS)}")
        if self.path not in PATHS:
            raise ValueError(f"unknown camera path {self.path!r}; known: {', '.join(PATHS)}")
        if not (1.0 <= self.fov <= 170.0):
            raise ValueError(f"camera fov must be within 1..170 degrees, got {self.fov}")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"frame": self.frame, "move": self.move,
                             "position": [round(x, 6) for x in self.position],
                             "target": [round(x, 6) for x in self.target],
                             "fov": self.fov, "roll": self.roll, "easing": self.easing}
        if self.follow is not None:
            d["follow"] = self.follow
        if self.path != "line":
            d["path"] = self.path
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "CameraKey":
        if not isinstance(d, dict):
            raise ValueError(f"a camera key must be an object, got {d!r}")
        for key in ("frame", "position", "target"):
            if key not in d:
                raise ValueError(f"camera key lacks {key!r}: {d!r}")
        fov = float(d["fov"]) if "fov" in d else DEFAULT_FOV / float(d.get("zoom", 1.0))
        follow = d.get("follow")
        if follow is not None and (isinstance(follow, bool) or not isinstance(follow, int)):
            raise ValueError(f"camera key 'follow' must be an actor index, got {follow!r}")
        frame = float(d["frame"])
        if not math.isfinite(frame):
            raise ValueError(f"camera key frame must be finite, got {d['frame']!r}")
        return cls(frame, _vec3(d["position"], "position"), _vec3(d["target"], "target"), fov,
                   float(d.get("roll", 0.0)), str(d.get("easing", "ease_in_out")),
                   str(d.get("move", "custom")), follow, str(d.get("path", "line")))

    def resolve(self, frame: float, motions: Sequence[Motion]) -> tuple[np.ndarray, np.ndarray]:
        """World (position, target), each (3,) float64, at ``frame``."""
        pos = np.asarray(self.position, dtype=np.float64)
        tgt = np.asarray(self.target, dtype=np.float64)
        if self.follow is None:
            return pos, tgt
        if not (0 <= self.follow < len(motions)):
            raise ValueError(f"camera key follows actor {self.follow}, but there are "
                             f"{len(motions)} actor(s)")
        anchor = follow_anchor(motions[self.follow], frame)
        return pos + anchor, tgt + anchor


def follow_anchor(motion: Motion, frame: float) -> np.ndarray:
    """An actor's pelvis on the floor (y = 0), averaged over a short window so the camera glides
    instead of bobbing with each step: (3,) float64."""
    pelvis = motion.positions[:, 0].astype(np.float64)  # (T, 3)
    T = len(pelvis)
    half = max(1, int(round(FOLLOW_SMOOTH_SECONDS * motion.fps)))
    f = min(max(float(frame), 0.0), T - 1.0)
    i0 = int(math.floor(f))
    w = f - i0

    def mean_at(i: int) -> np.ndarray:
        # Shrink the window symmetrically near the ends so a steady walk is not pulled back.
        r = min(half, i, T - 1 - i)
        return pelvis[i - r: i + r + 1].mean(axis=0)

    a = mean_at(i0)
    if w > 0 and i0 + 1 < T:
        a = a * (1 - w) + mean_at(i0 + 1) * w
    return np.array([a[0], 0.0, a[2]])


class CameraTrack:
    """Camera keys sorted by frame; with no keys, the default framing of the motions."""

    def __init__(self, keys: Sequence[CameraKey] = ()):
        self.keys: list[CameraKey] = sorted(keys, key=lambda k: k.frame)
        self._default: tuple[tuple, CameraKey] | None = None  # framing cache for key-less use

    def _default_key(self, motions: Sequence[Motion], aspect: float) -> CameraKey:
        tag = (tuple(id(m) for m in motions), tuple(m.num_frames for m in motions), aspect)
        if self._default is None or self._default[0] != tag:
            self._default = (tag, default_key(motions, 0, None, aspect))
        return self._default[1]

    def evaluate(self, frame: float, motions: Sequence[Motion] = (), aspect: float = 16 / 9
                 ) -> CameraState:
        keys = self.keys
        if not keys:
            if not motions:
                return CameraState((0.0, DEFAULT_HEIGHT, DEFAULT_DISTANCE), (0.0, 0.9, 0.0))
            keys = [self._default_key(motions, aspect)]
        if frame <= keys[0].frame or len(keys) == 1:
            return _state(keys[0], frame, motions)
        if frame >= keys[-1].frame:
            return _state(keys[-1], frame, motions)
        i = max(j for j, k in enumerate(keys) if k.frame <= frame)
        a, b = keys[i], keys[i + 1]
        w = ease(a.easing, (frame - a.frame) / max(b.frame - a.frame, 1e-9))
        pa, ta = a.resolve(frame, motions)
        pb, tb = b.resolve(frame, motions)
        target = ta + (tb - ta) * w
        if a.path == "orbit":
            pos = target + _slerp_offset(pa - ta, pb - tb, w)
        else:
            pos = pa + (pb - pa) * w
        return CameraState(tuple(pos), tuple(target), a.fov + (b.fov - a.fov) * w,
                           a.roll + (b.roll - a.roll) * w)

    def starting_at(self, start: float, motions: Sequence[Motion] = ()) -> "CameraTrack":
        """The keys from ``start`` on, shifted so ``start`` becomes frame 0, led by a key that
        holds the camera exactly as it was at ``start`` (for saving a cut of a clip).

        A cut inside an eased stretch restarts that stretch's easing from the cut; linear and
        held stretches are unchanged.
        """
        if not self.keys:
            return CameraTrack()
        after = [replace(k, frame=k.frame - start) for k in self.keys if k.frame > start]
        before = [k for k in self.keys if k.frame <= start]
        head = before[-1] if before else self.keys[0]
        if head.follow is None:
            s = self.evaluate(start, motions)
            first = replace(head, frame=0.0, position=s.position, target=s.target, fov=s.fov,
                            roll=s.roll)
        else:
            first = replace(head, frame=0.0)
        return CameraTrack([first] + after)

    def retimed(self, scale: float) -> "CameraTrack":
        """Key frames multiplied by ``scale`` (e.g. new_fps / old_fps)."""
        return CameraTrack([replace(k, frame=k.frame * scale) for k in self.keys])

    def to_list(self) -> list[dict[str, Any]]:
        return [k.to_dict() for k in self.keys]

    @classmethod
    def from_list(cls, data: Sequence[dict[str, Any]]) -> "CameraTrack":
        return cls([CameraKey.from_dict(d) for d in data])


def _state(key: CameraKey, frame: float, motions: Sequence[Motion]) -> CameraState:
    pos, tgt = key.resolve(frame, motions)
    return CameraState(tuple(pos), tuple(tgt), key.fov, key.roll)


def _slerp_offset(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    """Blend two offsets from a target as cylindrical coordinates (radius, azimuth, height)."""
    ra, rb = math.hypot(a[0], a[2]), math.hypot(b[0], b[2])
    aa, ab = math.atan2(a[0], a[2]), math.atan2(b[0], b[2])
    d = (ab - aa + math.pi) % (2 * math.pi) - math.pi  # the shorter way round
    r, ang = ra + (rb - ra) * w, aa + d * w
    return np.array([r * math.sin(ang), a[1] + (b[1] - a[1]) * w, r * math.cos(ang)])


# ---- framing and preset moves ---------------------------------------------------------------

def _joints(motions: Sequence[Motion], start: int, stop: int | None) -> np.ndarray:
    pts = [m.positions[start: stop if stop is not None else m.num_frames] for m in motions]
    pts = [p.reshape(-1, 3) for p in pts if len(p)]
    if not pts:
        raise ValueError(f"no frames in the range {start}..{stop}")
    return np.concatenate(pts).astype(np.float64)


def facing(motion: Motion, frame: int = 0) -> np.ndarray:
    """The direction a figure faces at ``frame``, on the floor: (3,) unit float64.

    The figure's left (+X at rest) crossed with up gives forward (+Z at rest).
    """
    names = motion.joints
    p = motion.positions[min(max(frame, 0), motion.num_frames - 1)].astype(np.float64)
    left = (p[names.index("l_shoulder")] - p[names.index("r_shoulder")]
            + p[names.index("l_hip")] - p[names.index("r_hip")])
    fwd = np.cross(left, [0.0, 1.0, 0.0])
    fwd[1] = 0.0
    n = np.linalg.norm(fwd)
    return fwd / n if n > 1e-6 else np.array([0.0, 0.0, 1.0])


def frame_subject(motions: Sequence[Motion], start: int = 0, stop: int | None = None,
                  aspect: float = 16 / 9, fov: float = DEFAULT_FOV, margin: float = 0.8,
                  direction: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Camera (position, target) that shows every joint of ``motions`` in frames [start, stop).

    The camera looks at the centre of the joints' bounding box from ``direction`` (default: the
    first actor's facing, so the figure faces the camera), from ~DEFAULT_DISTANCE metres and
    ~DEFAULT_HEIGHT metres up, backing off further if the subject would not fit within
    ``margin`` of the picture.
    """
    pts = _joints(motions, start, stop)
    lo, hi = pts.min(axis=0) - 0.15, pts.max(axis=0) + 0.15  # head radius and a little air
    centre = (lo + hi) / 2
    d_dir = facing(motions[0], start) if direction is None else np.asarray(direction, float)
    eye = centre + d_dir * DEFAULT_DISTANCE
    eye[1] = DEFAULT_HEIGHT
    view = centre - eye
    view /= np.linalg.norm(view)
    right, up, fwd = CameraState(tuple(eye), tuple(centre), fov).basis()
    ty = math.tan(math.radians(fov) / 2) * margin
    tx = ty * aspect
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1])
                        for z in (lo[2], hi[2])]) - centre
    need = np.maximum(np.abs(corners @ right) / tx, np.abs(corners @ up) / ty) - corners @ fwd
    dist = max(DEFAULT_DISTANCE, float(need.max()))
    return centre - view * dist, centre


def default_key(motions: Sequence[Motion], start: int = 0, stop: int | None = None,
                aspect: float = 16 / 9) -> CameraKey:
    pos, tgt = frame_subject(motions, start, stop, aspect)
    return CameraKey(float(start), tuple(pos), tuple(tgt), easing="hold", move="static")


def make_move(move: str, motions: Sequence[Motion], start: int = 0, stop: int | None = None,
              aspect: float = 16 / 9, amount: float = 1.0) -> list[CameraKey]:
    """Keys for a preset ``move`` over frames [start, stop) of ``motions``.

    ``amount`` scales how far the move goes (1 = the preset's own size; orbit: turns).
    """
    if move not in MOVES:
        raise ValueError(f"unknown camera move {move!r}; known: {', '.join(MOVES)}")
    if not motions:
        raise ValueError("a camera move needs at least one actor to frame")
    longest = max(m.num_frames for m in motions)
    stop = longest if stop is None else min(stop, longest)
    if stop <= start:
        raise ValueError(f"empty frame range {start}..{stop} for a camera move")
    end = float(stop - 1)
    s = float(start)
    pos, tgt = frame_subject(motions, start, stop, aspect)
    off = pos - tgt
    K = CameraKey

    def key(frame: float, p: np.ndarray, t: np.ndarray, **kw: Any) -> CameraKey:
        return K(frame, tuple(float(x) for x in p), tuple(float(x) for x in t), move=move, **kw)

    if move == "static" or end <= s:
        return [key(s, pos, tgt, easing="hold")]
    if move == "pan":
        # Follow the subject's travel if it moves; otherwise sweep across it.
        c0 = _joints(motions, start, start + 1).mean(axis=0)
        c1 = _joints(motions, stop - 1, stop).mean(axis=0)
        right = np.cross(tgt - pos, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        if np.linalg.norm((c1 - c0)[[0, 2]]) < 0.5:
            c0, c1 = tgt - right * 1.2 * amount, tgt + right * 1.2 * amount
        c0[1] = c1[1] = tgt[1]
        return [key(s, pos, c0), key(end, pos, c1)]
    if move == "zoom":
        return [key(s, pos, tgt), key(end, pos, tgt, fov=DEFAULT_FOV / (1.0 + 0.8 * amount))]
    if move == "dolly":
        return [key(s, pos, tgt), key(end, tgt + off * max(0.2, 1.0 - 0.45 * amount), tgt)]
    if move == "crane":
        low = tgt + off * 1.05
        low[1] = 0.35
        high = tgt + off * 1.15
        high[1] = 0.35 + 3.2 * amount
        return [key(s, low, tgt), key(end, high, tgt)]
    if move == "track":
        p0, t0 = frame_subject(motions[:1], start, start + 1, aspect)  # centre the followed
        anchor = follow_anchor(motions[0], s)
        return [key(s, p0 - anchor, t0 - anchor, follow=0, easing="hold")]
    # orbit: keys every quarter turn at most, swung along the circle at a steady rate.
    turns = amount
    n = max(1, int(math.ceil(abs(turns) * 4)))
    keys = []
    for i in range(n + 1):
        a = 2 * math.pi * turns * i / n
        c, sn = math.cos(a), math.sin(a)
        o = np.array([off[0] * c + off[2] * sn, off[1], -off[0] * sn + off[2] * c])
        keys.append(key(s + (end - s) * i / n, tgt + o, tgt, easing="linear", path="orbit"))
    return keys


def camera_for(move: str | None, motions: Sequence[Motion], start: int = 0,
               stop: int | None = None, aspect: float = 16 / 9) -> CameraTrack:
    """A CameraTrack for a preset move, or the default framing when ``move`` is None."""
    return CameraTrack(make_move(move or "static", motions, start, stop, aspect))
