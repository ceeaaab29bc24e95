"""Gestures that read on a stick figure: a wave is the forearm swinging side to side, a bow goes
down from standing by at least 30 degrees at the hips and comes back up, a nod pitches the head
and a head shake swings the head point from side to side. Checked over the random parameters
the dataset draws (moods, tempos, sizes, bodies), not only the defaults."""
from __future__ import annotations

import numpy as np
import pytest

import training.procedural  # noqa: F401  (registers the generators)
from engine.skeleton import JOINT_INDEX
from training.procedural.base import REGISTRY, ActionParams, sample_params


def samples(name: str, n: int = 10, seed: int = 5, **fixed):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        p = sample_params(rng, duration=float(rng.uniform(2.5, 6.0)), **fixed)
        yield p, REGISTRY[name](p, rng)


def joint(clip, name: str) -> np.ndarray:
    return clip.positions[:, JOINT_INDEX[name]].astype(np.float64)


def across(clip) -> np.ndarray:
    """(T, 3) unit vectors from the figure's right shoulder to its left."""
    v = joint(clip, "l_shoulder") - joint(clip, "r_shoulder")
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def trunk_pitch(clip) -> np.ndarray:
    """(T,) lean of the pelvis-to-neck line from vertical, degrees."""
    t = joint(clip, "neck") - joint(clip, "pelvis")
    return np.degrees(np.arctan2(np.hypot(t[:, 0], t[:, 2]), t[:, 1]))


def reversals(x: np.ndarray, step: float = 0.004) -> int:
    v = np.diff(x)
    sign = np.sign(v[np.abs(v) > step])
    return int(np.sum(sign[1:] != sign[:-1]))


def test_wave_swings_the_forearm_side_to_side():
    for p, clip in samples("wave"):
        sides = {"left": ("l",), "right": ("r",)}.get(p.hand, ("l", "r"))
        for s in sides:
            lateral = np.einsum("tc,tc->t", joint(clip, f"{s}_hand") - joint(clip, f"{s}_elbow"),
                                across(clip))
            assert np.ptp(lateral) > 0.15, f"{p.hand} hand sways {np.ptp(lateral):.3f} m"
            assert reversals(lateral) >= 2, "the hand does not go back and forth"
        for s in {"l", "r"} - set(sides):  # one arm unless both were asked for
            assert (joint(clip, f"{s}_hand")[:, 1] < joint(clip, f"{s}_shoulder")[:, 1]).all()


def test_bow_goes_down_at_least_30_degrees_and_comes_back_up():
    # a proud bow is the shallowest, so proud ones are checked on their own as well
    for p, clip in list(samples("bow")) + list(samples("bow", mood="proud", n=4)):
        pitch = trunk_pitch(clip)
        low = int(pitch.argmax())
        assert pitch[0] < 10 and pitch[-1] < 10, f"not upright at the ends ({p.mood})"
        assert pitch[low] >= 30, f"bows only {pitch[low]:.0f} degrees ({p.mood})"
        assert 0 < low < clip.num_frames - 1
        hips = joint(clip, "pelvis")[:, 1]
        assert hips[0] > 0.95 * hips.max(), "the bow starts bent at the knees"


def test_nod_pitches_the_head_forward_and_back():
    for p, clip in samples("nod"):
        rel = joint(clip, "head") - joint(clip, "neck")
        up = joint(clip, "neck") - joint(clip, "spine")
        up /= np.linalg.norm(up, axis=1, keepdims=True)
        fwd = np.cross(across(clip), up)
        # signed: chin down is positive, relative to the upper back
        pitch = np.degrees(np.arctan2(np.einsum("tc,tc->t", rel, fwd),
                                      np.einsum("tc,tc->t", rel, up)))
        assert np.ptp(pitch) >= 20, f"the head pitches only {np.ptp(pitch):.0f} degrees"
        assert np.linalg.norm(rel - rel[0], axis=1).max() > 0.05, "the head point hardly moves"


def test_shake_head_swings_the_head_point_side_to_side():
    for p, clip in samples("shake_head"):
        rel = joint(clip, "head") - joint(clip, "neck")
        lateral = np.einsum("tc,tc->t", rel, across(clip))
        assert np.ptp(lateral) > 0.06, f"the head swings only {np.ptp(lateral) * 100:.1f} cm"
        assert reversals(lateral, 0.002) >= 2
        length = np.linalg.norm(rel, axis=1)
        assert np.ptp(length) < 1e-4, "the neck-head bone changes length"


@pytest.mark.parametrize("repeats", (1, 2, 3))
def test_shake_head_count(repeats):
    clip = REGISTRY["shake_head"](ActionParams(repeats=repeats, duration=3.0),
                                  np.random.default_rng(2))
    lateral = np.einsum("tc,tc->t", joint(clip, "head") - joint(clip, "neck"), across(clip))
    # each shake goes to one side and to the other: two turning points per shake, plus the
    # way back to the middle
    assert 2 * repeats - 1 <= reversals(lateral, 0.002) <= 2 * repeats + 1
