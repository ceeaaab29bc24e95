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


SCRIPT = {"format": "stickgen.script", "version": 1, "prompt": "a man waves at a woman",
          "actors": [{"name": "man", "start": {"x": -1.5, "facing": 90},
                      "beats": [{"action": "wave", "duration": 2.5, "target": "woman", "relation": "face"}]},
                     {"name": "woman", "start": {"x": 1.5, "facing": -90},
                      "beats": [{"action": "idle", "duration": 2.5}]}],
          "camera": [{"move": "orbit", "speed": "slow"}]}


def test_scene_script_is_saved_and_loaded(tmp_path):
    p = tmp_path / "scene.stickgen"
    project = _project()
    project.script = SCRIPT
    pf.save_project(p, project)
    back = pf.load_project(p)
    from engine.story.script import parse_script

    assert parse_script(back.script) == parse_script(SCRIPT)
    assert back.script["actors"][0]["beats"][0]["target"] == "woman"
    assert back.script["duration"] == 2.5       # stored in its checked, complete form
    assert pf.to_dict(pf.load_project(p)) == pf.to_dict(back)
    assert pf.load_project(_saved(tmp_path, _project())).script is None


def _saved(tmp_path, project):
    p = tmp_path / "plain.stickgen"
    pf.save_project(p, project)
    return p


def test_v2_file_is_migrated_to_no_script(tmp_path):
    d = pf.to_dict(_project())
    d["schema_version"] = 2
    d.pop("script")
    p = tmp_path / "v2.stickgen"
    p.write_text(json.dumps(d))
    back = pf.load_project(p)
    assert back.script is None and back.actors[0].prompt == "walks"
    assert pf.to_dict(back)["schema_version"] == pf.SCHEMA_VERSION == 4


@pytest.mark.parametrize("change, message", [
    (lambda s: s["actors"][0]["beats"][0].update(target="Bob"), "script: actors[0].beats[0].target: no actor named 'Bob'"),
    (lambda s: s.update(version=2), "script: version: this script is version 2, made by a newer Stick-Gen"),
    (lambda s: s.update(format="stickgen.motion"), "script: format: expected 'stickgen.script'"),
])
def test_bad_scene_script_in_a_file_is_refused(tmp_path, change, message):
    d = pf.to_dict(_project())
    script = json.loads(json.dumps(SCRIPT))
    change(script)
    d["script"] = script
    p = tmp_path / "bad.stickgen"
    p.write_text(json.dumps(d))
    with pytest.raises(FormatError) as info:
        pf.load_project(p)
    assert message in str(info.value)


def test_invalid_scene_script_is_not_saved(tmp_path):
    p = _saved(tmp_path, _project())
    before = p.read_bytes()
    broken = _project()
    broken.script = dict(SCRIPT, actors=[])
    with pytest.raises(ValueError, match="actors"):
        pf.save_project(p, broken)
    assert p.read_bytes() == before
