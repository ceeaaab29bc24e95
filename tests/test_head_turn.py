"""The head's turn about its own up axis (``Motion.head_yaw``): the track, its files, the
shake and look-around curves, the face in the draw list, generation and editing."""
import json
import math

import numpy as np
import pytest

from engine.drawlist import Circle, Polygon, Polyline, build_drawlist
from engine.formats import project_file as pf
from engine.formats.bvh import parse_bvh
from engine.formats.bvh_write import bvh_text
from engine.formats.errors import FormatError
from engine.formats.motion_json import (Actor as FileActor, MotionFile, read_motion_json,
                                        to_dict, write_motion_json)
from engine.head_turn import LOOK_DEG, SHAKE_DEG, head_yaw_for, shake, shake_in_step
from engine.motion import Motion, concatenate
from engine.project import Actor, Generation, Project
from engine.projection import CameraState
from engine.settle import settled
from engine.skeleton import JOINT_INDEX, rest_pose
from engine.style import Style

NO_FLOOR = Style(floor=None, ground="none", shadow=False)
FRONT = CameraState((0.0, 1.5, 3.0), (0.0, 1.5, 0.0), fov=40.0)   # looking at the face


def _turning(T=40, fps=25.0) -> Motion:
    pos = np.stack([rest_pose()] * T).astype(np.float32)
    pos[:, :, 0] += np.linspace(0, 0.5, T, dtype=np.float32)[:, None]
    yaw = 0.8 * np.sin(np.linspace(0, 2 * np.pi, T)).astype(np.float32)
    return Motion(pos, fps, ["shake_head"] * T, head_yaw=yaw)


# -- the track ---------------------------------------------------------------------------

def test_head_yaw_defaults_to_facing_ahead_and_is_checked():
    m = Motion(np.stack([rest_pose()] * 5), 25.0)
    assert m.head_yaw.shape == (5,) and m.head_yaw.dtype == np.float32 and not m.head_yaw.any()
    pos = np.stack([rest_pose()] * 5)
    with pytest.raises(ValueError, match=r"head_yaw track has shape \(4,\) for 5 frames"):
        Motion(pos, 25.0, head_yaw=np.zeros(4))
    with pytest.raises(ValueError, match="NaN or infinity"):
        Motion(pos, 25.0, head_yaw=[0, 0, np.nan, 0, 0])
    with pytest.raises(ValueError, match="at most 1.5708 rad"):
        Motion(pos, 25.0, head_yaw=[0, 0, 2.0, 0, 0])
    edge = Motion(pos, 25.0, head_yaw=[math.pi / 2] * 5)
    assert np.abs(edge.head_yaw).max() <= np.float32(math.pi / 2)


def test_copy_slice_resample_and_concatenate_keep_the_head_yaw_aligned():
    m = _turning()
    c = m.copy()
    c.head_yaw[:] = 0
    assert m.head_yaw.any()                                 # a copy does not share the track
    s = m.slice(10, 30)
    np.testing.assert_array_equal(s.head_yaw, m.head_yaw[10:30])
    half = m.resample(12.5)
    assert len(half.head_yaw) == half.num_frames
    np.testing.assert_allclose(half.head_yaw[:20], m.head_yaw[::2], atol=1e-6)
    double = m.resample(50.0)
    assert len(double.head_yaw) == double.num_frames == 79
    np.testing.assert_allclose(double.head_yaw[1::2], (m.head_yaw[:-1] + m.head_yaw[1:]) / 2,
                               atol=1e-6)
    still = Motion(m.positions.copy(), 25.0)                # faces ahead
    joined = concatenate([m, still], blend_frames=8)
    assert joined.num_frames == len(joined.head_yaw) == 2 * 40 - 8
    np.testing.assert_array_equal(joined.head_yaw[:32], m.head_yaw[:32])
    assert not joined.head_yaw[40:].any()
    blend = joined.head_yaw[32:40]                          # eases from the turn to ahead
    assert np.all(np.abs(blend) <= np.abs(m.head_yaw[32:40]) + 1e-6)
    assert np.abs(blend).max() > 0.05


