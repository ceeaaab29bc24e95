"""Procedural sequences: smooth, continuous joins of any registered actions, posture rules,
and random sequences of a given length."""
import numpy as np
import pytest

import training.procedural  # noqa: F401  (registers every generator)
from engine.skeleton import JOINT_INDEX as JI, check_constant_bone_lengths
from training.procedural.base import REGISTRY, ActionParams, sample_params
from training.procedural.continuity import GAITS, TERMINAL
from training.procedural.plausibility import planted_slide, problems
from training.procedural.sequence import make_sequence, random_sequence


def seams(clip):
    """Frame indices where one action's label gives way to the next."""
    labels = np.array(clip.actions)
    return np.flatnonzero(labels[1:] != labels[:-1]) + 1


def accel(clip):
    """(T-2, J) second differences of every joint, m/frame^2."""
    return np.linalg.norm(np.diff(clip.positions.astype(np.float64), 2, axis=0), axis=-1)


def test_joins_are_continuous_in_position_and_velocity():
    rng = np.random.default_rng(0)
    p = [ActionParams(duration=3.0, variant=v) for v in ("", "start+stop", "")]
    clip = make_sequence(["idle", "walk", "crouch"], rng, p)
    check_constant_bone_lengths(clip.positions)
    assert problems(clip) == []
    a = accel(clip)
    s = seams(clip)
    assert len(s) == 2
    window = np.zeros(len(a), bool)
    for f in s:
        window[max(0, f - 8):f + 8] = True
    # no kink at the seams: accelerations there are like those inside the actions
    assert a[window].max() <= max(1.2 * a[~window].max(), 0.02)
    assert np.linalg.norm(np.diff(clip.positions, axis=0), axis=-1).max() < 0.25


def test_next_action_starts_where_and_facing_where_the_previous_ended():
    rng = np.random.default_rng(1)
    p = [ActionParams(duration=3.0), ActionParams(duration=3.5, variant="in_place"),
         ActionParams(duration=3.0, variant="start+stop")]
    clip = make_sequence(["idle", "turn_left", "walk"], rng, p)
    start, end = clip.segments[2][0], clip.num_frames - 1
    turn = np.degrees(clip.heading[start] - clip.heading[0])
    assert 60 < turn < 125
    moved = clip.positions[end, 0, [0, 2]] - clip.positions[start, 0, [0, 2]]
    assert moved[0] > 1.0 and abs(moved[1]) < 0.5 * moved[0]   # walks off to its left (+x)
    step = np.linalg.norm(np.diff(clip.positions[:, 0], axis=0), axis=-1)
    assert step.max() < 0.1                                   # the pelvis never jumps


def test_labels_switch_mid_blend_and_segments_cover_the_clip():
    rng = np.random.default_rng(2)
    names = ["walk", "jump", "idle"]
    clip = make_sequence(names, rng, [ActionParams(duration=2.5) for _ in names])
    assert [clip.actions[s] for s, _, _ in clip.segments] == names
    assert clip.segments[0][0] == 0 and clip.segments[-1][1] == clip.num_frames
    for (s, e, p), name in zip(clip.segments, names):
        assert set(clip.actions[s:e]) == {name}
    # each join overlaps ~0.4 s: the sequence is shorter than the sum of its parts
    parts = sum(p.frames for _, _, p in clip.segments)
    assert parts - clip.num_frames == pytest.approx(2 * 10, abs=2)


def test_planted_feet_stay_planted_through_the_blends():
    rng = np.random.default_rng(3)
    for names in (["idle", "crouch"], ["idle", "jump", "idle"], ["walk", "idle"],
                  ["sit_down", "stand_up", "hop"]):
        clip = make_sequence(names, rng, [sample_params(rng, duration=3.0) for _ in names])
        assert planted_slide(clip) < 0.02, names
        assert problems(clip) == [], names


