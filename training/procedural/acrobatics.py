"""Acrobatics: cartwheel, backflip and roll (a forward roll on the floor).

All three turn the whole body through a full circle, which the pelvis's Euler angles cannot do
smoothly, so the pelvis orientation is one angle ``phi`` about a fixed axis given to the rig as
``root_rotation`` (about Z for the cartwheel, about X for the flips). The rest of the body is
keyed angles (``Keys``), and the hands and feet that bear weight are solved by IK onto fixed
floor spots (``_plants``). Before the IK the whole body is lowered just enough that every
supporting limb reaches its spot, and raised where the torso would go through the floor, so the
pelvis height follows from the contacts rather than from a guess. The backflip's flight is an
exact parabola under gravity.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine.skeleton import mirror_positions

from .base import ActionParams, Clip, action, finish_targets, mood_posture
from .gait import G
from .idle import stance, standing_height
from .jumps import Track
from .locomotion import jitter, tempo
from .rig import (J, keyframes, pose, rot_x, rot_z, rotate_y, smoothstep, upper_envelope,
                  zero_angles)

TWO_PI = 2 * np.pi
ARMS_DOWN = {"l_shoulder": (0.0, 0.0, 0.12), "r_shoulder": (0.0, 0.0, -0.12),
             "l_elbow": (-0.15, 0.0, 0.0), "r_elbow": (-0.15, 0.0, 0.0)}
TORSO = ("pelvis", "spine", "neck", "l_shoulder", "r_shoulder", "l_hip", "r_hip")


class Keys:
    """Timed keys for the root (3,), ``phi`` and any joint's (3,) angles; a channel not given
    in a key keeps its last value. Interpolated with the monotone cubic (no overshoot)."""

    def __init__(self, **first) -> None:
        self.times = [0.0]
        self.keys = [dict(first)]

    @property
    def end(self) -> float:
        return self.times[-1]

    def key(self, dt: float, **channels) -> "Keys":
        self.times.append(self.times[-1] + max(float(dt), 1e-3))
        self.keys.append(dict(channels))
        return self

    def sample(self, t: np.ndarray) -> dict[str, np.ndarray]:
        names = set().union(*self.keys)
        out = {}
        for name in names:
            cur = np.zeros(1 if name == "phi" else 3)
            vals = []
            for k in self.keys:
                if name in k:
                    cur = np.atleast_1d(np.asarray(k[name], dtype=np.float64))
                vals.append(cur)
            out[name] = keyframes(np.array(self.times), np.stack(vals), t)
        out["phi"] = out["phi"][:, 0]
        return out


def _plants(t: np.ndarray, plants: list[tuple[float, float, np.ndarray]], ramp: float,
            step_gap: float = 0.45, lift: float = 0.08, carry: bool = False):
    """A limb's floor spots -> (target (T, 3), weight (T,), planted (T,) bool, anchor (T,) int).

    plants: (t_on, t_off, spot) in time order. Between two spots closer than ``step_gap`` the
    limb steps (the target travels in a low arc, weight 1); otherwise the weight eases from 1
    to 0 over ``ramp`` seconds after lift-off (and back before the next plant), handing the
    limb to its keyed angles while it is in the air. With ``carry``, ``anchor`` is, in those
    ramps, the frame of the plant (first or last planted frame), else -1: the limb is carried
    along by the turning body with the offset it has from its keyed position there (see
    ``_assemble``), instead of being dragged through the air to the spot or left behind on it.
    """
    T = len(t)
    tgt, w, planted = np.zeros((T, 3)), np.zeros(T), np.zeros(T, bool)
    anchor = np.full(T, -1)
    n = len(plants)
    for i, (a, b, spot) in enumerate(plants):
        spot = np.asarray(spot, dtype=np.float64)
        stepped_in = i > 0 and a - plants[i - 1][1] <= step_gap
        stepped_out = i + 1 < n and plants[i + 1][0] - b <= step_gap
        if not stepped_in:
            m = (t >= a - ramp) & (t < a)
            tgt[m], w[m] = spot, smoothstep((t[m] - a + ramp) / ramp)
            if carry:
                anchor[m] = min(int(np.searchsorted(t, a)), T - 1)
        if stepped_out:
            b1, nxt = plants[i + 1][0], np.asarray(plants[i + 1][2], dtype=np.float64)
            m = (t >= b) & (t < b1)
            s = (t[m] - b) / max(b1 - b, 1e-6)
            tgt[m] = spot + (nxt - spot) * smoothstep(s)[:, None]
            tgt[m, 1] += lift * np.sin(np.pi * s)
            w[m] = 1.0
        else:
            m = (t >= b) & (t < b + ramp)
            tgt[m], w[m] = spot, 1.0 - smoothstep((t[m] - b) / ramp)
            if carry:
                anchor[m] = max(int(np.searchsorted(t, b)) - 1, 0)
        m = (t >= a) & (t < b)
        tgt[m], w[m], planted[m], anchor[m] = spot, 1.0, True, -1
    return tgt, w, planted, anchor


def _assemble(p: ActionParams, t: np.ndarray, ch: dict[str, np.ndarray], R: np.ndarray,
              limbs: dict[str, tuple], label: str, knee_poles, elbow_poles,
              floor_margin: float = 0.0) -> Clip:
    """Keyed channels + limb plants -> a finished clip.

    ch: sampled ``Keys``; R: (T, 3, 3) pelvis rotation; limbs: 'l_foot'/'r_foot'/'l_hand'/
    'r_hand' -> ``_plants`` output. The body is lowered so that planted limbs reach their spots,
    then raised where the torso or head would dip under ``floor_margin``.
    """
    body = p.body
    T = len(t)
    ang = _angles(p, ch)
    root = ch["root"].copy()
    pos = pose(body, root, np.zeros(T), ang, R).astype(np.float64)
    need = np.zeros(T)
    for name, (tgt, w, planted, _) in limbs.items():
        side, part = name.split("_")
        base = pos[:, J[f"{side}_hip" if part == "foot" else f"{side}_shoulder"]]
        reach = 0.99 * ((body.thigh + body.shin) if part == "foot" else
                        (body.upper_arm + body.forearm))
        r2 = np.sum((base[:, [0, 2]] - tgt[:, [0, 2]]) ** 2, axis=-1)
        allowed = np.sqrt(np.maximum(reach * reach - r2, (0.3 * reach) ** 2))
        need = np.maximum(need, np.where(planted, base[:, 1] - tgt[:, 1] - allowed, 0.0))
    root[:, 1] -= upper_envelope(np.maximum(need, 0.0), max(1, int(round(0.06 * p.fps))))
    pos = pose(body, root, np.zeros(T), ang, R).astype(np.float64)
    low = pos[:, [J[n] for n in TORSO], 1].min(axis=1)
    low = np.minimum(low, pos[:, J["head"], 1] - 0.07 * body.scale)
    lift = upper_envelope(np.maximum(floor_margin - low, 0.0), max(1, int(round(0.04 * p.fps))))
    root[:, 1] += lift
    pos[..., 1] += lift[:, None]
    targets = {}
    for name, (tgt, w, _, anchor) in limbs.items():
        free = pos[:, J[name]]
        off = tgt - free
        ramp = anchor >= 0
        off[ramp] = tgt[ramp] - free[anchor[ramp]]     # carried along with the body
        targets[name] = free + off * w[:, None]
    feet = {s: targets.get(f"{s}_foot", pos[:, J[f"{s}_foot"]]) for s in "lr"}
    hands = {s: targets[f"{s}_hand"] for s in "lr" if f"{s}_hand" in targets} or None
    contacts = np.stack([limbs[f"{s}_foot"][2] for s in "lr"], -1)
    clip = finish_targets(p, root, np.zeros(T), ang, feet, contacts, label,
                          knee_poles=knee_poles, hands=hands, elbow_poles=elbow_poles,
                          reach=False, root_rotation=R)
    # a foot that could not quite reach its spot (the body rotating away) is not planted
    clip.contacts &= clip.positions[:, [J["l_foot"], J["r_foot"]], 1] < 0.02
    return clip


def _angles(p: ActionParams, ch: dict[str, np.ndarray]) -> np.ndarray:
    """(T, J, 3) joint angles from sampled keys, with the mood's posture."""
    ang = zero_angles(len(ch["phi"]))
    for name, v in ch.items():
        if name in J:
            ang[:, J[name]] = v
    mood_posture(ang, p.mood, 0.4)
    return ang


