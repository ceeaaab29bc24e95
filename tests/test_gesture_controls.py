"""Gestures and dances as controls (engine.gesture_controls), dance energy (engine.energy) and
getting down before a crawl (engine.planner.posture)."""
import numpy as np
import pytest

from engine.controls import plan_controls
from engine.energy import limb_speed, liven
from engine.planner import plan_prompt
from engine.planner.plan import Plan, PlanSegment
from engine.skeleton import JOINT_INDEX as J, NUM_JOINTS
from engine.start_pose import standing_pose

FPS = 25.0


def _controls(*segments):
    plan = Plan("p", list(segments))
    bounds = plan.frame_bounds(FPS)
    return plan_controls(plan, bounds, bounds[-1][1], NUM_JOINTS, FPS), bounds


def _joint(values, joint):
    return values[:, 4 + 3 * J[joint]: 7 + 3 * J[joint]]


def test_a_nod_pitches_the_head_down_and_up_three_times():
    (values, known), _ = _controls(PlanSegment("nod", "nods", 3.0))
    rel = _joint(values, "head") - _joint(values, "neck")
    pitch = np.degrees(np.arctan2(rel[:, 2], rel[:, 1]))
    assert pitch.max() == pytest.approx(22, abs=0.5) and pitch.min() == pytest.approx(0, abs=0.5)
    assert np.sum(np.diff((pitch > 11).astype(int)) == 1) == 3
    assert known[:, 4 + 3 * J["head"]].all() and not known[1:, 4 + 3 * J["l_hand"]].any()


def test_a_shrug_lifts_both_shoulders():
    (values, known), _ = _controls(PlanSegment("shrug", "shrugs", 2.0))
    rise = _joint(values, "l_shoulder")[:, 1] - standing_pose()[J["l_shoulder"], 1]
    assert rise.max() == pytest.approx(0.07, abs=1e-3) and rise[0] == pytest.approx(0, abs=1e-3)
    assert np.allclose(_joint(values, "l_shoulder")[:, 1], _joint(values, "r_shoulder")[:, 1])


def _swings(x: np.ndarray, min_m: float = 0.05) -> int:
    """Side-to-side reversals of a hand's x that travel at least ``min_m``."""
    turns, last, direction = 0, x[0], 0
    for v in x[1:]:
        d = np.sign(v - last)
        if d and d != direction and abs(v - last) >= min_m:
            turns, direction, last = turns + (direction != 0), d, v
        elif d == direction:
            last = v
    return turns


def test_a_wave_raises_the_arm_and_swings_the_forearm_side_to_side():
    (values, known), (bounds,) = _controls(PlanSegment("wave", "waves", 3.0))
    hand, elbow = _joint(values, "r_hand"), _joint(values, "r_elbow")
    mid = slice(15, 60)
    assert (hand[mid, 1] > standing_pose()[J["r_shoulder"], 1] + 0.2).all()   # above the shoulder
    assert (hand[mid, 1] > elbow[mid, 1] + 0.2).all()                          # forearm up
    assert _swings(hand[:, 0]) >= 6                                            # ~1.8 Hz for 3 s
    assert np.ptp(hand[mid, 0]) > 0.2 and np.ptp(elbow[mid, 0]) < 1e-6         # the forearm moves
    lengths = np.linalg.norm(hand - elbow, axis=1)
    assert np.allclose(lengths[mid], lengths[30], atol=1e-6)                    # a rigid forearm
    assert np.allclose(hand[0], standing_pose()[J["r_hand"]], atol=1e-6)       # eased in from rest
    # the other arm hangs at rest; legs and trunk are the model's (frame 0: the standing start)
    assert np.allclose(_joint(values, "l_hand"), standing_pose()[J["l_hand"]], atol=1e-6)
    assert not known[1:, 4 + 3 * J["l_knee"]].any() and not known[1:, 4 + 3 * J["pelvis"]].any()


def test_a_styled_wave_leaves_the_other_arm_to_the_model():
    (values, known), _ = _controls(PlanSegment("wave", "waves like a zombie", 2.0, style="zombie"))
    assert known[:, 4 + 3 * J["r_hand"]].all() and not known[1:, 4 + 3 * J["l_hand"]].any()


