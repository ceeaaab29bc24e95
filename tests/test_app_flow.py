"""The whole path a user takes: prompt -> generate (tiny real model) -> the motion shows ->
scrub -> camera key -> export -> undo/redo -> save and reopen."""
import imageio_ffmpeg
import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from engine.formats.project_file import to_dict
from stickgen_studio.views.timeline import RULER_H
from test_app_support import actor_pixels, generate


def grab(win):
    win.viewport.repaint()
    return win.viewport.grab().toImage()


def test_prompt_to_export_undo_and_reopen(qtbot, window, tmp_path):
    win, doc = window, window.doc
    actor = generate(qtbot, win, "a person walks forward, then waves", seed=3)

    # The motion appears: an actor, its action segments on the timeline, a history entry.
    assert actor.motion.num_frames > 50 and actor.prompt.startswith("a person walks")
    assert [it.label for it in win.timeline.items()["action"]][:2] == ["walk", "wave"]
    assert win.prompt_panel.history.count() == 1
    assert "*" in win.windowTitle()

    # A figure is drawn: pixels of the actor's colour.
    color = tuple(int(actor.color[i:i + 2], 16) for i in (1, 3, 5))
    first = grab(win)
    assert actor_pixels(first, color) > 150

    # Scrubbing in the ruler moves the playhead, and the picture changes with it.
    x = int(win.timeline.x_of(60))
    qtbot.mousePress(win.timeline, Qt.LeftButton, pos=QPoint(x, RULER_H // 2))
    qtbot.mouseRelease(win.timeline, Qt.LeftButton, pos=QPoint(x, RULER_H // 2))
    qtbot.waitUntil(lambda: doc.playhead.frame == 60)
    assert grab(win) != first

    # A camera key at the playhead, then an orbit over the clip; the shot view shows it.
    qtbot.mouseClick(win.camera_editor.add_button, Qt.LeftButton)
    assert len(doc.project.camera) == 1 and doc.project.camera[0].frame == 60
    orbit = next(b for b in win.camera_editor.findChildren(type(win.camera_editor.add_button))
                 if b.text() == "Orbit")
    qtbot.mouseClick(orbit, Qt.LeftButton)
    assert len(doc.project.camera) >= 2 and win.viewport.through_shot
    doc.playhead.set_frame(0)
    a = grab(win)
    doc.playhead.set_frame(doc.playhead.last_frame)
    assert grab(win) != a

    # Export through the dialog (Ctrl+E) with the real ffmpeg.
    qtbot.keyClick(win, Qt.Key_E, Qt.ControlModifier)
    dlg = win.export_dialog
    assert dlg is not None and dlg.isVisible()
    out = tmp_path / "clip.mp4"
    dlg.path.setText(str(out))
    dlg.width_box.setValue(320)
    dlg.height_box.setValue(180)
    qtbot.mouseClick(dlg.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Wrote" in dlg.status.text(), timeout=60_000)
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == doc.project.num_frames
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert tuple(meta["size"]) == (320, 180)
    reader.close()
    dlg.close()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)

    # Undo everything, then redo everything: the project comes back identical.
    snapshot = to_dict(doc.project)
    qtbot.mouseClick(win.viewport, Qt.LeftButton)   # focus off the prompt box (its own undo)
    steps = 0
    for _ in range(10):
        if not doc.undo_stack.canUndo():
            break
        qtbot.keyClick(win.viewport, Qt.Key_Z, Qt.ControlModifier)
        steps += 1
    assert doc.project.actors == [] and doc.project.camera == [] and steps == 3
    assert "*" not in win.windowTitle()
    for _ in range(steps):
        qtbot.keyClick(win.viewport, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert to_dict(doc.project) == snapshot

    # Save, start a new project, reopen: equal.
    path = tmp_path / "scene.stickgen"
    assert win.files.save_to(path) and "*" not in win.windowTitle()
    assert win.files.new() and doc.project.actors == []
    assert win.files.open_path(path)
    assert to_dict(doc.project) == snapshot
    assert win.files.recent()[0] == str(path)


def test_newest_request_wins_and_history_brings_a_take_back(qtbot, window):
    win, doc = window, window.doc
    first = generate(qtbot, win, "a person waves hello", seed=5).motion.positions.copy()
    panel = win.prompt_panel
    # Two requests in a row: only the second one's result may land.
    panel.seed.setValue(11)
    assert panel.generate()
    panel.seed.setValue(12)
    assert panel.generate()
    qtbot.waitUntil(lambda: len(doc.project.history) == 2 and not win.generation.busy,
                    timeout=60_000)
    assert [g.seed for g in doc.project.history] == [5, 12]
    assert len(doc.project.actors) == 1 and doc.project.actors[0].seed == 12
    # Double-clicking the first take in the history brings that motion back.
    item = panel.history.item(panel.history.count() - 1)
    panel.history.itemActivated.emit(item)
    qtbot.waitUntil(lambda: len(doc.project.history) == 3, timeout=60_000)
    np.testing.assert_array_equal(doc.project.actors[0].motion.positions, first)
    assert panel.seed.value() == 5
