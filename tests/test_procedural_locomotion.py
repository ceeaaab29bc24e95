"""Procedural locomotion, jumps and level changes: every generator is physically plausible for
many seeds and parameters, and each one looks like what its name claims (measured, not mocked)."""
from dataclasses import replace

import numpy as np
import pytest

import training.procedural  # noqa: F401  (registers every generator)
from engine.skeleton import JOINT_INDEX as JI, check_constant_bone_lengths
from training.procedural.base import REGISTRY, ActionParams, contact_runs, sample_params
from training.procedural.plausibility import planted_slide, problems

GAITS = ["walk", "jog", "run", "sprint", "walk_backward", "sidestep", "tiptoe", "march", "limp"]
LOCOMOTION = ["idle", *GAITS, "skip", "turn_left", "turn_right", "turn_around", "stumble"]
JUMPS = ["jump", "jump_forward", "hop"]
LEVEL = ["crouch", "sit_down", "stand_up", "kneel", "lie_down", "get_up", "fall_down", "crawl"]
MINE = LOCOMOTION + JUMPS + LEVEL


def gen(name, seed=0, **fixed):
    """A sample with random parameters (some pinned by ``fixed``)."""
    rng = np.random.default_rng(seed)
    return REGISTRY[name](sample_params(rng, **fixed), rng)


def plain(name, seed=0, **fields):
    """A sample with default parameters except ``fields``."""
    rng = np.random.default_rng(seed)
    return REGISTRY[name](ActionParams(**fields), rng)


def root_h(clip):
    return clip.positions[:, 0, [0, 2]].astype(np.float64)


def prints(clip, k):
    """(times, positions) where foot k lands, from Clip.contacts."""
    foot = clip.positions[:, JI[("l_foot", "r_foot")[k]]]
    runs = [(a, b) for a, b in contact_runs(clip.contacts[:, k]) if a > 0]
    return np.array([a for a, _ in runs]), np.array([foot[a] for a, _ in runs])


@pytest.mark.parametrize("name", MINE)
def test_every_action_is_plausible_for_random_params(name):
    for seed in range(5):
        clip = gen(name, seed)
        assert clip.num_frames == clip.params.frames
        assert set(clip.actions) == {name}
        assert clip.contacts.shape == (clip.num_frames, 2)
        check_constant_bone_lengths(clip.positions)
        assert problems(clip) == [], (name, seed, clip.params)


@pytest.mark.parametrize("name", MINE)
def test_every_action_survives_extreme_params(name):
    rng = np.random.default_rng(7)
    for speed, amp, mood, dur in ((0.6, 0.6, "tired", 1.2), (1.5, 1.35, "angry", 6.0),
                                  (1.0, 1.0, "proud", 2.0), (1.3, 0.8, "happy", 3.5)):
        p = sample_params(rng, duration=dur, speed=speed, amplitude=amp, mood=mood)
        clip = REGISTRY[name](p, rng)
        assert problems(clip) == [], (name, speed, amp, mood, dur)


@pytest.mark.parametrize("name", MINE)
def test_samples_are_seeded_and_all_different(name):
    a, b, c = gen(name, 3), gen(name, 3), gen(name, 4)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert not np.allclose(a.positions[: min(len(a.positions), len(c.positions))],
                           c.positions[: min(len(a.positions), len(c.positions))], atol=1e-3)


def test_walking_speed_and_cadence_are_human():
    speeds, cadences = [], []
    for seed in range(6):
        clip = plain("walk", seed, duration=6.0, variant="steady")
        t, _ = prints(clip, 0)
        t2, _ = prints(clip, 1)
        cadences.append(2 / np.mean(np.diff(t) / clip.params.fps))   # two steps per stride
        speeds.append(np.linalg.norm(root_h(clip)[-1] - root_h(clip)[0]) / 6.0)
        assert len(t) >= 4 and len(t2) >= 4
    assert 1.15 <= np.mean(speeds) <= 1.6
    assert all(1.5 <= c <= 2.3 for c in cadences), cadences


