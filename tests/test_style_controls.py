"""Styles as controls (engine.style_controls) and legs that keep the model's feet
(engine.physics.keep_feet)."""
import numpy as np
import pytest

from engine.controls import plan_controls
from engine.model.features import from_features
from engine.motion_styles import STYLES
from engine.physics import keep_feet
from engine.planner.plan import Plan, PlanSegment
from engine.skeleton import JOINT_INDEX as J, NUM_JOINTS, REST_BONE_LENGTHS, bone_lengths
from engine.start_pose import standing_pose
from engine.style_controls import STYLE_CONTROLS

FPS = 25.0


def _controls(*segments):
    plan = Plan("p", list(segments))
    bounds = plan.frame_bounds(FPS)
    return plan_controls(plan, bounds, bounds[-1][1], NUM_JOINTS, FPS), bounds


def _local(values, frame, joint):
    return values[frame, 4 + 3 * J[joint]: 7 + 3 * J[joint]]


def test_every_named_style_has_controls():
    assert set(STYLE_CONTROLS) == set(STYLES)


def test_a_zombie_walk_holds_its_arms_out_and_walks_slowly():
    (values, known), _ = _controls(PlanSegment("walk", "a zombie walks", 4.0, style="zombie"))
    mid = 50
    for side in ("l", "r"):
        hand, shoulder = _local(values, mid, f"{side}_hand"), _local(values, mid, f"{side}_shoulder")
        assert known[mid, 4 + 3 * J[f"{side}_hand"]]
        assert hand[2] - shoulder[2] > 0.4                 # in front of the shoulder
        assert abs(hand[1] - shoulder[1]) < 0.15           # at about shoulder height
    assert known[mid, 2] and values[mid, 2] == pytest.approx(1.3 * 0.6 / FPS, rel=1e-3)


def test_a_neutral_walk_gets_no_style_controls():
    (values, known), _ = _controls(PlanSegment("walk", "a man walks", 4.0))
    assert not known[1:, 4:].any() and not known[:, 2].any()


def test_a_lean_eases_in_and_out_and_bones_keep_their_lengths():
    (values, known), bounds = _controls(
        PlanSegment("walk", "an old man walks", 4.0, style="elderly"),
        PlanSegment("wave", "waves", 2.0))
    a, b = bounds[0]

    def pitch(f):
        trunk = _local(values, f, "neck") - _local(values, f, "pelvis")
        return np.degrees(np.arctan2(trunk[2], trunk[1]))

    assert pitch(a + 1) < 5 and pitch((a + b) // 2) == pytest.approx(24, abs=0.5)
    assert pitch(b - 1) < 5                                 # eased out before the wave
    wave = known[bounds[1][0] + 1:, 4:4 + 3 * NUM_JOINTS].reshape(-1, NUM_JOINTS, 3)
    arms = [J[f"{s}_{n}"] for s in "lr" for n in ("shoulder", "elbow", "hand")]
    assert wave[:, arms].all()                              # the wave fixes the arms
    assert not np.delete(wave, arms, axis=1).any()          # and leaves the body free
    pose = values[(a + b) // 2, 4:4 + 3 * NUM_JOINTS].reshape(NUM_JOINTS, 3)
    stand = standing_pose()
    for child, parent in ((J["neck"], J["spine"]), (J["head"], J["neck"]),
                          (J["l_shoulder"], J["neck"])):
        assert np.linalg.norm(pose[child] - pose[parent]) == pytest.approx(
            np.linalg.norm(stand[child] - stand[parent]), abs=1e-4)


def test_a_toddler_steps_at_its_own_cadence():
    (values, known), _ = _controls(PlanSegment("walk", "a kid toddles", 4.0, style="childlike"))
    left = values[:, -2]
    assert known[:, -2:].all()
    stance_starts = np.sum(np.diff(left) > 0.5)
    # 1.8 steps/s x 1.4 = 2.52 steps/s -> 1.26 strides/s, about 5 left-foot plants in 4 s
    assert stance_starts in (4, 5)
    assert not np.any((values[:, -2] == 0) & (values[:, -1] == 0))   # a walk never flies


def test_a_drunk_sways_sideways_once_a_stride():
    (values, known), _ = _controls(PlanSegment("stumble", "a drunk", 6.0, style="drunk"))
    side = np.cumsum(values[:, 1])
    assert known[:, 1].all() and np.ptp(side[25:-25]) > 0.15


def test_keep_feet_bends_the_knee_of_a_leg_drawn_short():
    pose = standing_pose().astype(np.float32)
    short = pose.copy()
    short[[J["l_knee"], J["l_foot"], J["r_knee"], J["r_foot"]], 1] += 0.1   # legs 10 cm short
    short[:, 1] -= 0.1                                   # ... and the body lowered onto them
    motion = np.repeat(short[None], 3, 0)
    from engine.skeleton import enforce_bone_lengths
    fixed = keep_feet(enforce_bone_lengths(motion), motion, REST_BONE_LENGTHS)
    assert np.allclose(fixed[:, J["l_foot"]], motion[:, J["l_foot"]], atol=1e-4)   # foot kept
    assert np.allclose(bone_lengths(fixed)[:, 1:], REST_BONE_LENGTHS[1:], atol=1e-4)
    knee_fwd = fixed[0, J["l_knee"], 2] - fixed[0, J["l_hip"], 2]
    assert knee_fwd > 0.1                                # bent forward, not backward


def test_style_controls_decode_to_a_sensible_pose():
    (values, known), _ = _controls(PlanSegment("tiptoe", "sneaks", 4.0, style="sneaky"))
    pelvis = values[50, 0]
    assert 0.76 < pelvis < 0.83 and known[50, 0]
    assert from_features(values[:60]).shape == (60, NUM_JOINTS, 3)
