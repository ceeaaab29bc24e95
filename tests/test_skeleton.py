import numpy as np
import pytest

from engine import skeleton as sk


def test_required_joint_names_present():
    for name in sk.REQUIRED_JOINTS:
        assert name in sk.JOINT_NAMES
    assert sk.PARENTS[0] == -1 and all(p < j for j, p in enumerate(sk.PARENTS) if j)


def test_rest_pose_stands_on_floor_facing_z_left_at_plus_x():
    pose = sk.rest_pose()
    assert pose[:, 1].min() == pytest.approx(0.0, abs=1e-6)
    height = pose[sk.JOINT_INDEX["head"], 1] + sk.HEAD_RADIUS
    assert 1.65 < height < 1.85
    assert pose[sk.JOINT_INDEX["l_shoulder"], 0] > 0 > pose[sk.JOINT_INDEX["r_shoulder"], 0]


def _rot_y(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _rot_x(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def test_forward_kinematics_identity_is_rest_and_rotation_keeps_lengths():
    T = 5
    rots = np.tile(np.eye(3), (T, sk.NUM_JOINTS, 1, 1))
    root = np.tile(sk.REST_OFFSETS[0], (T, 1))
    pos = sk.forward_kinematics(rots, root)
    np.testing.assert_allclose(pos[0], sk.rest_pose(), atol=1e-6)
    rots[:, 0] = _rot_y(np.pi / 2)
    rots[:, sk.JOINT_INDEX["l_hip"]] = _rot_x(-0.8)
    pos = sk.forward_kinematics(rots, root)
    sk.check_constant_bone_lengths(pos)
    np.testing.assert_allclose(sk.bone_lengths(pos)[0], sk.REST_BONE_LENGTHS, atol=1e-5)
    # Turning the root 90 degrees about Y moves the left shoulder from +X to -Z.
    assert pos[0, sk.JOINT_INDEX["l_shoulder"], 2] < -0.15
    # Hip flexion lifts the left knee forward of the body, right knee stays below.
    knee = pos[0, sk.JOINT_INDEX["l_knee"]]
    assert knee[1] > sk.rest_pose()[sk.JOINT_INDEX["l_knee"], 1] + 0.05


def test_mirror_swaps_sides_and_is_an_involution():
    pose = sk.rest_pose()[None]
    pose[0, sk.JOINT_INDEX["l_hand"]] += [0.0, 0.5, 0.2]
    m = sk.mirror_positions(pose)
    assert m[0, sk.JOINT_INDEX["r_hand"], 1] == pytest.approx(pose[0, sk.JOINT_INDEX["l_hand"], 1])
    assert m[0, sk.JOINT_INDEX["r_hand"], 0] == pytest.approx(-pose[0, sk.JOINT_INDEX["l_hand"], 0])
    np.testing.assert_allclose(sk.mirror_positions(m), pose)


def test_bone_length_check_names_the_bone():
    pos = np.stack([sk.rest_pose()] * 3)
    pos[2, sk.JOINT_INDEX["r_hand"]] += [0.0, -0.01, 0.0]
    with pytest.raises(ValueError, match="r_elbow->r_hand.*frame 2"):
        sk.check_constant_bone_lengths(pos)
    fixed = sk.enforce_bone_lengths(pos)
    sk.check_constant_bone_lengths(fixed)