def test_settling_past_the_end_turns_the_head_back_to_the_front():
    m = _turning(T=30)
    m.head_yaw[-1] = 0.5
    long = settled(m, 60)
    assert len(long.head_yaw) == 60
    np.testing.assert_array_equal(long.head_yaw[:30], m.head_yaw)
    assert 0 < long.head_yaw[31] < 0.5 and long.head_yaw[-1] == 0.0


# -- files -------------------------------------------------------------------------------

def test_motion_json_round_trips_the_head_yaw(tmp_path):
    m = _turning()
    p = tmp_path / "a.motion.json"
    write_motion_json(p, MotionFile([FileActor("A", m)]))
    raw = json.loads(p.read_text())
    assert len(raw["actors"][0]["head_yaw"]) == 40
    back = read_motion_json(p).motion
    np.testing.assert_allclose(back.head_yaw, m.head_yaw, atol=1e-5)


def test_motion_json_without_head_yaw_faces_ahead(tmp_path):
    d = to_dict(MotionFile([FileActor("A", _turning())]))
    del d["actors"][0]["head_yaw"]
    p = tmp_path / "old.motion.json"
    p.write_text(json.dumps(d))
    m = read_motion_json(p).motion
    assert m.head_yaw.shape == (40,) and not m.head_yaw.any()


@pytest.mark.parametrize("value, message", [
    ([0.0] * 39, r"actors\[0\]\.head_yaw must be a list of 40 numbers"),
    ("0.1", r"actors\[0\]\.head_yaw must be a list of 40 numbers"),
    ([0.0] * 20 + ["left"] + [0.0] * 19,
     r"actors\[0\]\.head_yaw\[20\] is 'left'; expected a finite"),
    ([0.0] * 5 + [True] + [0.0] * 34, r"actors\[0\]\.head_yaw\[5\] is 'True'"),
    ([0.0] * 3 + [3.0] + [0.0] * 36, r"actors\[0\]\.head_yaw\[3\] is 3; a head turns at most"),
])
def test_motion_json_refuses_a_bad_head_yaw(tmp_path, value, message):
    d = to_dict(MotionFile([FileActor("A", _turning())]))
    d["actors"][0]["head_yaw"] = value
    p = tmp_path / "bad.motion.json"
    p.write_text(json.dumps(d))
    with pytest.raises(FormatError, match=message):
        read_motion_json(p)


def _project() -> Project:
    return Project(actors=[Actor("A", _turning(), prompt="shakes his head")],
                   history=[Generation("shakes his head", 0, 1.6)])


def test_project_file_keeps_the_head_yaw_exactly(tmp_path):
    p = tmp_path / "a.stickgen"
    pf.save_project(p, _project())
    back = pf.load_project(p).actors[0].motion
    np.testing.assert_array_equal(back.head_yaw, _project().actors[0].motion.head_yaw)


def test_schema_3_project_is_migrated_to_a_head_facing_ahead(tmp_path):
    d = pf.to_dict(_project())
    d["schema_version"] = 3
    del d["actors"][0]["motion"]["head_yaw"]
    p = tmp_path / "v3.stickgen"
    p.write_text(json.dumps(d))
    back = pf.load_project(p)
    assert back.actors[0].motion.head_yaw.shape == (40,)
    assert not back.actors[0].motion.head_yaw.any()
    assert pf.to_dict(back)["schema_version"] == pf.SCHEMA_VERSION == 4


@pytest.mark.parametrize("value, message", [
    ([0.0] * 39, r"actors\[0\]\.motion: head_yaw track has shape \(39,\) for 40 frames"),
    ([0.0] * 39 + [2.5], r"actors\[0\]\.motion\.head_yaw: frame 39 must be a finite number"),
    ([0.0] * 39 + ["x"], r"actors\[0\]\.motion\.head_yaw\[39\]"),
])
def test_project_file_refuses_a_bad_head_yaw(tmp_path, value, message):
    d = pf.to_dict(_project())
    d["actors"][0]["motion"]["head_yaw"] = value
    p = tmp_path / "bad.stickgen"
    p.write_text(json.dumps(d))
    with pytest.raises(FormatError, match=message):
        pf.load_project(p)


