"""Viewport navigation and actors, camera fields, export cancel, bad input and bad models."""
from PySide6.QtCore import QPoint, Qt

from engine.project import ACTOR_COLORS
from stickgen_studio.jobs.model_service import FAILED
from test_app_editing import drag
from test_app_support import GEN_TIMEOUT, actor_pixels, generate, make_window, place_actor


def rgb(hex_color):
    return tuple(int(hex_color[i:i + 2], 16) for i in (1, 3, 5))


def test_editor_camera_orbits_pans_zooms_and_two_actors_show(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    vp = win.viewport
    place_actor(win, kind="wave")
    place_actor(win, kind="wave", seed=1)
    assert [a.name for a in win.doc.project.actors] == ["A", "B"]
    vp.frame_all()
    vp.repaint()
    image = vp.grab().toImage()
    assert actor_pixels(image, rgb(ACTOR_COLORS[0])) > 100
    assert actor_pixels(image, rgb(ACTOR_COLORS[1])) > 100
    yaw, target = vp.orbit.yaw, vp.orbit.target
    centre = QPoint(vp.width() // 2, vp.height() // 2)
    drag(qtbot, vp, centre, centre + QPoint(80, 0))
    assert vp.orbit.yaw != yaw and vp.orbit.target == target
    qtbot.mousePress(vp, Qt.MiddleButton, pos=centre)
    qtbot.mouseMove(vp, centre + QPoint(0, 40))
    qtbot.mouseRelease(vp, Qt.MiddleButton, pos=centre + QPoint(0, 40))
    assert vp.orbit.target != target
    # Hiding an actor takes it out of the picture (and is an undo step).
    win.page.actors_panel.list.item(1).setCheckState(Qt.Unchecked)
    assert not win.doc.project.actors[1].visible
    vp.repaint()
    assert actor_pixels(vp.grab().toImage(), rgb(ACTOR_COLORS[1])) < 20
    win.doc.undo_stack.undo()
    assert win.doc.project.actors[1].visible


def test_camera_key_numbers_change_the_shot_at_once(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    doc, ed = win.doc, win.camera_editor
    place_actor(win, kind="wave")
    ed.add_key()
    assert ed.form.isVisible()
    win.act_shot.setChecked(True)
    before = win.viewport.grab().toImage()
    steps = doc.undo_stack.count()
    ed.fov.setValue(20.0)              # a long lens: the figure fills more of the frame
    assert doc.project.camera[0].fov == 20.0
    after = win.viewport.grab().toImage()
    color = rgb(doc.project.actors[0].color)
    assert actor_pixels(after, color) > 1.5 * actor_pixels(before, color)
    ed.fov.setValue(25.0)              # the same field again: still one undo step
    assert doc.undo_stack.count() == steps + 1
    ed.easing.setCurrentIndex(ed.easing.findData("hold"))
    ed.easing.activated.emit(ed.easing.currentIndex())
    assert doc.project.camera[0].easing == "hold"


def test_export_can_be_cancelled_and_writes_nothing(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(win, frames=250)
    dlg = win.open_export()
    out = tmp_path / "long.gif"
    dlg.format.setCurrentIndex(dlg.format.findData("gif"))
    dlg.path.setText(str(out))
    assert dlg.start_export() and dlg.running
    qtbot.mouseClick(dlg.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dlg.running, timeout=30_000)
    assert "cancelled" in dlg.status.text() and not out.exists()
    assert list(tmp_path.glob(".long.gif*")) == []     # no temp file left behind
    dlg.close()


def test_a_corrupt_checkpoint_is_a_message_not_a_crash(qtbot, tmp_path):
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\x00this is not a model" * 50)
    win = make_window(qtbot, tmp_path, junk)
    qtbot.waitUntil(lambda: win.service.state == FAILED, timeout=GEN_TIMEOUT)
    assert "Could not load the model" in win.message_bar.text.text()
    assert "not a Stick-Gen checkpoint" in win.message_bar.text.text()
    assert not win.prompt_panel.generate()


def test_odd_prompts_give_messages_or_motion(qtbot, window):
    win, panel = window, window.prompt_panel
    panel.prompt.setPlainText("   ")
    assert not panel.generate()
    assert "Type what should happen" in win.message_bar.text.text()
    with qtbot.waitSignal(win.generation.progress, timeout=GEN_TIMEOUT):
        actor = generate(qtbot, win, "walk " * 2000, seconds=3)
    assert actor.motion.num_frames == 75
    assert "first" in panel.status.text()           # the planner's note about the cut
    generate(qtbot, win, "qwzx blorp frobnicate", seconds=2)
    assert win.doc.project.actors[0].motion.num_frames == 50


def test_closing_with_unsaved_work_asks_and_can_be_cancelled(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(win)
    win.files.ask_to_save = lambda: "cancel"
    assert not win.close() and win.isVisible()
    saved = tmp_path / "closing.stickgen"
    win.files.ask_to_save = lambda: "save"
    win.doc.path = saved
    assert win.close() and saved.exists()
