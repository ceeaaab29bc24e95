"""Physical measurements used to judge the open prompt suites, checked on procedural motion
whose truth is known by construction, and the suite files themselves."""
from pathlib import Path

import numpy as np
import pytest

from engine.skeleton import JOINT_INDEX
from training.open_suites import judge, parse_checks, read_suite
from training.physical import Measure, names
from training.procedural.sequence import make_sequence

SUITES = Path(__file__).resolve().parents[1] / "resources" / "eval" / "physical"


def _clip(*actions, seed=0):
    return make_sequence(list(actions), np.random.default_rng(seed)).positions


def test_posture_change_reads_as_a_drop_from_standing():
    m = Measure(_clip("sit_down"))
    assert m.pelvis_start > 0.8 and m.pelvis_end < 0.6
    m = Measure(_clip("sit_down", "stand_up"))
    assert m.pelvis_min < 0.6 and m.pelvis_end > 0.8


def test_walk_travels_forward_with_steps():
    m = Measure(_clip("walk"))
    assert m.forward > 1.0 and abs(m.left) < 0.5 * m.forward
    assert 1.2 < m.cadence < 2.6 and m.speed > 0.5
    assert m.returns > 0.9


def test_turning_the_motion_turns_the_measures():
    pos = _clip("walk")
    a = np.radians(90.0)                                   # a quarter turn to the left
    c, s = np.cos(a), np.sin(a)
    turned = pos.copy()
    turned[..., 0] = c * pos[..., 0] + s * pos[..., 2]
    turned[..., 2] = -s * pos[..., 0] + c * pos[..., 2]
    m0, m1 = Measure(pos), Measure(turned)
    assert m1.forward == pytest.approx(m0.forward, abs=0.05)   # own frame: unchanged
    assert abs(m1.toward_camera) < 0.3 * m0.forward and m0.toward_camera > 0.7 * m0.forward


def test_a_left_turn_is_positive():
    m = Measure(_clip("turn_left"))
    assert 45 < m.turn < 135 and m.turn_abs == pytest.approx(m.turn)


def test_wave_swings_a_hand_and_a_bow_bends():
    wave = Measure(_clip("wave"))
    idle = Measure(_clip("idle"))
    assert wave.hand_swings > idle.hand_swings and wave.hand_amp > 0.1
    bow = Measure(_clip("bow"))
    assert bow.bow_depth > 20 and bow.bow_depth > idle.bow_depth + 15


def test_raising_the_head_forward_reads_as_a_nod():
    pos = _clip("idle").copy()
    head, neck = JOINT_INDEX["head"], JOINT_INDEX["neck"]
    still = Measure(pos).head_nod
    t = np.arange(len(pos))
    ang = np.radians(25.0) * np.maximum(0.0, np.sin(2 * np.pi * t / 25.0))
    rel = pos[:, head] - pos[:, neck]
    length = np.linalg.norm(rel, axis=1)
    # the figure faces +Z: pitch the head toward +Z about the neck
    pos[:, head, 1] = pos[:, neck, 1] + length * np.cos(ang)
    pos[:, head, 2] = pos[:, neck, 2] + length * np.sin(ang)
    assert Measure(pos).head_nod > still + 15


def test_dance_has_more_limb_energy_than_standing():
    assert Measure(_clip("dance_disco")).limb_energy > 2 * Measure(_clip("idle")).limb_energy


def test_checks_parse_and_judge():
    checks = parse_checks("pelvis_end<0.6; steps=3..6 ;turn_abs>270")
    assert [str(c) for c in checks] == ["pelvis_end<0.6", "steps=3..6", "turn_abs>270"]
    ok, values, failed = judge(_clip("sit_down"), 25.0, parse_checks("pelvis_end<0.6"))
    assert ok and values["pelvis_end"] < 0.6 and not failed
    ok, _, failed = judge(_clip("sit_down"), 25.0, parse_checks("pelvis_end>0.8"))
    assert not ok and failed[0].startswith("pelvis_end>0.8 (got")
    with pytest.raises(ValueError, match="no measurement 'speediness'"):
        parse_checks("speediness>1")
    with pytest.raises(ValueError, match="cannot read"):
        parse_checks("speed >> 1")


def test_the_shipped_suites_read_and_cover_each_part():
    suites = {p.stem: read_suite(p) for p in SUITES.glob("*.tsv") if p.stem != "pose_keys"}
    assert {"posture", "paths", "styles", "dances_gestures"} <= set(suites)
    assert all(len(s) >= 20 for s in suites.values())
    used = {c.name for s in suites.values() for row in s for c in row.checks}
    assert used <= set(names())


def test_pose_key_suite_reads_and_a_key_swings_the_arm_about_the_shoulder():
    from engine.skeleton import bone_lengths
    from training.key_suite import KeyEdit, key_pose, read_key_suite

    rows = read_key_suite(SUITES / "pose_keys.tsv")
    assert len(rows) >= 20 and all(r.keys for r in rows)
    pose = _clip("idle")[10]
    raised = key_pose(pose, KeyEdit(10, "raise", "r", 90.0))
    hand, sh = JOINT_INDEX["r_hand"], JOINT_INDEX["r_shoulder"]
    assert np.allclose(bone_lengths(raised[None]), bone_lengths(pose[None]), atol=1e-5)
    assert raised[hand, 1] > pose[hand, 1] + 0.4               # up to shoulder height
    assert raised[hand, 2] - raised[sh, 2] > 0.4               # in front (facing +Z)
    spread = key_pose(pose, KeyEdit(10, "spread", "l", 90.0))
    l_hand = JOINT_INDEX["l_hand"]
    assert spread[l_hand, 0] > pose[l_hand, 0] + 0.4           # out to its left (+X)


def test_edits_on_neighbouring_frames_build_on_each_other():
    from training.key_suite import KeyEdit, build_keys

    free = _clip("idle")[:60]
    keys = build_keys(free, [KeyEdit(40, "raise", "r", 90.0), KeyEdit(41, "raise", "l", 30.0),
                             KeyEdit(10, "spread", "l", 60.0)])
    hand_r, hand_l = JOINT_INDEX["r_hand"], JOINT_INDEX["l_hand"]
    assert keys[41][hand_r, 1] > free[41][hand_r, 1] + 0.4     # frame 41 keeps the right arm up
    assert keys[40][hand_l, 1] > free[40][hand_l, 1] + 0.02    # ... and frame 40 the left raise
    assert np.allclose(keys[10][hand_r], free[10][hand_r])     # a far key is its own
    with pytest.raises(ValueError, match="outside"):
        build_keys(free, [KeyEdit(99, "raise", "r", 10.0)])