def test_bvh_head_rotation_carries_the_yaw_and_positions_read_back_unchanged():
    m = _turning()
    turned = parse_bvh(bvh_text(m))
    ahead = parse_bvh(bvh_text(Motion(m.positions, m.fps)))
    np.testing.assert_allclose(turned.positions, ahead.positions, atol=1e-4)
    names = turned.skeleton.names
    col = 3 + 3 * names.index("head")              # root: 3 position + 3 rotation channels
    # Z Y X rotations: the head's Y rotation is the yaw (the rest of the figure is upright)
    np.testing.assert_allclose(turned.values[:, col + 1], np.degrees(m.head_yaw), atol=0.05)
    np.testing.assert_allclose(ahead.values[:, col + 1], 0.0, atol=0.05)


# -- curves ------------------------------------------------------------------------------

def test_a_head_shake_swings_both_ways_and_eases_in_and_out():
    yaw = np.degrees(head_yaw_for("shake_head", 75, 25.0))
    assert yaw.max() > 25 and yaw.min() < -25 and np.abs(yaw).max() <= SHAKE_DEG + 1e-3
    assert abs(yaw[0]) < 1 and abs(yaw[-1]) < 1
    crossings = np.count_nonzero(np.diff(np.sign(yaw[np.abs(yaw) > 1])))
    assert 12 <= crossings <= 16                          # about 2.5 shakes a second for 3 s
    three = np.degrees(head_yaw_for("shake_head", 75, 25.0, repeats=3))
    assert np.count_nonzero(np.diff(np.sign(three[np.abs(three) > 1]))) in (5, 6)
    assert not head_yaw_for("wave", 75, 25.0).any()
    assert len(head_yaw_for("shake_head", 3, 25.0)) == 3      # too short to shake: no error


def _swinging(n=75, hz=1.8, metres=0.05) -> np.ndarray:
    """Rest poses whose head point swings along the shoulders (+X, the figure's left)."""
    pos = np.stack([rest_pose()] * n).astype(np.float64)
    side = metres * np.sin(2 * np.pi * hz * np.arange(n) / 25.0)
    pos[:, JOINT_INDEX["head"], 0] += side
    return pos, side


def test_a_shake_turns_the_face_toward_the_side_the_head_swings_to():
    pos, side = _swinging()
    yaw = shake_in_step(pos, 25.0)
    inner = slice(8, -8)                                    # away from the eased ends
    assert np.corrcoef(yaw[inner], side[inner])[0, 1] > 0.9
    assert np.degrees(yaw).max() > 25 and np.degrees(yaw).min() < -25
    assert abs(yaw[0]) < 1e-6 and abs(yaw[-1]) < 1e-6
    still, _ = _swinging(metres=0.0)                        # nothing to follow: its own rhythm
    np.testing.assert_array_equal(shake_in_step(still, 25.0), shake(75, 25.0)[0])
    lean = still.copy()
    lean[:, JOINT_INDEX["head"], 0] += 0.05                 # a steady lean is no swing
    np.testing.assert_array_equal(shake_in_step(lean, 25.0), shake(75, 25.0)[0])


def test_looking_around_turns_left_then_right():
    yaw = np.degrees(head_yaw_for("look_around", 100, 25.0))
    assert yaw[0] == pytest.approx(0, abs=1e-4) and yaw[-1] == pytest.approx(0, abs=1e-4)
    assert yaw.max() == pytest.approx(LOOK_DEG) and yaw.min() == pytest.approx(-LOOK_DEG)
    assert np.argmax(yaw) < np.argmin(yaw)                 # left (positive) first
    assert np.abs(np.diff(yaw)).max() < 8                  # slowly: under 8 degrees a frame


# -- drawing -----------------------------------------------------------------------------

def _face_x(yaw: float, frame: float = 0.0, motion: Motion | None = None) -> tuple[float, float]:
    """Mean screen x of the face strokes and the head centre's x, seen from the front."""
    if motion is None:
        motion = Motion(rest_pose()[None].astype(np.float32), 25.0, head_yaw=[yaw])
    dl = build_drawlist(motion, FRONT, frame, 640, 360, NO_FLOOR)
    strokes = [it for it in dl.items if isinstance(it, (Polyline, Polygon))]
    head = next(it for it in dl.items if isinstance(it, Circle))
    assert strokes
    return float(np.mean([p[0] for s in strokes for p in s.points])), head.center[0]