def _fit(p: ActionParams, u: np.ndarray, ch: dict[str, np.ndarray], R: np.ndarray, limb: str,
         t_on: float, planned: float, slack: float) -> tuple[float, float, float]:
    """A floor spot for ``limb`` planted at t_on: where the keyed body carries it along X (so
    that the limb comes down onto it instead of being dragged there), kept within ``slack``
    of the planned X."""
    free = pose(p.body, ch["root"], np.zeros(len(u)), _angles(p, ch), R)[:, J[limb], 0]
    x = float(np.interp(t_on, u, free))
    return (float(np.clip(x, planned - slack, planned + slack)), 0.0, 0.0)


def _start(p: ActionParams, move: float, rng: np.random.Generator) -> float:
    """Seconds of standing before a move of ``move`` seconds, so that it fits the clip."""
    spare = max(p.duration - move, 0.0)
    return float(rng.uniform(0.15, 0.45)) * spare


@action("cartwheel")
def cartwheel(p: ActionParams, rng: np.random.Generator) -> Clip:
    """Sideways over the hands: arms up, lunge, lead hand, trail hand, straddled legs over the
    top, trail foot, lead foot, stand. Built travelling to the figure's left (+X) and mirrored
    for p.side == "right"."""
    side = p.pick_side(rng)
    p = replace(p, side=side)
    sp, size = tempo(p)
    body = p.body
    sc = body.scale
    slow = 1.0 / sp ** 0.3
    H = standing_height(body, rng)
    hw = body.hip_width / 2 + 0.02 * sc
    D = float(np.clip(jitter(rng, 1.5 * sc * size ** 0.4, 0.08), 1.2, 1.8))
    f = D / 1.5                                            # the layout below is for 1.5 m
    x_lunge, x_h1 = 0.42 * f, 0.78 * f
    x_h2 = x_h1 + jitter(rng, 0.42 * sc, 0.1)
    x_f2 = D + hw                                          # lead foot lands last, furthest
    x_f1 = x_f2 - jitter(rng, 0.4 * sc, 0.1)               # trail foot lands first
    straddle = jitter(rng, 0.6 * size ** 0.5, 0.1)
    arms_up = {"l_shoulder": (0.0, 0.0, 2.85), "r_shoulder": (0.0, 0.0, -2.85),
               "l_elbow": (-0.1, 0.0, 0.0), "r_elbow": (-0.1, 0.0, 0.0)}
    legs_open = {"l_hip": (-0.05, 0.0, straddle), "r_hip": (-0.05, 0.0, -straddle),
                 "l_knee": (0.15, 0.0, 0.0), "r_knee": (0.15, 0.0, 0.0)}
    legs_shut = {"l_hip": (0.0, 0.0, 0.0), "r_hip": (0.0, 0.0, 0.0),
                 "l_knee": (0.0, 0.0, 0.0), "r_knee": (0.0, 0.0, 0.0)}

    def d(x):
        return x * slow

    kp = Keys(root=(0.0, H, 0.0), phi=0.0, spine=(0, 0, 0), neck=(0, 0, 0), **ARMS_DOWN,
              **legs_shut)
    kp.key(d(0.45), **arms_up, spine=(-0.08, 0, 0))                      # arms up, chest lifts
    kp.key(d(0.35), root=(0.25 * f, H - 0.12, 0.0), phi=-0.25, spine=(0, 0, -0.2),
           r_hip=(0, 0, -0.35))                                           # lunge to the side
    kp.key(d(0.3), root=(0.5 * f, 0.78, 0.0), phi=-1.0, spine=(0.05, 0, -0.55),
           neck=(0, 0, -0.2), **legs_open)                                # lead hand down
    kp.key(d(0.28), root=(0.8 * f, 0.95, 0.0), phi=-2.0, spine=(0.05, 0, -0.3))
    kp.key(d(0.26), root=((x_h1 + x_h2) / 2, 1.1, 0.0), phi=-np.pi,
           spine=(0, 0, 0.0), neck=(0, 0, 0))                             # through the handstand
    kp.key(d(0.28), root=(x_f1 - 0.12 * f, 0.95, 0.0), phi=-4.3, spine=(0.05, 0, 0.35))
    kp.key(d(0.3), root=(x_f1 + 0.05, 0.82, 0.0), phi=-5.25, spine=(0.05, 0, 0.45),
           neck=(0, 0, 0.2))
    kp.key(d(0.3), root=(x_f2 - 0.1, H - 0.1, 0.0), phi=-TWO_PI, spine=(-0.05, 0, 0.1),
           neck=(0, 0, 0), **legs_shut)                                  # upright, lunge
    kp.key(d(0.5), root=(x_f2 - hw, H, 0.0), spine=(0, 0, 0), **ARMS_DOWN)
    keys_t = np.array(kp.times)
    t = p.time()
    u = t - _start(p, kp.end, rng)
    ch = kp.sample(u)
    R = rot_z(ch["phi"])
    k = keys_t                                   # key times: 0 stand .. 8 stood up again
    on = {"lh": k[3], "rh": k[4] - d(0.02), "rf": k[6] - d(0.08), "lf": k[7] - d(0.12)}
    x_h1 = _fit(p, u, ch, R, "l_hand", on["lh"], x_h1, 0.2)
    x_h2 = _fit(p, u, ch, R, "r_hand", on["rh"], x_h2, 0.2)
    x_f1 = _fit(p, u, ch, R, "r_foot", on["rf"], x_f1, 0.3)
    x_f2 = _fit(p, u, ch, R, "l_foot", on["lf"], x_f2, 0.15)
    lf = [(-np.inf, k[1] + d(0.08), (hw, 0, 0)), (k[1] + d(0.3), k[3] + d(0.02), (x_lunge, 0, 0)),
          (on["lf"], np.inf, x_f2)]
    rf = [(-np.inf, k[2] + d(0.05), (-hw, 0, 0)), (on["rf"], k[8] - d(0.35), x_f1),
          (k[8] - d(0.1), np.inf, (x_f2[0] - 2 * hw, 0, 0))]
    lh = [(on["lh"], k[5] + d(0.05), x_h1)]
    rh = [(on["rh"], k[6] - d(0.04), x_h2)]
    ramp = d(0.3)
    limbs = {name: _plants(u, spots, ramp, carry=True)
             for name, spots in (("l_foot", lf), ("r_foot", rf), ("l_hand", lh), ("r_hand", rh))}
    fwd = np.array([0.0, 0.0, 1.0])
    clip = _assemble(replace(p, direction=0.0), t, ch, R, limbs, "cartwheel",
                     {"l": fwd, "r": fwd}, {"l": -fwd, "r": -fwd})
    return _orient(clip, p, mirror=side == "right")


