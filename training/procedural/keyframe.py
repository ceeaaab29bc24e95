"""Timing for gesture, combat and dance generators: eased keyframe curves, the energy a mood
gives, and how many cycles of a countable movement fit a clip.

Keys are (time, value) pairs; values may be scalars or vectors. Between two keys the value eases
with a smoothstep, so every curve starts and stops each segment at rest and never pops.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import ActionParams, mood_energy

# Gestures, strikes and dances show a mood more than a gait does: its effect on tempo and size
# (base.mood_energy) is scaled up by this much.
MOOD_EMPHASIS = 1.5


def ease(u: np.ndarray) -> np.ndarray:
    """Smoothstep of u clipped to [0, 1]."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def keys(t: np.ndarray, times, values) -> np.ndarray:
    """Eased piecewise curve through keys.

    t: (T,) seconds; times: (K,) increasing key times; values: (K,) or (K, D).
    Returns (T,) or (T, D) float64; before the first key / after the last the end values hold.
    """
    times = np.asarray(times, dtype=np.float64)
    vals = np.asarray(values, dtype=np.float64)
    if len(times) == 1:
        return np.broadcast_to(vals[0], (len(t),) + vals.shape[1:]).copy()
    # nudge equal key times apart so a segment never has zero length
    times = times + np.arange(len(times)) * 1e-9
    i = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
    u = ease((t - times[i]) / (times[i + 1] - times[i]))
    if vals.ndim > 1:
        u = u[:, None]
    return vals[i] * (1.0 - u) + vals[i + 1] * u


def curve(t: np.ndarray, times, values) -> np.ndarray:
    """Smooth curve through keys that keeps moving through the inner ones (Catmull-Rom
    tangents; at rest at the first and last key). For paths like a throwing hand that sweeps
    over the shoulder without stopping there. t: (T,); values (K,) or (K, D)."""
    times = np.asarray(times, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    vals = v.reshape(len(times), -1)
    m = np.zeros_like(vals)
    m[1:-1] = (vals[2:] - vals[:-2]) / (times[2:] - times[:-2])[:, None]
    tc = np.clip(t, times[0], times[-1])
    i = np.clip(np.searchsorted(times, tc, side="right") - 1, 0, len(times) - 2)
    h = (times[i + 1] - times[i])[:, None]
    u = (tc - times[i])[:, None] / h
    u2, u3 = u * u, u * u * u
    out = ((2 * u3 - 3 * u2 + 1) * vals[i] + (u3 - 2 * u2 + u) * h * m[i]
           + (-2 * u3 + 3 * u2) * vals[i + 1] + (u3 - u2) * h * m[i + 1])
    return out.reshape((len(t),) + v.shape[1:])


def window(t: np.ndarray, start: float, stop: float, ramp_in: float, ramp_out: float) -> np.ndarray:
    """(T,) weight: 0 before ``start``, eases to 1 over ``ramp_in``, holds, eases back to 0 so it
    reaches 0 at ``stop``."""
    up = ease((t - start) / max(ramp_in, 1e-6))
    down = ease((stop - t) / max(ramp_out, 1e-6))
    return np.minimum(up, down)


def energy(p: ActionParams, rng: np.random.Generator) -> tuple[float, float]:
    """(tempo, size) of one sample: speed and amplitude, the mood's energy and a little jitter.
    A tired figure moves small and slow, an angry one fast and hard."""
    mt, ma = mood_energy(p.mood)
    tempo = p.speed * (1.0 + MOOD_EMPHASIS * (mt - 1.0)) * float(np.exp(rng.normal(0.0, 0.06)))
    size = p.amplitude * (1.0 + MOOD_EMPHASIS * (ma - 1.0)) * float(np.exp(rng.normal(0.0, 0.06)))
    return tempo, size


@dataclass(frozen=True)
class Cycles:
    """Where the repeated part of an action sits: ``count`` cycles of ``period`` seconds from
    ``start``; before it the figure eases in, after it eases out to idle."""
    start: float
    period: float
    count: int

    @property
    def stop(self) -> float:
        return self.start + self.period * self.count

    def phase(self, t: np.ndarray) -> np.ndarray:
        """(T,) cycles done so far, clipped to [0, count]."""
        return np.clip((t - self.start) / self.period, 0.0, float(self.count))


def plan_cycles(p: ActionParams, period: float, lead_in: float, lead_out: float,
                min_period: float = 0.2) -> Cycles:
    """Fit cycles of a natural ``period`` between a lead-in and a lead-out.

    With ``p.repeats`` the count is what was asked (as many as can be done no faster than
    ``min_period``); otherwise as many as fill the clip at roughly the natural period.
    Lead-in and lead-out shrink when the clip is too short for them.
    """
    duration = (p.frames - 1) / p.fps
    lead_in = min(lead_in, 0.3 * duration)
    lead_out = min(lead_out, 0.3 * duration)
    span = max(duration - lead_in - lead_out, min_period)
    if p.repeats is None:
        count = max(1, min(int(round(span / period)), int(span / min_period)))
        return Cycles(lead_in, span / count, count)
    count = max(1, min(int(p.repeats), int(span / min_period)))
    # asked-for cycles go at the natural pace when they fit, else faster; the rest is idle
    return Cycles(lead_in, max(min_period, min(period, span / count)), count)


def pulse(t: np.ndarray, cyc: Cycles, rise: float, fall: float,
          hold: float | None = None) -> np.ndarray:
    """(T,) weight that, in every cycle, eases 0 -> 1 over ``rise`` seconds, holds and eases
    back to 0 over ``fall`` seconds; 0 outside the cycles. Without ``hold`` the pulse fills the
    cycle (it falls during the cycle's last ``fall`` seconds); with it, the pulse is a strike at
    the cycle's start followed by rest. Times are seconds, not fractions, so a fast tempo
    shortens the holds before it shortens the movements."""
    if hold is None:
        rise = min(rise, 0.45 * cyc.period)
        fall = min(fall, 0.45 * cyc.period)
        length = cyc.period
    else:
        length = min(rise + hold + fall, cyc.period)
    local = (np.clip(t - cyc.start, 0.0, None) % cyc.period)
    w = np.minimum(ease(local / rise), ease((length - local) / fall))
    w[(t < cyc.start) | (t >= cyc.stop) | (local >= length)] = 0.0
    return w


def phases(durations, scale_to: float | None = None) -> np.ndarray:
    """Key times (K+1,) of consecutive phases lasting ``durations`` (K,) seconds from 0; with
    ``scale_to`` they are shrunk (never stretched) to end by that time."""
    times = np.concatenate([[0.0], np.cumsum(durations, dtype=np.float64)])
    if scale_to is not None and times[-1] > scale_to:
        times *= scale_to / times[-1]
    return times
