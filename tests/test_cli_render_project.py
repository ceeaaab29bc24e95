"""``stickgen render PROJECT.stickgen OUT``: a saved project renders like its motion file."""
import imageio.v3 as iio
import numpy as np

from engine.camera import CameraKey
from engine.cli import main as cli
from engine.formats.motion_json import read_motion_json
from engine.formats.project_file import save_project
from engine.motion import Motion
from engine.project import Actor, Project
from engine.skeleton import rest_pose


def test_render_a_project_to_gif_and_motion_json(tmp_path):
    T = 20
    pos = np.stack([rest_pose()] * T)
    pos[:, :, 2] += np.linspace(0, 1, T)[:, None]
    project = Project(actors=[Actor("A", Motion(pos, 25, ["walk"] * T), prompt="walks"),
                              Actor("B", Motion(pos + [1.0, 0, 0], 25, ["idle"] * T),
                                    visible=False)],
                      camera=[CameraKey(0, (0, 1.2, 5), (0, 1, 0))])
    path = tmp_path / "p.stickgen"
    save_project(path, project)
    assert cli(["render", str(path), str(tmp_path / "out.motion.json")]) == 0
    doc = read_motion_json(tmp_path / "out.motion.json")
    assert [a.name for a in doc.actors] == ["A"] and doc.prompt == "walks"  # hidden B left out
    assert cli(["render", str(path), str(tmp_path / "out.gif"), "--width", "160",
                "--height", "90"]) == 0
    frames = iio.imread(tmp_path / "out.gif")
    assert frames.shape[0] == T and frames.shape[1:3] == (90, 160)
    assert cli(["render", str(tmp_path / "missing.stickgen"), str(tmp_path / "x.gif")]) == 2
