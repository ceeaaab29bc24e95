"""Jumps: jump (straight up), jump_forward (a standing long jump) and hop (on one leg).

Every jump is crouch -> push-off -> ballistic flight -> landing absorb -> stand. The pelvis
height is a chain of cubic pieces joined with matching heights and vertical speeds, and the
flight between take-off and touchdown is an exact parabola under g = 9.81 m/s^2 with both
feet (one for a hop) off the floor.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ActionParams, Clip, action, finish_targets, idle_arms, mood_posture
from .gait import G, Footfalls, foot_track, support_height
from .idle import breathing, stance, standing_height
from .locomotion import jitter, tempo
from .rig import J, hermite, keyframes, smoothstep, zero_angles


class Track:
    """A piecewise curve of time built left to right from pieces that start where the last one
    ended (same value, same slope), evaluated on the clip's frames."""

    def __init__(self, t: np.ndarray, value: float) -> None:
        self.t, self.y = t, np.full(len(t), float(value))
        self.end, self.value, self.slope = 0.0, float(value), 0.0

    def hermite(self, dur: float, value: float, slope: float = 0.0) -> "Track":
        a, b = self.end, self.end + dur
        m = self.t >= a
        self.y[m] = hermite(self.t[m], a, b, self.value, value, self.slope, slope)
        self.end, self.value, self.slope = b, float(value), float(slope)
        return self

    def ballistic(self, dur: float, accel: float = -G) -> "Track":
        a = self.end
        m = self.t >= a
        tau = np.minimum(self.t[m] - a, dur)
        self.y[m] = self.value + self.slope * tau + 0.5 * accel * tau * tau
        self.value = self.value + self.slope * dur + 0.5 * accel * dur * dur
        self.slope = self.slope + accel * dur
        self.end = a + dur
        return self

    def hold(self, dur: float) -> "Track":
        return self.hermite(dur, self.value, 0.0)


