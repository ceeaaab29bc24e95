"""Procedural climb (a ladder) and dribble (a basketball): plausible, and each looks like what
it claims: the climber rises hand over hand, the dribbling hand pumps at a bouncing tempo."""
from __future__ import annotations

import numpy as np
import pytest

from engine.skeleton import JOINT_INDEX, check_constant_bone_lengths
from training.procedural.base import ActionParams, contact_runs
from training.procedural.climb import climb
from training.procedural.dribble import dribble
from training.procedural.plausibility import problems
from training.procedural.rig import Body

GENERATORS = {"climb": climb, "dribble": dribble}
SETTINGS = [dict(), dict(duration=2.0, speed=1.5, hand="left", mood="angry", amplitude=1.3),
            dict(duration=4.3, speed=0.6, hand="both", mood="tired", amplitude=0.6,
                 body=Body(0.92, 0.96, 1.04, 0.95, 0.9)),
            dict(duration=3.2, direction=1.0, mood="proud")]


def joint(clip, name: str) -> np.ndarray:
    return clip.positions[:, JOINT_INDEX[name]].astype(np.float64)


def dominant_frequency(x: np.ndarray, fps: float) -> float:
    x = x - x.mean()
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=4 * len(x)))
    return float(np.fft.rfftfreq(4 * len(x), 1.0 / fps)[spec.argmax()])


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_plausible_across_settings(name):
    for i, kw in enumerate(SETTINGS):
        for seed in (0, 1, 2):
            p = ActionParams(**kw)
            clip = GENERATORS[name](p, np.random.default_rng(seed + 10 * i))
            assert clip.num_frames == p.frames
            assert clip.positions.dtype == np.float32 and clip.positions.shape[1:] == (16, 3)
            assert clip.contacts.shape == (p.frames, 2) and clip.contacts.dtype == bool
            assert clip.actions == [name] * p.frames
            check_constant_bone_lengths(clip.positions, 1e-4)
            assert clip.positions[..., 1].min() >= -1e-3
            assert problems(clip) == [], (kw, seed, problems(clip))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_seeds_vary_and_repeat(name):
    fn = GENERATORS[name]
    a, b = fn(ActionParams(), np.random.default_rng(1)), fn(ActionParams(), np.random.default_rng(2))
    assert np.abs(a.positions - b.positions).max() > 0.01
    c, d = fn(ActionParams(), np.random.default_rng(3)), fn(ActionParams(), np.random.default_rng(3))
    np.testing.assert_array_equal(c.positions, d.positions)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_climb_rises_hand_over_hand(seed):
    clip = climb(ActionParams(duration=3.0), np.random.default_rng(seed))
    pelvis = joint(clip, "pelvis")[:, 1]
    assert pelvis[-1] - pelvis[0] > 0.4
    assert np.all(np.diff(pelvis) > -0.01), "the climber slips down"
    late = slice(clip.num_frames // 4, None)
    # hands grip above the shoulders while climbing
    for s in "lr":
        above = joint(clip, f"{s}_hand")[late, 1] > joint(clip, f"{s}_shoulder")[late, 1] - 0.05
        assert above.mean() > 0.7
    top = np.maximum(joint(clip, "l_hand")[late, 1], joint(clip, "r_hand")[late, 1])
    assert (top > joint(clip, "head")[late, 1]).mean() > 0.6
    # the hands move up in turns: when one rises the other holds its rung
    vl = np.diff(joint(clip, "l_hand")[late, 1])
    vr = np.diff(joint(clip, "r_hand")[late, 1])
    assert np.sum(vl * vr) < 0.25 * np.sqrt(np.sum(vl * vl) * np.sum(vr * vr))
    # and so do the feet, which leave the floor for rungs after the first step
    for k, s in enumerate("lr"):
        assert clip.contacts[0, k] and not clip.contacts[-1, k]
        assert len(contact_runs(clip.contacts[:, k])) == 1
        assert joint(clip, f"{s}_foot")[-1, 1] > 0.25
    # diagonal rhythm: the hand that moves first goes with the opposite foot
    right = climb(ActionParams(duration=3.0, hand="right"), np.random.default_rng(seed))
    first_hand = np.argmax(np.diff(joint(right, "r_hand")[:, 1]) > 0.02) - \
        np.argmax(np.diff(joint(right, "l_hand")[:, 1]) > 0.02)
    assert np.argmax(~right.contacts[:, 0]) < np.argmax(~right.contacts[:, 1])
    assert first_hand < 0 or right.contacts[0].all()


def test_climb_speed_changes_rate():
    slow = climb(ActionParams(duration=4.0, speed=0.7), np.random.default_rng(0))
    fast = climb(ActionParams(duration=4.0, speed=1.4), np.random.default_rng(0))
    rise = [joint(c, "pelvis")[-1, 1] - joint(c, "pelvis")[0, 1] for c in (slow, fast)]
    assert rise[1] > 1.3 * rise[0]


@pytest.mark.parametrize("hand", ["left", "right"])
@pytest.mark.parametrize("variant", ["stand", "walk"])
def test_dribble_pumps_the_chosen_hand(hand, variant):
    for seed in (0, 1):
        p = ActionParams(duration=3.0, hand=hand, variant=variant)
        clip = dribble(p, np.random.default_rng(seed))
        assert clip.params.variant == variant
        s, o = hand[0], "r" if hand == "left" else "l"
        h = joint(clip, f"{s}_hand")[:, 1]
        other = joint(clip, f"{o}_hand")[:, 1]
        assert 1.3 <= dominant_frequency(h, p.fps) <= 3.0
        assert np.ptp(h) > 0.15 and np.ptp(h) > 3 * np.ptp(other)
        assert (h < joint(clip, "neck")[:, 1] - 0.2).all(), "the hand rises to the chest"
        # athletic stance: knees bent, trunk forward of the hips
        stand = p.body.standing_pelvis_height()
        assert joint(clip, "pelvis")[:, 1].max() < 0.95 * stand
        fwd = joint(clip, "neck") - joint(clip, "pelvis")
        assert fwd[:, 2].mean() > 0.08
        travel = joint(clip, "pelvis")[-1, 2] - joint(clip, "pelvis")[0, 2]
        if variant == "stand":
            assert clip.contacts.all() and abs(travel) < 0.05
        else:
            assert travel > 0.5 and not clip.contacts.all()
            for k in range(2):
                assert len(contact_runs(clip.contacts[:, k])) >= 2, "the feet do not step"


def test_dribble_both_crosses_over():
    clip = dribble(ActionParams(duration=5.0, hand="both", variant="stand"),
                   np.random.default_rng(4))
    lp, rp = np.ptp(joint(clip, "l_hand")[:, 1]), np.ptp(joint(clip, "r_hand")[:, 1])
    assert lp > 0.15 and rp > 0.15
    # the ball changes sides: each hand spends time beside its own hip, low
    x = joint(clip, "l_hand")[:, 0] - joint(clip, "r_hand")[:, 0]
    assert np.ptp(x) > 0.1


def test_dribble_speed_sets_tempo():
    f = [dominant_frequency(joint(dribble(ActionParams(duration=4.0, speed=sp, variant="stand"),
                                          np.random.default_rng(0)), "r_hand")[:, 1], 25.0)
         for sp in (0.7, 1.4)]
    assert f[1] > 1.3 * f[0]


def test_every_action_in_the_vocabulary_has_a_generator():
    import training.procedural  # noqa: F401  (registers every generator)
    from engine.actions import ACTIONS, PROCEDURAL_ACTIONS
    from training.procedural.base import REGISTRY

    assert set(PROCEDURAL_ACTIONS) == set(ACTIONS) == set(REGISTRY)