def _orient(clip: Clip, p: ActionParams, mirror: bool) -> Clip:
    """Mirror a clip built for the left side, then turn it to p.direction."""
    pos = clip.positions
    contacts = clip.contacts
    if mirror:
        pos = mirror_positions(pos)
        contacts = contacts[:, ::-1].copy()
    if p.direction:
        pos = rotate_y(pos, p.direction).astype(np.float32)
    heading = np.full(len(pos), p.direction, dtype=np.float32)
    return Clip(np.asarray(pos, dtype=np.float32), contacts, clip.actions, p, heading)


@action("backflip")
def backflip(p: ActionParams, rng: np.random.Generator) -> Clip:
    """Arms back, crouch, arms drive up through the jump, a tucked backward somersault in a
    ballistic flight, a landing a little behind the take-off spot, absorb, stand."""
    sp, size = tempo(p)
    body = p.body
    slow = 1.0 / sp ** 0.4
    feet0 = stance(body, rng)
    H = standing_height(body, rng)
    reach = 0.985 * (body.thigh + body.shin)
    rise = float(np.clip(jitter(rng, 0.64 * size ** 0.5, 0.08), 0.56, 0.75))   # pelvis apex
    h_to = reach + body.hip_drop - 0.02
    h_land = 0.96 * reach + body.hip_drop
    v_up = np.sqrt(2 * G * (H + rise - h_to))
    flight = (v_up + np.sqrt(v_up ** 2 - 2 * G * (h_land - h_to))) / G
    z_land = -float(np.clip(jitter(rng, 0.22 * size, 0.3), 0.05, 0.45))
    dip = float(np.clip(jitter(rng, 0.3, 0.1), 0.2, 0.4)) * body.scale
    absorb = float(np.clip(jitter(rng, 0.3, 0.12), 0.2, 0.42)) * body.scale
    t_back, t_dip, t_push = jitter(rng, 0.4 * slow, 0.08), jitter(rng, 0.35 * slow, 0.08), 0.3
    t_abs, t_rec = jitter(rng, 0.22, 0.08), jitter(rng, 0.6 * slow, 0.1)
    move = t_back + t_dip + t_push + flight + t_abs + t_rec
    wait = _start(p, move, rng)
    t = p.time()
    T = len(t)
    y, z = Track(t, H), Track(t, 0.0)
    y.hold(wait + t_back).hermite(t_dip, H - dip).hermite(t_push, h_to, v_up)
    z.hold(wait + t_back).hermite(t_dip, -0.06).hermite(t_push, 0.0, z_land / flight)
    t_off = y.end
    y.ballistic(flight)
    z.ballistic(flight, accel=0.0)
    t_on = y.end
    y.hermite(t_abs, H - absorb).hermite(t_rec, H)
    z.hermite(t_abs, z_land + 0.03).hermite(t_rec, z_land)
    tuck = {"l_hip": (-2.0 * size ** 0.3, 0, 0.15), "r_hip": (-2.0 * size ** 0.3, 0, -0.15),
            "l_knee": (2.3, 0, 0), "r_knee": (2.3, 0, 0), "spine": (0.35, 0, 0),
            "neck": (0.2, 0, 0), "l_shoulder": (-0.9, 0, 0.2), "r_shoulder": (-0.9, 0, -0.2),
            "l_elbow": (-1.3, 0, 0), "r_elbow": (-1.3, 0, 0)}
    straight = {"l_hip": (0, 0, 0), "r_hip": (0, 0, 0), "l_knee": (0, 0, 0), "r_knee": (0, 0, 0)}
    kp = Keys(root=(0, 0, 0), phi=0.0, spine=(0, 0, 0), neck=(0, 0, 0), **ARMS_DOWN, **straight)
    kp.key(wait, phi=0.0)
    kp.key(t_back, phi=0.05, spine=(0.15, 0, 0), l_shoulder=(0.9, 0, 0.15),
           r_shoulder=(0.9, 0, -0.15))                                   # arms swing back
    kp.key(t_dip, phi=0.3, spine=(0.3, 0, 0), neck=(-0.3, 0, 0), l_shoulder=(-0.6, 0, 0.15),
           r_shoulder=(-0.6, 0, -0.15))                                  # deepest crouch
    kp.key(t_push, phi=-0.45, spine=(-0.15, 0, 0), neck=(-0.3, 0, 0),
           l_shoulder=(-2.0, 0, 0.15), r_shoulder=(-2.0, 0, -0.15), l_elbow=(-0.1, 0, 0),
           r_elbow=(-0.1, 0, 0))                                         # take-off
    # the body turns slowly while stretched out and fast once tucked (its angular momentum
    # is conserved), so the hands and feet never whip round faster than a thrown arm
    kp.key(0.25 * flight, phi=-1.2, l_shoulder=(-2.5, 0, 0.15), r_shoulder=(-2.5, 0, -0.15),
           l_hip=(-1.0, 0, 0.1), r_hip=(-1.0, 0, -0.1), l_knee=(1.2, 0, 0),
           r_knee=(1.2, 0, 0), spine=(0.15, 0, 0))                       # arms up, knees lift
    kp.key(0.2 * flight, phi=-2.5, **tuck)
    kp.key(0.2 * flight, phi=-3.9)
    kp.key(0.15 * flight, phi=-5.0)
    kp.key(0.2 * flight, phi=-TWO_PI + 0.45, spine=(0.2, 0, 0), neck=(0, 0, 0),
           l_hip=(-0.7, 0, 0), r_hip=(-0.7, 0, 0), l_knee=(0.6, 0, 0), r_knee=(0.6, 0, 0),
           l_shoulder=(-1.2, 0, 0.3), r_shoulder=(-1.2, 0, -0.3))        # touchdown
    kp.key(t_abs, phi=-TWO_PI + 0.3, spine=(0.3, 0, 0), l_shoulder=(-1.0, 0, 0.3),
           r_shoulder=(-1.0, 0, -0.3))
    kp.key(t_rec, phi=-TWO_PI, spine=(0, 0, 0), neck=(0, 0, 0), **ARMS_DOWN)
    ch = kp.sample(t)
    ch["root"] = np.stack([np.full(T, feet0[:, 0].mean()), y.y, z.y + feet0[:, 2].mean()], -1)
    R = rot_x(ch["phi"])
    land = feet0 + np.array([0.0, 0.0, z_land])
    ramp = 0.25
    limbs = {f"{s}_foot": _plants(t, [(-np.inf, t_off, feet0[k]), (t_on, np.inf, land[k])], ramp,
                                carry=True)
             for k, s in enumerate("lr")}
    fwd = R @ np.array([0.0, 0.0, 1.0])
    return _assemble(p, t, ch, R, limbs, "backflip", {"l": fwd, "r": fwd}, None)


