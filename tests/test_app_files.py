"""Projects, crash recovery, layout memory, a missing model, shortcuts and playback."""
import json

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from engine.formats.project_file import autosave_path, to_dict
from stickgen_studio.jobs.model_service import MISSING
from test_app_support import make_window, place_actor


def test_a_bad_or_newer_project_file_changes_nothing(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    doc = win.doc
    place_actor(win)
    good = tmp_path / "good.stickgen"
    assert win.files.save_to(good)
    place_actor(win, kind="wave")                 # unsaved work on top
    before, title = to_dict(doc.project), win.windowTitle()
    win.files.ask_to_save = lambda: "discard"     # the user would be asked first

    bad = {"garbage.stickgen": "{ not json", "photo.stickgen": "\x89PNG binary",
           "newer.stickgen": json.dumps({"format": "stickgen.project", "schema_version": 99}),
           "foreign.stickgen": json.dumps({"format": "something.else"})}
    for name, text in bad.items():
        (tmp_path / name).write_text(text)
        assert not win.files.open_path(tmp_path / name)
        assert win.message_bar.isVisible() and "unchanged" in win.message_bar.text.text()
        assert to_dict(doc.project) == before and doc.path == good
        assert win.windowTitle() == title and doc.dirty
        if name == "newer.stickgen":
            assert "newer Stick-Gen" in win.message_bar.text.text()
    assert not win.files.open_path(tmp_path / "missing.stickgen")
    assert len(doc.project.actors) == 2


def test_autosave_then_recovery_after_a_crash(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(win)
    saved = win.files.autosave()
    assert saved == autosave_path(tmp_path / "autosave" / "untitled.stickgen") and saved.exists()
    snapshot = to_dict(win.doc.project)
    # A crash: the window goes away without closing properly, the autosave stays behind.
    win.files.timer.stop()
    win.doc.undo_stack.setClean()
    win.hide()

    again = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    assert again.files.check_startup_recovery()
    recover = again.message_bar.button("Recover")
    assert recover is not None
    qtbot.mouseClick(recover, Qt.LeftButton)
    assert to_dict(again.doc.project) == snapshot and again.doc.dirty
    # Saving it makes the recovery copy go away.
    assert again.files.save_to(tmp_path / "kept.stickgen") and not saved.exists()


def test_recovery_is_offered_when_opening_a_file_with_newer_autosave(qtbot, tmp_path,
                                                                     tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(win)
    path = tmp_path / "p.stickgen"
    win.files.save_to(path)
    place_actor(win, kind="wave")
    win.files.autosave()
    assert autosave_path(path).exists()
    win.doc.undo_stack.setClean()
    assert win.files.new()
    assert win.files.open_path(path) and len(win.doc.project.actors) == 1
    qtbot.mouseClick(win.message_bar.button("Recover"), Qt.LeftButton)
    assert len(win.doc.project.actors) == 2 and win.doc.path == path and win.doc.dirty


def test_layout_is_remembered(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    win.page.top_split.setSizes([250, 700, 330])
    win.page.side_tabs.setCurrentIndex(2)
    sizes = win.page.top_split.sizes()
    win.close()
    again = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    assert again.page.top_split.sizes() == sizes
    assert again.page.side_tabs.currentIndex() == 2


def test_without_a_model_the_app_says_so_and_keeps_working(qtbot, tmp_path):
    win = make_window(qtbot, tmp_path, "no-such-variant")
    assert win.service.state == MISSING
    assert win.message_bar.isVisible() and "No model" in win.message_bar.text.text()
    assert "No model" in win.model_status.text()
    win.prompt_panel.prompt.setPlainText("a person walks")
    assert not win.prompt_panel.generate()
    assert "No model" in win.message_bar.text.text()
    place_actor(win)                               # editing still works
    assert win.doc.dirty


def test_shortcuts_title_and_playback(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    doc = win.doc
    assert win.windowTitle().startswith("Untitled —") and "*" not in win.windowTitle()
    place_actor(win, frames=200)
    assert "Untitled *" in win.windowTitle()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    qtbot.mouseClick(win.viewport, Qt.LeftButton, pos=QPoint(5, 5))
    qtbot.keyClick(win.viewport, Qt.Key_Space)
    assert win.player.playing
    qtbot.waitUntil(lambda: doc.playhead.frame >= 5, timeout=5000)
    qtbot.keyClick(win.viewport, Qt.Key_Space)
    assert not win.player.playing
    qtbot.keyClick(win.viewport, Qt.Key_Z, Qt.ControlModifier)
    assert doc.project.actors == [] and "*" not in win.windowTitle()
    qtbot.keyClick(win.viewport, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(doc.project.actors) == 1
    qtbot.keyClick(win.viewport, Qt.Key_O)
    assert win.viewport.onion and win.page.tool_buttons["onion"].isChecked()
    qtbot.keyClick(win.viewport, Qt.Key_C)
    assert win.viewport.through_shot and win.camera_editor.through.isChecked()
    # Typing in the prompt box types: Space there is a space, not play.
    win.prompt_panel.prompt.setFocus()
    qtbot.keyClicks(win.prompt_panel.prompt, "a b")
    assert win.prompt_panel.prompt.toPlainText() == "a b" and not win.player.playing
