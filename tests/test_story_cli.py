"""``stickgen story`` end to end on a tiny real checkpoint: prompt or script in, files out."""
import json

import numpy as np
import pytest

from engine.cli import main as cli
from engine.formats.motion_json import read_motion_json
from engine.story.script import parse_script

SCRIPT = {"format": "stickgen.script", "version": 1, "prompt": "Ann walks up to Bob",
          "duration": 4,
          "actors": [{"name": "Ann", "start": {"x": -2, "z": 0, "facing": 90},
                      "beats": [{"action": "walk", "duration": 2.5, "relation": "toward",
                                 "target": "Bob"},
                                {"duration": 1.5, "interaction": "handshake", "target": "Bob",
                                 "action": "idle"}]},
                     {"name": "Bob", "start": {"x": 2, "z": 0, "facing": -90},
                      "beats": [{"action": "wave", "duration": 2}]}],
          "camera": [{"start": 0, "move": "pan"}]}


@pytest.fixture
def script_file(tmp_path):
    path = tmp_path / "scene.script.json"
    path.write_text(json.dumps(SCRIPT))
    return path


def test_script_renders_a_motion_file_with_both_actors(tiny_checkpoint, script_file, tmp_path,
                                                      capsys):
    out = tmp_path / "scene.motion.json"
    assert cli(["story", "--script", str(script_file), "--model", str(tiny_checkpoint),
                "--out", str(out)]) == 0
    doc = read_motion_json(out)
    assert [a.name for a in doc.actors] == ["Ann", "Bob"]
    assert {a.motion.num_frames for a in doc.actors} == {100}
    assert doc.camera and doc.camera[0]["move"] == "pan"
    err = capsys.readouterr().err
    assert "handshake" in err and "walked up to Bob" in err     # notes go to stderr
    # Ann ends the walk at arm's reach from Bob
    ann, bob = (a.motion.positions for a in doc.actors)
    assert np.linalg.norm((ann[61, 0] - bob[61, 0])[[0, 2]]) <= 1.0


def test_prompt_script_out_round_trip(tiny_checkpoint, tmp_path):
    first, again = tmp_path / "a.motion.json", tmp_path / "b.motion.json"
    written = tmp_path / "planned.script.json"
    assert cli(["story", "Ann walks up to Bob and they shake hands", "--model",
                str(tiny_checkpoint), "--seed", "3", "--out", str(first),
                "--script-out", str(written)]) == 0
    script = parse_script(written.read_text())
    assert len(script.actors) >= 2
    assert cli(["story", "--script", str(written), "--model", str(tiny_checkpoint),
                "--seed", "3", "--out", str(again)]) == 0
    a, b = read_motion_json(first), read_motion_json(again)
    assert len(a.actors) == len(script.actors)
    for x, y in zip(a.actors, b.actors):    # the written script stages the same scene
        np.testing.assert_allclose(x.motion.positions, y.motion.positions, atol=1e-4)


def test_bvh_writes_one_file_per_actor(tiny_checkpoint, script_file, tmp_path):
    from engine.formats.bvh import read_bvh

    assert cli(["story", "--script", str(script_file), "--model", str(tiny_checkpoint),
                "--out", str(tmp_path / "scene.bvh")]) == 0
    for name in ("Ann", "Bob"):
        assert read_bvh(tmp_path / f"scene.{name}.bvh").num_frames == 100
    assert not (tmp_path / "scene.bvh").exists()


def test_project_output_holds_the_actors(tiny_checkpoint, script_file, tmp_path):
    from engine.formats.project_file import load_project

    out = tmp_path / "scene.stickgen"
    assert cli(["story", "--script", str(script_file), "--model", str(tiny_checkpoint),
                "--out", str(out)]) == 0
    project = load_project(out)
    assert [a.name for a in project.actors] == ["Ann", "Bob"]
    assert project.camera
    assert parse_script(project.script).actors[0].name == "Ann"      # re-stageable


@pytest.mark.parametrize("args,out,words", [
    ([], "scene.motion.json", "give a prompt"),
    (["a scene", "--script", "BAD"], "scene.motion.json", "not both"),
    (["--script", "MISSING"], "scene.motion.json", "cannot read"),
    (["--script", "BAD"], "scene.motion.json", "no actor named 'Nobody'"),
    (["a scene"], "scene.xyz", "cannot tell the format"),
])
def test_bad_input_is_one_clear_line_and_non_zero(tiny_checkpoint, tmp_path, capsys, args, out,
                                                  words):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**SCRIPT, "actors": [{**SCRIPT["actors"][0], "beats": [
        {"duration": 1, "relation": "toward", "target": "Nobody", "action": "walk"}]}]}))
    files = {"BAD": str(bad), "MISSING": str(tmp_path / "missing.json")}
    out = tmp_path / out
    code = cli(["story", *[files.get(a, a) for a in args], "--model", str(tiny_checkpoint),
                "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("stickgen: error:") and words in err
    assert not out.exists()


def test_a_video_draws_each_actor_in_its_script_colour(tiny_checkpoint, tmp_path):
    from PIL import Image

    script = json.loads(json.dumps(SCRIPT))
    script["actors"][0]["look"] = {"color": "#00c800"}        # Ann green
    script["actors"][1]["look"] = {"color": "#c800c8"}        # Bob magenta
    path = tmp_path / "coloured.script.json"
    path.write_text(json.dumps(script))
    out = tmp_path / "frames"
    assert cli(["story", "--script", str(path), "--model", str(tiny_checkpoint), "--out",
                f"{out}/", "--width", "320", "--height", "180"]) == 0
    pixels = np.asarray(Image.open(sorted(out.glob("*.png"))[10]).convert("RGB")).reshape(-1, 3)
    assert np.any(np.all(pixels == [0, 200, 0], axis=1))
    assert np.any(np.all(pixels == [200, 0, 200], axis=1))
