"""The acrobatic generators: cartwheel, backflip and roll (training.procedural.acrobatics)."""
import numpy as np
import pytest

from engine.skeleton import JOINT_INDEX, check_constant_bone_lengths
from training.procedural import acrobatics  # noqa: F401  (registers the generators)
from training.procedural import plausibility
from training.procedural.base import REGISTRY, ActionParams, sample_params

J = JOINT_INDEX
NAMES = ("cartwheel", "backflip", "roll")


def make(name, seed=0, **kw):
    kw.setdefault("duration", 4.0)
    return REGISTRY[name](ActionParams(**kw), np.random.default_rng(seed))


def up_dir(pos):
    """(T, 3) unit pelvis->neck direction."""
    v = pos[:, J["neck"]] - pos[:, J["pelvis"]]
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("duration,speed,seed", [(2.5, 1.4, 1), (4.0, 1.0, 2), (6.0, 0.7, 3)])
def test_shape_bones_and_floor(name, duration, speed, seed):
    clip = make(name, seed, duration=duration, speed=speed)
    p = clip.params
    assert clip.positions.shape == (p.frames, 16, 3) and clip.contacts.shape == (p.frames, 2)
    assert len(clip.actions) == p.frames and set(clip.actions) == {name}
    assert np.isfinite(clip.positions).all()
    check_constant_bone_lengths(clip.positions, 1e-4)
    assert clip.positions[..., 1].min() >= -1e-3
    # planted feet are on the floor
    for k, foot in enumerate(("l_foot", "r_foot")):
        assert np.all(clip.positions[clip.contacts[:, k], J[foot], 1] < 0.03)


@pytest.mark.parametrize("name", NAMES)
def test_seeded_and_varied(name):
    a, b = make(name, 1), make(name, 2)
    assert np.abs(a.positions - b.positions).max() > 0.01
    np.testing.assert_array_equal(make(name, 3).positions, make(name, 3).positions)


@pytest.mark.parametrize("side,sign", [("left", 1.0), ("right", -1.0)])
def test_cartwheel(side, sign):
    clip = make("cartwheel", 4, side=side)
    pos = clip.positions
    assert clip.params.side == side
    assert up_dir(pos)[:, 1].min() < -0.8, "never inverted"
    for hand in ("l_hand", "r_hand"):
        assert pos[:, J[hand], 1].min() < 0.05, f"{hand} never reaches the floor"
    pelvis = pos[:, J["pelvis"]]
    shift = sign * (pelvis[-1, 0] - pelvis[0, 0])
    assert 0.8 < shift < 2.2
    assert abs(pelvis[-1, 2] - pelvis[0, 2]) < 0.3
    assert up_dir(pos)[-1, 1] > 0.95 and clip.contacts[-1].all(), "does not end upright"
    # the turn is about the forward axis: the torso tips sideways, not forward or back
    assert np.abs(up_dir(pos)[:, 2]).max() < 0.5
    assert make("cartwheel", 5).params.side in ("left", "right")


def test_backflip():
    clip = make("backflip", 6)
    pos = clip.positions
    pelvis = pos[:, J["pelvis"]]
    assert pelvis[:, 1].max() - pelvis[0, 1] >= 0.35
    up = up_dir(pos)
    assert up[:, 1].min() < -0.8, "never inverted"
    assert np.linalg.norm(pelvis[-1, [0, 2]] - pelvis[0, [0, 2]]) < 0.6
    assert pelvis[-1, 2] <= pelvis[0, 2] + 0.05, "lands in front of the take-off"
    # backwards: the head goes behind (-Z) before it goes below the pelvis
    behind = np.flatnonzero(up[:, 2] < -0.7)
    below = np.flatnonzero(up[:, 1] < -0.7)
    assert len(behind) and len(below) and behind[0] < below[0]
    # both feet off the floor for a plausible flight
    air = ~clip.contacts.any(axis=1)
    assert 0.4 <= air.sum() / 25.0 <= 0.8
    assert up[-1, 1] > 0.95 and abs(pelvis[-1, 1] - pelvis[0, 1]) < 0.05


def test_roll():
    clip = make("roll", 7)
    pos = clip.positions
    pelvis = pos[:, J["pelvis"]]
    up = up_dir(pos)
    assert pos[:, J["head"], 1].min() < 0.5
    assert up[:, 1].min() < 0.2, "torso never horizontal or inverted"
    # forwards: the head goes ahead (+Z) of the pelvis before it goes below it
    ahead = np.flatnonzero(up[:, 2] > 0.7)
    below = np.flatnonzero(up[:, 1] < -0.5)
    assert len(ahead) and len(below) and ahead[0] < below[0]
    low = np.flatnonzero(up[:, 1] < 0.2)
    assert pelvis[low, 1].max() <= 0.7
    assert pelvis[-1, 2] - pelvis[0, 2] > 0.6
    assert abs(pelvis[-1, 1] - pelvis[0, 1]) < 0.05 and up[-1, 1] > 0.95
    assert clip.contacts[0].all() and clip.contacts[-1].all()
    assert not clip.contacts[up[:, 1] < -0.9].any(), "feet planted while upside down"


@pytest.mark.parametrize("name", NAMES)
def test_plausible_over_random_params(name):
    for seed in range(8):
        rng = np.random.default_rng(1000 + seed)
        p = sample_params(rng, speed=1.5) if seed % 4 == 3 else sample_params(rng)
        clip = REGISTRY[name](p, rng)
        assert plausibility.problems(clip) == [], (name, seed, p)
