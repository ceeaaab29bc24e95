"""The document is typed: camera keys and plan segments are dataclasses in memory and in the
project file, commands refuse fields and values that do not fit, and a macro closes however
its block ends."""
import json

import numpy as np
import pytest

from engine.camera import CameraKey
from engine.formats import project_file as pf
from engine.motion import Motion
from engine.planner.plan import PathCue, PlanSegment
from engine.project import Actor, Project, TimedSegment
from engine.skeleton import rest_pose
from stickgen_studio.document import Document, edits
from stickgen_studio.document.commands import ReplaceActor, SetField

KEY = CameraKey(10.0, (0.0, 1.2, 4.0), (0.0, 1.0, 0.0), move="static")


def _actor(T=50):
    return Actor("A", Motion(np.stack([rest_pose()] * T), 25, ["walk"] * T), prompt="walks")


def test_segments_keep_style_intensity_and_path_through_the_project_file(tmp_path):
    seg = PlanSegment("walk", "walks in a circle, proudly", 2.0, style="proud", intensity=1.4,
                      path=PathCue("circle", "left", turn_deg=360.0, stops=True))
    actor = _actor()
    actor.segments = [TimedSegment.placed(seg, 0, 50)]
    path = tmp_path / "a.stickgen"
    pf.save_project(path, Project(actors=[actor], camera=[KEY]))
    back = pf.load_project(path)
    assert back.actors[0].segments == actor.segments and back.camera == [KEY]
    assert back.actors[0].segments[0].path.shape == "circle"


def test_segments_of_an_older_file_load_with_defaults(tmp_path):
    path = tmp_path / "old.stickgen"
    pf.save_project(path, Project(actors=[_actor()]))
    data = json.loads(path.read_text())
    data["actors"][0]["segments"] = [{"start": 0, "stop": 25, "action": "walk", "text": "walks",
                                      "expression": None, "speech": None}]
    path.write_text(json.dumps(data))
    seg = pf.load_project(path).actors[0].segments[0]
    assert (seg.start, seg.stop, seg.action, seg.duration) == (0, 25, "walk", 1.0)
    assert (seg.style, seg.intensity, seg.path) == (None, 1.0, None)


def test_commands_refuse_unknown_fields_and_untyped_keys(qtbot):
    doc = Document()
    doc.push(ReplaceActor(doc, "Generate", _actor()))
    with pytest.raises(ValueError, match="not a field"):
        SetField(doc, "Typo", "cameras", [KEY])
    with pytest.raises(ValueError, match="not a field"):
        SetField(doc, "Typo", "expression", [], actor=0)
    with pytest.raises(TypeError, match="CameraKey"):
        SetField(doc, "Dict key", "camera", [KEY.to_dict()])
    with pytest.raises(KeyError):
        doc.notify("nonsense", None)
    assert doc.undo_stack.count() == 1


def test_a_macro_closes_and_rolls_back_when_its_block_raises(qtbot):
    doc = Document()
    doc.push(ReplaceActor(doc, "Generate", _actor()))
    with pytest.raises(RuntimeError):
        with doc.macro("Half an edit"):
            edits.add_camera_key(doc, KEY)
            raise RuntimeError("something failed midway")
    assert doc.project.camera == []
    edits.add_camera_key(doc, KEY)   # the stack is not left inside the macro
    assert doc.project.camera == [KEY] and doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert doc.project.camera == []
