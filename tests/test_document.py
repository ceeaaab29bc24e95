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
