"""Editing in the app with real widgets: timeline keys (a drag is one undo step), expressions
and speech on the face, pose dragging with IK and in-betweening, regenerate a selection,
variations."""
import numpy as np
from PySide6.QtCore import QPoint, Qt

from engine.skeleton import bone_lengths
from stickgen_studio.views.timeline import RULER_H, TRACK_H
from stickgen_studio.views.timeline_items import TRACKS
from test_app_support import GEN_TIMEOUT, generate, place_actor


def row_y(track):
    return RULER_H + TRACKS.index(track) * TRACK_H + TRACK_H // 2


def drag(qtbot, widget, a, b, steps=6):
    qtbot.mousePress(widget, Qt.LeftButton, pos=a)
    for k in range(1, steps + 1):
        qtbot.mouseMove(widget, a + (b - a) * k / steps)
    qtbot.mouseRelease(widget, Qt.LeftButton, pos=b)


def test_dragging_keys_on_the_timeline_is_one_undo_step(qtbot, window):
    win, doc, tl = window, window.doc, window.timeline
    place_actor(win, frames=120)
    doc.playhead.set_frame(10)
    win.page.expression_panel.expression_buttons["happy"].click()
    assert [(k.frame, k.expression) for k in doc.project.actors[0].expression_keys] == [(10, "happy")]
    win.camera_editor.add_button.click()
    steps = doc.undo_stack.count()

    y = row_y("expression")
    drag(qtbot, tl, QPoint(int(tl.x_of(10)), y), QPoint(int(tl.x_of(40)), y))
    assert doc.project.actors[0].expression_keys[0].frame == 40
    assert doc.undo_stack.count() == steps + 1          # six mouse moves, one undo step
    assert doc.motion_of(0).expressions[45] == "happy"
    doc.undo_stack.undo()
    assert doc.project.actors[0].expression_keys[0].frame == 10

    y = row_y("camera")
    drag(qtbot, tl, QPoint(int(tl.x_of(10)), y), QPoint(int(tl.x_of(70)), y))
    assert doc.project.camera[0].frame == 70 and doc.undo_stack.count() == steps + 1
    # The dragged key is selected: Delete removes it (one more undo step).
    assert doc.selection.keys == {("camera", 0)}
    qtbot.mouseClick(win.viewport, Qt.LeftButton)
    qtbot.keyClick(win.viewport, Qt.Key_Delete)
    assert doc.project.camera == []
    doc.undo_stack.undo()
    assert doc.project.camera[0].frame == 70


def test_range_selection_sets_expression_and_speech_on_the_face(qtbot, window):
    win, doc, tl = window, window.doc, window.timeline
    place_actor(win, frames=120, kind="wave")
    y = row_y("pose")
    drag(qtbot, tl, QPoint(int(tl.x_of(30)), y), QPoint(int(tl.x_of(59)), y))
    assert doc.selection.range == (30, 60)
    doc.playhead.set_frame(45)
    win.viewport.repaint()
    before = [it for it in win.viewport.last_drawlist.items]
    panel = win.page.expression_panel
    panel.expression_buttons["surprised"].click()
    panel.speech_buttons["shout"].click()
    m = doc.motion_of(0)
    assert m.expressions[29] == "neutral" and m.expressions[45] == "surprised"
    assert m.expressions[60] == "neutral"
    assert m.speech[30] == "shout" and m.speech[59] == "shout" and m.speech[60] is None
    win.viewport.repaint()
    assert win.viewport.last_drawlist.items != before     # the face changed in the picture
    labels = {it.label for it in tl.items()["speech"]}
    assert "shout" in labels


def test_pose_drag_keeps_bones_makes_a_key_and_the_motion_follows(qtbot, window):
    win, doc, vp = window, window.doc, window.viewport
    actor = generate(qtbot, win, "a person walks forward", seed=1, seconds=4)
    original = actor.motion.positions.copy()
    doc.playhead.set_frame(50)
    vp.set_pose_mode(True)
    cam, rect = vp.view()
    pose = doc.motion_of(0).positions[50]
    hand = actor.motion.joints.index("r_hand")
    px, _ = cam.project(pose, int(rect.width()), int(rect.height()))
    a = QPoint(int(px[hand][0] + rect.left()), int(px[hand][1] + rect.top()))
    steps = doc.undo_stack.count()
    drag(qtbot, vp, a, a + QPoint(25, -60))
    keys = doc.project.actors[0].pose_keys
    assert [k.frame for k in keys] == [50]
    key = np.array(keys[0].positions)
    assert np.linalg.norm(key[hand] - pose[hand]) > 0.1
    lengths = bone_lengths(np.stack([pose, key]))
    assert np.abs(lengths[0] - lengths[1]).max() < 1e-4
    # The model in-betweens through the key; it joins the drag's undo step.
    qtbot.waitUntil(lambda: not np.array_equal(doc.project.actors[0].motion.positions, original),
                    timeout=GEN_TIMEOUT)
    assert doc.undo_stack.count() == steps + 1
    doc.undo_stack.undo()
    assert doc.project.actors[0].pose_keys == []
    np.testing.assert_array_equal(doc.project.actors[0].motion.positions, original)


def test_regenerate_selection_keeps_the_rest(qtbot, window):
    win, doc = window, window.doc
    actor = generate(qtbot, win, "a person walks forward", seed=2, seconds=4)
    before = actor.motion.positions.copy()
    doc.selection.set_range(40, 80)
    panel = win.prompt_panel
    panel.prompt.setPlainText("a person jumps")
    steps = doc.undo_stack.count()
    qtbot.mouseClick(panel.regen_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: doc.undo_stack.count() == steps + 1, timeout=GEN_TIMEOUT)
    after = doc.project.actors[0].motion
    np.testing.assert_array_equal(after.positions[:40], before[:40])
    np.testing.assert_array_equal(after.positions[80:], before[80:])
    assert not np.array_equal(after.positions[40:80], before[40:80])
    assert after.actions[60] == "jump"
    assert "jump" in [it.label for it in win.timeline.items()["action"]]


def test_variations_preview_and_pick(qtbot, window):
    win, doc = window, window.doc
    panel = win.prompt_panel
    qtbot.keyClicks(panel.prompt, "a person waves")
    panel.seed.setValue(7)
    panel.count.setValue(2)
    with qtbot.waitSignal(win.generation.variations_ready, timeout=GEN_TIMEOUT):
        qtbot.mouseClick(panel.variations_button, Qt.LeftButton)
    tiles = panel.variations.tiles
    assert len(tiles) == 2 and all(t.isVisible() for t in tiles)
    assert [t.label for t in tiles] == ["Seed 7", "Seed 8"]
    qtbot.mouseClick(tiles[1], Qt.LeftButton)
    assert doc.project.actors[0].seed == 8 and doc.undo_stack.count() == 1
    assert not panel.variations.isVisible()      # the previews go once one is picked
    with qtbot.waitSignal(win.generation.variations_ready, timeout=GEN_TIMEOUT):
        qtbot.mouseClick(panel.variations_button, Qt.LeftButton)
    qtbot.mouseClick(panel.variations.tiles[0], Qt.LeftButton)   # replaces, no second actor
    assert len(doc.project.actors) == 1 and doc.project.actors[0].seed == 8