def test_gaits_get_faster_and_running_has_flight():
    speed = {}
    for name in ("walk", "jog", "run", "sprint"):
        clip = plain(name, 1, duration=4.0, variant="steady")
        speed[name] = np.linalg.norm(root_h(clip)[-1] - root_h(clip)[0]) / 4.0
        feet_y = clip.positions[:, [JI["l_foot"], JI["r_foot"]], 1]
        airborne = feet_y.min(axis=1) > 0.02       # both feet off the floor
        if name == "walk":
            assert not airborne.any()
        else:
            assert airborne.mean() > 0.1, name
    assert speed["walk"] < speed["jog"] < speed["run"] < speed["sprint"]
    assert 2.0 <= speed["jog"] <= 3.2 and 3.4 <= speed["run"] <= 4.8 and speed["sprint"] > 5.0


@pytest.mark.parametrize("name", GAITS + ["skip"])
def test_no_moonwalking_footprints_advance_with_the_body(name):
    for seed in range(3):
        clip = plain(name, seed, duration=5.0, variant="steady")
        t, p = prints(clip, 0)
        assert len(t) >= 2, name
        # over the same time span, the body and the footprints of one foot cover the same ground
        body = np.linalg.norm(root_h(clip)[t[-1]] - root_h(clip)[t[0]])
        feet = np.linalg.norm(p[-1, [0, 2]] - p[0, [0, 2]])
        assert feet == pytest.approx(body, rel=0.1, abs=0.05), (name, seed, feet, body)


def test_arms_swing_opposite_to_the_legs_and_bend_more_when_running():
    def forward(clip, joint):
        return clip.positions[:, JI[joint], 2] - clip.positions[:, 0, 2]   # walking along +z
    walk = plain("walk", 2, duration=4.0, variant="steady")
    assert np.corrcoef(forward(walk, "l_hand"), forward(walk, "r_foot"))[0, 1] > 0.6
    assert np.corrcoef(forward(walk, "l_hand"), forward(walk, "l_foot"))[0, 1] < -0.6

    def elbow_angle(clip):
        P = clip.positions
        up = P[:, JI["l_shoulder"]] - P[:, JI["l_elbow"]]
        fo = P[:, JI["l_hand"]] - P[:, JI["l_elbow"]]
        cos = np.sum(up * fo, -1) / np.linalg.norm(up, axis=-1) / np.linalg.norm(fo, axis=-1)
        return np.degrees(np.arccos(np.clip(cos, -1, 1))).mean()
    assert elbow_angle(plain("run", 2, variant="steady")) < elbow_angle(walk) - 40


def test_direction_of_travel():
    back = plain("walk_backward", 0, duration=3.0, variant="steady")
    assert root_h(back)[-1, 1] - root_h(back)[0, 1] < -1.0       # faces +z, moves to -z
    for side, sign in (("left", 1), ("right", -1)):
        clip = plain("sidestep", 0, duration=3.0, side=side, variant="steady")
        moved = root_h(clip)[-1] - root_h(clip)[0]
        assert sign * moved[0] > 0.7 and abs(moved[1]) < 0.15
        assert clip.params.side == side
    turned = plain("walk", 0, duration=3.0, variant="steady", direction=np.pi / 2)
    moved = root_h(turned)[-1] - root_h(turned)[0]
    assert moved[0] > 2.5 and abs(moved[1]) < 0.2                # direction pi/2 walks to +x


def test_turns_rotate_body_and_footprints():
    for name, lo, hi in (("turn_left", 60, 125), ("turn_right", -125, -60)):
        for variant in ("in_place", "walking"):
            clip = plain(name, 1, duration=3.5, variant=variant)
            turn = np.degrees(clip.heading[-1] - clip.heading[0])
            assert lo <= turn <= hi, (name, variant, turn)
            hips = clip.positions[-1, JI["l_hip"]] - clip.positions[-1, JI["r_hip"]]
            feet = clip.positions[-1, JI["l_foot"]] - clip.positions[-1, JI["r_foot"]]
            assert np.dot(hips[[0, 2]], feet[[0, 2]]) > 0   # the feet turned with the hips
            if variant == "in_place":
                assert np.linalg.norm(root_h(clip)[-1] - root_h(clip)[0]) < 0.5
    clip = plain("turn_around", 2, duration=4.0)
    turn = np.degrees(clip.heading[-1] - clip.heading[0])
    assert 150 <= abs(turn) <= 200 and (turn > 0) == (clip.params.side == "left")


