"""Procedural gesture, combat and dance actions: physically plausible for every action and a
spread of parameters, and each one looks like what it claims (hands, legs, counts, styles)."""
from __future__ import annotations

import numpy as np
import pytest

import training.procedural  # noqa: F401  (registers the generators)
from engine.actions import ACTIONS
from engine.skeleton import JOINT_INDEX, check_constant_bone_lengths
from training.procedural.base import REGISTRY, ActionParams, contact_runs, sample_params
from training.procedural.rig import Body

GESTURES = ("wave", "clap", "point", "bow", "nod", "shake_head", "shrug", "cheer", "stretch",
            "look_around", "talk")
COMBAT = ("punch", "kick", "block", "throw", "catch", "pick_up", "push", "pull", "lift")
DANCE = ("dance_disco", "dance_hiphop", "dance_ballet", "dance_salsa", "spin")
OURS = GESTURES + COMBAT + DANCE

SETTINGS = {
    "plain": dict(),
    "left_tired_slow": dict(hand="left", mood="tired", speed=0.6, amplitude=0.6),
    "both_angry_fast": dict(hand="both", mood="angry", speed=1.5, amplitude=1.3),
    "right_happy_twice": dict(hand="right", mood="happy", repeats=2, duration=2.5),
    "left_proud_four_turned": dict(hand="left", mood="proud", repeats=4, duration=4.5,
                                   direction=1.0, body=Body(1.06, 1.04, 0.95, 1.03, 1.1)),
    "both_short_small": dict(hand="both", duration=2.0, body=Body(0.9, 0.95, 1.05, 0.95, 0.9)),
}


def run(name: str, seed: int = 0, **kw):
    return REGISTRY[name](ActionParams(**kw), np.random.default_rng(seed))


def joint(clip, name: str) -> np.ndarray:
    return clip.positions[:, JOINT_INDEX[name]]


def count_cycles(signal: np.ndarray, lo: float = 0.3, hi: float = 0.7) -> int:
    """Rises of ``signal`` through the upper band after dipping into the lower one (relative to
    its own range): a robust count of repeated movements."""
    s = (signal - signal.min()) / max(np.ptp(signal), 1e-9)
    count, armed = 0, True
    for v in s:
        if armed and v > hi:
            count, armed = count + 1, False
        elif v < lo:
            armed = True
    return count


def heading_turned(clip) -> np.ndarray:
    """(T,) unwrapped angle of the hip line in the floor plane, radians."""
    across = joint(clip, "l_hip") - joint(clip, "r_hip")
    return np.unwrap(np.arctan2(across[:, 2], across[:, 0]))


def test_all_our_actions_are_registered_vocabulary_actions():
    for name in OURS:
        assert name in ACTIONS
        assert name in REGISTRY, name


@pytest.mark.parametrize("setting", sorted(SETTINGS))
@pytest.mark.parametrize("name", OURS)
def test_physically_plausible(name, setting):
    kw = SETTINGS[setting]
    for seed in (0, 1):
        clip = run(name, seed, **kw)
        pos = clip.positions
        assert pos.dtype == np.float32 and pos.shape[1:] == (16, 3)
        assert np.isfinite(pos).all()
        check_constant_bone_lengths(pos, 1e-4)
        assert pos[..., 1].min() > -0.01, "a joint goes through the floor"
        for k, foot in enumerate(("l_foot", "r_foot")):
            for a, b in contact_runs(clip.contacts[:, k]):
                slide = np.linalg.norm(pos[a:b, JOINT_INDEX[foot]] - pos[a, JOINT_INDEX[foot]], axis=-1)
                assert slide.max() < 0.02, f"{foot} slides {slide.max():.3f} m while planted"
                assert pos[a, JOINT_INDEX[foot], 1] < 0.02, "a planted foot is off the floor"
        step = np.linalg.norm(np.diff(pos, axis=0), axis=-1).max()
        assert step < 0.25, f"pop of {step:.3f} m in one frame"
        assert clip.actions == [name] * clip.num_frames
        assert clip.contacts.shape == (clip.num_frames, 2)


