"""Pose keys in the app with real widgets: the Pose tool's key blend (how far a key reaches
into the motion around it) is a project setting that saves, loads, undoes and reaches the
model; a new take from the prompt keeps passing through the actor's pose keys."""
import json

import numpy as np
from PySide6.QtCore import QPoint, Qt

from engine.formats.project_file import SCHEMA_VERSION, load_project, save_project, to_dict
from engine.model.features import headings
from engine.skeleton import max_bone_length_drift
from stickgen_studio.document import edits, scene
from stickgen_studio.document.posing import drag_joint
from test_app_support import GEN_TIMEOUT, generate


def drag(qtbot, widget, a, b, steps=6):
    qtbot.mousePress(widget, Qt.LeftButton, pos=a)
    for k in range(1, steps + 1):
        qtbot.mouseMove(widget, a + (b - a) * k / steps)
    qtbot.mouseRelease(widget, Qt.LeftButton, pos=b)


def hand_in_body(positions, hand):
    """The hand relative to the pelvis's floor point, turned so the body faces +Z: (T, 3)."""
    th = headings(positions)
    rel = positions[:, hand] - positions[:, 0] * np.array([1.0, 0.0, 1.0], np.float32)
    c, s = np.cos(-th), np.sin(-th)
    return np.stack([c * rel[:, 0] + s * rel[:, 2], rel[:, 1], -s * rel[:, 0] + c * rel[:, 2]], 1)


def test_the_pose_tools_key_blend_shapes_the_motion_around_a_dragged_key(qtbot, window):
    win, doc, vp = window, window.doc, window.viewport
    actor = generate(qtbot, win, "a person walks forward", seed=1, seconds=4)
    original = actor.motion.positions.copy()
    spin = win.page.key_blend
    assert not spin.isVisible()
    win.page.tool_buttons["pose"].click()                 # the option shows with its tool
    assert spin.isVisible() and spin.value() == 0.4 and vp.pose_mode
    doc.playhead.set_frame(50)
    cam, rect = vp.view()
    hand = actor.motion.joints.index("r_hand")
    px, _ = cam.project(doc.motion_of(0).positions[50], int(rect.width()), int(rect.height()))
    a = QPoint(int(px[hand][0] + rect.left()), int(px[hand][1] + rect.top()))
    drag(qtbot, vp, a, a + QPoint(25, -70))
    key = np.array(doc.project.actors[0].pose_keys[0].positions, np.float32)
    # While the model works the picture already bends toward the key, frames around it too
    # (10 frames each way), and no further.
    shown = doc.motion_of(0).positions
    assert np.abs(shown[50] - key).max() < 1e-3
    k = hand_in_body(key[None], hand)[0]
    old, bent = hand_in_body(original, hand), hand_in_body(shown, hand)
    for f in (47, 48, 52, 53):
        assert np.linalg.norm(bent[f] - k) < 0.5 * np.linalg.norm(old[f] - k)
    assert np.array_equal(shown[:40], original[:40]) and np.array_equal(shown[61:], original[61:])
    assert max_bone_length_drift(shown) < 1e-4
    qtbot.waitUntil(lambda: not np.array_equal(doc.project.actors[0].motion.positions, original),
                    timeout=GEN_TIMEOUT)
    followed = doc.project.actors[0].motion.positions.copy()
    assert np.abs(followed[50] - key).max() < 1e-3          # the key on its frame, within 1 mm
    assert max_bone_length_drift(followed) < 1e-4
    new = hand_in_body(followed, hand)

    # A longer blend is one undoable setting; the motion follows the keys again with it.
    steps = doc.undo_stack.count()
    spin.setValue(1.2)
    assert scene.key_blend_s(doc.project) == 1.2 and doc.undo_stack.count() == steps + 1
    qtbot.waitUntil(lambda: not np.array_equal(doc.project.actors[0].motion.positions, followed),
                    timeout=GEN_TIMEOUT)
    wider = doc.project.actors[0].motion.positions
    assert np.abs(wider[50] - key).max() < 1e-3
    reach = hand_in_body(wider, hand)
    for f in (36, 64):                                     # 0.56 s out: only the longer reaches
        assert np.linalg.norm(reach[f] - k) < 0.7 * np.linalg.norm(new[f] - k)
    doc.undo_stack.undo()                                  # the motion the new blend made
    doc.undo_stack.undo()                                  # the setting
    assert scene.key_blend_s(doc.project) == 0.4 and spin.value() == 0.4


def test_key_blend_saves_and_loads_and_older_projects_get_the_default(qtbot, window, tmp_path):
    win, doc = window, window.doc
    generate(qtbot, win, "a person waves", seed=0, seconds=2)
    edits.set_key_blend(doc, 0.8)
    assert win.page.key_blend.value() == 0.8
    path = tmp_path / "blend.stickgen"
    assert win.files.save_to(path)
    assert scene.key_blend_s(load_project(path)) == 0.8
    # A file written before the setting existed (this schema and the first) opens with 0.4 s.
    data = to_dict(load_project(path))
    del data["settings"]["key_blend_s"]
    old = tmp_path / "old.stickgen"
    old.write_text(json.dumps(data))
    assert win.files.open_path(old, confirmed=True)
    assert scene.key_blend_s(win.doc.project) == 0.4 and win.page.key_blend.value() == 0.4
    assert data["schema_version"] == SCHEMA_VERSION
    v1 = dict(data, schema_version=1)
    v1.pop("settings")
    (tmp_path / "v1.stickgen").write_text(json.dumps(v1))
    assert scene.key_blend_s(load_project(tmp_path / "v1.stickgen")) == 0.4
    # Something unreadable in the setting is the default too, not a crash.
    project = load_project(path)
    project.settings["key_blend_s"] = "wide"
    save_project(tmp_path / "odd.stickgen", project)
    assert scene.key_blend_s(load_project(tmp_path / "odd.stickgen")) == 0.4


def test_a_new_take_from_the_prompt_keeps_passing_through_the_pose_keys(qtbot, window):
    win, doc = window, window.doc
    actor = generate(qtbot, win, "a person walks forward", seed=3, seconds=4)
    m = actor.motion
    hand = m.joints.index("r_hand")
    keys = {}
    for f, lift in ((30, [0.0, 0.5, 0.2]), (70, [0.1, 0.4, 0.3]), (95, [0.0, 0.3, 0.1])):
        pose = m.positions[f]
        keys[f] = drag_joint(pose, hand, pose[hand] + lift, m.joints, m.parents)
        edits.set_pose_key(doc, 0, f, keys[f], f"test-{f}")
    panel = win.prompt_panel
    assert panel.target_actor() == 0
    before = doc.undo_stack.index()
    # A shorter take: the key at frame 95 is past its end and goes with the old take.
    generate(qtbot, win, "a person jogs forward", seed=5, seconds=3)
    qtbot.waitUntil(lambda: doc.undo_stack.index() > before, timeout=GEN_TIMEOUT)
    a = doc.project.actors[0]
    assert a.prompt == "a person jogs forward" and a.motion.num_frames == 75
    assert [k.frame for k in a.pose_keys] == [30, 70]
    for f in (30, 70):
        assert np.abs(a.motion.positions[f] - keys[f]).max() < 1e-3
    assert max_bone_length_drift(a.motion.positions) < 1e-4
    assert "1 pose key" in win.message_bar.text.text()