def test_tiptoe_march_limp_and_skip_have_their_character():
    walk = plain("walk", 4, duration=5.0, variant="steady")
    tiptoe = plain("tiptoe", 4, duration=5.0, variant="steady")
    march = plain("march", 4, duration=5.0, variant="steady")
    stand = walk.params.body.standing_pelvis_height()
    assert tiptoe.positions[:, 0, 1].mean() > walk.positions[:, 0, 1].mean() + 0.02
    assert tiptoe.positions[:, 0, 1].mean() > 0.97 * stand
    step = lambda c: np.mean(np.linalg.norm(np.diff(prints(c, 0)[1], axis=0), axis=-1))  # noqa
    assert step(tiptoe) < 0.6 * step(walk)
    knee = lambda c: c.positions[:, [JI["l_knee"], JI["r_knee"]], 1].max()  # noqa: E731
    assert knee(march) > knee(walk) + 0.1
    limp = plain("limp", 4, duration=6.0, side="right", variant="steady")
    stance = [np.mean([b - a for a, b in contact_runs(limp.contacts[:, k])[1:-1]])
              for k in (0, 1)]
    assert stance[1] < 0.85 * stance[0]                  # the hurt right leg is off sooner
    skip = plain("skip", 4, duration=5.0)
    events = sorted((a, k) for k in (0, 1) for a, _ in contact_runs(skip.contacts[:, k]) if a)
    sides = [k for _, k in events]
    assert any(x == y for x, y in zip(sides, sides[1:]))  # step then hop on the same foot
    assert (skip.positions[:, [JI["l_foot"], JI["r_foot"]], 1].min(axis=1) > 0.02).any()


def test_stumble_pitches_forward_and_hurries_its_steps():
    clip = plain("stumble", 5, duration=4.0)
    lean = clip.positions[:, JI["neck"], 2] - clip.positions[:, 0, 2]
    assert lean.max() > lean[:10].mean() + 0.1
    t = np.sort(np.concatenate([prints(clip, 0)[0], prints(clip, 1)[0]]))
    gaps = np.diff(t)
    assert gaps.min() < 0.8 * np.median(gaps)


def test_jumps_fly_ballistically():
    for name in ("jump", "jump_forward"):
        clip = plain(name, 0, duration=3.0, repeats=1)
        air = ~clip.contacts.any(axis=1)
        assert air.sum() >= 5
        feet_y = clip.positions[air][:, [JI["l_foot"], JI["r_foot"]], 1]
        assert feet_y.min() > 0.0
        y = clip.positions[air, 0, 1].astype(np.float64)
        accel = np.diff(y, 2) * clip.params.fps ** 2
        np.testing.assert_allclose(accel, -9.81, rtol=0.02)     # gravity, exactly
        if name == "jump_forward":
            assert root_h(clip)[-1, 1] - root_h(clip)[0, 1] > 0.4


def test_hop_is_on_one_leg():
    for side, k in (("left", 0), ("right", 1)):
        clip = plain("hop", 1, duration=3.5, side=side)
        assert clip.params.side == side
        hops = contact_runs(clip.contacts[:, k])
        assert len(hops) >= 3
        free = clip.contacts[:, 1 - k]
        during = slice(hops[1][0], hops[-2][1])
        assert not free[during].any()                  # the other foot never touches down
        assert (~clip.contacts[during].any(axis=1)).any()  # flights between hops


def head(clip, frame):
    return clip.positions[frame, JI["head"], 1]


