import numpy as np
import pytest

from engine.formats.errors import FormatError
from engine.motion import Motion
from engine.project import Actor, ExpressionKey
from engine.skeleton import rest_pose
from stickgen_studio.document import Document
from stickgen_studio.document.commands import ReplaceActor, SetField


def _actor(name="A", T=20, shift=0.0):
    pos = np.stack([rest_pose()] * T)
    pos[:, :, 2] += shift
    return Actor(name, Motion(pos, 25, ["walk"] * T), prompt="walks")


def test_generation_is_undoable_and_signals_fire(qtbot):
    doc = Document()
    with qtbot.waitSignal(doc.actors_changed):
        doc.push(ReplaceActor(doc, "Generate", _actor()))
    assert doc.dirty and doc.playhead.last_frame == 19
    with qtbot.waitSignal(doc.motion_changed) as blocker:
        doc.push(ReplaceActor(doc, "Generate", _actor(T=30, shift=1.0), index=0))
    assert blocker.args == [0] and doc.project.num_frames == 30
    doc.undo_stack.undo()
    assert doc.project.actors[0].motion.num_frames == 20
    doc.undo_stack.undo()
    assert doc.project.actors == [] and not doc.dirty
    doc.undo_stack.redo()
    doc.undo_stack.redo()
    assert doc.project.actors[0].motion.positions[0, 0, 2] == pytest.approx(1.0)


def test_a_drag_is_one_undo_step(qtbot):
    doc = Document()
    doc.push(ReplaceActor(doc, "Generate", _actor()))
    for frame in range(1, 8):  # a drag moves an expression key across seven frames
        doc.push(SetField(doc, "Move key", "expression_keys", [ExpressionKey(frame, "happy")],
                          actor=0, merge_key="drag-1"))
    assert doc.undo_stack.count() == 2
    assert doc.project.actors[0].expression_keys[0].frame == 7
    doc.undo_stack.undo()
    assert doc.project.actors[0].expression_keys == []
    doc.push(SetField(doc, "Move key", "expression_keys", [ExpressionKey(3, "sad")], actor=0,
                      merge_key="drag-2"))
    assert doc.undo_stack.count() == 2


def test_save_reopen_equal_and_bad_file_changes_nothing(qtbot, tmp_path):
    doc = Document()
    doc.push(ReplaceActor(doc, "Generate", _actor()))
    path = doc.save(tmp_path / "p.stickgen")
    assert not doc.dirty and "p.stickgen" in doc.title
    other = Document()
    other.open(path)
    np.testing.assert_array_equal(other.project.actors[0].motion.positions,
                                  doc.project.actors[0].motion.positions)
    bad = tmp_path / "bad.stickgen"
    bad.write_text('{"format": "stickgen.project", "schema_version": 999}')
    with pytest.raises(FormatError, match="newer"):
        other.open(bad)
    assert other.path == path and len(other.project.actors) == 1


def test_overrides_bake_into_what_is_drawn():
    from engine.project import PoseKey, SpeechRange
    from stickgen_studio.document.scene import effective_motion

    actor = _actor(T=40)
    actor.expression_keys = [ExpressionKey(10, "happy"), ExpressionKey(20, "sad")]
    actor.speech = [SpeechRange(5, 15, "sing")]
    pose = rest_pose() + np.float32(0.5)
    actor.pose_keys = [PoseKey(30, pose.tolist())]
    m = effective_motion(actor)
    assert m.expressions[9] == "neutral" and m.expressions[10] == "happy"
    assert m.expressions[19] == "happy" and m.expressions[39] == "sad"
    assert m.speech[4] is None and m.speech[5] == "sing" and m.speech[15] is None
    np.testing.assert_allclose(m.positions[30], pose)
    assert actor.motion.expressions[15] == "neutral"      # the stored motion is untouched


def test_expression_over_a_range_and_speech_cut_around(qtbot):
    from stickgen_studio.document import edits

    doc = Document()
    doc.push(ReplaceActor(doc, "Generate", _actor(T=50)))
    edits.set_expression(doc, 0, 10, "angry", stop=20)
    m = doc.motion_of(0)
    assert (m.expressions[9], m.expressions[10], m.expressions[19], m.expressions[20]) == (
        "neutral", "angry", "angry", "neutral")
    edits.set_speech(doc, 0, 0, 30, "talk")
    edits.set_speech(doc, 0, 10, 20, "silent")
    assert [(r.start, r.stop, r.style) for r in doc.project.actors[0].speech] == [
        (0, 10, "talk"), (10, 20, "silent"), (20, 30, "talk")]
    assert doc.motion_of(0).speech[15] is None and doc.motion_of(0).speech[25] == "talk"
    with pytest.raises(ValueError):
        edits.set_speech(doc, 0, 60, 70, "talk")


def test_pose_drag_and_the_followed_motion_are_one_undo_step(qtbot):
    from stickgen_studio.document import edits

    doc = Document()
    doc.push(ReplaceActor(doc, "Generate", _actor(T=30)))
    for dx in (0.1, 0.2, 0.3):
        edits.set_pose_key(doc, 0, 12, rest_pose() + np.float32(dx), "pose-1")
    followed = _actor(T=30, shift=2.0).motion
    edits.follow_pose_keys(doc, 0, followed, "pose-1")
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    a = doc.project.actors[0]
    assert a.pose_keys == [] and a.motion.positions[0, 0, 2] == pytest.approx(0.0)
    doc.undo_stack.redo()
    assert doc.project.actors[0].motion.positions[0, 0, 2] == pytest.approx(2.0)


def test_camera_moves_replace_keys_in_their_range(qtbot):
    from stickgen_studio.document import edits

    doc = Document()
    doc.push(ReplaceActor(doc, "Generate", _actor(T=60, shift=0.0)))
    edits.apply_camera_move(doc, "orbit", 0, 60, 16 / 9)
    n = len(doc.project.camera)
    assert n >= 2 and all(k.move == "orbit" for k in doc.project.camera)
    edits.apply_camera_move(doc, "static", 20, 40, 16 / 9)
    moves = [(k.frame, k.move) for k in doc.project.camera]
    assert (20.0, "static") in moves and not any(20 < f < 40 for f, _ in moves)
    edits.update_camera_key(doc, 0, "edit-1", fov=50.0)
    edits.update_camera_key(doc, 0, "edit-1", fov=55.0)
    assert doc.project.camera[0].fov == 55.0
    doc.undo_stack.undo()
    assert doc.project.camera[0].fov != 55.0 and len(doc.project.camera) > 1
    with pytest.raises(ValueError):
        edits.update_camera_key(doc, 0, None, easing="wobbly")


def test_an_expression_range_wins_over_the_motions_own_changes_inside_it(qtbot):
    from stickgen_studio.document import edits

    doc = Document()
    actor = _actor(T=60)
    actor.motion.expressions = ["neutral"] * 30 + ["happy"] * 30   # the motion's own change
    doc.push(ReplaceActor(doc, "Generate", actor))
    edits.set_expression(doc, 0, 20, "sad", stop=40)
    m = doc.motion_of(0)
    assert m.expressions[19:41] == ["neutral"] + ["sad"] * 20 + ["happy"]
    assert m.expressions[59] == "happy"            # after the range the motion leads again
    edits.set_expression(doc, 0, 45, "angry")      # at the playhead: holds to the end
    assert doc.motion_of(0).expressions[44:] == ["happy"] + ["angry"] * 15
