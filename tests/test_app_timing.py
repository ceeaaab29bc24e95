"""An actor whose clip ends before the scene's settles into a relaxed stand where it stopped,
facing the way it faced, and holds it to the end (it used to freeze mid-stride); the viewport
and an export show the same."""

import numpy as np

from engine.camera import facing
from engine.skeleton import bone_lengths
from stickgen_studio.jobs.export import snapshot
from test_app_support import make_window, place_actor


def _knee_bend(pose, names, side):
    hip, knee, foot = (pose[names.index(f"{side}_{j}")] for j in ("hip", "knee", "foot"))
    a, b = hip - knee, foot - knee
    return np.degrees(np.pi - np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))


def test_a_short_actor_settles_into_a_stand_and_holds_it(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    doc = win.doc
    place_actor(win, frames=87, kind="walk")      # ends mid-stride
    place_actor(win, frames=200, kind="wave")
    clip = doc.project.actors[0].motion
    names, last = clip.joints, clip.positions[-1]
    stride = np.linalg.norm((last[names.index("l_foot")] - last[names.index("r_foot")])[[0, 2]])
    assert stride > 0.3                            # the clip's last frame is mid-stride

    drawn = doc.motions()[0]
    assert drawn.num_frames == 200 and doc.motion_of(0).num_frames == 87
    np.testing.assert_array_equal(drawn.positions[:87], clip.positions)
    end = drawn.positions[-1]
    feet = end[names.index("l_foot")] - end[names.index("r_foot")]
    assert np.linalg.norm(feet[[0, 2]]) < 0.3      # feet together, not mid-stride
    assert max(_knee_bend(end, names, s) for s in "lr") < 20
    np.testing.assert_allclose(drawn.positions[150], end)      # it holds the stand
    # where it stopped, facing the way it faced, bones unchanged, no jump on the way
    pelvis = names.index("pelvis")
    assert np.linalg.norm((end[pelvis] - last[pelvis])[[0, 2]]) < 0.15
    assert facing(drawn, 199) @ facing(clip, 86) > 0.95
    lengths = bone_lengths(drawn.positions)
    np.testing.assert_allclose(lengths, np.broadcast_to(lengths[0], lengths.shape), atol=1e-4)
    def fastest(positions):   # the largest distance a joint moves in one frame
        return np.linalg.norm(np.diff(positions, axis=0), axis=-1).max()
    assert fastest(drawn.positions[86:120]) <= fastest(clip.positions)
    assert drawn.actions[150] == "idle"

    # The viewport draws it, and an export writes the same frames.
    doc.playhead.set_frame(199)
    win.viewport.repaint()
    exported = snapshot(doc).actors[0].motion
    np.testing.assert_array_equal(exported.positions, drawn.positions)