def _plan_jump(p: ActionParams, rng: np.random.Generator, forward: bool) -> Clip:
    sp, size = tempo(p)
    t = p.time()
    T = len(t)
    body = p.body
    feet0 = stance(body, rng)
    H = standing_height(body, rng)
    reach = 0.985 * (body.thigh + body.shin)
    slow = 1.0 / sp ** 0.3
    n = p.repeats or max(1, min(3, int((p.duration - 0.4) / (1.9 * slow))))
    y = Track(t, H)
    z = Track(t, 0.0)
    keys_t, keys_arm, keys_lean = [0.0], [0.0], [0.0]
    air: list[tuple[float, ...]] = []   # (takeoff, touchdown, from z, to z, their heights)
    spot = 0.0
    wait = float(rng.uniform(0.1, 0.4))
    for _ in range(n):
        height = float(np.clip(jitter(rng, (0.22 if forward else 0.32) * size, 0.12), 0.1, 0.55))
        dip = float(np.clip(jitter(rng, 0.22 * size ** 0.5, 0.1), 0.12, 0.32))
        t_dip, t_push = jitter(rng, 0.45 * slow, 0.08), jitter(rng, 0.24, 0.06)
        dist = float(np.clip(jitter(rng, 1.0 * size, 0.15), 0.5, 1.6)) if forward else 0.0
        back = 0.06 if forward else 0.0                  # pelvis behind the feet in the crouch
        ahead = 0.16 if forward else 0.0                 # pelvis ahead of the feet at take-off
        lead = 0.22 if forward else 0.0                  # feet ahead of the pelvis at touchdown
        h_to = np.sqrt(reach ** 2 - ahead ** 2) + body.hip_drop
        h_land = np.sqrt(reach ** 2 - lead ** 2) + body.hip_drop
        v_up = np.sqrt(2 * G * height)
        flight = (v_up + np.sqrt(max(v_up ** 2 - 2 * G * (h_land - h_to), 0.0))) / G
        v_fwd = (dist - ahead - lead) / flight
        absorb_depth = float(np.clip(jitter(rng, 0.2 * size ** 0.5, 0.1), 0.1, 0.3))
        drop = h_land - (H - absorb_depth)
        v_land = v_up - G * flight
        t_absorb = max(2.4 * drop / max(-v_land, 0.5), 0.18)
        y.hold(wait).hermite(t_dip, H - dip).hermite(t_push, h_to, v_up)
        z.hold(wait).hermite(t_dip, spot - back).hermite(t_push, spot + ahead, v_fwd)
        t_off = y.end
        y.ballistic(flight)
        z.ballistic(flight, accel=0.0)
        air.append((t_off, y.end, spot, spot + dist, h_to, h_land))
        spot += dist
        recover = jitter(rng, 0.45 * slow, 0.1)
        y.hermite(t_absorb, H - absorb_depth).hermite(recover, H)
        z.hermite(t_absorb, spot + 0.03 * forward).hermite(recover, spot)
        keys_t += [t_off - t_push - 0.7 * t_dip, t_off - t_push - 0.3 * t_dip, t_off,
                   t_off + flight * 0.5, t_off + flight, t_off + flight + t_absorb, y.end]
        # arms swing back in the crouch and drive forward-up through the push
        keys_arm += [0.3, 0.7, -1.3 * size ** 0.5, -2.0 * size ** 0.5, -0.9, -0.4, 0.0]
        keys_lean += [0.3, 0.5, 0.05, 0.1, 0.25, 0.45, 0.0]
        wait = float(rng.uniform(0.15, 0.5))
    root = np.zeros((T, 3))
    root[:, 0] = feet0[:, 0].mean()
    root[:, 1] = y.y
    root[:, 2] = z.y + feet0[:, 2].mean()
    feet = np.repeat(feet0[None], T, axis=0)
    contacts = np.ones((T, 2), bool)
    for t_off, t_on, z0, z1, h0, h1 in air:
        m = (t > t_off) & (t < t_on)
        s = (t[m] - t_off) / (t_on - t_off)
        # the feet rise with the pelvis above the take-off/touchdown chord, knees tucked mid-air
        tuck = jitter(rng, 0.22 * size, 0.15) * np.sin(np.pi * s) ** 2
        lifted = np.maximum(root[m, 1] - (h0 + (h1 - h0) * s), 0.0) + tuck
        for k in range(2):
            feet[m, k, 2] = feet0[k, 2] + z0 + (z1 - z0) * smoothstep(s)
            feet[m, k, 1] = lifted
        contacts[m] = False
        after = t >= t_on
        feet[after, :, 2] = feet0[None, :, 2] + z1
    ang = zero_angles(T)
    k_arm = keyframes(np.array(keys_t), np.array(keys_arm), t)
    ang[:, J["spine"], 0] = keyframes(np.array(keys_t), np.array(keys_lean), t)
    ang[:, J["neck"], 0] = -0.5 * ang[:, J["spine"], 0]
    idle_arms(ang, t, rng)
    for s, out in (("l", 1.0), ("r", -1.0)):
        ang[:, J[f"{s}_shoulder"], 0] += k_arm
        ang[:, J[f"{s}_shoulder"], 2] += out * 0.1
        ang[:, J[f"{s}_elbow"], 0] -= 0.3
    mood_posture(ang, p.mood, 0.5)
    return finish_targets(p, root, np.zeros(T), ang, {"l": feet[:, 0], "r": feet[:, 1]},
                          contacts, "jump_forward" if forward else "jump")


@action("jump")
def jump(p: ActionParams, rng: np.random.Generator) -> Clip:
    return _plan_jump(p, rng, forward=False)


@action("jump_forward")
def jump_forward(p: ActionParams, rng: np.random.Generator) -> Clip:
    return _plan_jump(p, rng, forward=True)