@action("roll")
def roll(p: ActionParams, rng: np.random.Generator) -> Clip:
    """A forward roll: crouch, hands to the floor in front, chin tucked, over the rounded back
    with the knees pulled in, onto the feet in a crouch about a body length further on, stand."""
    sp, size = tempo(p)
    body = p.body
    sc = body.scale
    slow = 1.0 / sp ** 0.6
    feet0 = stance(body, rng)
    H = standing_height(body, rng)
    dist = float(np.clip(jitter(rng, 1.2 * sc * size ** 0.3, 0.08), 1.0, 1.5))
    f = dist / 1.2
    x0, z0 = feet0[:, 0].mean(), feet0[:, 2].mean()
    hand_z = z0 + jitter(rng, 0.5, 0.08) * sc
    tuck = {"l_hip": (-2.1, 0, 0.1), "r_hip": (-2.1, 0, -0.1), "l_knee": (2.4, 0, 0),
            "r_knee": (2.4, 0, 0)}
    hug = {"l_shoulder": (-1.0, 0, 0.25), "r_shoulder": (-1.0, 0, -0.25),
           "l_elbow": (-1.2, 0, 0), "r_elbow": (-1.2, 0, 0)}
    reach_fwd = {"l_shoulder": (-1.3, 0, 0.15), "r_shoulder": (-1.3, 0, -0.15),
                 "l_elbow": (-0.2, 0, 0), "r_elbow": (-0.2, 0, 0)}

    def d(x):
        return x * slow

    kp = Keys(root=(x0, H, z0), phi=0.0, spine=(0, 0, 0), neck=(0, 0, 0), **ARMS_DOWN)
    kp.key(d(0.5), root=(x0, 0.55 * H, z0 + 0.05), phi=0.7, spine=(0.3, 0, 0),
           neck=(0.2, 0, 0), **reach_fwd)                                 # crouch, reach
    kp.key(d(0.3), root=(x0, 0.5 * H, z0 + 0.2 * f), phi=1.3, spine=(0.7, 0, 0),
           neck=(1.1, 0, 0))                                              # hands down, chin in
    kp.key(d(0.22), root=(x0, 0.5, z0 + 0.4 * f), phi=2.4, spine=(0.5, 0, 0), **tuck)
    kp.key(d(0.25), root=(x0, 0.3, z0 + 0.62 * f), phi=3.5, **hug)       # over the shoulders
    kp.key(d(0.25), root=(x0, 0.15, z0 + 0.85 * f), phi=4.6)              # on the round back
    kp.key(d(0.25), root=(x0, 0.25, z0 + 1.0 * f), phi=5.6, **reach_fwd)  # rocking up
    kp.key(d(0.25), root=(x0, 0.5 * H, z0 + dist - 0.1), phi=TWO_PI + 0.7, spine=(0.35, 0, 0),
           neck=(-0.2, 0, 0), l_hip=(0, 0, 0), r_hip=(0, 0, 0), l_knee=(0, 0, 0),
           r_knee=(0, 0, 0))                                              # crouch on the feet
    kp.key(d(0.55), root=(x0, H, z0 + dist), phi=TWO_PI, spine=(0, 0, 0), neck=(0, 0, 0),
           **ARMS_DOWN)
    k = np.array(kp.times)
    t = p.time()
    u = t - _start(p, kp.end, rng)
    ch = kp.sample(u)
    R = rot_x(ch["phi"])
    land = feet0 + np.array([0.0, 0.0, dist])
    ramp = d(0.25)
    limbs = {f"{s}_foot": _plants(u, [(-np.inf, k[3] - d(0.05), feet0[i]),
                                      (k[6] + d(0.12), np.inf, land[i])], ramp)
             for i, s in enumerate("lr")}
    half = 0.2 * sc
    for s, sign in (("l", 1.0), ("r", -1.0)):
        limbs[f"{s}_hand"] = _plants(u, [(k[1] + d(0.12), k[3] + d(0.05),
                                          (x0 + sign * half, 0.0, hand_z))], d(0.3))
    fwd = R @ np.array([0.0, 0.0, 1.0]) + 0.5 * np.array([0.0, 0.0, 1.0])
    # elbows bend back along the turning body, not towards a fixed direction the arm may pass
    elbows = {"l": R @ np.array([0.6, 0.0, -1.0]), "r": R @ np.array([-0.6, 0.0, -1.0])}
    return _assemble(p, t, ch, R, limbs, "roll", {"l": fwd, "r": fwd}, elbows,
                     floor_margin=0.04 * sc)
