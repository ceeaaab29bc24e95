"""Footstep-driven gait planning.

A gait is planned in world space, feet first: a pelvis path (speed and heading over time), a
schedule of footfalls on it (each planted foot fixed on the floor, placed where the pelvis will
pass over it, so footprints advance exactly as fast as the body), swing arcs from one footprint
to the next, and a pelvis height that either follows the legs' reach (walking: an inverted
pendulum) or flies ballistically between stances (running, skipping, hopping). The legs are
solved by IK afterwards (``base.finish_targets``); ``gait_pose`` adds the upper body.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .rig import J, Body, hermite, rotate_y, smoothstep, zero_angles

G = 9.81  # m/s^2


@dataclass(frozen=True)
class GaitStyle:
    """How one gait moves. Speeds in m/s, times in seconds, lengths in metres."""
    speed: float                 # pelvis speed along its path once under way
    cadence: float               # steps per second (two steps make one stride)
    duty: float                  # fraction of a stride each foot is planted; < 0.5 gives flight
    width: float = 0.16          # lateral distance between left and right footprints
    lift: float = 0.10           # swing-foot apex height
    lift_peak: float = 0.5       # where in the swing the apex is (0..1); early = high knees
    travel: float = 0.0          # travel direction relative to facing: 0 ahead, pi back, +pi/2 left
    height: float = 0.985        # pelvis ceiling as a fraction of the standing pelvis height
    sway: float = 0.025          # pelvis shift toward the planted foot
    place: float = 0.42          # fraction of a stance at which the pelvis passes the foot
    roll: float = 0.3            # last fraction of a stance spent pushing off (heel rising)
    rise: float = 0.05           # how high the foot point rises during push-off
    bounce: float = 0.0          # extra mid-stance pelvis dip for flight gaits (knee spring)
    limp: float = 0.0            # 0..0.4: the limping leg's stance is this much shorter
    limp_side: int = 1           # 0 = left leg limps, 1 = right
    start: bool = False          # begin standing still and accelerate
    stop: bool = False           # slow down and end standing still
    turn: float = 0.0            # heading change over the turn span, radians (+ = to the left)
    turn_span: tuple[float, float] = (0.0, 1.0)  # seconds since the clip start
    accel: float = 0.9           # seconds to reach speed from standing, and to stop
    first_side: int = 0          # which foot steps first when starting (0 left, 1 right)
    t_go: float | None = None    # when a standing start begins stepping; None = random
    follow: float = 0.0          # how much a swinging foot is carried along with the body
    weave: float = 0.0           # heading wobble amplitude, radians (a drunk's weaving path)
    scatter: float = 0.0         # extra random sideways scatter of the footprints, metres
    irregular: float = 0.0       # extra random variation of step times (fraction of a step)


@dataclass
class Footfalls:
    """One foot's footprints: planted on [on, off] at pos; the swing that ends at footprint k
    rises to lift[k] (scaled by lift_peak) and lags by ``lag[k]`` (>1 = caught, e.g. a trip)."""
    on: np.ndarray                    # (N,) seconds; -inf for "already standing"
    off: np.ndarray                   # (N,) seconds; +inf for "stays planted"
    pos: np.ndarray                   # (N, 3) footprint positions, y = 0
    lift: np.ndarray                  # (N,) apex height of the swing that lands here
    lag: np.ndarray = field(default_factory=lambda: np.ones(0))


@dataclass
class GaitPlan:
    """A planned gait on the clip's frames: everything the IK and the upper body need."""
    t: np.ndarray            # (T,) seconds
    root: np.ndarray         # (T, 3) pelvis positions
    yaw: np.ndarray          # (T,) heading
    feet: np.ndarray         # (T, 2, 3) foot targets (left, right)
    contacts: np.ndarray     # (T, 2) bool, foot planted
    support: np.ndarray      # (T, 2) bool, foot bearing weight (planted or pushing off)
    ahead: np.ndarray        # (T, 2) how far each foot is ahead of the pelvis along the facing
    stride: float            # nominal step length, metres (for normalising arm swing)
    footfalls: tuple[Footfalls, Footfalls]


def swing_bump(u: np.ndarray, peak: float) -> np.ndarray:
    """0 -> 1 -> 0 over u in [0, 1] with its apex at ``peak`` and flat ends."""
    a, b = 4.0 * peak, 4.0 * (1.0 - peak)
    u = np.clip(u, 0.0, 1.0)
    top = peak ** a * (1 - peak) ** b
    return u ** a * (1 - u) ** b / top