def test_postures_continue_and_impossible_orders_are_bridged():
    rng = np.random.default_rng(4)
    for variant in ("chair", "floor"):
        clip = make_sequence(["sit_down", "stand_up"], rng,
                             [ActionParams(duration=3.0, variant=variant), ActionParams(3.0)])
        assert [p.variant for _, _, p in clip.segments] == [variant, variant]
    clip = make_sequence(["lie_down", "crawl"], rng)
    assert clip.segments[0][2].variant == "front"       # lies face down to crawl away
    clip = make_sequence(["lie_down", "walk"], rng)
    assert [clip.actions[s] for s, _, _ in clip.segments] == ["lie_down", "get_up", "walk"]
    assert clip.segments[1][2].variant == clip.segments[0][2].variant
    assert problems(clip) == []


def test_gaits_start_and_stop_only_next_to_standing_actions():
    rng = np.random.default_rng(5)
    clip = make_sequence(["idle", "walk", "jog", "wave" if "wave" in REGISTRY else "idle"], rng)
    variants = [p.variant for _, _, p in clip.segments]
    assert variants[1] == "start" and variants[2] == "stop"      # walk hands over to jog
    assert problems(clip) == []
    clip = make_sequence(["sprint", "walk"], rng, [ActionParams(duration=4.0)] * 2)
    assert [p.variant for _, _, p in clip.segments] == ["start+stop", "start+stop"]
    assert problems(clip) == []


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_action_joins_cleanly(name):
    rng = np.random.default_rng(6)
    names = ["idle", name] + ([] if name in TERMINAL else ["walk"])   # nothing follows a climb
    clip = make_sequence(names, rng, [sample_params(rng, duration=3.0) for _ in names])
    check_constant_bone_lengths(clip.positions)
    assert clip.positions[..., 1].min() > -0.01
    assert name in clip.actions
    # the seams add no pops of their own
    d = np.linalg.norm(np.diff(clip.positions, axis=0), axis=-1).max(axis=1)
    for f in seams(clip):
        assert d[max(0, f - 6):f + 6].max() < max(0.25, 1.05 * d.max()), (name, f)


def test_random_sequences_follow_the_posture_rules():
    rng = np.random.default_rng(7)
    lying = {"lie_down", "fall_down"}
    for _ in range(12):
        n = int(rng.integers(1, 6))
        clip = random_sequence(rng, n, 10.0)
        assert clip.num_frames == 250 and len(clip.actions) == 250
        check_constant_bone_lengths(clip.positions)
        assert clip.positions[..., 1].min() > -0.01
        order = [clip.actions[s] for s, _, _ in clip.segments]
        for a, b in zip(order, order[1:]):
            if a in lying:
                assert b in ("get_up", "crawl"), order
            if a == "sit_down":
                assert b == "stand_up", order
            if a == "crawl":
                assert b == "get_up", order
            assert a not in TERMINAL, order
            assert not (a in lying and b in GAITS), order


def test_random_sequences_are_seeded():
    a = random_sequence(np.random.default_rng(8), 3, 6.0)
    b = random_sequence(np.random.default_rng(8), 3, 6.0)
    c = random_sequence(np.random.default_rng(9), 3, 6.0)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert a.actions == b.actions
    assert a.actions != c.actions or not np.allclose(a.positions, c.positions)


def test_rejects_what_it_cannot_make():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="at least one"):
        make_sequence([], rng)
    with pytest.raises(ValueError, match="no procedural generator"):
        make_sequence(["moonwalk"], rng)
    with pytest.raises(ValueError, match="2 params for 1"):
        make_sequence(["walk"], rng, [ActionParams(), ActionParams()])
    one = make_sequence(["hop"], rng, [ActionParams(duration=2.0)])
    assert one.num_frames == 50 and one.segments[0][:2] == (0, 50)
    assert JI["head"] < one.positions.shape[1]


def test_a_climb_only_ends_a_sequence():
    """Up a ladder nothing else can start: random sequences place a climb last or not at all."""
    rng = np.random.default_rng(11)
    seen_last = 0
    for _ in range(20):
        clip = random_sequence(rng, 3, 7.0, actions=["climb", "wave", "walk"])
        order = [clip.actions[s] for s, _, _ in clip.segments]
        assert "climb" not in order[:-1], order
        seen_last += order[-1] == "climb"
    assert seen_last >= 3