def test_level_changes_reach_their_postures():
    stand = 1.5
    crouch = plain("crouch", 0, duration=3.0)
    assert crouch.positions[-1, 0, 1] < 0.72 and crouch.contacts[-1].all()
    chair = plain("sit_down", 0, duration=3.5, variant="chair")
    assert 0.4 < chair.positions[-1, 0, 1] < 0.65 and chair.contacts.all()
    floor = plain("sit_down", 0, duration=3.5, variant="floor")
    assert floor.positions[-1, 0, 1] < 0.2 and floor.contacts[-1].all()
    for variant in ("chair", "floor", "crouch", "kneel"):
        up = plain("stand_up", 0, duration=3.5, variant=variant)
        assert head(up, 0) < 1.3 and head(up, -1) > stand, variant
    kneel = plain("kneel", 0, duration=3.0, side="left")
    end = kneel.positions[-1]
    assert end[JI["l_knee"], 1] < 0.1 < end[JI["r_knee"], 1] and kneel.contacts[-1, 1]
    for variant in ("back", "front"):
        lie = plain("lie_down", 0, duration=4.0, variant=variant)
        assert head(lie, 0) > stand
        assert lie.positions[-1, :, 1].max() < 0.3 and lie.positions[-1, :, 1].min() >= -0.01
        face_up = np.cross(lie.positions[-1, JI["l_hip"]] - lie.positions[-1, JI["r_hip"]],
                           lie.positions[-1, JI["spine"]] - lie.positions[-1, 0])[1]
        assert (face_up > 0) == (variant == "back")   # forward = left x up: skyward on the back
        get_up = plain("get_up", 0, duration=4.0, variant=variant)
        assert get_up.positions[0, :, 1].max() < 0.3 and head(get_up, -1) > stand
        fall = plain("fall_down", 0, duration=3.0, variant=variant)
        assert fall.positions[-1, :, 1].max() < 0.3
        below = np.flatnonzero(fall.positions[:, JI["head"], 1] < 0.4)
        above = np.flatnonzero(fall.positions[:, JI["head"], 1] > stand)
        assert (below[0] - above[-1]) / 25.0 < 1.0           # a fall is fast...
        assert (np.flatnonzero(lie.positions[:, JI["head"], 1] < 0.4)[0]
                - np.flatnonzero(lie.positions[:, JI["head"], 1] > stand)[-1]) / 25.0 > 1.0


def test_crawl_is_on_hands_and_knees():
    clip = plain("crawl", 0, duration=4.0)
    P = clip.positions
    knees = P[:, [JI["l_knee"], JI["r_knee"]], 1]
    assert knees.max() < 0.15 and knees.min() > 0.0
    assert 0.35 < P[:, 0, 1].mean() < 0.6
    assert (P[:, [JI["l_hand"], JI["r_hand"]], 1] < 0.01).mean() > 0.5   # hands mostly down
    assert root_h(clip)[-1, 1] - root_h(clip)[0, 1] > 0.8
    for j in ("l_knee", "r_knee", "l_hand", "r_hand"):
        y = P[:, JI[j], 1]
        for a, b in contact_runs(y < y.min() + 0.003):      # a support on the floor stays put
            assert np.linalg.norm(P[a:b, JI[j]] - P[a, JI[j]], axis=-1).max() < 0.02, j
    assert not clip.contacts.any()


def test_planted_feet_are_on_the_floor_and_still():
    for name in ("walk", "idle", "crouch", "turn_left", "hop", "jump"):
        clip = gen(name, 11)
        assert planted_slide(clip) < 0.02
        for k, j in enumerate(("l_foot", "r_foot")):
            planted = clip.contacts[:, k]
            assert np.abs(clip.positions[planted, JI[j], 1]).max() < 0.01, name


def test_variants_and_sides_are_recorded():
    assert plain("sit_down", 0).params.variant in ("chair", "floor")
    assert plain("hop", 0).params.side in ("left", "right")
    assert plain("walk", 0).params.variant in ("steady", "start", "stop", "start+stop")
    clip = plain("walk", 0, variant="start+stop", duration=4.0)
    speed = np.linalg.norm(np.diff(root_h(clip), axis=0), axis=-1) * 25
    assert speed[:3].max() < 0.3 and speed[-3:].max() < 0.3 and speed.max() > 1.0
    assert replace(ActionParams(), side="left").pick_side(np.random.default_rng(0)) == "left"
