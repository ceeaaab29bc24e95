"""BVH reading (any channel order, position channels, End Sites, gzip), writing canonical motions
and the errors a damaged file gives."""
from __future__ import annotations

import gzip
import itertools

import numpy as np
import pytest

from engine.formats.bvh import parse_bvh, read_bvh, write_bvh
from engine.formats.errors import FormatError
from engine.formats.loader import load_any, save_any
from engine.formats.motion_json import Actor, MotionFile
from engine.motion import Motion
from engine.retarget import retarget
from engine.rotations import euler_matrices, matrix_to_euler, rotation_between
from engine.skeleton import NUM_JOINTS, check_constant_bone_lengths, forward_kinematics

# Hips turn about Y, Chest lists X before Z before Y, and Arm mixes position channels
# (which replace its OFFSET) in between rotation channels.
SMALL = """HIERARCHY
ROOT Hips
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Yrotation Xrotation Zrotation
  JOINT Chest
  {
    OFFSET 0 10 0
    CHANNELS 3 Xrotation Zrotation Yrotation
    JOINT Arm
    {
      OFFSET 5 0 0
      CHANNELS 6 Zrotation Xposition Yposition Zposition Yrotation Xrotation
      End Site
      {
        OFFSET 0 -4 0
      }
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.04
0 0 0  0 0 0   0 0 0    0 5 0 0 0 0
1 2 3  90 0 0  90 90 0  0 0 3 0 0 0
"""


def test_small_file_matches_hand_computation():
    bvh = parse_bvh(SMALL)
    assert bvh.names == ["Hips", "Chest", "Arm", "Arm_end"]
    assert list(bvh.skeleton.parents) == [-1, 0, 1, 2]
    assert bvh.fps == 25.0 and bvh.num_frames == 2
    p = bvh.positions
    # Frame 0: rest pose; Arm's position channels (5, 0, 0) equal its offset.
    np.testing.assert_allclose(p[0], [[0, 0, 0], [0, 10, 0], [5, 10, 0], [5, 6, 0]], atol=1e-5)
    # Frame 1 by hand: G_hips = Ry90; G_chest = Ry90 Rx90 Rz90 (listed order X, Z, Y).
    # Chest = (1,2,3) + Ry90 (0,10,0) = (1,12,3).
    # Arm = Chest + G_chest (0,3,0): Rz90 -> (-3,0,0), Rx90 -> (-3,0,0), Ry90 -> (0,0,3).
    # End = Arm + G_chest (0,-4,0): Rz90 -> (4,0,0), Rx90 -> (4,0,0), Ry90 -> (0,0,-4).
    np.testing.assert_allclose(p[1], [[1, 2, 3], [1, 12, 3], [1, 12, 6], [1, 12, 2]], atol=1e-5)


def test_channel_order_is_applied_as_listed():
    # Swapping Chest's X and Z channels moves the end site: the order is honoured.
    swapped = SMALL.replace("CHANNELS 3 Xrotation Zrotation Yrotation",
                            "CHANNELS 3 Zrotation Xrotation Yrotation")
    a, b = parse_bvh(SMALL).positions[1, 3], parse_bvh(swapped).positions[1, 3]
    assert np.linalg.norm(a - b) > 1.0


def test_gzip_file_reads_the_same(tmp_path):
    plain, packed = tmp_path / "s.bvh", tmp_path / "s.bvh.gz"
    plain.write_text(SMALL)
    packed.write_bytes(gzip.compress(SMALL.encode()))
    np.testing.assert_array_equal(read_bvh(plain).positions, read_bvh(packed).positions)


@pytest.mark.parametrize("order", ["".join(p) for p in itertools.permutations("xyz")])
def test_euler_decomposition_round_trips(order):
    rng = np.random.default_rng(3)
    angles = rng.uniform(-180, 180, (200, 3))
    angles[:4, 1] = [90, -90, 89.9999, -90]   # gimbal lock
    mats = euler_matrices(angles, order)
    np.testing.assert_allclose(euler_matrices(matrix_to_euler(mats, order), order), mats,
                               atol=1e-9)


def test_rotation_between_handles_opposite_directions():
    u = np.array([[0.0, -1.0, 0.0], [1.0, 2.0, 3.0], [0.3, 0.0, 0.0]])
    v = np.array([[0.0, 1.0, 0.0], [-1.0, -2.0, -3.0], [0.0, 0.0, 2.0]])
    R = rotation_between(u, v)
    got = np.einsum("tij,tj->ti", R, u / np.linalg.norm(u, axis=1, keepdims=True))
    np.testing.assert_allclose(got, v / np.linalg.norm(v, axis=1, keepdims=True), atol=1e-12)
    np.testing.assert_allclose(np.linalg.det(R), 1.0, atol=1e-12)


