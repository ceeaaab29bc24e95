"""Physical measures of how a motion is performed, to tell the named motion styles apart by
numbers: speed, cadence, stride, trunk and head pitch, arm swing, hands forward, knee lift and
bend, lateral sway, pelvis bob and height, stance width, step asymmetry and jerkiness (third
over first differences of the body relative to the pelvis: ~0.3 for smooth motion).

Every measure reads joint positions (T, J, 3) in metres (Y up) at ``fps`` and the figure's
facing from its hips, so it works on procedural, generated and real motion alike.
``python -m training.style_metrics`` prints every style's walk (and idle) against neutral.
"""
from __future__ import annotations

import numpy as np

from engine.physics import detect_contacts
from engine.skeleton import JOINT_INDEX as J


def _axes(P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(T, 3) forward and left unit vectors in the floor plane, from the hips (the figure's
    left is +X when it faces +Z)."""
    across = P[:, J["l_hip"]] - P[:, J["r_hip"]]
    left = np.stack([across[:, 0], np.zeros(len(P)), across[:, 2]], -1)
    left /= np.maximum(np.linalg.norm(left, axis=-1, keepdims=True), 1e-9)
    fwd = np.stack([-left[:, 2], np.zeros(len(P)), left[:, 0]], -1)
    return fwd, left


def _contacts(P: np.ndarray, fps: float) -> np.ndarray:
    return detect_contacts(P, fps, height=0.08, speed=0.6)


def cadence(P: np.ndarray, fps: float) -> float:
    """Steps per second: alternations of the single planted foot."""
    last, changes = None, 0
    for left, right in _contacts(P, fps):
        side = 0 if left and not right else 1 if right and not left else None
        if side is not None:
            if last is not None and side != last:
                changes += 1
            last = side
    return changes / (len(P) / fps)


def _along(v: np.ndarray, axis: np.ndarray) -> np.ndarray:
    return np.einsum("tc,tc->t", v, axis)


def _pitch(lower: np.ndarray, upper: np.ndarray, fwd: np.ndarray) -> float:
    """Mean forward tilt (degrees) of the segment lower -> upper (T, 3) from vertical."""
    v = upper - lower
    return float(np.degrees(np.arctan2(_along(v, fwd), v[:, 1])).mean())


def _knee_bend(P: np.ndarray) -> float:
    """Mean knee flexion, degrees (0 = straight leg)."""
    out = []
    for s in "lr":
        a = P[:, J[f"{s}_hip"]] - P[:, J[f"{s}_knee"]]
        b = P[:, J[f"{s}_foot"]] - P[:, J[f"{s}_knee"]]
        cos = np.sum(a * b, -1) / np.maximum(np.linalg.norm(a, axis=-1) *
                                             np.linalg.norm(b, axis=-1), 1e-9)
        out.append(180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1))))
    return float(np.mean(out))


def _detrend(x: np.ndarray) -> np.ndarray:
    t = np.arange(len(x), dtype=np.float64)
    return x - np.polyval(np.polyfit(t, x, 1), t) if len(x) > 2 else x - x.mean()


def _asymmetry(P: np.ndarray, fps: float) -> float:
    """|left - right| / mean of the two feet's mean planted-run lengths (0 = symmetric)."""
    c = _contacts(P, fps)
    runs = []
    for k in range(2):
        x = np.concatenate([[0], c[:, k].astype(np.int8), [0]])
        e = np.flatnonzero(np.diff(x))
        lens = (e[1::2] - e[::2])[1:-1] if len(e) >= 6 else e[1::2] - e[::2]
        runs.append(float(lens.mean()) if len(lens) else 0.0)
    return abs(runs[0] - runs[1]) / max(np.mean(runs), 1e-6)


def measure(positions: np.ndarray, fps: float = 25.0) -> dict[str, float]:
    """Style measures of one motion: positions (T, J, 3) float, metres."""
    P = np.asarray(positions, dtype=np.float64)
    fwd, left = _axes(P)
    pel, neck, head = P[:, J["pelvis"]], P[:, J["neck"]], P[:, J["head"]]
    sp = float(np.linalg.norm(np.diff(pel[:, [0, 2]], axis=0), axis=-1).mean() * fps) \
        if len(P) > 1 else 0.0
    cad = cadence(P, fps)
    swing, ahead = [], []
    for s in "lr":
        rel = _along(P[:, J[f"{s}_hand"]] - P[:, J[f"{s}_shoulder"]], fwd)
        swing.append(np.percentile(rel, 95) - np.percentile(rel, 5))
        ahead.append(_along(P[:, J[f"{s}_hand"]] - pel, fwd).mean())
    knees = P[:, [J["l_knee"], J["r_knee"]], 1]
    # side-to-side movement of the trunk's centre across the mean facing, drift removed
    mean_left = left.mean(axis=0)
    mean_left /= max(np.linalg.norm(mean_left), 1e-9)
    centre = (pel + neck) / 2
    lateral = _detrend(centre @ mean_left)
    feet = P[:, [J["l_foot"], J["r_foot"]]]
    rel = P - pel[:, None]
    # jerkiness: third differences over first differences of the body relative to the pelvis,
    # dimensionless, so a slow robot is as jerky as a fast one (smooth motion: ~0.3)
    d1 = np.linalg.norm(np.diff(rel, axis=0), axis=-1).mean() if len(P) > 1 else 0.0
    d3 = np.linalg.norm(np.diff(rel, n=3, axis=0), axis=-1).mean() if len(P) > 3 else 0.0
    return {
        "speed": sp,
        "cadence": cad,
        "stride": sp / cad if cad > 0.2 else 0.0,
        "trunk_pitch": _pitch(pel, neck, fwd),
        "head_pitch": _pitch(neck, head, fwd),
        "arm_swing": float(np.mean(swing)),
        "hands_forward": float(np.mean(ahead)),
        "hand_width": float(np.abs(_along(P[:, J["l_hand"]] - P[:, J["r_hand"]], left)).mean()),
        "knee_lift": float(np.mean(np.percentile(knees, 95, axis=0) - np.median(knees, axis=0))),
        "knee_bend": _knee_bend(P),
        "sway": float(np.sqrt(np.mean(lateral ** 2))),
        "bob": float(np.percentile(pel[:, 1], 95) - np.percentile(pel[:, 1], 5)),
        "pelvis_height": float(pel[:, 1].mean()),
        "stance_width": float(np.abs(_along(feet[:, 0] - feet[:, 1], left)).mean()),
        "asymmetry": _asymmetry(P, fps),
        "jerk": float(d3 / max(d1, 1e-9)),
    }


COLUMNS = ("speed", "cadence", "stride", "trunk_pitch", "head_pitch", "arm_swing",
           "hands_forward", "hand_width", "knee_lift", "knee_bend", "sway", "bob",
           "pelvis_height", "stance_width", "asymmetry", "jerk")


def style_means(action: str, style: str | None, seeds=range(6), duration: float = 5.0,
                **fixed) -> dict[str, float]:
    """Mean measures of ``action`` performed in ``style`` over procedural samples, one per
    seed, with the same bodies and parameters for every style (so columns compare)."""
    from training.procedural import REGISTRY, sample_params

    rows = []
    for seed in seeds:
        rng = np.random.default_rng([seed, 7])
        fixed.setdefault("mood", "neutral")
        p = sample_params(rng, duration=duration, style=style, **fixed)
        if action != "idle" and "variant" not in fixed:
            p = type(p)(**{**p.__dict__, "variant": "steady"})
        clip = REGISTRY[action](p, rng)
        rows.append(measure(clip.positions, clip.params.fps))
    return {k: float(np.mean([r[k] for r in rows])) for k in COLUMNS}


def table(action: str = "walk", seeds=range(6)) -> str:
    """A text table: neutral and every style of ``action``, one row each."""
    from engine.motion_styles import STYLES

    head = f"{'style':<11}" + "".join(f"{c[:9]:>10}" for c in COLUMNS)
    lines = [f"{action}:", head]
    for style in (None, *STYLES):
        m = style_means(action, style, seeds)
        lines.append(f"{style or 'neutral':<11}" + "".join(f"{m[c]:>10.3f}" for c in COLUMNS))
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    for name in (sys.argv[1:] or ["walk", "idle"]):
        print(table(name))
        print()