@action("hop")
def hop(p: ActionParams, rng: np.random.Generator) -> Clip:
    """Hops on one leg (p.side) with the other foot held up behind; in place or travelling."""
    side = p.pick_side(rng)
    variant = p.variant or str(rng.choice(["in_place", "forward"], p=[0.5, 0.5]))
    p = replace(p, side=side, variant=variant)
    sp, size = tempo(p)
    t = p.time()
    T = len(t)
    body = p.body
    st, fr = (0, 1) if side == "left" else (1, 0)
    feet0 = stance(body, rng)
    H = standing_height(body, rng)
    contact_t = jitter(rng, 0.26 / sp ** 0.3, 0.08)
    flight = float(np.clip(jitter(rng, 0.24 * size ** 0.5, 0.1), 0.14, 0.34))
    period = contact_t + flight
    t_lift = float(rng.uniform(0.15, 0.4))                 # the free foot leaves the floor
    t_first = t_lift + 0.45                                 # first take-off
    n = p.repeats or max(1, int((p.duration - t_first - 0.8) / period))
    advance = 0.0 if variant == "in_place" else jitter(rng, 0.3 * size, 0.15)
    v = advance / period
    # pelvis travel: constant speed while hopping, eased in and out
    t_end = t_first + n * period - flight                  # last touchdown
    z = v * np.clip(t - t_first + 0.5 * contact_t, 0.0, t_end - t_first + contact_t)
    z = np.convolve(np.pad(z, 3, mode="edge"), np.ones(7) / 7, "valid")
    on, off, pos = [-np.inf], [t_first], [feet0[st].copy()]
    for k in range(1, n + 1):
        t_on = t_first + k * period - contact_t
        on.append(t_on)
        off.append(t_on + contact_t if k < n else np.inf)
        spot = feet0[st].copy()
        spot[2] += float(np.interp(t_on + contact_t / 2, t, z))
        pos.append(spot)
    ff = Footfalls(np.array(on), np.array(off), np.array(pos), np.full(len(on), 0.04))
    feet = np.repeat(feet0[None], T, axis=0)
    contacts = np.ones((T, 2), bool)
    feet[:, st], contacts[:, st], _ = foot_track(t, ff, 0.5)
    reach = 0.985 * (body.thigh + body.shin)
    y_touch = min(H, reach * 0.99 + body.hip_drop)
    root = np.zeros((T, 3))
    root[:, 1] = support_height(t, (ff, ff), H, y_touch, jitter(rng, 0.05, 0.2))
    # balance over the hopping foot; the free foot rises behind and comes back down at the end
    over = smoothstep((t - t_lift) / 0.35) * (1 - smoothstep((t - t_end - 0.2) / 0.35))
    root[:, 0] = feet0[:, 0].mean() + (feet0[st, 0] - feet0[:, 0].mean()) * 0.85 * over
    root[:, 2] = feet0[:, 2].mean() + z
    up = smoothstep((t - t_lift - 0.1) / 0.3) * (1 - smoothstep((t - t_end - 0.4) / 0.3))
    # the free foot is held up behind, riding along with the pelvis's bounce
    feet[:, fr, 2] = feet0[fr, 2] + z - 0.22 * size * up
    feet[:, fr, 1] = np.maximum(0.3 * size + root[:, 1] - H, 0.0) * up
    contacts[:, fr] = up <= 0
    ang = zero_angles(T)
    idle_arms(ang, t, rng)
    bal = 0.45 * up
    ang[:, J["l_shoulder"], 2] += bal                      # arms out for balance
    ang[:, J["r_shoulder"], 2] -= bal
    bounce = np.gradient(root[:, 1]) * p.fps
    for s in ("l", "r"):
        ang[:, J[f"{s}_shoulder"], 0] -= 0.25 * up + 0.08 * bounce
        ang[:, J[f"{s}_elbow"], 0] -= 0.5 * up
    ang[:, J["spine"], 0] = 0.08 * up + 0.01 * breathing(t, rng)
    ang[:, J["spine"], 2] = (0.08 if st == 0 else -0.08) * up   # lean over the hopping leg
    mood_posture(ang, p.mood, 0.5)
    return finish_targets(p, root, np.zeros(T), ang, {"l": feet[:, 0], "r": feet[:, 1]},
                          contacts, "hop", support=contacts.copy())