def _moving_figure(T: int = 80) -> Motion:
    """A canonical motion with real, varied rotations at every joint and a travelling root."""
    rng = np.random.default_rng(7)
    angles = np.cumsum(rng.normal(0.0, 9.0, (T, NUM_JOINTS, 3)), axis=0)
    rots = euler_matrices(angles.reshape(-1, 3), "zxy").reshape(T, NUM_JOINTS, 3, 3)
    t = np.arange(T)
    root = np.stack([0.02 * t, 0.95 + 0.05 * np.sin(t / 4.0), -0.01 * t], axis=1)
    return Motion(forward_kinematics(rots, root), 25.0)


@pytest.mark.parametrize("name", ["walk.bvh", "walk.bvh.gz"])
def test_write_read_retarget_round_trip_within_a_millimetre(tmp_path, name):
    motion = _moving_figure()
    path = tmp_path / name
    write_bvh(path, motion)
    bvh = read_bvh(path)
    assert bvh.fps == 25.0 and bvh.num_frames == motion.num_frames
    # The rotation channels carry the pose: they are far from all zero.
    assert np.abs(bvh.values[:, 3:]).max() > 30.0
    back = retarget(bvh.names, bvh.positions, bvh.fps)
    assert np.abs(back.positions - motion.positions).max() < 1e-3
    check_constant_bone_lengths(back.positions)


def test_save_any_and_load_any_round_trip(tmp_path):
    motion = _moving_figure(30)
    save_any(tmp_path / "m.bvh", MotionFile([Actor("A", motion)]))
    back = load_any(tmp_path / "m.bvh").motion
    assert back.num_frames == 30 and back.fps == 25.0
    assert np.abs(back.positions - motion.positions).max() < 1e-3
    with pytest.raises(ValueError, match="one figure"):
        save_any(tmp_path / "two.bvh", MotionFile([Actor("A", motion), Actor("B", motion)]))


def _error(text: str) -> FormatError:
    with pytest.raises(FormatError) as info:
        parse_bvh(text, "bad.bvh")
    return info.value


def test_short_frame_line_names_line_and_counts():
    lines = SMALL.splitlines()
    lines[-1] = "1 2 3 90 0 0"
    err = _error("\n".join(lines))
    assert err.line == len(lines)
    assert "expected 15 numbers on frame 1, found 6" in str(err)
    assert str(err).startswith("bad.bvh, line 25:")


def test_truncated_file_is_reported():
    err = _error("\n".join(SMALL.splitlines()[:-1]))
    assert "header says 2 frames" in str(err) and "ends after 1" in str(err)
    assert err.line is not None


def test_missing_motion_section():
    text = SMALL[:SMALL.index("MOTION")]
    assert "missing MOTION" in str(_error(text))


def test_file_cut_inside_hierarchy():
    err = _error(SMALL[:SMALL.index("JOINT Arm")])
    assert "MOTION" in str(err)


def test_bad_channel_count():
    err = _error(SMALL.replace("CHANNELS 3 Xrotation Zrotation Yrotation",
                               "CHANNELS 4 Xrotation Zrotation Yrotation"))
    assert "says 4 channels but lists 3" in str(err) and err.line == 9


def test_non_numeric_value():
    err = _error(SMALL.replace("1 2 3  90", "1 2 x3  90"))
    assert "not a number" in str(err) and "'x3'" in str(err) and err.line == 25
    assert _error(SMALL.replace("1 2 3  90", "1 nan 3  90")).line == 25


def test_bad_offset_and_header_values():
    assert _error(SMALL.replace("OFFSET 5 0 0", "OFFSET 5 zero 0")).line == 12
    assert "Frames" in str(_error(SMALL.replace("Frames: 2", "Frames: two")))
    assert "Frame Time" in str(_error(SMALL.replace("Frame Time: 0.04", "Frame Time: 0")))


def test_not_a_bvh_and_damaged_gzip(tmp_path):
    assert "HIERARCHY" in str(_error("hello\nworld\n"))
    assert "empty" in str(_error(""))
    broken = tmp_path / "x.bvh.gz"
    broken.write_bytes(gzip.compress(SMALL.encode())[:40])
    with pytest.raises(FormatError, match="gzip"):
        read_bvh(broken)
    with pytest.raises(FormatError, match="cannot read"):
        read_bvh(tmp_path / "missing.bvh")


def test_truncated_real_file_gives_a_clear_cli_error(tmp_path, capsys):
    from engine.cli import main as cli_main
    from engine.formats.loader import default_mocap_root
    real = gzip.decompress((default_mocap_root() / "cmu_tmoco_inversekinematics"
                            / "02_01.bvh.gz").read_bytes()).decode()
    cut = real[:len(real) * 2 // 3]           # ends part-way through a frame line
    path = tmp_path / "cut.bvh"
    path.write_text(cut)
    with pytest.raises(FormatError) as info:
        read_bvh(path)
    assert info.value.line == len(cut.splitlines())
    assert "numbers on frame" in str(info.value)
    assert cli_main(["convert", str(path), str(tmp_path / "out.motion.json")]) == 2
    err = capsys.readouterr().err
    assert "cut.bvh, line" in err and "Traceback" not in err
    assert not (tmp_path / "out.motion.json").exists()
