import json
import os

import numpy as np
import pytest

from engine.camera import CameraKey
from engine.formats import project_file as pf
from engine.formats.errors import FormatError
from engine.motion import Motion
from engine.project import Actor, ExpressionKey, Generation, Project, SpeechRange
from engine.skeleton import rest_pose

# A complete camera key: readers refuse keys a render could not use.
STATIC_KEY = {"frame": 0.0, "move": "static", "position": [0.0, 1.2, 4.0],
              "target": [0.0, 1.0, 0.0], "fov": 40.0, "roll": 0.0, "easing": "ease_in_out"}


def _project():
    T = 10
    pos = np.stack([rest_pose()] * T) + np.random.default_rng(0).normal(0, 0.01, (T, 16, 3))
    m = Motion(pos.astype(np.float32), 25, ["walk"] * T)
    a = Actor("A", m, prompt="walks", seed=4, expression_keys=[ExpressionKey(3, "happy")],
              speech=[SpeechRange(2, 6, "talk")])
    return Project(actors=[a], camera=[CameraKey.from_dict(STATIC_KEY)],
                   history=[Generation("walks", 4, 10.0)], settings={"background": "#ffffff"})


def test_save_load_is_exact(tmp_path):
    p = tmp_path / "a.stickgen"
    pf.save_project(p, _project())
    back = pf.load_project(p)
    np.testing.assert_array_equal(back.actors[0].motion.positions, _project().actors[0].motion.positions)
    assert pf.to_dict(back) == pf.to_dict(_project())


def test_v1_file_is_migrated(tmp_path):
    d = pf.to_dict(_project())
    d["schema_version"] = 1
    d["actors"][0]["camera"] = d.pop("camera")
    d.pop("settings")
    p = tmp_path / "old.stickgen"
    p.write_text(json.dumps(d))
    back = pf.load_project(p)
    assert back.camera == [CameraKey.from_dict(STATIC_KEY)] and back.settings == {}


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(schema_version=99), "newer Stick-Gen"),
    (lambda d: d.update(format="x"), "not a Stick-Gen project"),
    (lambda d: d["actors"][0]["motion"]["positions"].update(data="!!"), "bad array data"),
    (lambda d: d["actors"][0]["motion"].update(actions=["walk"]), "actions track"),
])
def test_bad_files_are_rejected_clearly(tmp_path, mutate, message):
    d = pf.to_dict(_project())
    mutate(d)
    p = tmp_path / "bad.stickgen"
    p.write_text(json.dumps(d))
    with pytest.raises(FormatError, match=message):
        pf.load_project(p)


def test_failed_save_keeps_the_old_file(tmp_path):
    p = tmp_path / "a.stickgen"
    pf.save_project(p, _project())
    before = p.read_bytes()
    broken = _project()
    broken.settings["oops"] = object()  # not JSON-serialisable: the save fails midway
    with pytest.raises(TypeError):
        pf.save_project(p, broken)
    assert p.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["a.stickgen"]


def test_autosave_is_offered_for_recovery_only_when_newer(tmp_path):
    p = tmp_path / "a.stickgen"
    pf.save_project(p, _project())
    assert pf.recovery_for(p) is None
    auto = pf.write_autosave(p, _project())
    os.utime(auto, (os.path.getmtime(p) + 5,) * 2)
    assert pf.recovery_for(p) == auto
    assert pf.load_project(auto).actors[0].prompt == "walks"
