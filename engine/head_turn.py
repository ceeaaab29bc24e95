"""Head turns for gestures the joints cannot show: a head shake and looking around.

The skeleton's head joint is only the centre of the head, so turning the head about its own up
axis lives in ``Motion.head_yaw`` (radians, positive toward the figure's left). The generator
fills it from the plan: a head shake swings the face side to side, looking around turns it
slowly left, then right. Other actions face ahead (zero).

The model draws a shake as the training clips do (training.procedural.head_gestures): the head
point swings about the neck, toward the figure's left as the face turns left, at its own pace
(about 2 swings a second). A face turning at another pace would look left while the head leans
right, so :func:`shake_in_step` follows the drawn swing; only where the model drew none does
the shake keep its own rhythm (:func:`shake`).
"""
from __future__ import annotations

import numpy as np

from .skeleton import JOINT_INDEX

SHAKE_DEG = 35.0      # how far a shake turns the head each way
SHAKE_HZ = 2.5        # shakes (one left-and-right swing each) per second
SHAKE_EASE_S = 0.2    # the swing grows from nothing and dies away over this long
SWING_MIN_M = 0.01    # a drawn sideways swing of the head smaller than this is none
LOOK_DEG = 60.0       # how far looking around turns the head each way
# One look around as (share of its time, turn as a share of LOOK_DEG): left, hold, right, hold,
# back to the front; eased between keys.
_LOOK_KEYS = ((0.0, 0.0), (0.24, 1.0), (0.38, 1.0), (0.68, -1.0), (0.80, -1.0), (1.0, 0.0))


def head_yaw_for(action: str, frames: int, fps: float, repeats: int | None = None,
                 speed: float = 1.0) -> np.ndarray:
    """The head yaw of one plan segment: (frames,) float32 radians.

    ``repeats`` ("shakes his head three times") sets how many shakes or looks, else the
    segment's length does; ``speed`` (the planner's tempo, "quickly" > 1) quickens a shake.
    """
    n = max(0, int(frames))
    if action == "shake_head":
        return shake(n, fps, repeats, speed)[0]
    if action == "look_around":
        return _look(n, repeats)
    return np.zeros(n, np.float32)


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def shake(n: int, fps: float, repeats: int | None = None, speed: float = 1.0
          ) -> tuple[np.ndarray, np.ndarray]:
    """A head shake over ``n`` frames: (yaw (n,) float32 radians, envelope (n,) float64 in
    [0, 1]). Whole sine swings (left first) at SHAKE_HZ, centred in the segment; the envelope
    eases them in and out."""
    yaw, env = np.zeros(n, np.float32), np.zeros(n)
    period = max(2, int(round(fps / (SHAKE_HZ * max(speed, 0.1)))))    # frames per shake
    room = n // period
    if room < 1:
        return yaw, env
    count = min(room, repeats if repeats else max(1, int(round(n / period))))
    k = count * period
    start = (n - k) // 2
    t = np.arange(k + 1, dtype=np.float64)     # one frame more: the swing ends back at zero
    ease = max(1.0, SHAKE_EASE_S * fps)
    envelope = _smoothstep(t / ease) * _smoothstep((k - t) / ease)
    stop = min(n, start + k + 1)
    env[start:stop] = envelope[:stop - start]
    yaw[start:stop] = (np.radians(SHAKE_DEG) * envelope
                       * np.sin(2 * np.pi * t / period))[:stop - start]
    return yaw, env


def shake_in_step(positions: np.ndarray, fps: float, repeats: int | None = None,
                  speed: float = 1.0) -> np.ndarray:
    """The head yaw of a shake in step with the head's drawn sideways swing: (n,) float32.

    positions: (n, J, 3) metres, one shake segment of the canonical skeleton. The swing is the
    head point's offset from the neck along the shoulders, less its half-second average (a
    lean is no swing); the face turns SHAKE_DEG toward the side the head swings to at its
    larger swings, eased in and out over SHAKE_EASE_S. With no swing to follow: :func:`shake`.
    """
    n = len(positions)
    k = max(3, int(round(0.5 * fps)) | 1)                 # odd: about one swing
    if n < 2 * k:
        return shake(n, fps, repeats, speed)[0]
    p = np.asarray(positions, np.float64)
    neck = p[:, JOINT_INDEX["neck"]]
    up = neck - p[:, JOINT_INDEX["spine"]]
    up /= np.maximum(np.linalg.norm(up, axis=1, keepdims=True), 1e-9)
    left = p[:, JOINT_INDEX["l_shoulder"]] - p[:, JOINT_INDEX["r_shoulder"]]
    left -= up * np.sum(left * up, 1, keepdims=True)
    left /= np.maximum(np.linalg.norm(left, axis=1, keepdims=True), 1e-9)
    side = np.sum((p[:, JOINT_INDEX["head"]] - neck) * left, 1)            # (n,) metres
    swing = side - np.convolve(np.pad(side, k // 2, mode="edge"), np.ones(k) / k, "valid")
    big = float(np.percentile(np.abs(swing), 90))
    if big < SWING_MIN_M:
        return shake(n, fps, repeats, speed)[0]
    t = np.arange(n, dtype=np.float64)
    ease = max(1.0, SHAKE_EASE_S * fps)
    envelope = _smoothstep(t / ease) * _smoothstep((n - 1 - t) / ease)
    return (np.radians(SHAKE_DEG) * envelope * np.clip(swing / big, -1, 1)).astype(np.float32)


def _look(n: int, repeats: int | None) -> np.ndarray:
    """``repeats`` (default one) slow looks to the left and to the right over the segment."""
    if n < 2:
        return np.zeros(n, np.float32)
    count = max(1, min(repeats or 1, n // 25))
    u = (np.arange(n, dtype=np.float64) / (n - 1) * count) % 1.0
    u[-1] = 1.0
    keys_u = np.array([k[0] for k in _LOOK_KEYS])
    keys_v = np.array([k[1] for k in _LOOK_KEYS])
    i = np.clip(np.searchsorted(keys_u, u, side="right") - 1, 0, len(keys_u) - 2)
    x = (u - keys_u[i]) / (keys_u[i + 1] - keys_u[i])
    turn = keys_v[i] + (keys_v[i + 1] - keys_v[i]) * _smoothstep(x)
    return (np.radians(LOOK_DEG) * turn).astype(np.float32)