def test_a_wave_uses_the_hand_its_words_name():
    (values, known), _ = _controls(PlanSegment("wave", "waves with the left hand", 2.0))
    assert np.ptp(_joint(values, "l_hand")[:, 0]) > 0.2 and np.ptp(_joint(values, "r_hand")[:, 0]) < 1e-6
    (values, known), _ = _controls(PlanSegment("wave", "waves with both arms", 2.0))
    assert np.ptp(_joint(values, "l_hand")[:, 0]) > 0.2 and np.ptp(_joint(values, "r_hand")[:, 0]) > 0.2


def test_a_seated_wave_moves_with_the_seated_shoulders():
    from engine.controls import hold_postures, posture_holds
    from engine.model.features import to_features

    plan = Plan("p", [PlanSegment("sit_down", "sits down", 2.0), PlanSegment("wave", "waves", 2.0)])
    bounds = plan.frame_bounds(FPS)
    controls = plan_controls(plan, bounds, bounds[-1][1], NUM_JOINTS, FPS)
    seated = standing_pose().copy()
    seated[:, 1] -= 0.45                     # the whole body 45 cm lower (a seat)
    seated[[J["l_foot"], J["r_foot"]], 1] = 0.0
    first = to_features(np.repeat(seated[None], bounds[-1][1], 0))
    values, known = hold_postures(controls, first, posture_holds(plan, bounds), NUM_JOINTS)
    a, b = bounds[1]
    hand = _joint(values, "r_hand")[a + 20]
    standing_hand = _joint(controls[0], "r_hand")[a + 20]
    assert hand[1] == pytest.approx(standing_hand[1] - 0.45, abs=1e-4)      # lowered with the seat
    assert known[a:b, 4 + 3 * J["r_hand"]].all()


def test_a_bow_ends_standing_and_its_middle_is_free():
    (values, known), bounds = _controls(PlanSegment("bow", "bows", 3.0))
    a, b = bounds[0]
    assert known[b - 12:b, 4:4 + 3 * NUM_JOINTS].all()
    assert np.allclose(values[b - 1, 4:4 + 3 * NUM_JOINTS], standing_pose().reshape(-1), atol=1e-6)
    assert not known[(a + b) // 2, 4:4 + 3 * NUM_JOINTS].any()


def test_a_dance_bounces_and_steps_on_the_beat():
    (values, known), _ = _controls(PlanSegment("dance_hiphop", "dances", 5.0))
    h = values[25:, 0]
    assert known[:, 0].all() and np.ptp(h) == pytest.approx(0.045, abs=1e-3)   # 4.5 cm dips
    left, right = values[25:, -2], values[25:, -1]
    lifts = np.sum(np.diff(left) < -0.5) + np.sum(np.diff(right) < -0.5)
    assert 5 <= lifts <= 8                 # one foot lifts on each beat, 1.6 beats/s over 4 s
    assert np.all((left > 0.5) | (right > 0.5))      # never both feet off


def test_liven_brings_a_faint_dance_up_to_energy_and_leaves_other_actions():
    t = np.arange(100) / FPS
    pose = np.repeat(standing_pose()[None], 100, 0).astype(np.float32)
    pose[:, J["l_hand"], 0] += 0.05 * np.sin(2 * np.pi * 1.5 * t)    # a faint sway of one hand
    pose[:, J["r_hand"], 2] += 0.05 * np.sin(2 * np.pi * 1.5 * t)
    danced = liven(pose, [(0, 100, "dance_hiphop")], FPS)
    assert limb_speed(danced[20:80], FPS) > 2.0 * limb_speed(pose[20:80], FPS)
    assert np.allclose(danced[:, 0], pose[:, 0])                      # the pelvis stays
    assert np.array_equal(liven(pose, [(0, 100, "wave")], FPS), pose)


def test_ballet_is_livened_toward_a_gentler_target_than_the_other_dances():
    t = np.arange(100) / FPS
    pose = np.repeat(standing_pose()[None], 100, 0).astype(np.float32)
    pose[:, 1:, 0] += 0.067 * np.sin(2 * np.pi * 1.0 * t)[:, None]   # every limb sways
    ballet = limb_speed(liven(pose, [(0, 100, "dance_ballet")], FPS)[20:80], FPS)
    disco = limb_speed(liven(pose, [(0, 100, "dance_disco")], FPS)[20:80], FPS)
    assert limb_speed(pose[20:80], FPS) < ballet < disco      # neither at the gain cap


def test_getting_down_on_all_fours_comes_before_the_crawl():
    plan = plan_prompt("she gets down on all fours and crawls", None)
    assert [s.action for s in plan.segments] == ["kneel", "crawl"]
    assert [s.action for s in plan_prompt("a baby crawls", None).segments] == ["crawl"]