def foot_track(t: np.ndarray, ff: Footfalls, peak: float, roll: float = 0.0,
               rise: float = 0.0, carry=None,
               follow: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Foot targets (T, 3), planted flags (T,) and bearing-weight flags (T,: planted or pushing
    off) from one foot's footfalls, at times t (T,).

    The last ``roll`` fraction of each stance is a push-off: our foot joint is the sole point
    and there is no toe joint, so the heel lifting off is shown by the foot point rising by up
    to ``rise`` (capped by half the next swing's lift) before the swing; the foot counts as
    planted only while it is flat.

    carry(times (N,)) -> (N, 3) pelvis path and ``follow`` in [0, 1]: how much a swinging foot
    is carried along with the body rather than moving from print to print on its own. Fast
    gaits need it: a foot left to accelerate from rest trails far behind a sprinting body and
    would pull the leg out straight behind it.
    """
    k = np.clip(np.searchsorted(ff.on, t, side="right") - 1, 0, len(ff.on) - 1)
    nxt = np.minimum(k + 1, len(ff.on) - 1)
    on, off = ff.on[k], ff.off[k]
    stance = off - on
    finite = np.isfinite(stance)
    flat_end = np.where(finite, off - roll * np.where(finite, stance, 0.0), off)
    h_rise = np.minimum(rise, 0.5 * ff.lift[nxt])
    planted = t <= flat_end
    rolling = ~planted & (t <= off)
    span = np.maximum(ff.on[nxt] - np.where(np.isfinite(off), off, 0.0), 1e-6)
    u = np.where(t > off, np.clip((t - off) / span, 0.0, 1.0), 0.0)
    lag = ff.lag[nxt] if len(ff.lag) == len(ff.on) else np.ones_like(u)
    prog = smoothstep(u ** lag)
    pos = ff.pos[k] + (ff.pos[nxt] - ff.pos[k]) * prog[:, None]
    if carry is not None and follow > 0:
        swinging = (t > off) & np.isfinite(off)
        if swinging.any():
            i = np.flatnonzero(swinging)
            a, b = carry(off[i]), carry(ff.on[nxt][i])
            dev = carry(t[i]) - (a + (b - a) * prog[i, None])
            dev[:, 1] = 0.0
            pos[i] += follow * dev
    with np.errstate(invalid="ignore"):  # inf - inf on standing footprints, masked out below
        s = np.where(rolling, (t - flat_end) / np.maximum(off - flat_end, 1e-6), 0.0)
    swing_y = ff.lift[nxt] * swing_bump(u, peak) + h_rise * (1 - smoothstep(u))
    # prints may sit above the floor (a knee print rests at the knee's radius)
    pos[:, 1] += np.where(planted, 0.0, np.where(rolling, h_rise * smoothstep(s), swing_y))
    return pos, planted, t <= off


def support_height(t: np.ndarray, feet: tuple[Footfalls, Footfalls], y_stand: float,
                   y_touch: float, bounce: float) -> np.ndarray:
    """Pelvis height (T,) for gaits with flight: ballistic (g) while no foot is planted, a
    spring-like cubic dip while one is, continuous in height and vertical speed.

    y_stand: height while standing before/after the gait; y_touch: height at touchdown and
    take-off (legs nearly straight); bounce: extra mid-stance dip.
    """
    iv = sorted((a, b) for ff in feet for a, b in zip(ff.on, ff.off))
    merged: list[list[float]] = []
    for a, b in iv:  # union of stance intervals = support phases
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    y = np.full(len(t), y_stand)
    for i, (a, b) in enumerate(merged):
        # flight after this support: from b to the next support's start
        if i + 1 < len(merged):
            c = merged[i + 1][0]
            f = c - b
            v0 = G * f / 2
            m = (t > b) & (t < c)
            tau = t[m] - b
            y[m] = y_touch + v0 * tau - G * tau * tau / 2
        v_in = -G * (a - merged[i - 1][1]) / 2 if i > 0 else 0.0
        v_out = G * (merged[i + 1][0] - b) / 2 if i + 1 < len(merged) else 0.0
        lo, hi = (a if np.isfinite(a) else b - 0.5), (b if np.isfinite(b) else a + 0.5)
        y0 = y_touch if np.isfinite(a) else y_stand
        y1 = y_touch if np.isfinite(b) else y_stand
        m = (t >= lo) & (t <= hi)
        s = (t[m] - lo) / max(hi - lo, 1e-6)
        y[m] = hermite(t[m], lo, hi, y0, y1, v_in if np.isfinite(a) else 0.0,
                       v_out if np.isfinite(b) else 0.0) - bounce * np.sin(np.pi * s) ** 2
        if not np.isfinite(a):
            y[t < lo] = y_stand
        if not np.isfinite(b):
            y[t > hi] = y_stand
    return y


def _gauss_smooth(x: np.ndarray, sigma_frames: float) -> np.ndarray:
    r = max(1, int(3 * sigma_frames))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / max(sigma_frames, 1e-6)) ** 2)
    k /= k.sum()
    return np.convolve(np.pad(x, r, mode="edge"), k, mode="valid")


def _pelvis_path(style: GaitStyle, te: np.ndarray, duration: float, fps: float, pad: int,
                 rng: np.random.Generator, speed_of=None
                 ) -> tuple[float, float, np.ndarray, np.ndarray]:
    """When stepping starts and stops, and the pelvis path on the extended grid ``te``.

    Returns (t_go, t_halt, theta (N,) heading, path (N, 3) with path[pad] at the origin).
    """
    step = 1.0 / style.cadence
    t_go = (style.t_go if style.t_go is not None else float(rng.uniform(0.15, 0.45))) \
        if style.start else te[0]
    t_halt = duration - float(rng.uniform(0.35, 0.6)) if style.stop else te[-1] + 10.0
    if style.stop and style.start:
        t_halt = max(t_halt, t_go + 2 * step + style.accel)
    v = np.full(len(te), style.speed)
    if style.start:
        v *= smoothstep((te - t_go - 0.5 * step) / style.accel)
    if style.stop:
        v *= 1.0 - smoothstep((te - (t_halt - style.accel)) / style.accel)
    if speed_of is not None:
        v *= speed_of(te)
    a, b = style.turn_span
    theta = style.turn * smoothstep((te - a) / max(b - a, 1e-6))
    if style.weave:  # drawn only when weaving, so unstyled gaits keep their random stream
        f, ph = float(rng.uniform(0.3, 0.5)), float(rng.uniform(0, 2 * np.pi))
        theta = theta + style.weave * np.sin(2 * np.pi * f * te + ph)
    vel = np.stack([np.sin(theta + style.travel), np.zeros_like(te),
                    np.cos(theta + style.travel)], -1) * v[:, None]
    path = np.cumsum(vel, axis=0) / fps
    path -= path[pad]
    return t_go, t_halt, theta, path


def _schedule_footfalls(style: GaitStyle, te: np.ndarray, theta: np.ndarray, path: np.ndarray,
                        t_go: float, t_halt: float, stride: float, rng: np.random.Generator,
                        step_scale=None, lift_of=None,
                        lag_of=None) -> tuple[Footfalls, Footfalls]:
    """Both feet's footfalls along the pelvis path: steps alternate sides from ``t_go``, each
    print placed where the pelvis will pass over it, until stepping is done (see plan_gait for
    the hooks step_scale, lift_of and lag_of)."""

    def at(tq: float) -> tuple[np.ndarray, float]:
        p = np.array([np.interp(tq, te, path[:, i]) for i in range(3)])
        return p, float(np.interp(tq, te, theta))

    step = 1.0 / style.cadence
    ds = (2 * style.duty - 1) * step                      # double support (<0: flight)
    swing = 2 * (1 - style.duty) * step
    # stepping in place (a turn on the spot) ends with the turn; travelling ends at the halt
    stepping_done = t_halt if style.speed > 0.05 or not style.turn \
        else min(style.turn_span[1], t_halt)
    # footfalls: k alternates sides; each foot starts with a standing footprint
    on: list[list[float]] = [[-np.inf], [-np.inf]]
    off: list[list[float]] = [[np.inf], [np.inf]]
    pos: list[list[np.ndarray]] = [[], []]
    lifts: list[list[float]] = [[0.0], [0.0]]
    lags: list[list[float]] = [[1.0], [1.0]]
    p_start, th_start = at(t_go)
    for s in (0, 1):
        lat = np.array([(0.5 if s == 0 else -0.5) * style.width, 0.0, 0.0])
        pos[s].append(p_start + rotate_y(lat, th_start))
    side = style.first_side if style.start else int(rng.integers(2))
    t_land = t_go + swing
    off[side][0] = t_go
    k, closing = 0, False
    while True:
        dur = step * (1.0 + (0.025 + style.irregular) * rng.standard_normal())
        if style.limp:
            dur *= (1 - style.limp) if side == style.limp_side else (1 + style.limp)
        if step_scale is not None:
            dur *= step_scale(k, t_land)
        t_mid = t_land + style.place * 2 * style.duty * dur
        p_m, th_m = at(min(t_mid, t_halt))
        lat = np.array([(0.5 if side == 0 else -0.5) * style.width
                        + (0.008 + style.scatter) * rng.standard_normal(), 0.0,
                        0.012 * rng.standard_normal()])
        fp = p_m + rotate_y(lat, th_m)
        fp[1] = 0.0
        dist = float(np.linalg.norm(fp - pos[side][-1]))
        lift = style.lift * float(np.clip(0.45 + dist / max(2 * stride, 0.3), 0.45, 1.0))
        if lift_of is not None:
            lift *= lift_of(side, k)
        on[side].append(t_land)
        off[side].append(np.inf)
        pos[side].append(fp)
        lifts[side].append(lift)
        lags[side].append(lag_of(side, t_land) if lag_of is not None else 1.0)
        other = 1 - side
        if closing or t_land > te[-1] + step:
            break
        # the other foot lifts once this one has landed (walk) or before it lands (run)
        off[other][-1] = max(t_land + ds, on[other][-1] + 0.05)
        closing = t_mid >= stepping_done
        t_land = max(t_land + dur, off[other][-1] + 0.5 * swing)
        side, k = other, k + 1
    return tuple(Footfalls(np.array(on[s]), np.array(off[s]), np.array(pos[s]),
                           np.array(lifts[s]), np.array(lags[s])) for s in (0, 1))


def _pelvis_height(style: GaitStyle, body: Body, t: np.ndarray,
                   feet: tuple[Footfalls, Footfalls]) -> np.ndarray | float:
    """Pelvis height: ballistic flight for gaits with flight (duty < 0.5), else the standing
    ceiling that ``lower_to_reach`` later carves the pendulum arcs out of."""
    y_stand = style.height * body.standing_pelvis_height()
    if style.duty >= 0.5:
        return y_stand
    # touchdown height: leg nearly straight with the foot ``place`` of a stance ahead
    step = 1.0 / style.cadence
    d = style.place * 2 * style.duty * step * style.speed
    leg = 0.98 * (body.thigh + body.shin)
    y_touch = min(y_stand, np.sqrt(max(leg * leg - d * d, 0.25)) + body.hip_drop)
    return support_height(t, feet, y_stand, y_touch, style.bounce)


def plan_gait(style: GaitStyle, body: Body, duration: float, fps: float,
              rng: np.random.Generator, step_scale=None, lift_of=None,
              lag_of=None, speed_of=None) -> GaitPlan:
    """Plan a gait over ``duration`` seconds at ``fps``.

    step_scale(k, t) -> multiplier on the duration after the k-th step landing at t (stumbles);
    lift_of(side, k) -> multiplier on a swing's lift (limps); lag_of(side, t_on) -> swing lag
    exponent (trips); speed_of(t) -> (N,) multiplier on the pelvis speed at times t (N,).
    """
    T = max(2, int(round(duration * fps)))
    pad = int(np.ceil((2.5 / style.cadence + 0.8) * fps))
    te = (np.arange(T + 2 * pad) - pad) / fps            # extended grid so steps cover frame 0
    t_go, t_halt, theta, path = _pelvis_path(style, te, duration, fps, pad, rng, speed_of)
    stride = max(style.speed * (1.0 / style.cadence), 0.05)
    feet = _schedule_footfalls(style, te, theta, path, t_go, t_halt, stride, rng,
                               step_scale, lift_of, lag_of)
    t = np.arange(T) / fps

    def carry(tq: np.ndarray) -> np.ndarray:
        return np.stack([np.interp(tq, te, path[:, i]) for i in range(3)], -1)
    tracks = [foot_track(t, ff, style.lift_peak, style.roll, style.rise, carry, style.follow)
              for ff in feet]
    feet_xyz = np.stack([tr[0] for tr in tracks], 1)
    contacts = np.stack([tr[1] for tr in tracks], 1)
    support = np.stack([tr[2] for tr in tracks], 1)
    root = path[pad:pad + T].copy()
    yaw = theta[pad:pad + T].copy()
    root[:, 1] = _pelvis_height(style, body, t, feet)
    shift = _gauss_smooth(contacts[:, 0].astype(float) - contacts[:, 1], 0.09 * fps)
    root += rotate_y(np.stack([style.sway * shift, 0 * shift, 0 * shift], -1), yaw)
    fwd = np.stack([np.sin(yaw), np.cos(yaw)], -1)
    ahead = np.einsum("tsk,tk->ts", feet_xyz[:, :, [0, 2]] - root[:, None, [0, 2]], fwd)
    return GaitPlan(t, root, yaw, feet_xyz, contacts, support, ahead, stride, feet)


def arm_drive(plan: GaitPlan, n: np.ndarray, lag: float,
              rng: np.random.Generator | None) -> dict[str, np.ndarray]:
    """Each arm's swing drive (T,) from the legs' drive ``n`` (T,): real arms are pendulums
    pushed by the trunk, so they lag the legs (``lag`` seconds), swing more like a sine than
    the legs' stance ramp, and vary from stride to stride and arm to arm. Real walks measure
    an arm-leg correlation of about -0.6 (runs about -0.67), not the -0.95 of arms locked to
    the legs."""
    t = plan.t
    fps = 1.0 / max(float(t[1] - t[0]), 1e-6) if len(t) > 1 else 25.0
    out = {}
    for s in ("l", "r"):
        jit = 0.0 if rng is None else float(rng.normal(0.0, 0.25)) * lag
        d = np.interp(t - lag - jit, t, n)
        d = _gauss_smooth(d, 0.06 * fps)
        if rng is not None:
            # amplitude drifts over a stride or two: +-20 % (one arm may swing more)
            g = _gauss_smooth(rng.normal(0.0, 1.0, len(t)), 0.5 * fps)
            g *= 0.2 / max(float(np.std(g)), 1e-6)
            d = d * (1.0 + g) * float(np.exp(rng.normal(0.0, 0.1)))
        out[s] = d
    return out


def gait_angles(plan: GaitPlan, arm_swing: float, elbow: float, lean: float,
                twist: float = 0.08, roll: float = 0.04, arm_out: float = 0.08,
                elbow_swing: float = 0.3, arm_lag: float = 0.0,
                rng: np.random.Generator | None = None) -> np.ndarray:
    """Upper-body angles (T, J, 3) that go with a planned gait.

    The arms swing opposite to the legs, driven by how far each foot is ahead of the pelvis
    (left arm forward while the right foot is forward), ``arm_lag`` seconds late and varying
    per stride when ``rng`` is given (see ``arm_drive``); elbows bend more on the forward swing.
    The pelvis twists with the legs and the chest counter-twists; the pelvis rolls so the swing
    side drops a little. lean: forward lean of the spine, radians.
    """
    T = len(plan.t)
    ang = zero_angles(T)
    n = np.clip((plan.ahead[:, 1] - plan.ahead[:, 0]) / max(1.2 * plan.stride, 0.25), -1.3, 1.3)
    drive = arm_drive(plan, n, arm_lag, rng) if arm_lag > 0 or rng is not None else \
        {"l": n, "r": n}
    ang[:, J["pelvis"], 1] = twist * n        # right foot ahead -> right hip ahead
    ang[:, J["spine"], 1] = -1.8 * ang[:, J["pelvis"], 1]
    support = plan.contacts[:, 0].astype(float) - plan.contacts[:, 1]
    ang[:, J["pelvis"], 2] = roll * _gauss_smooth(support, 2.0)
    ang[:, J["spine"], 2] = -0.6 * ang[:, J["pelvis"], 2]
    ang[:, J["spine"], 0] = lean
    ang[:, J["neck"], 0] = -0.5 * lean
    for s, sign in (("l", -1.0), ("r", 1.0)):
        swing = sign * arm_swing * drive[s]   # < 0 swings forward
        ang[:, J[f"{s}_shoulder"], 0] = swing
        ang[:, J[f"{s}_shoulder"], 2] = arm_out if s == "l" else -arm_out
        fwd = np.maximum(-swing, 0.0) / max(arm_swing, 1e-6)
        ang[:, J[f"{s}_elbow"], 0] = -(elbow + elbow_swing * elbow * fwd + 0.1 * fwd)
    return ang
