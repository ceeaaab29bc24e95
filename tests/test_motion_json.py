import json

import numpy as np
import pytest

from engine.formats.errors import FormatError
from engine.formats.motion_json import Actor, MotionFile, read_motion_json, write_motion_json
from engine.motion import Motion
from engine.skeleton import rest_pose

# A complete camera key: readers refuse keys a render could not use.
STATIC_KEY = {"frame": 0.0, "move": "static", "position": [0.0, 1.2, 4.0],
              "target": [0.0, 1.0, 0.0], "fov": 40.0, "roll": 0.0, "easing": "ease_in_out"}


def _doc():
    T = 6
    pos = np.stack([rest_pose()] * T)
    m = Motion(pos, 25, ["walk"] * T, ["happy"] * T, [None, "talk", "talk", None, None, "sing"])
    return MotionFile([Actor("A", m)], prompt="a man walks", seed=3,
                      camera=[STATIC_KEY])


def test_round_trip(tmp_path):
    p = tmp_path / "x.motion.json"
    write_motion_json(p, _doc())
    back = read_motion_json(p)
    assert back.prompt == "a man walks" and back.seed == 3 and back.fps == 25
    np.testing.assert_allclose(back.motion.positions, _doc().motion.positions, atol=1e-5)
    assert back.motion.speech[1] == "talk" and back.motion.expressions[0] == "happy"
    assert json.loads(p.read_text())["format"] == "stickgen.motion"


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(format="other"), "format tag"),
    (lambda d: d.pop("joints"), "missing key 'joints'"),
    (lambda d: d["joints"].__setitem__(0, "hips"), "lacks required joints"),
    (lambda d: d["actors"][0]["positions"][2][1].__setitem__(1, float("nan")),
     "NaN or infinity at frame 2, joint 'spine'"),
    (lambda d: d["actors"][0]["positions"].__setitem__(1, [[0, 0]]), "ragged|shape"),
    (lambda d: d["actors"][0]["actions"].pop(), "one per frame"),
    (lambda d: d["actors"][0]["expressions"].__setitem__(4, "grumpy"), r"expressions\[4\]"),
    (lambda d: d.update(version=99), "newer"),
    (lambda d: d.update(fps=-1), "fps"),
])
def test_malformed_files_are_rejected_with_where(tmp_path, mutate, message):
    p = tmp_path / "x.motion.json"
    write_motion_json(p, _doc())
    data = json.loads(p.read_text())
    mutate(data)
    p.write_text(json.dumps(data).replace("NaN", "NaN"))
    with pytest.raises(FormatError, match=message):
        read_motion_json(p)


def test_not_json(tmp_path):
    p = tmp_path / "bad.motion.json"
    p.write_text("{\n  oops")
    with pytest.raises(FormatError, match="line 2"):
        read_motion_json(p)