@pytest.mark.parametrize("name", OURS)
def test_random_samples_are_plausible_and_vary(name):
    rng = np.random.default_rng(7)
    for _ in range(3):
        p = sample_params(rng, duration=float(rng.uniform(2.0, 5.0)))
        clip = REGISTRY[name](p, rng)
        check_constant_bone_lengths(clip.positions, 1e-4)
        assert np.linalg.norm(np.diff(clip.positions, axis=0), axis=-1).max() < 0.25
    a, b = run(name, 1), run(name, 2)
    assert np.abs(a.positions - b.positions).max() > 0.01, "two seeds gave the same motion"
    np.testing.assert_array_equal(run(name, 3).positions, run(name, 3).positions)


@pytest.mark.parametrize("name", OURS)
def test_starts_and_ends_near_idle(name):
    clip = run(name, 0, duration=3.5)
    stand = ActionParams().body.standing_pelvis_height()
    for f in (0, -1):
        for s in "lr":
            assert joint(clip, f"{s}_hand")[f, 1] < joint(clip, f"{s}_shoulder")[f, 1] - 0.3
            off = joint(clip, f"{s}_foot")[f] - joint(clip, f"{s}_hip")[f]
            assert np.hypot(off[0], off[2]) < 0.1, "feet not under the hips"
        assert joint(clip, "pelvis")[f, 1] > 0.95 * stand


@pytest.mark.parametrize("name", OURS)
def test_direction_turns_the_whole_clip(name):
    a, b = run(name, 4), run(name, 4, direction=np.pi / 2)
    c, s = np.cos(np.pi / 2), np.sin(np.pi / 2)
    x, z = a.positions[..., 0], a.positions[..., 2]
    turned = np.stack([c * x + s * z, a.positions[..., 1], -s * x + c * z], -1)
    np.testing.assert_allclose(b.positions, turned, atol=2e-4)


# ---------------------------------------------------------------- gestures ---------------------