def test_face_features_move_across_the_head_with_the_yaw():
    ahead, centre = _face_x(0.0)
    assert ahead == pytest.approx(centre, abs=1.0)
    left, _ = _face_x(0.6)
    right, _ = _face_x(-0.6)
    # The figure faces the camera, so its left is the picture's right.
    assert left > ahead + 8 and right < ahead - 8
    assert left - ahead == pytest.approx(ahead - right, abs=1.0)
    gone = build_drawlist(Motion(rest_pose()[None].astype(np.float32), 25.0,
                                 head_yaw=[math.pi / 2]), FRONT, 0, 640, 360, NO_FLOOR)
    side = [it for it in gone.items if isinstance(it, (Polyline, Polygon))]
    assert len(side) < 5                     # the far eye and brow have turned past the outline


def test_fractional_frames_interpolate_the_yaw():
    m = Motion(np.stack([rest_pose()] * 2).astype(np.float32), 25.0, head_yaw=[0.0, 0.6])
    x0, _ = _face_x(0, 0.0, m)
    x1, _ = _face_x(0, 1.0, m)
    xh, _ = _face_x(0, 0.5, m)
    assert x0 < xh < x1
    assert xh == pytest.approx(_face_x(0.3)[0], abs=0.01)


# -- generation and editing --------------------------------------------------------------

@pytest.fixture(scope="module")
def gen(tiny_checkpoint):
    from engine.generate import Generator

    return Generator(tiny_checkpoint).load()


def test_a_generated_head_shake_turns_the_head_both_ways(gen):
    m = gen.generate("a man shakes his head", seconds=3, seed=0).motion
    shaking = np.array([a == "shake_head" for a in m.actions])
    assert shaking.any()
    yaw = np.degrees(m.head_yaw[shaking])
    assert yaw.max() > 25 and yaw.min() < -25
    walk = gen.generate("a man walks", seconds=2, seed=0).motion
    assert not walk.head_yaw.any()


def test_regenerating_a_range_keeps_the_head_yaw_outside_it(gen, qtbot):
    from engine.planner import Plan, PlanSegment
    from stickgen_studio.document import Document
    from stickgen_studio.document import edits

    base = gen.generate("a man shakes his head", seconds=3, seed=0).motion
    out = gen.regenerate(base, 25, 50, "he walks", seed=1).motion
    assert len(out.head_yaw) == out.num_frames == base.num_frames
    np.testing.assert_array_equal(out.head_yaw[:25], base.head_yaw[:25])
    np.testing.assert_array_equal(out.head_yaw[50:], base.head_yaw[50:])
    assert not out.head_yaw[25:50].any() and base.head_yaw[25:50].any()

    doc = Document()
    request = Generation("a man shakes his head", 0, 3.0)
    segs = edits.segments_from_plan(Plan("shake", [PlanSegment("shake_head", "shake", 3.0)]), 25)
    edits.apply_generation(doc, base, request, segs, None)
    edits.regenerated(doc, 0, out, Plan("walk", [PlanSegment("walk", "walk", 1.0)]), 25, 50,
                      Generation("he walks", 1, 1.0))
    np.testing.assert_array_equal(doc.motion_of(0).head_yaw, out.head_yaw)
    # a longer second actor lengthens the scene: the first one's head turns back to the front
    longer = Motion(np.stack([rest_pose()] * 120).astype(np.float32), 25.0)
    edits.apply_generation(doc, longer, Generation("stands", 0, 4.8), [], None)
    drawn = doc.drawn_motion(0)
    assert drawn.num_frames == len(drawn.head_yaw) == 120
    np.testing.assert_array_equal(drawn.head_yaw[:75], out.head_yaw)
    assert drawn.head_yaw[-1] == 0.0
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    np.testing.assert_array_equal(doc.motion_of(0).head_yaw, base.head_yaw)