@pytest.mark.parametrize("hand", ["left", "right"])
def test_wave_raises_the_chosen_hand_above_the_head(hand):
    clip = run("wave", 0, hand=hand)
    s, o = hand[0], "r" if hand == "left" else "l"
    mid = slice(clip.num_frames // 3, 2 * clip.num_frames // 3)
    assert (joint(clip, f"{s}_hand")[mid, 1] > joint(clip, "head")[mid, 1]).all()
    assert (joint(clip, f"{o}_hand")[:, 1] < joint(clip, f"{o}_shoulder")[:, 1]).all()
    both = run("wave", 0, hand="both")
    for side in "lr":
        assert (joint(both, f"{side}_hand")[mid, 1] > joint(both, "head")[mid, 1]).all()


def test_wave_counts_and_mood():
    for n in (2, 3, 5):
        clip = run("wave", 1, repeats=n, duration=4.0)
        sway = joint(clip, "r_hand")[:, 0] - joint(clip, "r_elbow")[:, 0]
        assert count_cycles(sway) == n
    tired = run("wave", 2, mood="tired", duration=4.0)
    happy = run("wave", 2, mood="happy", duration=4.0)
    swing = {m: joint(c, "r_hand")[:, 0] - joint(c, "r_elbow")[:, 0]
             for m, c in (("tired", tired), ("happy", happy))}
    assert np.ptp(swing["tired"][25:-25]) < 0.75 * np.ptp(swing["happy"][25:-25])
    assert count_cycles(swing["tired"]) < count_cycles(swing["happy"])


def test_clap_brings_hands_together_in_front_of_the_chest():
    for n in (2, 4):
        clip = run("clap", 3, repeats=n, duration=3.0)
        gap = np.linalg.norm(joint(clip, "l_hand") - joint(clip, "r_hand"), axis=-1)
        assert count_cycles(-np.minimum(gap, 0.2)) == n  # idle hands are further apart still
        meet = gap < 0.08
        assert meet.sum() >= n
        hands = 0.5 * (joint(clip, "l_hand") + joint(clip, "r_hand"))[meet]
        assert (hands[:, 2] > joint(clip, "neck")[meet, 2] + 0.15).all()
        assert (hands[:, 1] > joint(clip, "pelvis")[meet, 1]).all()
        assert (hands[:, 1] < joint(clip, "neck")[meet, 1]).all()


def test_point_extends_the_chosen_arm():
    clip = run("point", 0, hand="left")
    reach = np.linalg.norm(joint(clip, "l_hand") - joint(clip, "l_shoulder"), axis=-1)
    arm = reach.max()
    assert arm > 0.5
    peak = reach.argmax()
    assert joint(clip, "l_hand")[peak, 2] > joint(clip, "l_shoulder")[peak, 2] + 0.3
    assert (joint(clip, "r_hand")[:, 1] < joint(clip, "r_shoulder")[:, 1] - 0.3).all()


def test_bow_pitches_the_trunk_from_the_hips():
    clip = run("bow", 0)
    lean = joint(clip, "neck")[:, 2] - joint(clip, "pelvis")[:, 2]
    assert lean[0] < 0.1 and lean[-1] < 0.1
    assert lean.max() > 0.3
    assert (clip.contacts.all())
    for n in (1, 2):
        assert count_cycles(run("bow", 1, repeats=n, duration=4.5).positions[:, 2, 2]) == n


def test_nod_and_shake_head_move_the_head_their_own_way():
    for n in (2, 3):
        nod = run("nod", 0, repeats=n)
        fwd = joint(nod, "head")[:, 2] - joint(nod, "neck")[:, 2]
        assert count_cycles(fwd) == n
        shake = run("shake_head", 0, repeats=n)
        side = joint(shake, "head")[:, 0] - joint(shake, "neck")[:, 0]
        assert count_cycles(side) == n
    head = lambda c, a: np.ptp(joint(c, "head")[:, a] - joint(c, "neck")[:, a])  # noqa: E731
    assert head(nod, 2) > 2 * head(nod, 0)
    assert head(shake, 0) > 2 * head(shake, 2)


def test_shrug_cheer_and_stretch_arm_shapes():
    shrug = run("shrug", 0)
    spread = np.abs(joint(shrug, "l_hand")[:, 0] - joint(shrug, "r_hand")[:, 0])
    assert spread.max() > spread[0] + 0.25
    assert (joint(shrug, "l_elbow")[:, 1] < joint(shrug, "l_shoulder")[:, 1]).all()
    for name in ("cheer", "stretch"):
        clip = run(name, 0, hand="both")
        top = joint(clip, "head")[:, 1] + 0.1
        assert ((joint(clip, "l_hand")[:, 1] > top) & (joint(clip, "r_hand")[:, 1] > top)).any()
    one = run("cheer", 0, hand="right")
    assert (joint(one, "r_hand")[:, 1] > joint(one, "head")[:, 1]).any()
    assert (joint(one, "l_hand")[:, 1] < joint(one, "l_shoulder")[:, 1]).all()


def test_look_around_turns_the_chest_both_ways_and_talk_gestures():
    clip = run("look_around", 0)
    across = joint(clip, "l_shoulder") - joint(clip, "r_shoulder")
    angle = np.arctan2(across[:, 2], across[:, 0])
    assert angle.max() > 0.25 and angle.min() < -0.25
    talk = run("talk", 0, hand="right", duration=4.0)
    r_path = np.linalg.norm(np.diff(joint(talk, "r_hand"), axis=0), axis=-1).sum()
    l_path = np.linalg.norm(np.diff(joint(talk, "l_hand"), axis=0), axis=-1).sum()
    assert r_path > 1.0 and r_path > l_path
    assert (joint(talk, "r_hand")[:, 1] < joint(talk, "neck")[:, 1]).all()


# ---------------------------------------------------------------- combat -----------------------

@pytest.mark.parametrize("hand", ["left", "right"])
def test_punch_strikes_forward_with_the_chosen_hand(hand):
    s, o = hand[0], "r" if hand == "left" else "l"
    for n in (1, 3):
        clip = run("punch", 0, hand=hand, repeats=n)
        ahead = joint(clip, f"{s}_hand")[:, 2] - joint(clip, "pelvis")[:, 2]
        assert ahead.max() > 0.45
        assert count_cycles(ahead, lo=0.6, hi=0.85) == n  # the guard sits at about 0.45
        other = joint(clip, f"{o}_hand")[:, 2] - joint(clip, "pelvis")[:, 2]
        assert other.max() < 0.4
    both = run("punch", 0, hand="both", repeats=4)
    for side in "lr":
        assert (joint(both, f"{side}_hand")[:, 2] - joint(both, "pelvis")[:, 2]).max() > 0.45


@pytest.mark.parametrize("hand", ["left", "right", "both"])
def test_kick_swings_one_leg_up_to_hip_height(hand):
    s = "l" if hand == "left" else "r"
    o = "r" if s == "l" else "l"
    for n in (1, 2):
        clip = run("kick", 0, hand=hand, repeats=n, duration=2.0 + 1.5 * n)
        foot, hip = joint(clip, f"{s}_foot"), joint(clip, f"{s}_hip")
        assert foot[:, 1].max() > 0.7 * hip[0, 1]
        assert foot[:, 2].max() > 0.6
        assert count_cycles(foot[:, 1]) == n
        assert clip.contacts[:, "lr".index(o)].all()
        standing = joint(clip, f"{o}_foot")
        assert np.abs(standing - standing[0]).max() < 0.01
        assert np.linalg.norm(foot[-1] - foot[0]) < 0.03
        # straight-ish at full extension
        top = foot[:, 1].argmax()
        assert np.linalg.norm(foot[top] - hip[top]) > 0.85 * np.linalg.norm(foot[0] - hip[0])


def test_block_throw_and_catch_shapes():
    block = run("block", 0, hand="both")
    mid = block.num_frames // 2
    for s in "lr":
        assert joint(block, f"{s}_hand")[mid, 1] > joint(block, f"{s}_shoulder")[mid, 1]
    throw = run("throw", 0, hand="right")
    rel = joint(throw, "r_hand") - joint(throw, "r_shoulder")
    back, front = rel[:, 2].argmin(), rel[:, 2].argmax()
    assert rel[back, 2] < -0.1 and rel[back, 1] > 0.0, "no wind-up behind the head"
    assert rel[front, 2] > 0.3 and back < front, "no release in front after the wind-up"
    assert (joint(throw, "l_hand")[:, 2] > joint(throw, "l_shoulder")[:, 2] - 0.15).all()
    catch = run("catch", 0)
    gap = np.linalg.norm(joint(catch, "l_hand") - joint(catch, "r_hand"), axis=-1)
    out = (joint(catch, "l_hand")[:, 2] - joint(catch, "pelvis")[:, 2]).argmax()
    assert gap[out] < 0.35
    assert joint(catch, "l_hand")[out, 2] - joint(catch, "pelvis")[out, 2] > 0.4


@pytest.mark.parametrize("hand", ["left", "right", "both"])
def test_pick_up_bends_to_the_floor_and_comes_up(hand):
    for body in (Body(), Body(0.9, 0.95, 0.94, 0.95, 0.9), Body(1.08, 1.06, 1.06, 1.06, 1.1)):
        clip = run("pick_up", 0, hand=hand, body=body)
        pelvis = joint(clip, "pelvis")[:, 1]
        reaching = ("l",) if hand == "left" else ("r",) if hand == "right" else ("l", "r")
        for s in reaching:
            assert joint(clip, f"{s}_hand")[:, 1].min() < 0.2
        if hand != "both":
            other = "r" if hand == "left" else "l"
            assert joint(clip, f"{other}_hand")[:, 1].min() > 0.25
        assert pelvis.min() < pelvis[0] - 0.2
        assert pelvis[-1] > 0.97 * pelvis[0]
        assert clip.contacts.all()


def test_push_pull_and_lift():
    push = run("push", 0, hand="both")
    ahead = joint(push, "r_hand")[:, 2] - joint(push, "r_shoulder")[:, 2]
    lean = joint(push, "neck")[:, 2] - joint(push, "pelvis")[:, 2]
    assert ahead.max() > 0.4 and lean.max() > lean[0] + 0.05
    for n in (2, 3):
        clip = run("push", 0, hand="both", repeats=n, duration=1.5 + 1.2 * n)
        ahead = joint(clip, "l_hand")[:, 2] - joint(clip, "pelvis")[:, 2]
        assert count_cycles(ahead, lo=0.6, hi=0.85) == n  # hands at the chest sit near 0.4
    pull = run("pull", 0, hand="both", repeats=2)
    rel = joint(pull, "l_hand")[:, 2] - joint(pull, "pelvis")[:, 2]
    assert np.ptp(rel[10:-10]) > 0.25
    lean = joint(pull, "neck")[:, 2] - joint(pull, "pelvis")[:, 2]
    assert lean.min() < lean[0] - 0.04
    lift = run("lift", 0)
    low = joint(lift, "l_hand")[:, 1].argmin()
    assert joint(lift, "l_hand")[low, 1] < 0.45
    assert abs(joint(lift, "l_hand")[low, 0] - joint(lift, "r_hand")[low, 0]) > 0.3
    assert (joint(lift, "l_hand")[low:, 1] > joint(lift, "l_shoulder")[low:, 1] - 0.2).any()


# ---------------------------------------------------------------- dance ------------------------

def test_dance_styles_have_their_own_footwork():
    disco = run("dance_disco", 0, duration=4.0, hand="both")
    for k in range(2):  # a step-touch on every beat: each foot steps more than once
        assert len(contact_runs(~disco.contacts[:, k])) >= 2, "disco steps to the beat"
    assert np.ptp(joint(disco, "pelvis")[:, 0]) > 0.1, "no weight shift from side to side"
    for s in "lr":  # both arms take turns pointing up and down across
        hand = joint(disco, f"{s}_hand")[:, 1]
        assert hand.max() > joint(disco, "head")[:, 1].max()
    hiphop = run("dance_hiphop", 0, duration=4.0)
    for s in "lr":
        foot = joint(hiphop, f"{s}_foot")
        assert np.ptp(foot[:, 0]) > 0.15 and np.ptp(foot[:, 2]) < 0.05, "step-touch is sideways"
    assert not hiphop.contacts.all()
    pelvis = joint(hiphop, "pelvis")[:, 1]
    mid = pelvis[hiphop.num_frames // 4: 3 * hiphop.num_frames // 4]  # ~3 beats into the groove
    assert count_cycles(-mid) >= 2, "no bounce on the beat"
    salsa = run("dance_salsa", 0, duration=4.0)
    lz, rz = joint(salsa, "l_foot")[:, 2], joint(salsa, "r_foot")[:, 2]
    assert lz.max() > lz[0] + 0.1 and rz.min() < rz[0] - 0.1, "left forward, right back"
    assert np.ptp(joint(salsa, "l_foot")[:, 0]) < 0.05
    hips = joint(salsa, "l_hip")[:, 1] - joint(salsa, "r_hip")[:, 1]
    assert np.ptp(hips) > 0.02, "no hip action"


def test_dance_counts():
    for n in (1, 2, 3):
        salsa = run("dance_salsa", 1, repeats=n, duration=1.5 + 2.0 * n)
        assert count_cycles(joint(salsa, "l_foot")[:, 2]) == n
        hiphop = run("dance_hiphop", 1, repeats=n, duration=1.5 + 2.0 * n)
        assert len(contact_runs(~hiphop.contacts[:, 0])) == 2 * n


def test_ballet_and_spin_turn_on_one_planted_foot():
    ballet = run("dance_ballet", 0, duration=4.0)
    turned = heading_turned(ballet)
    assert np.ptp(turned) > 2 * np.pi - 0.05
    turning = np.abs(np.gradient(turned)) > 0.05
    top = joint(ballet, "head")[:, 1]
    assert ((joint(ballet, "l_hand")[:, 1] > top) & (joint(ballet, "r_hand")[:, 1] > top))[
        turning].all(), "arms en haut during the pirouette"
    lifted = ~ballet.contacts.all(axis=1)
    assert lifted.any() and (ballet.contacts[turning].sum(axis=1) == 1).all()
    feet = np.maximum(joint(ballet, "l_foot")[:, 1], joint(ballet, "r_foot")[:, 1])
    assert feet[turning].min() > 0.3, "the free foot is drawn up to the knee (passé)"
    for n in (1, 2, 3):
        spin = run("spin", 0, repeats=n, duration=4.0)
        turned = heading_turned(spin)
        assert abs(abs(turned[-1] - turned[0]) - 2 * np.pi * n) < 0.1
        assert (spin.contacts.any(axis=1)).all()
